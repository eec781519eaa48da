"""Twenty people book one slot at the same moment: one booking, nineteen clear refusals (both backends)."""

import threading

import pytest
from django.db import connections
from django.test import Client

from plandesk.appointments.models import Appointment
from plandesk.appointments.tests.conftest import booking


@pytest.mark.django_db(transaction=True)
def test_it_never_double_books_a_slot_under_concurrency(hall, frozen):
    client = Client()
    slot = client.get("/api/v1/appointments/slots", {"date": "2026-09-30"}).json()[0]["id"]
    barrier = threading.Barrier(20)
    results: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def attempt(index: int) -> None:
        try:
            own = Client()
            barrier.wait()
            response = own.post("/api/v1/appointments", booking(slot, phone=f"139{index:08d}"),
                                content_type="application/json", REMOTE_ADDR=f"10.0.0.{index + 1}")
            with lock:
                results.append((response.status_code, response.json()))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    statuses = sorted(status for status, _ in results)
    assert statuses == [201] + [409] * 19, results
    assert all(body["error"] == "slot_taken" for status, body in results if status == 409)
    assert Appointment.objects.filter(slot_id=slot).count() == 1


@pytest.mark.django_db(transaction=True)
def test_it_holds_the_per_phone_limit_under_concurrency(hall, frozen, settings):
    settings.PLANDESK_APPOINTMENT_MAX_FUTURE_PER_PHONE = 2
    client = Client()
    slots = [s["id"] for s in client.get("/api/v1/appointments/slots", {"date": "2026-09-30"}).json()[:6]]
    barrier = threading.Barrier(len(slots))
    statuses: list[int] = []
    lock = threading.Lock()

    def attempt(slot: int) -> None:
        try:
            own = Client()
            barrier.wait()
            response = own.post("/api/v1/appointments", booking(slot), content_type="application/json",
                                REMOTE_ADDR=f"10.1.0.{slot % 250}")
            with lock:
                statuses.append(response.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(slot,)) for slot in slots]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201, 201, 409, 409, 409, 409]
    assert Appointment.objects.filter(phone="13800138000").count() == 2
