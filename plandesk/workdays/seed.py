"""Seeding the calendar from the `chinesecalendar` package, for every year the package knows.

Written against model classes passed in, so that the data migration (historical models) and `plandesk demo`
share it. Idempotent: dates already in the table are left as they are (an administrator's correction wins).
"""

from __future__ import annotations

import uuid
from datetime import date

from django.utils import timezone

HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def package_schedule() -> tuple[dict[date, tuple[str, str]], set[int]]:
    """{date: (kind, name)} and the years the package covers. The package raises for years it does not know."""
    from chinese_calendar import constants

    days: dict[date, tuple[str, str]] = {}
    for day, name in constants.holidays.items():
        days[day] = ("holiday", HOLIDAY_NAMES.get(str(name), str(name)))
    for day, name in constants.workdays.items():
        if day.weekday() >= 5 and day not in days:
            days[day] = ("working_day", f"{HOLIDAY_NAMES.get(str(name), str(name))}调休")
    years = {day.year for day in days}
    return days, years


def seed(day_model, year_model, version_model) -> int:
    """Insert the package's days and years that are missing; returns how many days were added."""
    days, years = package_schedule()
    existing = set(day_model.objects.filter(date__in=list(days)).values_list("date", flat=True))
    new_days = [
        day_model(date=day, kind=kind, name=name, source="package")
        for day, (kind, name) in sorted(days.items())
        if day not in existing
    ]
    day_model.objects.bulk_create(new_days, ignore_conflicts=True)
    known_years = set(year_model.objects.values_list("year", flat=True))
    year_model.objects.bulk_create(
        [
            year_model(year=year, source="package", entered_at=timezone.now(), note="chinesecalendar")
            for year in sorted(years - known_years)
        ],
        ignore_conflicts=True,
    )
    if new_days or years - known_years:
        token = uuid.uuid4().hex
        if not version_model.objects.filter(pk=1).update(token=token, changed_at=timezone.now()):
            version_model.objects.create(pk=1, token=token, changed_at=timezone.now())
    return len(new_days)
