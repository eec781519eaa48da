"""The register behind staff assessment (考核): per staff member or per division, for a month or a quarter.

Counts are aggregated by the database (one grouped query per figure); the working days of each step are counted
with the working-day calendar over the period's completed steps, as dates (no deadline is computed here)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Q

from plandesk.organization.models import Unit
from plandesk.workdays import calendar
from plandesk.workdays.calendar import bureau_tz
from plandesk.workflow.models import Light, Task, TaskState

from .models import LightChange, NoticeStatus, PhoneReminder, UrgingNotice

COLUMNS = [
    ("handled", "办结环节"),
    ("on_time", "按时办结"),
    ("on_time_rate", "按时率（%）"),
    ("avg_days", "平均用时（工作日）"),
    ("p90_days", "P90 用时（工作日）"),
    ("yellow", "黄灯次数"),
    ("red", "红灯次数"),
    ("phone", "电话催办"),
    ("urgings", "书面催办"),
]
BY_CHOICES = {"staff": "按人员", "division": "按处室"}


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    label: str
    param: str
    start: date
    end: date  # exclusive

    def bounds(self) -> tuple[datetime, datetime]:
        tz = bureau_tz()
        return (datetime(self.start.year, self.start.month, self.start.day, tzinfo=tz),
                datetime(self.end.year, self.end.month, self.end.day, tzinfo=tz))


def parse_period(text: str | None, today: date) -> Period:
    """`2026-11` (a month) or `2026-Q4` (a quarter); empty means this month."""
    text = (text or "").strip().upper()
    if not text:
        text = f"{today.year}-{today.month:02d}"
    month = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
    quarter = re.fullmatch(r"(\d{4})-Q([1-4])", text)
    if month and 1 <= int(month.group(2)) <= 12:
        year, first, months = int(month.group(1)), int(month.group(2)), 1
        label = f"{year}年{first}月"
    elif quarter:
        year, first, months = int(quarter.group(1)), (int(quarter.group(2)) - 1) * 3 + 1, 3
        label = f"{year}年第{quarter.group(2)}季度"
    else:
        raise PeriodError("期间格式应为 2026-11（月）或 2026-Q4（季度）")
    if not 2000 <= year <= 2100:
        raise PeriodError("年份超出范围")
    end_month = first + months
    end = date(year + (end_month - 1) // 12, (end_month - 1) % 12 + 1, 1)
    return Period(label=label, param=text, start=date(year, first, 1), end=end)


@dataclass
class Row:
    key: int
    name: str
    figures: dict = field(default_factory=dict)

    @property
    def cells(self) -> list:
        return [self.figures[c] for c, _label in COLUMNS]


def _p90(values: list[int]) -> float:
    if not values:
        return 0
    ordered = sorted(values)
    return float(ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)])


def register(period: Period, by: str = "staff") -> list[Row]:
    """One row per person (or division) with any figure in the period, sorted by name."""

    if by not in BY_CHOICES:
        raise PeriodError("统计口径应为 staff 或 division")
    start, end = period.bounds()
    task_key = "completed_by" if by == "staff" else "office"
    held_key = "task__assignee" if by == "staff" else "task__office"
    figures: dict[int, dict] = {}

    def put(key, name, value):
        if key is not None:
            figures.setdefault(key, {c: 0 for c, _ in COLUMNS})[name] = value

    done = Task.objects.filter(state=TaskState.COMPLETED, completed_at__gte=start, completed_at__lt=end)
    for row in done.values(task_key).annotate(
            handled=Count("id"), on_time=Count("id", filter=Q(due_at__isnull=True) | Q(completed_at__lte=F("due_at")))):
        put(row[task_key], "handled", row["handled"])
        put(row[task_key], "on_time", row["on_time"])
    days: dict[int, list[int]] = {}
    for key, created, completed in done.values_list(task_key, "created_at", "completed_at"):
        if key is not None:
            days.setdefault(key, []).append(calendar.working_days_between(calendar.local_date(created),
                                                                          calendar.local_date(completed)))
    changes = LightChange.objects.filter(at__gte=start, at__lt=end)
    for light, name in ((Light.YELLOW, "yellow"), (Light.RED, "red")):
        entered = changes.filter(to_light=light).exclude(from_light=Light.RED)  # red→yellow is no new warning
        for row in entered.values(held_key).annotate(n=Count("id")):
            put(row[held_key], name, row["n"])
    phone_key = "callee" if by == "staff" else "office"
    for row in PhoneReminder.objects.filter(called_at__gte=start, called_at__lt=end).values(phone_key).annotate(
            n=Count("id")):
        put(row[phone_key], "phone", row["n"])
    notice_key = "handler" if by == "staff" else "division"
    for row in UrgingNotice.objects.filter(issued_at__gte=start, issued_at__lt=end, status__in=[
            NoticeStatus.ISSUED, NoticeStatus.ANSWERED]).values(notice_key).annotate(n=Count("id")):
        put(row[notice_key], "urgings", row["n"])

    for key, values in figures.items():
        handled, used = values["handled"], days.get(key, [])
        values["on_time_rate"] = round(100 * values["on_time"] / handled, 1) if handled else 0
        values["avg_days"] = round(sum(used) / len(used), 1) if used else 0
        values["p90_days"] = _p90(used)
    if by == "staff":
        names = {u.pk: u.display_name for u in get_user_model().objects.filter(pk__in=figures)}
    else:
        names = {u.pk: u.name for u in Unit.objects.filter(pk__in=figures)}
    rows = [Row(key=key, name=names.get(key, str(key)), figures=values) for key, values in figures.items()]
    return sorted(rows, key=lambda r: (r.name, r.key))


def chart_data(rows: list[Row]) -> dict:
    """What the page's charts draw, in the same numbers as the table and the Excel file."""
    return {"names": [r.name for r in rows],
            "series": {c: [r.figures[c] for r in rows] for c, _ in COLUMNS},
            "labels": dict(COLUMNS)}


def workbook(rows: list[Row], period: Period, by: str) -> bytes:
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "考核登记"
    sheet.append([f"督办考核登记 {period.label}（{BY_CHOICES[by]}）"])
    sheet["A1"].font = Font(bold=True)
    sheet.append(["人员" if by == "staff" else "处室"] + [label for _c, label in COLUMNS])
    for row in rows:
        sheet.append([row.name] + [row.figures[c] for c, _ in COLUMNS])
    sheet.column_dimensions["A"].width = 18
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
