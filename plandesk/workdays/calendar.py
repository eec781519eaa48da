"""Working-day arithmetic over the bureau's calendar (the contract in docs/CONTRACTS.md, "workdays").

A date is a working day when it is Monday–Friday and not a holiday, or a weekend day entered as an adjusted working
day (调休). The exceptions come from `CalendarDay`, held in a per-process cache that reloads when the token in
`CalendarVersion` changes (one small query per call, whatever the span). A year with no schedule entered has no
exceptions and so falls back to weekends only; nothing here raises for an unknown year.

Office hours end and the yellow-light lead are Django settings: PLANDESK_OFFICE_HOURS_END ("17:30") and
PLANDESK_YELLOW_LEAD_DAYS (1).
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from plandesk.workdays.models import CalendarDay, CalendarVersion, CalendarYear
from plandesk.workdays.seed import seed

# No deadline or answer is ever this far away; beyond it the input is a mistake, not a question.
MAX_DAYS = 36500

HOLIDAY = "holiday"
WORKING_DAY = "working_day"


@dataclass(frozen=True)
class _Snapshot:
    token: str
    kinds: dict[date, str]
    # Sorted dates that change a count: holidays on weekdays (-1) and worked weekend days (+1).
    shifts: list[date]
    shift_values: list[int]
    shift_prefix: list[int]  # shift_prefix[i] = sum(shift_values[:i])


_lock = threading.Lock()
_snapshot: _Snapshot | None = None


def _build(token: str) -> _Snapshot:
    kinds = dict(CalendarDay.objects.values_list("date", "kind"))
    shifts, values = [], []
    for day in sorted(kinds):
        weekday = day.weekday() < 5
        if kinds[day] == HOLIDAY and weekday:
            shifts.append(day)
            values.append(-1)
        elif kinds[day] == WORKING_DAY and not weekday:
            shifts.append(day)
            values.append(1)
    prefix = [0]
    for value in values:
        prefix.append(prefix[-1] + value)
    return _Snapshot(token, kinds, shifts, values, prefix)


def _ensure_seeded() -> str:
    """First use on an empty database (e.g. after a test flush): seed from the package, as the migration does."""

    try:
        with transaction.atomic():
            seed(CalendarDay, CalendarYear, CalendarVersion)
    except IntegrityError:  # another process seeded at the same moment
        pass
    return CalendarVersion.current()


def snapshot() -> _Snapshot:
    """The calendar as of now: reloaded only when another change has been made (in any process)."""
    global _snapshot

    token = CalendarVersion.current()
    if not token:
        token = _ensure_seeded()
    current = _snapshot
    if current is not None and current.token == token and token:
        return current
    with _lock:
        fresh = _build(token)
        _snapshot = fresh
    return fresh


def invalidate() -> None:
    global _snapshot
    _snapshot = None


def _check_days(n: int) -> None:
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError("n must be an int")
    if abs(n) > MAX_DAYS:
        raise ValueError(f"|n| must be at most {MAX_DAYS}")


def _is_working(day: date, kinds: dict[date, str]) -> bool:
    kind = kinds.get(day)
    if kind == HOLIDAY:
        return False
    if kind == WORKING_DAY:
        return True
    return day.weekday() < 5


def is_working_day(d: date) -> bool:
    return _is_working(d, snapshot().kinds)


def add_working_days(start: date, n: int) -> date:
    """The date n working days after `start` (the day after start is day 1); n < 0 counts back, n == 0 is start."""
    _check_days(n)
    return _add(snapshot(), start, n)


def _add(snap: _Snapshot, start: date, n: int) -> date:
    kinds = snap.kinds
    step = 1 if n >= 0 else -1
    remaining = abs(n)
    day = start
    while remaining:
        day += timedelta(days=step)
        if _is_working(day, kinds):
            remaining -= 1
    return day


def _weekdays_through(day: date) -> int:
    """Monday–Friday dates from 0001-01-01 (a Monday) through `day`."""
    weeks, rest = divmod(day.toordinal(), 7)
    return weeks * 5 + min(rest, 5)


def working_days_between(start: date, end: date) -> int:
    """Working days in (start, end]; negative when end is before start."""
    return _between(snapshot(), start, end)


def _between(snap: _Snapshot, start: date, end: date) -> int:
    if end < start:
        return -_between(snap, end, start)
    weekdays = _weekdays_through(end) - _weekdays_through(start)
    lo = bisect.bisect_right(snap.shifts, start)
    hi = bisect.bisect_right(snap.shifts, end)
    return weekdays + snap.shift_prefix[hi] - snap.shift_prefix[lo]


def bureau_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def office_hours_end() -> time:
    value = getattr(settings, "PLANDESK_OFFICE_HOURS_END", "17:30")
    if isinstance(value, time):
        return value
    hours, minutes = str(value).split(":")
    return time(int(hours), int(minutes))


def yellow_lead_days() -> int:
    return int(getattr(settings, "PLANDESK_YELLOW_LEAD_DAYS", 1))


def local_date(moment: datetime) -> date:
    if timezone.is_naive(moment):
        raise ValueError("an aware datetime is required")
    return moment.astimezone(bureau_tz()).date()


def end_of_office_hours(day: date) -> datetime:
    return datetime.combine(day, office_hours_end(), tzinfo=bureau_tz())


def paused_working_days(
    pauses: Iterable[tuple[datetime, datetime | None]], since: datetime | None = None, now: datetime | None = None
) -> int:
    return _paused(snapshot(), pauses, since, now)


def _paused(snap: _Snapshot, pauses, since: datetime | None, now: datetime | None) -> int:
    """Working days covered by the pause intervals: for each (merged) pause, the working days in (its first date,
    its last date]; a pause still open runs to today. Pauses before `since` are clipped to it."""
    now = now or timezone.now()
    intervals = []
    for begin, finish in pauses:
        finish = finish or now
        if since is not None and begin < since:
            begin = since
        if finish <= begin:
            continue
        intervals.append((begin, finish))
    intervals.sort()
    merged: list[list[datetime]] = []
    for begin, finish in intervals:
        if merged and begin <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], finish)
        else:
            merged.append([begin, finish])
    return sum(max(0, _between(snap, local_date(b), local_date(f))) for b, f in merged)


def deadline(
    start_at: datetime, n: int, pauses: Iterable[tuple[datetime, datetime | None]] = (), now: datetime | None = None
) -> datetime:
    """End of office hours of the n-th working day after start_at's date (Asia/Shanghai), moved later by the
    working days that the pause intervals cover (暂停计时)."""
    _check_days(n)
    snap = snapshot()
    extra = _paused(snap, pauses, start_at, now)
    return end_of_office_hours(_add(snap, local_date(start_at), n + extra))


def warn_at(start_at: datetime, due_at: datetime, lead_days: int | None = None) -> datetime:
    """When the yellow light comes: end of office hours `lead_days` working days before the due date (default
    PLANDESK_YELLOW_LEAD_DAYS = 1), never before start_at and never after due_at."""
    lead = yellow_lead_days() if lead_days is None else lead_days
    _check_days(lead)
    due_day = local_date(due_at)
    moment = datetime.combine(add_working_days(due_day, -lead), due_at.astimezone(bureau_tz()).timetz())
    return min(max(moment, start_at), due_at)
