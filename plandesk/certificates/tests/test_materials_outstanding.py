"""No licence while a 容缺 material due "before issue" is missing (API.md "Rules": 409 materials_outstanding with the
codes, after the 403 check, nothing changed); the window records the material and the refusal lifts; a material
supplied while the 证件校核 step completes is recorded once and the outcome is consistent either way."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from plandesk.audit.models import Event as AuditEvent
from plandesk.cases.models import Case, CaseStatus
from plandesk.catalog.models import Item, Material
from plandesk.certificates.models import Certificate, Status
from plandesk.certificates.tests.conftest import to_certificate_step
from plandesk.testing.applications import PDF
from plandesk.testing.driving import open_task
from plandesk.testing.races import race
from plandesk.window import services as window
from plandesk.window.materials import MaterialsOutstanding
from plandesk.window.models import DeferredMaterial, MaterialFile
from plandesk.workflow import services as workflow
from plandesk.workflow.models import TaskState

OWED = "land_survey_map"  # 土地勘测定界图: left out of the test application, so accepted missing (容缺)


@pytest.fixture
def before_issue(bureau):
    """The land-use permit's 容缺 survey map is due before issue (as the construction permit's land title is)."""
    Material.objects.filter(item_version=Item.objects.get(code="land_use_permit").current, code=OWED).update(
        due_before_issue=True)
    return bureau


def _scan(name="survey.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _to_check_step(b):
    case = to_certificate_step(b)
    workflow.complete_task(open_task(case).pk, b["handler1"], decision="approve", opinion="制证完毕")
    check = open_task(case)
    assert check.step_id == "check_certificate"
    return case, check


def test_the_check_step_is_refused_while_a_material_due_before_issue_is_missing(before_issue, api_as):
    b = before_issue
    case, check = _to_check_step(b)
    assert DeferredMaterial.objects.get(case=case, code=OWED).due == "before_issue"
    audit_before = AuditEvent.objects.count()

    # Whoever may not work the step gets the 403 first, whatever the materials.
    response = api_as(b["handler2"]).post(f"/api/v1/tasks/{check.pk}/complete",
                                          json={"decision": "approve", "version": check.version})
    assert response.status_code == 403

    response = api_as(b["head1"]).post(f"/api/v1/tasks/{check.pk}/complete",
                                       json={"decision": "approve", "version": check.version})
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["error"] == "materials_outstanding" and body["materials"] == [OWED]
    assert "土地勘测定界图" in body["message"] and "发证前" in body["message"]
    check.refresh_from_db()
    case.refresh_from_db()
    assert check.state == TaskState.OPEN and case.status == CaseStatus.IN_PROGRESS
    assert not Certificate.objects.filter(case=case).exists() and AuditEvent.objects.count() == audit_before

    # The window records the material (checked by content, audited) and the refusal lifts.
    window.supply_material(case, OWED, actor=b["output"], uploads=[_scan()], note="申请人送来")
    row = DeferredMaterial.objects.get(case=case, code=OWED)
    assert row.supplied_at is not None and row.supplied_by == b["output"]
    assert AuditEvent.objects.filter(action="window.material_supplied").count() == 1
    assert MaterialFile.objects.filter(case=case, material_code=OWED).count() == 1
    response = api_as(b["head1"]).post(f"/api/v1/tasks/{check.pk}/complete",
                                       json={"decision": "approve", "version": check.version})
    assert response.status_code == 200, response.content
    case.refresh_from_db()
    assert case.status == CaseStatus.READY_FOR_PICKUP
    assert Certificate.objects.filter(case=case, status=Status.ISSUED).count() == 1
    detail = api_as(b["head1"]).get(f"/api/v1/cases/{case.number}").json()
    [owed] = [m for m in detail["deferred_materials"] if m["code"] == OWED]
    assert owed["due"] == "before_issue" and owed["supplied_at"] and owed["name"] == "土地勘测定界图"


def test_returning_the_check_is_not_refused_and_every_issuing_path_is(before_issue):
    b = before_issue
    case, check = _to_check_step(b)
    workflow.complete_task(check.pk, b["head1"], decision="return", opinion="请核对附图")
    assert open_task(case).step_id == "prepare_certificate"
    # Issuing by hand is refused too (the same refusal inside the issuing transaction).
    from plandesk.certificates import services

    [draft] = services.prepare(case, b["handler1"])
    services.check(draft, b["head1"], note="核对无误")
    with pytest.raises(MaterialsOutstanding) as refused:
        services.issue(draft, actor=b["head1"])
    assert refused.value.extra == {"materials": [OWED]}
    draft.refresh_from_db()
    assert draft.status == Status.CHECKED and draft.number is None


def test_a_case_on_an_older_process_without_the_check_step_is_refused_at_its_certificate_step(before_issue, api_as):
    from plandesk.certificates import services
    from plandesk.certificates.tests.test_issue import old_two_meetings_without_the_check

    b = before_issue
    workflow.upload_definition(old_two_meetings_without_the_check(), actor=b["admin"], note="旧版本")
    case = to_certificate_step(b)
    task = open_task(case)
    assert task.step_id == "prepare_certificate" and case.process.definition.version == 2
    [draft] = services.prepare(case, b["handler1"])
    services.check(draft, b["head1"], note="核对无误")
    handler = api_as(b["handler1"])
    response = handler.post(f"/api/v1/tasks/{task.pk}/complete", json={"decision": "approve", "version": task.version})
    assert response.status_code == 409 and response.json()["error"] == "materials_outstanding"
    assert response.json()["materials"] == [OWED]
    window.supply_material(case, OWED, actor=b["intake"], uploads=[_scan()])
    response = handler.post(f"/api/v1/tasks/{task.pk}/complete", json={"decision": "approve", "version": task.version})
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.status == Status.ISSUED


def test_the_applicant_is_reminded_once_when_the_case_reaches_its_certificate_step(before_issue):
    from plandesk.notifications.models import Notification
    from plandesk.window.materials import remind_due

    b = before_issue
    case = to_certificate_step(b)
    assert remind_due() == 1 and remind_due() == 0
    [sms] = Notification.objects.filter(kind="material_due")
    assert "土地勘测定界图" in sms.body and "发证前" in sms.body and case.number in sms.body


def test_the_pages_say_it_in_chinese(before_issue, client):
    b = before_issue
    case, _check = _to_check_step(b)
    client.force_login(b["head1"])
    page = client.get(f"/work/cases/{case.number}/").content.decode()
    assert "土地勘测定界图" in page and "须在发证前补交" in page and 'id="materials-outstanding"' in page
    assert 'id="deferred-materials"' in page and "发证前补交" in page  # the case's owed materials, always listed
    assert "须在发证前补交" in client.get(f"/certificates/cases/{case.number}/").content.decode()
    client.force_login(b["output"])
    page = client.get(f"/window/cases/{case.number}/").content.decode()
    assert 'id="owed-before-issue"' in page and "不能发证" in page
    # A file refused by its content changes nothing.
    bad = SimpleUploadedFile("survey.pdf", b"MZ not a pdf", content_type="application/pdf")
    response = client.post(f"/window/cases/{case.number}/materials/{OWED}/supply/", {"file": bad}, follow=True)
    assert "土地勘测定界图" in response.content.decode()
    assert DeferredMaterial.objects.get(case=case, code=OWED).supplied_at is None
    response = client.post(f"/window/cases/{case.number}/materials/{OWED}/supply/", {"file": _scan()}, follow=True)
    assert "已登记补交" in response.content.decode()
    assert 'id="owed-before-issue"' not in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_material_supplied_while_the_check_step_completes(bureau):
    """The two clicks race behind a barrier: the supply is recorded exactly once, and either the check saw it
    (the case is ready, one licence issued) or it refused with 409 and nothing moved; never issued without it."""
    Material.objects.filter(item_version=Item.objects.get(code="land_use_permit").current, code=OWED).update(
        due_before_issue=True)
    b = bureau
    case, check = _to_check_step(b)

    def act(i):
        if i == 0:
            return window.supply_material(Case.objects.get(pk=case.pk), OWED, actor=b["output"],
                                          uploads=[_scan()])
        return workflow.complete_task(check.pk, b["head1"], decision="approve", opinion="核对无误")

    supplied, completed = race(2, act)
    assert isinstance(supplied, DeferredMaterial), supplied
    row = DeferredMaterial.objects.get(case=case, code=OWED)
    assert row.supplied_at is not None
    assert AuditEvent.objects.filter(action="window.material_supplied").count() == 1
    assert MaterialFile.objects.filter(case=case, material_code=OWED).count() == 1
    case.refresh_from_db()
    check.refresh_from_db()
    issued = Certificate.objects.filter(case=case, status=Status.ISSUED).count()
    if isinstance(completed, Exception):
        assert isinstance(completed, MaterialsOutstanding), completed
        assert check.state == TaskState.OPEN and case.status == CaseStatus.IN_PROGRESS and issued == 0
        # The material is in now: the same click again goes through.
        workflow.complete_task(check.pk, b["head1"], decision="approve", opinion="核对无误")
        case.refresh_from_db()
        issued = Certificate.objects.filter(case=case, status=Status.ISSUED).count()
    assert case.status == CaseStatus.READY_FOR_PICKUP and issued == 1
    assert AuditEvent.objects.filter(action="certificates.issued").count() == 1
