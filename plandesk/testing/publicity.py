"""Publicity on known dates (the period 2026-12-07 to 2026-12-16, notice on 2026-12-01), real PDFs and images
for uploads, and the answer to the opinion form's arithmetic question."""

from __future__ import annotations

import io
import re
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from plandesk.gis.geometry import parse_site
from plandesk.publicity.challenge import NUMERALS
from plandesk.publicity.models import Kind, Publicity, Subject

SITE = {"type": "Polygon", "coordinates": [[[114.29, 30.60], [114.292, 30.60], [114.292, 30.602], [114.29, 30.602],
                                             [114.29, 30.60]]]}


def make_publicity(**fields) -> Publicity:
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


def answer(question: str) -> str:
    """What a person answers to the opinion form's question ("三加五等于多少？…"), read as a person reads it: the
    token no longer carries the numbers (issue 27), so a test answers from the words on the page."""
    first, second = re.search(r"(\S)加(\S)等于", question).groups()
    return str(NUMERALS.index(first) + NUMERALS.index(second))


def question_on(response) -> str:
    """The question the opinion form on this page asks (its answer field's label)."""
    found = re.search(r'<label for="id_answer"[^>]*>([^<]*)</label>', response.content.decode())
    assert found, "the opinion form asks no question"
    return found.group(1)


def passed(case) -> Publicity:
    """The case's pre-approval publicity, held and over: a 10-day period that ended yesterday, noticed on time
    (the transitions given their days; the case clock paused and resumed as the worker would)."""
    from datetime import timedelta

    from django.utils import timezone

    from plandesk.publicity import services

    ends_on = timezone.localdate() - timedelta(days=1)
    starts_on = ends_on - timedelta(days=9)
    publicity = make_publicity(case=case, title=f"{case.project_name}批前公示", subject_name=case.project_name,
                               starts_on=starts_on, ends_on=ends_on)
    publicity.record_notice(outlet="城市日报", notice_on=starts_on - timedelta(days=6), text="公告")
    publicity.schedule(today=starts_on - timedelta(days=6))
    services.start(publicity, today=starts_on)
    services.end(publicity, today=ends_on + timedelta(days=1))
    return publicity
