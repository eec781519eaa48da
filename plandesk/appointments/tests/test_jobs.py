"""The worker's jobs: the reminder the working day before, no-shows, and the demo data."""

from datetime import datetime
from io import StringIO

import pytest

from plandesk.appointments import jobs
from plandesk.appointments.models import Appointment, Slot
from plandesk.appointments.tests.conftest import SH, booking

pytestmark = pytest.mark.django_db


def test_it_reminds_the_working_day_before_across_national_day(api, hall, frozen):
    from plandesk.notifications.models import Notification

    slot = api.get("/api/v1/appointments/slots", {"date": "2026-10-08"}).json()[0]["id"]
    card = api.post("/api/v1/appointments", booking(slot)).json()["card_number"]
    frozen.move_to(datetime(2026, 9, 29, 9, 0, tzinfo=SH))
    assert jobs.send_reminders() == 0
    # 09-30 is the working day before 10-08.
    frozen.move_to(datetime(2026, 9, 30, 9, 0, tzinfo=SH))
    assert jobs.send_reminders() == 1
    assert jobs.send_reminders() == 0
    notice = Notification.objects.get(kind="appointment.reminder")
    assert notice.address == "13800138000" and card in notice.body


def test_it_marks_no_shows_after_the_grace_time(api, hall, frozen):
    slots = api.get("/api/v1/appointments/slots", {"date": "2026-09-30"}).json()
    card = api.post("/api/v1/appointments", booking(slots[0]["id"])).json()["card_number"]
    frozen.move_to(datetime(2026, 9, 30, 9, 45, tzinfo=SH))
    assert jobs.mark_no_shows() == 0
    frozen.move_to(datetime(2026, 9, 30, 10, 1, tzinfo=SH))
    assert jobs.mark_no_shows() == 1
    assert Appointment.objects.get(card_number=card).status == "no_show"
    assert jobs.mark_no_shows() == 0


def test_it_loads_demo_slots_for_the_demo_consultant(frozen):
    from plandesk.accounts.demo import load as load_accounts
    from plandesk.appointments.demo import load

    load_accounts(StringIO())
    load(StringIO())
    load(StringIO())
    slots = Slot.objects.filter(consultant__username="consultant")
    assert slots.count() == 10 * 11
    assert not slots.filter(starts_at__date__range=("2026-10-01", "2026-10-07")).exists()


def test_it_tells_bookings_on_a_day_made_a_holiday(api, hall, frozen):
    from datetime import date

    from plandesk.notifications.models import Notification
    from plandesk.workdays.services import set_day

    slot = api.get("/api/v1/appointments/slots", {"date": "2026-10-09"}).json()[0]["id"]
    card = api.post("/api/v1/appointments", booking(slot)).json()["card_number"]
    set_day(date(2026, 10, 9), "holiday", "临时调整")
    sms = Notification.objects.get(kind="appointment.closed_day", channel="sms")
    assert sms.address == "13800138000" and card in sms.body
    assert Notification.objects.filter(kind="appointment.closed_day", channel="in_app").count() == 1
