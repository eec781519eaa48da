"""Slots follow the working-day calendar: none on holidays, Monday's hours on a weekend worked in lieu."""

from datetime import date, datetime

import pytest

from plandesk.appointments import services
from plandesk.appointments.models import Slot
from plandesk.appointments.tests.conftest import SH, booking

pytestmark = pytest.mark.django_db
SLOTS = "/api/v1/appointments/slots"


def test_it_lists_the_slots_of_a_working_day(api, hall, frozen):
    response = api.get(SLOTS, {"date": "2026-09-30"})
    assert response.status_code == 200
    body = response.json()
    assert len(body) == 11  # 5 in the morning, 6 in the afternoon
    first = body[0]
    assert set(first) == {"id", "starts_at", "ends_at", "consultant", "place", "free"}
    assert first["starts_at"] == "2026-09-30T09:00:00+08:00"
    assert first["ends_at"] == "2026-09-30T09:30:00+08:00"
    assert first["consultant"] == "咨询人员 赵磊"
    assert first["place"] == "大厅洽谈区 1 号桌"
    assert all(slot["free"] for slot in body)


def test_it_lists_no_slots_on_national_day_or_a_sunday(api, hall, frozen):
    for day in ("2026-10-01", "2026-10-05", "2026-10-07", "2026-10-11"):
        response = api.get(SLOTS, {"date": day})
        assert response.status_code == 200
        assert response.json() == [], day
    assert not Slot.objects.filter(starts_at__date__in=[date(2026, 10, 1), date(2026, 10, 11)]).exists()


def test_it_opens_on_the_worked_saturday_with_mondays_hours(api, hall, frozen):
    body = api.get(SLOTS, {"date": "2026-10-10"}).json()
    assert len(body) == 11
    assert body[0]["starts_at"] == "2026-10-10T09:00:00+08:00"


def test_it_shows_taken_and_past_slots_as_not_free(api, hall, frozen):
    first = api.get(SLOTS, {"date": "2026-09-30"}).json()[0]
    assert api.post("/api/v1/appointments", booking(first["id"])).status_code == 201
    body = api.get(SLOTS, {"date": "2026-09-30"}).json()
    assert [slot["free"] for slot in body][:2] == [False, True]
    frozen.move_to(datetime(2026, 9, 30, 10, 1, tzinfo=SH))
    body = api.get(SLOTS, {"date": "2026-09-30"}).json()
    assert [slot["free"] for slot in body][:4] == [False, False, False, True]


def test_it_blocks_slots_during_leave(api, hall, consultant, frozen):
    services.block(consultant, datetime(2026, 9, 30, 14, 0, tzinfo=SH), datetime(2026, 9, 30, 18, 0, tzinfo=SH), "请假")
    body = api.get(SLOTS, {"date": "2026-09-30"}).json()
    assert [slot["free"] for slot in body] == [True] * 5 + [False] * 6
    afternoon = body[5]["id"]
    response = api.post("/api/v1/appointments", booking(afternoon))
    assert response.status_code == 409
    assert response.json()["error"] == "slot_unavailable"


def test_it_offers_nothing_beyond_the_booking_horizon(api, hall, frozen):
    assert api.get(SLOTS, {"date": "2026-12-01"}).json() == []


def test_it_refuses_a_bad_date(api, hall, frozen):
    response = api.get(SLOTS, {"date": "2026-02-30"})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_date"


def test_it_stops_slots_on_a_day_made_a_holiday(api, hall, frozen):
    from plandesk.workdays.services import set_day

    assert api.get(SLOTS, {"date": "2026-10-09"}).json()
    set_day(date(2026, 10, 9), "holiday", "临时放假")
    assert api.get(SLOTS, {"date": "2026-10-09"}).json() == []
    slot = Slot.objects.filter(starts_at__date=date(2026, 10, 9)).first()
    response = api.post("/api/v1/appointments", booking(slot.pk))
    assert response.status_code == 409
