"""Publicity fixtures: publicity in each state on known dates, real PDFs and images, a client from an address."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from plandesk.publicity import services
from plandesk.publicity.models import Publicity
from plandesk.testing.fixtures import at, fast_hasher, travel  # noqa: F401 (fixtures)
from plandesk.testing.publicity import (  # noqa: F401 (the builders the tests import from here)
    SITE,
    make_publicity,
    real_pdf,
    real_png,
    scheduled,
    upload,
)

TZ = ZoneInfo("Asia/Shanghai")
# A Monday; the publicity in these tests runs 2026-12-07 to 2026-12-16 (10 days), notice on 2026-12-01.
TODAY = date(2026, 12, 7)


@pytest.fixture
def draft(db) -> Publicity:
    return make_publicity()


@pytest.fixture
def running(db, travel) -> Publicity:  # noqa: F811 (the fixture imported above)
    """A pre-approval publicity of a project scheme, running; the clock stands at 2026-12-07 10:00."""
    publicity = scheduled()
    travel(TODAY)
    assert services.start(publicity)
    return publicity


@pytest.fixture
def client_from():
    """client_from("10.0.0.2") -> a Django test client whose requests come from that address."""

    def make(address: str) -> Client:
        return Client(REMOTE_ADDR=address)

    return make


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def case(db):
    """A case received on Monday 2026-11-30 10:00 with a promise of 15 working days (no process started)."""
    from plandesk.cases.models import Case
    from plandesk.catalog.models import Category, Item, ItemVersion
    from plandesk.organization.models import Unit

    unit = Unit.objects.create(code="div1", name="行政审批一处", kind="division")
    item = Item.objects.create(code="design_scheme")
    ItemVersion(item=item, name="建设工程设计方案审查", category=Category.NON_LICENCE, legal_basis="《城乡规划法》",
                statutory_days=20, promised_days=15, form_schema={"type": "object"},
                process_id="plandesk_two_meetings").publish()
    item.refresh_from_db()
    with time_machine.travel(at(date(2026, 11, 30)), tick=False):
        return Case.register(item_versions=[item.current], handling_office=unit, applicant_name="某建设公司",
                             project_name="滨江花园住宅项目", received_at=at(date(2026, 11, 30)))
