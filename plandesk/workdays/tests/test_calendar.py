"""Working-day arithmetic over the real 2026 schedule (seeded by the data migration from chinesecalendar)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from plandesk.workdays import calendar
from plandesk.workdays.calendar import (
    add_working_days,
    deadline,
    is_working_day,
    warn_at,
    working_days_between,
)
from plandesk.workdays.models import CalendarDay, CalendarVersion
from plandesk.workdays.services import set_day

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def at(y, m, d, hh=9, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=SH)


def test_it_knows_the_spring_festival_2026():
    assert is_working_day(date(2026, 2, 14))  # Saturday worked in lieu
    assert is_working_day(date(2026, 2, 28))  # Saturday worked in lieu
    for day in range(15, 24):
        assert not is_working_day(date(2026, 2, day)), day
    assert is_working_day(date(2026, 2, 24))
    assert not is_working_day(date(2026, 2, 21))


def test_it_knows_the_national_day_2026():
    assert is_working_day(date(2026, 9, 20))  # Sunday worked in lieu
    assert is_working_day(date(2026, 10, 10))  # Saturday worked in lieu
    for day in range(1, 8):
        assert not is_working_day(date(2026, 10, day)), day
    assert not is_working_day(date(2026, 10, 11))


def test_it_adds_working_days_across_national_day():
    assert add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)
    assert add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert add_working_days(date(2026, 9, 30), 0) == date(2026, 9, 30)


def test_it_adds_working_days_across_spring_festival():
    # 02-13 Fri -> 02-14 (worked Saturday) is day 1, then 02-24 is day 2.
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert add_working_days(date(2026, 2, 13), 2) == date(2026, 2, 24)
    assert add_working_days(date(2026, 2, 13), 6) == date(2026, 2, 28)


def test_it_counts_back_with_negative_days():
    assert add_working_days(date(2026, 10, 8), -1) == date(2026, 9, 30)
    assert add_working_days(date(2026, 2, 24), -1) == date(2026, 2, 14)


def test_it_counts_working_days_between():
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 10)) == 3
    assert working_days_between(date(2026, 2, 13), date(2026, 2, 28)) == 6
    assert working_days_between(date(2026, 10, 1), date(2026, 10, 7)) == 0
    assert working_days_between(date(2026, 10, 10), date(2026, 9, 30)) == -3
    assert working_days_between(date(2026, 5, 5), date(2026, 5, 5)) == 0


def test_it_agrees_with_counting_day_by_day_over_two_years():
    start = date(2025, 12, 1)
    for offset in range(0, 430, 7):
        end = start + timedelta(days=offset)
        expected = sum(is_working_day(start + timedelta(days=k)) for k in range(1, offset + 1))
        assert working_days_between(start, end) == expected, end
        if expected:
            assert add_working_days(start, expected) <= end


def test_it_has_248_working_days_in_2026():
    # 261 weekdays, less 19 holidays that fall on weekdays, plus 6 weekend days worked in lieu.
    assert working_days_between(date(2025, 12, 31), date(2026, 12, 31)) == 248


def test_it_falls_back_to_weekends_for_2027_without_crashing():
    assert not CalendarDay.objects.filter(date__year=2027).exists()
    assert is_working_day(date(2027, 1, 1))  # a Friday: New Year's Day is unknown until entered
    assert not is_working_day(date(2027, 1, 2))
    assert add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 1)
    assert working_days_between(date(2026, 12, 31), date(2027, 12, 31)) == 261


def test_it_sets_the_deadline_at_the_end_of_office_hours():
    due = deadline(at(2026, 9, 30, 10), 3)
    assert due == datetime(2026, 10, 10, 17, 30, tzinfo=SH)
    assert due.isoformat() == "2026-10-10T17:30:00+08:00"


def test_it_takes_the_bureau_date_of_a_utc_start():
    # 2026-09-30 17:00 UTC is already 2026-10-01 01:00 in Shanghai.
    start = datetime(2026, 9, 30, 17, 0, tzinfo=ZoneInfo("UTC"))
    assert deadline(start, 1) == datetime(2026, 10, 8, 17, 30, tzinfo=SH)


def test_it_honours_a_configured_end_of_office_hours(settings):
    settings.PLANDESK_OFFICE_HOURS_END = "17:00"
    assert deadline(at(2026, 9, 30), 3) == datetime(2026, 10, 10, 17, 0, tzinfo=SH)


def test_it_excludes_pauses():
    start = at(2026, 11, 2)  # Monday
    assert deadline(start, 5) == at(2026, 11, 9, 17, 30)
    pause = (at(2026, 11, 3, 10), at(2026, 11, 5, 15))  # covers 11-04 and 11-05
    assert deadline(start, 5, [pause]) == at(2026, 11, 11, 17, 30)


def test_it_counts_only_working_days_of_a_pause_over_national_day():
    start = at(2026, 9, 28)
    assert deadline(start, 5) == at(2026, 10, 10, 17, 30)  # 29, 30, 8, 9, 10
    pause = (at(2026, 9, 30, 9), at(2026, 10, 9, 16))  # covers 10-08 and 10-09 only
    assert deadline(start, 5, [pause]) == at(2026, 10, 13, 17, 30)


def test_it_merges_overlapping_pauses_and_ignores_empty_ones():
    start = at(2026, 11, 2)
    pauses = [
        (at(2026, 11, 3), at(2026, 11, 5)),
        (at(2026, 11, 4), at(2026, 11, 6)),
        (at(2026, 11, 9), at(2026, 11, 9)),
    ]
    assert deadline(start, 5, pauses) == at(2026, 11, 12, 17, 30)  # 4, 5, 6 paused


def test_it_runs_an_open_pause_to_today():
    start = at(2026, 11, 2)
    with time_machine.travel(at(2026, 11, 6, 11), tick=False):
        assert deadline(start, 5, [(at(2026, 11, 3, 10), None)]) == at(2026, 11, 12, 17, 30)


def test_it_warns_one_working_day_before_due():
    start = at(2026, 9, 1)
    assert warn_at(start, at(2026, 10, 10, 17, 30)) == at(2026, 10, 9, 17, 30)
    assert warn_at(start, at(2026, 10, 8, 17, 30)) == at(2026, 9, 30, 17, 30)


def test_it_warns_with_a_configured_lead_but_never_before_start(settings):
    settings.PLANDESK_YELLOW_LEAD_DAYS = 2
    assert warn_at(at(2026, 9, 1), at(2026, 10, 10, 17, 30)) == at(2026, 10, 8, 17, 30)
    assert warn_at(at(2026, 10, 9, 9), at(2026, 10, 10, 17, 30)) == at(2026, 10, 9, 9)
    assert warn_at(at(2026, 9, 1), at(2026, 10, 10, 17, 30), lead_days=0) == at(2026, 10, 10, 17, 30)


def test_it_rejects_absurd_spans():
    with pytest.raises(ValueError):
        add_working_days(date(2026, 1, 1), calendar.MAX_DAYS + 1)
    with pytest.raises(ValueError):
        deadline(datetime(2026, 1, 1, 9), 1)  # naive


def test_it_does_a_year_of_arithmetic_in_one_query(django_assert_max_num_queries):
    add_working_days(date(2026, 1, 1), 5)  # warm the cache
    with django_assert_max_num_queries(1):
        assert add_working_days(date(2025, 12, 31), 248) == date(2026, 12, 31)
    with django_assert_max_num_queries(1):
        deadline(at(2026, 1, 5), 248, [(at(2026, 3, 2), at(2026, 3, 20))])


def test_it_reloads_after_a_change_in_another_process():
    assert is_working_day(date(2026, 12, 1))
    # Another process writes a day and bumps the token: this process's cache must notice.
    CalendarDay.objects.create(date=date(2026, 12, 1), kind="holiday", name="测试")
    CalendarVersion.bump()
    assert not is_working_day(date(2026, 12, 1))


def test_it_sees_a_change_made_through_the_service_at_once():
    assert add_working_days(date(2026, 11, 30), 1) == date(2026, 12, 1)
    set_day(date(2026, 12, 1), "holiday", "测试假日")
    assert add_working_days(date(2026, 11, 30), 1) == date(2026, 12, 2)
    assert working_days_between(date(2026, 11, 30), date(2026, 12, 2)) == 1


def test_it_seeds_on_first_use_of_an_empty_table():
    CalendarDay.objects.all().delete()
    from plandesk.workdays.models import CalendarYear

    CalendarYear.objects.all().delete()
    CalendarVersion.objects.all().delete()
    calendar.invalidate()
    assert add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)
    assert CalendarYear.objects.filter(year=2004).exists()
    assert CalendarYear.objects.filter(year=2026).exists()
