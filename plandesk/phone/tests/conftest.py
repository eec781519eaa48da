"""Fixtures: the demo bureau with one filed case (window) and the hall with one booked appointment (appointments)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.utils.timezone import localtime

from plandesk.appointments.tests.conftest import consultant, hall  # noqa: F401 (fixtures)
from plandesk.window.tests.conftest import application, bureau, fast_hasher, window_files  # noqa: F401

NOW = datetime.fromisoformat("2026-11-27 10:00:00+08:00")  # a Friday
MOBILE = "13800138000"


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def filed(bureau, frozen):  # noqa: F811
    from plandesk.window import services

    return services.intake(application(), actor=bureau["intake"])


@pytest.fixture
def appointment(hall, frozen):  # noqa: F811
    """Monday 2026-11-30 at 9:30, booked by phone 13800138000."""
    from plandesk.appointments import services

    slot = next(s for s in services.slots_on(date(2026, 11, 30)) if f"{localtime(s.starts_at):%H:%M}" == "09:30")
    return services.book(slot.pk, services.Applicant("张三", MOBILE, "规划许可咨询"), channel="phone")
