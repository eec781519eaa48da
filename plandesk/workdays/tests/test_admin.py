"""Administrators add and correct calendar days in the admin: validated, audited, and announced by signal."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from plandesk.audit.models import Event
from plandesk.conftest import PASSWORD
from plandesk.workdays.calendar import add_working_days, is_working_day
from plandesk.workdays.models import CalendarDay, CalendarYear
from plandesk.workdays.services import enter_year, remove_day, set_day

pytestmark = pytest.mark.django_db
TODAY = datetime(2026, 11, 27, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def admin_client(administrator):
    client = Client()
    client.login(username=administrator.username, password=PASSWORD)
    return client


def add_url():
    return reverse("admin:workdays_calendarday_add")


def test_it_adds_a_2027_holiday_in_the_admin_with_audit_and_signal(admin_client, calendar_signals):
    assert is_working_day(date(2027, 1, 1))
    response = admin_client.post(add_url(), {"date": "2027-01-01", "kind": "holiday", "name": "元旦"})
    assert response.status_code == 302, response.content.decode()[:2000]
    day = CalendarDay.objects.get(date=date(2027, 1, 1))
    assert (day.kind, day.name, day.source) == ("holiday", "元旦", "admin")
    assert not is_working_day(date(2027, 1, 1))
    assert add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert calendar_signals == [{date(2027, 1, 1)}]
    event = Event.objects.filter(action="workdays.day_set").get()
    assert event.actor.username == "root"
    assert event.before is None
    assert event.after == {"date": "2027-01-01", "kind": "holiday", "name": "元旦"}


def test_it_updates_a_date_already_in_the_table_instead_of_refusing(admin_client, calendar_signals):
    assert CalendarDay.objects.get(date=date(2026, 10, 10)).kind == "working_day"
    response = admin_client.post(add_url(), {"date": "2026-10-10", "kind": "holiday", "name": "国庆节（更正）"})
    assert response.status_code == 302
    assert CalendarDay.objects.filter(date=date(2026, 10, 10)).count() == 1
    assert CalendarDay.objects.get(date=date(2026, 10, 10)).kind == "holiday"
    assert add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 12)
    event = Event.objects.filter(action="workdays.day_set").get()
    assert event.before["kind"] == "working_day"
    assert event.after["kind"] == "holiday"
    assert calendar_signals == [{date(2026, 10, 10)}]


def test_it_refuses_an_adjusted_working_day_on_a_weekday(admin_client, calendar_signals):
    response = admin_client.post(add_url(), {"date": "2026-12-02", "kind": "working_day", "name": "调休"})
    assert response.status_code == 200
    assert "调休上班日必须是周六或周日" in response.content.decode()
    assert not CalendarDay.objects.filter(date=date(2026, 12, 2)).exists()
    assert calendar_signals == []
    assert not Event.objects.filter(action="workdays.day_set").exists()


def test_it_refuses_a_day_without_a_name(admin_client):
    response = admin_client.post(add_url(), {"date": "2026-12-02", "kind": "holiday", "name": " "})
    assert response.status_code == 200
    assert not CalendarDay.objects.filter(date=date(2026, 12, 2)).exists()


def test_it_refuses_moving_a_day_onto_another_entered_date(admin_client):
    day = CalendarDay.objects.get(date=date(2026, 10, 10))
    url = reverse("admin:workdays_calendarday_change", args=[day.pk])
    response = admin_client.post(url, {"date": "2026-10-01", "kind": "working_day", "name": "x"})
    assert response.status_code == 200
    assert "该日期已有记录" in response.content.decode()
    assert CalendarDay.objects.get(pk=day.pk).date == date(2026, 10, 10)


def test_it_moves_a_day_and_signals_both_dates(admin_client, calendar_signals):
    day = CalendarDay.objects.get(date=date(2026, 10, 10))
    url = reverse("admin:workdays_calendarday_change", args=[day.pk])
    response = admin_client.post(url, {"date": "2026-10-11", "kind": "working_day", "name": "国庆节调休"})
    assert response.status_code == 302
    assert not is_working_day(date(2026, 10, 10))
    assert is_working_day(date(2026, 10, 11))
    assert calendar_signals == [{date(2026, 10, 10), date(2026, 10, 11)}]


def test_it_deletes_a_day_with_audit_and_signal(admin_client, calendar_signals):
    day = CalendarDay.objects.get(date=date(2026, 10, 10))
    url = reverse("admin:workdays_calendarday_delete", args=[day.pk])
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not is_working_day(date(2026, 10, 10))
    assert calendar_signals == [{date(2026, 10, 10)}]
    assert Event.objects.filter(action="workdays.day_removed").count() == 1


def test_it_changes_nothing_when_a_receiver_fails(calendar_signals):
    from plandesk.core.signals import calendar_changed

    def broken(sender, dates, **kwargs):
        raise RuntimeError("recompute failed")

    calendar_changed.connect(broken, weak=False)
    try:
        with pytest.raises(RuntimeError):
            set_day(date(2026, 12, 1), "holiday", "测试")
    finally:
        calendar_changed.disconnect(broken)
    assert is_working_day(date(2026, 12, 1))
    assert not Event.objects.filter(action="workdays.day_set").exists()


def test_it_ignores_a_correction_that_changes_nothing(calendar_signals):
    day = CalendarDay.objects.get(date=date(2026, 10, 10))
    set_day(day.date, day.kind, day.name)
    assert calendar_signals == []


def test_it_validates_in_the_service_too():
    with pytest.raises(ValidationError):
        set_day(date(2026, 12, 2), "working_day", "调休")
    with pytest.raises(ValidationError):
        set_day(date(2026, 12, 2), "bogus", "x")


def test_it_keeps_the_admin_from_non_administrators(member, outsider):
    for user in (member, outsider):
        client = Client()
        client.login(username=user.username, password=PASSWORD)
        response = client.post(add_url(), {"date": "2027-01-01", "kind": "holiday", "name": "元旦"})
        assert response.status_code == 302
        assert "/login/" in response["Location"]
    assert not CalendarDay.objects.filter(date=date(2027, 1, 1)).exists()


@time_machine.travel(TODAY, tick=False)
def test_it_warns_administrators_about_2027_in_the_admin_and_the_workbench(admin_client):
    text = "2027 年的法定节假日安排尚未录入"
    assert text in admin_client.get(reverse("admin:index")).content.decode()
    assert text in admin_client.get(reverse("admin:workdays_calendarday_changelist")).content.decode()
    assert text in admin_client.get(reverse("core:home")).content.decode()


@time_machine.travel(TODAY, tick=False)
def test_it_does_not_show_the_warning_to_others(member):
    client = Client()
    client.login(username=member.username, password=PASSWORD)
    assert "尚未录入" not in client.get(reverse("core:home")).content.decode()


@time_machine.travel(TODAY, tick=False)
def test_it_stops_warning_once_the_year_is_entered(admin_client):
    response = admin_client.post(reverse("admin:workdays_calendaryear_add"), {"year": "2027", "note": "国办发明电"})
    assert response.status_code == 302
    assert CalendarYear.objects.filter(year=2027).exists()
    assert Event.objects.filter(action="workdays.year_entered").count() == 1
    assert "尚未录入" not in admin_client.get(reverse("admin:index")).content.decode()
    assert "尚未录入" not in admin_client.get(reverse("core:home")).content.decode()


def test_it_removes_and_enters_through_services(calendar_signals):
    remove_day(CalendarDay.objects.get(date=date(2026, 9, 20)))
    assert not is_working_day(date(2026, 9, 20))
    assert enter_year(2027).year == 2027
    assert enter_year(2027).year == 2027
    assert Event.objects.filter(action="workdays.year_entered").count() == 1
    with pytest.raises(ValidationError):
        enter_year(1800)


def test_it_seeds_idempotently_in_the_demo():
    from io import StringIO

    from plandesk.workdays import demo

    set_day(date(2026, 10, 10), "holiday", "更正")
    count = CalendarDay.objects.count()
    demo.load(StringIO())
    demo.load(StringIO())
    assert CalendarDay.objects.count() == count
    # An administrator's correction survives a re-seed.
    assert CalendarDay.objects.get(date=date(2026, 10, 10)).kind == "holiday"
    assert set(CalendarYear.objects.values_list("year", flat=True)) >= set(range(2004, 2027))
