"""From the bureau meeting's decision to an issued, signed certificate: prepare, second-person check, issue when the
case becomes ready for pick-up, hand over at the output window."""

from __future__ import annotations

import pytest

from plandesk.audit.models import Event
from plandesk.cases.models import CaseStatus
from plandesk.certificates import services, signing
from plandesk.certificates.models import Certificate, Handover, Status
from plandesk.certificates.tests.conftest import (
    ID_NUMBER,
    decide_at_bureau_meeting,
    file_case,
    finish_step,
    for_items,
    open_task,
    to_certificate_step,
)
from plandesk.testing.publicity import passed as publicity_passed
from plandesk.window import services as window
from plandesk.workflow import services as workflow


def test_it_prepares_checks_and_issues_the_licence_when_the_case_is_ready(bureau, api_as):
    case = to_certificate_step(bureau)
    assert open_task(case).step_id == "prepare_certificate"
    [cert] = services.prepare(case, bureau["handler1"])
    assert cert.status == Status.DRAFT and cert.type.name == "建设用地规划许可证"
    assert cert.content["holder"] == "江城置业有限公司" and cert.content["land_area_m2"] == "12000"
    assert ["容积率", "2.5"] in cert.content["indicators"]
    assert cert.content["authority"] == "市城乡规划局"

    # The preparer cannot check his own work; the 证件校核 step records the division head's check.
    with pytest.raises(services.CertificateError, match="另一人"):
        services.check(cert, bureau["handler1"])

    case = finish_step(bureau, case)
    assert case.status == CaseStatus.READY_FOR_PICKUP
    cert.refresh_from_db()
    assert cert.status == Status.ISSUED and cert.checked_by == bureau["head1"] and cert.check_note == "核对无误"
    assert cert.prepared_by == bureau["handler1"]
    assert cert.number.startswith("地字第420100") and cert.number.endswith("00001号")
    assert signing.verify(cert.payload, cert.signature)
    assert Event.objects.filter(action="certificates.issued", object_id=str(cert.pk)).exists()
    body = api_as(bureau["director"]).get(f"/api/v1/cases/{case.number}").json()
    assert body["certificates"] == [cert.number]


def test_it_issues_a_refusal_decision_with_reasons_and_remedies(bureau):
    case = to_certificate_step(bureau, decision="reject")
    assert open_task(case).step_id == "prepare_refusal"
    [draft] = services.prepare(case, bureau["handler1"])
    assert draft.type.code == "refusal_decision"
    assert "六十日内" in draft.content["remedies"] and "六个月内" in draft.content["remedies"]
    services.check(draft, bureau["head1"])
    case = finish_step(bureau, case)
    draft.refresh_from_db()
    assert case.outcome == "rejected" and draft.status == Status.ISSUED
    assert draft.number.startswith("规不许〔")


def test_only_a_second_person_with_the_right_post_may_check(bureau):
    case = to_certificate_step(bureau)
    [draft] = services.prepare(case, bureau["handler1"])
    for who in ("handler1", "handler2", "head2", "output", "intake"):  # preparer; another division; the windows
        with pytest.raises(services.CertificateError) as refused:
            services.check(draft, bureau[who])
        assert refused.value.status == 403
    assert services.check(draft, bureau["director"]).checked_by == bureau["director"]


def test_a_refused_check_goes_back_to_the_preparer_with_the_reason(bureau):
    from plandesk.notifications.models import Notification

    case = to_certificate_step(bureau)
    [draft] = services.prepare(case, bureau["handler1"])
    with pytest.raises(services.CertificateError, match="校核意见"):
        services.check(draft, bureau["head1"], approve=False)  # a refusal needs its reason
    draft = services.check(draft, bureau["head1"], approve=False, note="用地面积与红线图不符")
    assert draft.status == Status.DRAFT and draft.check_note == "用地面积与红线图不符"
    notice = Notification.objects.get(kind="certificate_returned")
    assert notice.recipient == bureau["handler1"] and "用地面积与红线图不符" in notice.body
    event = Event.objects.get(action="certificates.check_returned", object_id=str(draft.pk))
    assert event.after["note"] == "用地面积与红线图不符"

    # Corrected by the preparer, checked again at the 证件校核 step, issued when it ends.
    draft = services.edit(draft, bureau["handler1"], {"land_area_m2": "11800"})
    case = finish_step(bureau, case)
    draft.refresh_from_db()
    assert draft.status == Status.ISSUED and draft.payload["land_area_m2"] == "11800"


