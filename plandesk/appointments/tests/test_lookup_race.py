"""Appointment look-ups (the web's find form, the API's cancel; the phone line takes the same `throttle`) spend one
per-address allowance (`appointments.attempt`, core.limits): under a barrier race from one address it holds
exactly, on SpatiaLite and PostGIS (issue 27)."""

from __future__ import annotations

import pytest
from django.test import Client

from plandesk.appointments.services import ATTEMPTS
from plandesk.testing.races import race

ADDRESS = "10.27.1.1"


@pytest.mark.django_db(transaction=True)
def test_simultaneous_lookups_from_one_address_get_exactly_the_allowance(settings):
    settings.PLANDESK_APPOINTMENT_ATTEMPTS_PER_HOUR = 5

    def look(i: int) -> int:
        client = Client(REMOTE_ADDR=ADDRESS)
        card = f"2026{i:08d}"
        if i % 2:
            return client.post(f"/api/v1/appointments/{card}/cancel", {"phone": "13900000000"},
                               content_type="application/json").status_code
        return client.post("/appointments/find/", {"card_number": card, "phone": "13900000000"}).status_code

    codes = race(20, look)
    assert sorted(codes) == [404] * 5 + [429] * 15, codes
    assert ATTEMPTS.used(ADDRESS) == 5
