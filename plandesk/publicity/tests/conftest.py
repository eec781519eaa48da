"""Publicity fixtures: publicity in each state on known dates, real PDFs and images, a client from an address."""

from __future__ import annotations

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from plandesk.publicity import services
from plandesk.publicity.models import Kind, Publicity, Subject

TZ = ZoneInfo("Asia/Shanghai")
# A Monday; the publicity in these tests runs 2026-12-07 to 2026-12-16 (10 days), notice on 2026-12-01.
TODAY = date(2026, 12, 7)
SITE = {"type": "Polygon", "coordinates": [[[114.29, 30.60], [114.292, 30.60], [114.292, 30.602], [114.29, 30.602],
                                             [114.29, 30.60]]]}


def at(day: date, hour: int = 10):
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


def make_publicity(**fields) -> Publicity:
    from plandesk.gis.geometry import parse_site

    values = dict(title="滨江花园住宅项目建设工程设计方案批前公示", subject=Subject.PROJECT_SCHEME,
                  subject_name="滨江花园住宅项目", kind=Kind.PRE_APPROVAL, description="总建筑面积 5.2 万平方米。",
                  starts_on=date(2026, 12, 7), ends_on=date(2026, 12, 16), site=parse_site(SITE))
    values.update(fields)
    publicity = Publicity(**values)
    publicity.full_clean()
    publicity.save()
    return publicity


def scheduled(**fields) -> Publicity:
    """Noticed on 2026-12-01 and scheduled on 2026-12-01."""
    publicity = make_publicity(**fields)
    publicity.record_notice(outlet="城市日报", notice_on=publicity.starts_on.replace(day=1), text="公告")
    publicity.schedule(today=date(2026, 12, 1))
    return publicity


@pytest.fixture
def draft(db) -> Publicity:
    return make_publicity()


@pytest.fixture
def running(db, travel) -> Publicity:
    """A pre-approval publicity of a project scheme, running; the clock stands at 2026-12-07 10:00."""
    publicity = scheduled()
    travel(TODAY)
    assert services.start(publicity)
    return publicity


def real_pdf(text: str = "plandesk") -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(72, 720, text)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def real_png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (11, 83, 148)).save(buffer, format="PNG")
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


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


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def chinese_after_each_test():
    """A request in English leaves English active in this thread (LocaleMiddleware): put Chinese back."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
