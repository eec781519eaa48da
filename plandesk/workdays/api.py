"""Public calendar arithmetic (shared/API.md, "Catalogue and calendar")."""

from __future__ import annotations

from datetime import date

from ninja import Router, Schema

from plandesk.core.api_errors import ApiError, ErrorOut
from plandesk.workdays import calendar

router = Router(tags=["工作日历 calendar"])
PREFIX = "/calendar"

# A question spanning more than this is a typo, not a deadline.
MAX_API_DAYS = 3650
MAX_API_SPAN_DAYS = 36500



class DateOut(Schema):
    date: date


class DaysOut(Schema):
    days: int


def parse_date(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ApiError(400, "invalid_date", f"{field} 不是有效日期（格式 YYYY-MM-DD）", field=field) from None


@router.get("/add-working-days", response={200: DateOut, 400: ErrorOut}, auth=None)
def add_working_days(request, start: str, days: str):
    """The date `days` working days after `start` (the day after start is day 1)."""
    first = parse_date(start, "start")
    try:
        count = int(days)
    except ValueError:
        raise ApiError(400, "invalid_days", "days 必须是整数", field="days") from None
    if count < 0 or count > MAX_API_DAYS:
        raise ApiError(400, "invalid_days", f"days 必须在 0 到 {MAX_API_DAYS} 之间", field="days")
    return {"date": calendar.add_working_days(first, count)}


@router.get("/working-days-between", response={200: DaysOut, 400: ErrorOut}, auth=None)
def working_days_between(request, start: str, end: str):
    """Working days in (start, end]; negative when end is before start."""
    first, last = parse_date(start, "start"), parse_date(end, "end")
    if abs((last - first).days) > MAX_API_SPAN_DAYS:
        raise ApiError(400, "span_too_long", "起止日期相距过远（不超过 100 年）", field="end")
    return {"days": calendar.working_days_between(first, last)}