def test_with_the_check_turned_off_the_system_drafts_and_issues(bureau, settings):
    settings.PLANDESK_CERTIFICATES_REQUIRE_CHECK = False
    case = finish_step(bureau, to_certificate_step(bureau))
    [cert] = case.certificates.all()
    assert cert.status == Status.ISSUED and cert.prepared_by is None and cert.checked_by is None


def test_a_case_made_ready_around_the_step_gets_no_unchecked_document_signed(bureau, caplog):
    case = to_certificate_step(bureau)
    [draft] = services.prepare(case, bureau["handler1"])
    case.mark_ready_for_pickup("approved")
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.number is None
    assert f"case {case.number} ready for pick-up without checked documents" in caplog.text


def test_it_hands_over_the_issued_documents_at_pickup(bureau):
    case = finish_step(bureau, to_certificate_step(bureau))
    [cert] = case.certificates.all()
    assert cert.status == Status.ISSUED and cert.prepared_by == bureau["handler1"]
    pickup = window.record_pickup(case, actor=bureau["output"], collector_name="王经理",
                                  collector_id_number=ID_NUMBER)
    handover = Handover.objects.get(certificate=cert)
    assert handover.collector_name == "王经理" and handover.clerk == bureau["output"]
    assert handover.pickup_id == pickup.pk


def test_it_issues_an_approval_letter_beside_the_certificate_of_a_non_licence_item(bureau):
    case = to_certificate_step(bureau, **for_items("planning_conditions"))
    case = finish_step(bureau, case)
    kinds = sorted(Certificate.objects.filter(case=case).values_list("type__code", flat=True))
    assert kinds == ["approval_letter", "planning_conditions"]


def old_two_meetings_without_the_check() -> str:
    """The two-meetings process as it was shipped before 证件校核 became a step: the certificate step ends it."""
    from plandesk.workflow.processes import generate

    process_id, name, lanes, nodes, flows = generate.two_meetings()
    # Nor had it the publicity stage (2026-12): the review led to the division meeting.
    nodes = [n for n in nodes if not n["id"].startswith(("check_", "gw_check_"))
             and n["id"] not in ("gw_publicity", "prepare_publicity", "wait_publicity", "review_opinions")]
    flows = [f for f in flows if not f[0].startswith(("f_check_", "f_gw_check_", "f_publicity", "f_no_publicity"))]
    flows += [("f2", "review", "division_meeting", None, None),
              ("f_cert_end", "prepare_certificate", "end", None, None),
              ("f_refuse_end", "prepare_refusal", "end", None, None)]
    return generate.render(process_id, name, lanes, nodes, flows)


def test_a_case_on_a_stored_version_without_the_check_step_keeps_the_earlier_rule(bureau, api_as):
    workflow.upload_definition(old_two_meetings_without_the_check(), actor=bureau["admin"], note="旧版本")
    # 建设工程规划许可 requires pre-approval publicity: on this version without the stage it is held beforehand.
    case = file_case(bureau, **for_items("construction_permit"))
    publicity_passed(case)
    case = decide_at_bureau_meeting(bureau, case)
    assert case.process.definition.version == 2
    task = open_task(case)
    handler = api_as(bureau["handler1"])
    response = handler.post(f"/api/v1/tasks/{task.pk}/complete", json={"decision": "approve", "version": task.version})
    assert response.status_code == 409 and response.json()["error"] == "certificate_check_required"
    assert "head1" in response.json()["checkers"] and not case.certificates.exists()

    [draft] = services.prepare(case, bureau["handler1"])
    services.check(draft, bureau["head1"], note="核对无误")
    response = handler.post(f"/api/v1/tasks/{task.pk}/complete", json={"decision": "approve", "version": task.version})
    assert response.status_code == 200 and response.json()["next_tasks"] == []
    draft.refresh_from_db()
    assert draft.status == Status.ISSUED and draft.checked_by == bureau["head1"]
