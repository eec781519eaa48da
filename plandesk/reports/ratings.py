"""Rating figures per division and per staff member: one function for the reports dashboard and export and for the
supervision's assessment page (考核登记), so that the two show the same numbers.

- Per division: the ratings of the cases the division handled (`Rating.office`, the case's handling office when it
  was rated).
- Per staff member: every person who completed a step of a rated case gets that rating (each case once per person).
A rating counts in the period in which it was given (`rated_at`). Satisfaction = (非常满意 + 满意 + 基本满意) / all,
in %. Counted by the database, grouped once; nothing is looped over per rating in Python.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Q

from plandesk.workflow.models import Task, TaskState

from .models import Level, Rating

BY = ("division", "staff")
LEVEL_COLUMNS = [(f"level_{value}", label) for value, label in sorted(Level.choices, reverse=True)]


def _scoped(rows, scope: Q | None, prefix: str):
    if scope is None:
        return rows
    return rows.filter(**{f"{prefix}{key}": value for key, value in scope.children})


def figures(start: datetime, end: datetime, by: str = "division", scope: Q | None = None) -> list[dict]:
    """Rows {pk, key, name, count, level_5 … level_1, bad, satisfaction} of the ratings given in [start, end), per
    division (`pk` = unit id, `key` = unit code) or per staff member (`pk` = user id, `key` = username), sorted by
    key. `scope` is a case condition of simple lookups (a division head's `handling_office__in=…`)."""

    if by not in BY:
        raise ValueError(f"by must be one of {BY}")
    if by == "division":
        rows = _scoped(Rating.objects.filter(rated_at__gte=start, rated_at__lt=end), scope, "case__")
        counted, level = "pk", "level"
        group = {"pk": F("office_id")}
        distinct = False
    else:
        rows = _scoped(Task.objects.filter(state=TaskState.COMPLETED, completed_by__isnull=False,
                                           case__rating__rated_at__gte=start, case__rating__rated_at__lt=end),
                       scope, "case__")
        counted, level = "case", "case__rating__level"
        group = {"pk": F("completed_by_id")}
        distinct = True  # a person with several steps of one case counts its rating once
    levels = {f"level_{v}": Count(counted, distinct=distinct, filter=Q(**{level: v})) for v in Level.values}
    grouped = list(rows.values(**group).annotate(
        count=Count(counted, distinct=distinct), bad=Count(counted, distinct=distinct,
                                                           filter=Q(**{f"{level}__in": Level.bad()})),
        **levels).order_by())
    names = _names(by, [row["pk"] for row in grouped])
    out = []
    for row in grouped:
        good = row["level_5"] + row["level_4"] + row["level_3"]
        key, name = names[row["pk"]]
        out.append({**row, "key": key, "name": name,
                    "satisfaction": round(100 * good / row["count"], 1) if row["count"] else None})
    return sorted(out, key=lambda r: r["key"])


def _names(by: str, pks: list[int]) -> dict[int, tuple[str, str]]:
    if by == "division":
        from plandesk.organization.models import Unit

        return {u.pk: (u.code, u.name) for u in Unit.objects.filter(pk__in=pks).only("code", "name")}
    return {u.pk: (u.username, u.display_name) for u in get_user_model().objects.filter(pk__in=pks)}
