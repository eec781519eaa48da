"""Statistics API: GET /api/v1/reports/summary (office and director)."""

from __future__ import annotations

from ninja import Query, Router, Schema

from plandesk.core.api_errors import ApiError, ErrorOut

from . import stats
from .access import sees_all

router = Router(tags=["统计 reports"])



class ItemFigures(Schema):
    code: str
    received: int
    completed: int
    on_time: int
    overdue: int


class SummaryOut(Schema):
    received: int
    completed: int
    on_time: int
    overdue: int
    by_item: list[ItemFigures]




@router.get("/reports/summary", response={200: SummaryOut, 400: ErrorOut, 403: ErrorOut},
            summary="统计汇总 (office, director)")
def summary(request, from_: str = Query("", alias="from"), to: str = Query("")):
    """Figures of the period [from, to] (local dates, both included); office and director only, others `403`;
    missing or malformed dates, `to` before `from`, or more than three years → `400`.

    - `received`: cases registered in the period.
    - `completed`: cases whose result became ready for pick-up in the period (whenever received).
    - `on_time`: completed in the period no later than the case's promised deadline (`due_at`); the deadline is
      moved later by the working days of every pause (补正、公示、专家评审、听证), so pauses are excluded.
    - `overdue`: completed in the period after the promised deadline, plus cases still open at the end of `to`
      (not ready, closed, refused or withdrawn by then) whose promised deadline had passed by then.
    - `by_item`: the same per item code; a case of several items counts under each of them."""
    if not sees_all(request.auth):
        raise ApiError(403, "forbidden", "仅办公室和局长可以查看统计汇总")
    period = stats.Period.parse(from_, to)  # a bad period: 400 invalid_period (a refusal)
    totals = stats.summary(period)
    by_item = [{"code": row["key"], **{k: row[k] for k in ("received", "completed", "on_time", "overdue")}}
               for row in stats.table(period, "item")]
    return {**{k: totals[k] for k in ("received", "completed", "on_time", "overdue")}, "by_item": by_item}
