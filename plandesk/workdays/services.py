"""Changing the calendar: every change is validated, audited, bumps the cache token and sends `calendar_changed`,
all in one transaction (the receivers' recomputed deadlines included)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from plandesk.audit.services import record
from plandesk.core.signals import calendar_changed
from plandesk.workdays.models import CalendarDay, CalendarVersion, CalendarYear


def _changed(dates: set[date]) -> None:
    CalendarVersion.bump()
    calendar_changed.send(sender=CalendarDay, dates=set(dates))


@transaction.atomic
def set_day(day: date, kind: str, name: str, *, previous_date: date | None = None) -> CalendarDay:
    """Add a calendar day, or correct the one already entered for that date (a date is one kind, never both).

    `previous_date` moves an existing entry to `day` (a correction of the date itself)."""
    existing = CalendarDay.objects.select_for_update().filter(date=day).first()
    moved = None
    if previous_date is not None and previous_date != day:
        moved = CalendarDay.objects.select_for_update().filter(date=previous_date).first()
        if existing is not None:
            raise ValidationError({"date": "该日期已有记录，请直接修改那一条。"})
    target = existing or moved or CalendarDay(date=day)
    before = target.as_dict() if target.pk else None
    target.date, target.kind, target.name = day, kind, (name or "").strip()
    target.full_clean(exclude=["source"], validate_unique=False)
    if before == target.as_dict():
        return target
    if target.pk is None or moved is not None or target.source == "package":
        target.source = "admin"
    target.save()
    record(
        "workdays.day_set",
        target,
        before=before,
        after=target.as_dict(),
        summary=f"{'修改' if before else '新增'}日历：{target}",
    )
    dates = {day} | ({previous_date} if previous_date else set())
    _changed(dates)
    return target


@transaction.atomic
def remove_day(entry: CalendarDay) -> None:
    before = entry.as_dict()
    day = entry.date
    record("workdays.day_removed", entry, before=before, summary=f"删除日历：{entry}")
    entry.delete()
    _changed({day})


@transaction.atomic
def enter_year(year: int, note: str = "") -> CalendarYear:
    """Mark a year's schedule as entered: its warning goes away. Arithmetic does not change, so no signal."""
    entry = CalendarYear.objects.filter(year=year).first()
    if entry is None:
        entry = CalendarYear(year=year, note=note)
        entry.full_clean()
        entry.save()
        record("workdays.year_entered", entry, after={"year": year, "note": note}, summary=f"{year} 年节假日安排已录入")
    return entry
