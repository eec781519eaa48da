"""容缺: what the applicant still owes and by when, on the receipt, in the public query, on the phone, on the case
page; the window records a supplied material once; the applicant is reminded once before it falls due; the light."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from plandesk.audit.models import Event
from plandesk.catalog.models import Item, Material
from plandesk.core.pdf import extract_text
from plandesk.core.refusals import Conflict, Forbidden, Invalid
from plandesk.notifications.models import Notification
from plandesk.phone.dialogue import progress_speech
from plandesk.testing.applications import PDF
from plandesk.window import materials, pdf, services
from plandesk.window.models import DeferredMaterial, MaterialFile
from plandesk.window.query import public_view
from plandesk.window.tests.conftest import application
from plandesk.workdays import calendar

NOW = datetime.fromisoformat("2026-11-27 10:00:00+08:00")
SURVEY = "land_survey_map"  # 土地勘测定界图: 容缺, left out of the test application


@pytest.fixture
def filed(bureau):
    with time_machine.travel(NOW, tick=False):
        return services.intake(application(), actor=bureau["intake"])


def _scan(content=PDF, name="survey.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_intake_records_each_owed_material_with_its_due_point(filed):
    row = DeferredMaterial.objects.get(case=filed.case)
    due = calendar.add_working_days(date(2026, 11, 27), 5)
    assert (row.code, row.name, row.due_on, row.before_issue, row.due) == (
        SURVEY, "土地勘测定界图", due, False, due.isoformat())
    # The committed material (告知承诺) is not owed: it is verified after issue.
    assert not DeferredMaterial.objects.filter(case=filed.case, code="project_approval").exists()


def test_a_material_due_before_issue_has_no_date(bureau):
    version = Item.objects.get(code="land_use_permit").current
    Material.objects.filter(item_version=version, code=SURVEY).update(due_before_issue=True)
    case = services.intake(application(), actor=bureau["intake"]).case
    row = DeferredMaterial.objects.get(case=case)
    assert (row.due_on, row.before_issue, row.due) == (None, True, "before_issue")
    assert materials.light(row) == "yellow"  # issue will wait for it


def test_the_receipt_the_query_and_the_phone_say_what_is_owed_and_by_when(api, client, filed):
    due = calendar.add_working_days(date(2026, 11, 27), 5)
    text = extract_text(pdf.receipt_pdf(filed.case, filed.password))
    assert "土地勘测定界图" in text and f"{due:%Y年%m月%d日}前补交" in text
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        body = api.post("/api/v1/public/query", {"case_number": filed.case.number, "password": filed.password},
                        REMOTE_ADDR="10.0.0.9").json()
    assert body["outstanding_materials"] == [{"name": "土地勘测定界图", "due": due.isoformat()}]
    with time_machine.travel(NOW + timedelta(minutes=6), tick=False):
        page = client.post("/window/query/", {"case_number": filed.case.number, "password": filed.password},
                           REMOTE_ADDR="10.0.0.9").content.decode()
    assert 'id="result-owed"' in page and "土地勘测定界图" in page and f"{due.isoformat()} 前补交" in page
    spoken = " ".join(p.text for p in progress_speech(public_view(filed.case)))
    assert "尚需补交的材料：土地勘测定界图" in spoken and f"{due.year}年{due.month}月{due.day}日前补交" in spoken


def test_supplying_checks_the_file_by_content_and_records_it_once(filed, bureau, client):
    case = filed.case
    with pytest.raises(Invalid):
        services.supply_material(case, SURVEY, actor=bureau["intake"], uploads=[_scan(b"MZ\x90\x00 not a pdf")])
    with pytest.raises(Invalid):
        services.supply_material(case, SURVEY, actor=bureau["intake"], uploads=[])
    with pytest.raises(Invalid):
        services.supply_material(case, "application_form", actor=bureau["intake"], uploads=[_scan()])
    with pytest.raises(Forbidden):
        services.supply_material(case, SURVEY, actor=bureau["handler1"], uploads=[_scan()])
    assert DeferredMaterial.objects.get(case=case).supplied_at is None
    assert not MaterialFile.objects.filter(material_code=SURVEY).exists()
    assert not Event.objects.filter(action="window.material_supplied").exists()

    row = services.supply_material(case, SURVEY, actor=bureau["intake"], uploads=[_scan()], note="现场补交")
    assert row.supplied_by == bureau["intake"] and row.supply_note == "现场补交"
    with pytest.raises(Conflict):
        services.supply_material(case, SURVEY, actor=bureau["output"], uploads=[_scan()])
    assert MaterialFile.objects.filter(case=case, material_code=SURVEY).count() == 1
    [event] = Event.objects.filter(action="window.material_supplied")
    assert event.after["material"] == SURVEY

    # Nothing is owed now: the query says so, the reprinted receipt says when it came, the page shows it supplied.
    assert materials.outstanding_for_public(case.pk) == []
    assert "已于" in extract_text(pdf.receipt_pdf(case, "12345678"))
    client.force_login(bureau["intake"])
    page = client.get(f"/window/cases/{case.number}/").content.decode()
    assert "容缺受理，已补交" in page and "已补交" in page


def test_the_applicant_is_reminded_once_before_the_material_falls_due(filed, bureau):
    row = DeferredMaterial.objects.get(case=filed.case)
    early = calendar.add_working_days(date(2026, 11, 27), 1)
    assert materials.light(row, early) == "green"
    assert materials.remind_due(early) == 0  # not within the lead yet

    lead = row.due_on - timedelta(days=1)
    assert materials.light(row, lead) == "yellow"
    assert materials.remind_due(lead) == 1
    assert materials.remind_due(lead) == 0  # once: reminded_at, and the outbox's dedupe key
    [sms] = Notification.objects.filter(kind="material_due")
    assert sms.channel == "sms" and sms.address == "13912345678" and "土地勘测定界图" in sms.body
    assert sms.dedupe_key == f"window.material_due.{row.pk}"
    # A second worker racing past reminded_at still cannot send it twice.
    DeferredMaterial.objects.filter(pk=row.pk).update(reminded_at=None)
    assert materials.remind_due(lead) == 0 and Notification.objects.filter(kind="material_due").count() == 1

    assert materials.light(row, row.due_on + timedelta(days=1)) == "red"
    # The office's panel counts in the database what the rows' lights say.
    for day in (early, lead, row.due_on + timedelta(days=1)):
        counts = materials.counts_by_light(day)
        assert counts[materials.light(row, day)] == 1 and sum(counts.values()) == 1


def test_the_office_sees_owed_materials_with_their_lights(filed, bureau, client):
    client.force_login(bureau["intake"])
    page = client.get("/window/owed/").content.decode()
    assert filed.case.number in page and "土地勘测定界图" in page
    assert client.get("/").status_code == 200
    client.force_login(bureau["handler1"])
    assert client.get("/window/owed/").status_code == 403
