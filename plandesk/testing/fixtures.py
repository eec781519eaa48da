"""Pytest fixtures shared by several apps' tests. An app's conftest imports the ones it uses:

    from plandesk.testing.fixtures import bureau, fast_hasher, window_files  # noqa: F401 (fixtures)

`bureau` here is the demo bureau (a dict of users by name); plandesk.testing.small has the small one.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from plandesk.testing.bureau import demo_bureau

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    """Many people per test: Argon2 would spend seconds hashing their passwords."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def window_files(settings, tmp_path):
    """Uploaded application files go to a temporary folder."""
    settings.PLANDESK_WINDOW_FILES = tmp_path / "window-files"
    return settings.PLANDESK_WINDOW_FILES


@pytest.fixture
def bureau(db):
    """The demo bureau: people, units, posts, the 11 items and the shipped processes; the users by name."""
    return demo_bureau()


@pytest.fixture
def city(db):
    """The demo bureau with the demo city's base layers (parcels, red lines, buildings); the users by name."""
    return demo_bureau(with_layers=True)


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


@pytest.fixture
def travel():
    """travel(day) moves the clock to 10:00 on that day (Asia/Shanghai) for the rest of the test."""
    travellers = []

    def go(day: date, hour: int = 10):
        if travellers:
            travellers.pop().stop()
        traveller = time_machine.travel(at(day, hour), tick=False)
        traveller.start()
        travellers.append(traveller)

    yield go
    for traveller in travellers:
        traveller.stop()
