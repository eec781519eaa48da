"""Meetings as shared/API.md fixes them: convene, decide (completing the waiting workflow step), refuse what a
meeting may not do while changing nothing, sign the minutes."""

from __future__ import annotations

import pytest

from plandesk.audit.models import Event
from plandesk.cases.models import CaseStatus
from plandesk.meetings.models import AgendaItem, Meeting, Presence
from plandesk.meetings.tests.conftest import HELD_AT, open_task, to_director_review_done, to_division_meeting
from plandesk.workflow.models import TaskState


def convene(api, kind="division", division="div1", attendees=("handler1",), case_numbers=None, **extra):
    body = {"kind": kind, "division": division, "held_at": HELD_AT.isoformat(), "attendees": list(attendees),
            **extra}
    if case_numbers is not None:
        body["case_numbers"] = case_numbers
    response = api.post("/api/v1/meetings", body)
    assert response.status_code == 201, response.content
    assert list(response.json()) == ["id"]
    return Meeting.objects.get(pk=response.json()["id"])


def decide(api, meeting, case, decision="approve", opinion="同意，报局务会", **extra):
    return api.post(f"/api/v1/meetings/{meeting.pk}/decisions",
                    {"case_number": case.number, "decision": decision, "opinion": opinion, **extra})


def test_it_takes_a_case_through_both_meetings_to_certificate_preparation(bureau, api_as):
    case = to_division_meeting(bureau)
    head = api_as(bureau["head1"])
    meeting = convene(head)  # no case_numbers: every waiting case of div1
    assert [i.case for i in meeting.items.all()] == [case]
    response = decide(head, meeting, case)
    assert response.status_code == 200, response.content
    assert response.json() == {"meeting": meeting.pk, "case_number": case.number, "decision": "approve",
                               "next_steps": ["局长审核"]}
    division_step = case.tasks.get(step_id="division_meeting")
    assert division_step.state == TaskState.COMPLETED and division_step.decision == "approve"
    assert division_step.meeting_ref == meeting.ref and division_step.opinion == "同意，报局务会"
    assert Event.objects.filter(action="meetings.decided", object_id=str(meeting.items.get().pk)).exists()

    to_director_review_done(bureau, case)
    director = api_as(bureau["director"])
    bureau_meeting = convene(director, kind="bureau", division=None, attendees=["head1", "head2"],
                             case_numbers=[case.number])
    response = decide(director, bureau_meeting, case, "approve_with_conditions", "同意核发",
                      conditions="施工前复核道路红线")
    assert response.status_code == 200, response.content
    assert response.json()["next_steps"] == ["制证"]
    assert open_task(case).step_id == "prepare_certificate"
    step = case.tasks.get(step_id="bureau_meeting")
    assert step.decision == "approve" and "施工前复核道路红线" in step.opinion
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS


def test_it_keeps_a_deferred_case_waiting_and_puts_it_on_the_next_agenda(bureau, api_as):
    case = to_division_meeting(bureau)
    head = api_as(bureau["head1"])
    first = convene(head)
    assert decide(head, first, case, "defer", "材料不全，下次再议").status_code == 200
    assert open_task(case).step_id == "division_meeting"  # still waiting, its clock running
    assert first.items.get().decision == "defer"
    second = convene(head)
    assert [i.case for i in second.items.all()] == [case]
    assert decide(head, second, case, "approve", "补齐材料，同意").status_code == 200
    assert open_task(case).step_id == "director_review"


def test_it_sends_a_case_back_for_revision(bureau, api_as):
    case = to_division_meeting(bureau)
    head = api_as(bureau["head1"])
    meeting = convene(head)
    assert decide(head, meeting, case, "revise", "补充日照分析").status_code == 200
    assert open_task(case).step_id == "review"


def _unchanged(case, meeting):
    assert open_task(case).step_id == "division_meeting"
    assert not AgendaItem.objects.filter(meeting=meeting, case=case).exclude(decision="").exists()
    assert not Event.objects.filter(action="meetings.decided", summary__contains=case.number).exists()


def test_it_refuses_a_case_not_on_the_agenda(bureau, api_as):
    on_agenda = to_division_meeting(bureau)
    other = to_division_meeting(bureau)
    head = api_as(bureau["head1"])
    meeting = convene(head, case_numbers=[on_agenda.number])
    response = decide(head, meeting, other)
    assert response.status_code == 409
    assert response.json()["error"] == "not_on_agenda"
    assert other.number in response.json()["message"] and "不在本次会议议题中" in response.json()["message"]
    _unchanged(other, meeting)


def test_it_refuses_a_second_decision_on_the_same_case(bureau, api_as):
    case = to_division_meeting(bureau)
    head = api_as(bureau["head1"])
    meeting = convene(head)
    assert decide(head, meeting, case, "defer", "下次再议").status_code == 200
    response = decide(head, meeting, case, "approve", "改为同意")
    assert response.status_code == 409 and response.json()["error"] == "already_decided"
    assert "不能重复决定" in response.json()["message"]
    assert open_task(case).step_id == "division_meeting"
    assert meeting.items.get().decision == "defer"


def test_it_refuses_to_decide_without_quorum(bureau, api_as):
    case = to_division_meeting(bureau)
    head = api_as(bureau["head1"])
    meeting = convene(head, attendees=[])  # 3 expected, only the chair present
    assert not meeting.has_quorum()
    response = decide(head, meeting, case)
    assert response.status_code == 409 and response.json()["error"] == "no_quorum"
    assert "应到 3 人，实到 1 人，须至少 2 人" in response.json()["message"]
    _unchanged(case, meeting)
    assert meeting.items.get().decision == ""
    # Once a second member is recorded present, the meeting may decide.
    response = head.post(f"/api/v1/meetings/{meeting.pk}/attendance", {"present": ["handler1b"],
                                                                          "leave": ["handler1"]})
    assert response.status_code == 200 and response.json()["has_quorum"] is True
    assert decide(head, meeting, case).status_code == 200


def test_it_applies_a_stricter_quorum_rule(bureau, api_as):
    to_division_meeting(bureau)
    head = api_as(bureau["head1"])
    meeting = convene(head, attendees=["handler1"], quorum_rule="two_thirds")
    assert meeting.quorum_needed() == 2 and meeting.has_quorum()
    meeting.attendance.filter(user__username="handler1").update(presence=Presence.ABSENT)
    assert not meeting.has_quorum()


def test_it_signs_the_minutes_and_then_changes_nothing(bureau, api_as):
    case = to_division_meeting(bureau)
    later = to_division_meeting(bureau)
    head = api_as(bureau["head1"])
    meeting = convene(head, case_numbers=[case.number, later.number])
    assert decide(head, meeting, case).status_code == 200
    assert api_as(bureau["handler1"]).post(f"/api/v1/meetings/{meeting.pk}/sign").status_code == 403
    response = head.post(f"/api/v1/meetings/{meeting.pk}/sign")
    assert response.status_code == 200
    assert response.json()["minutes_number"] == "行政审批一处处务会纪要〔2026〕1号"
    response = decide(head, meeting, later)
    assert response.status_code == 409 and response.json()["error"] == "minutes_signed"
    assert open_task(later).step_id == "division_meeting"
    assert head.post(f"/api/v1/meetings/{meeting.pk}/sign").status_code == 409
    # a correction is a new record linked to the signed minutes; the decision stays
    response = head.post(f"/api/v1/meetings/{meeting.pk}/corrections", {"case_number": case.number,
                                                                           "text": "意见应为“同意，报局务会审议”"})
    assert response.status_code == 201 and response.json()["seq"] == 1
    assert api_as(bureau["handler1"]).post(f"/api/v1/meetings/{meeting.pk}/corrections",
                                           {"text": "x"}).status_code == 403
    assert meeting.items.get(case=case).opinion == "同意，报局务会"
    # the next division meeting's minutes take the next number
    second = convene(head)
    assert head.post(f"/api/v1/meetings/{second.pk}/sign").json()["minutes_number"].endswith("〔2026〕2号")


def test_it_answers_the_meeting_with_its_agenda_and_attendance(bureau, api_as):
    case = to_division_meeting(bureau)
    head = api_as(bureau["head1"])
    meeting = convene(head, place="三楼会议室", recorder="handler1b")
    body = head.get(f"/api/v1/meetings/{meeting.pk}").json()
    assert body["kind"] == "division" and body["division"] == "div1" and body["chair"] == "head1"
    assert body["recorder"] == "handler1b" and body["place"] == "三楼会议室" and body["status"] == "open"
    assert {(a["username"], a["presence"]) for a in body["attendance"]} == {
        ("head1", "present"), ("handler1", "present"), ("handler1b", "absent")}
    assert [(i["case_number"], i["decision"], i["light"]) for i in body["agenda"]] == [(case.number, "", "green")]
    # the recorder may record decisions too
    assert decide(api_as(bureau["handler1b"]), meeting, case).status_code == 200
    assert "/api/v1/meetings/{meeting_id}/decisions" in head.get("/api/v1/openapi.json").json()["paths"]


@pytest.mark.parametrize("body, field", [
    ({"kind": "council", "division": "div1"}, "kind"),
    ({"kind": "division", "division": None}, "division"),
    ({"kind": "division", "division": "nowhere"}, "division"),
    ({"kind": "division", "division": "div1", "attendees": ["head2"]}, "attendees"),
])
def test_it_refuses_bad_meetings_naming_the_field(bureau, api_as, body, field):
    response = api_as(bureau["head1"]).post("/api/v1/meetings", {"held_at": HELD_AT.isoformat(), **body})
    assert response.status_code == 400, response.content
    assert field in {f["field"] for f in response.json()["fields"]}
    assert Meeting.objects.count() == 0


def test_it_refuses_case_numbers_not_waiting_for_that_meeting(bureau, api_as):
    waiting = to_division_meeting(bureau)
    elsewhere = to_division_meeting(bureau, office="div2")
    response = api_as(bureau["head1"]).post("/api/v1/meetings", {
        "kind": "division", "division": "div1", "held_at": HELD_AT.isoformat(), "attendees": [],
        "case_numbers": [waiting.number, elsewhere.number, "999"]})
    assert response.status_code == 400
    message = response.json()["message"]
    assert elsewhere.number in message and "没有这个案卷：999" in message and waiting.number not in message
    assert Meeting.objects.count() == 0


def test_it_refuses_outsiders_and_other_divisions(bureau, api_as, outsider):
    case = to_division_meeting(bureau)
    body = {"kind": "division", "division": "div1", "held_at": HELD_AT.isoformat(), "attendees": []}
    for person in (outsider, bureau["head2"], bureau["handler1"], bureau["director"]):
        response = api_as(person).post("/api/v1/meetings", body)
        assert response.status_code == 403, person
        assert "只有本处处长" in response.json()["message"]
    assert api_as(bureau["head1"]).post("/api/v1/meetings", {**body, "kind": "bureau", "division": None}
                                        ).status_code == 403
    meeting = convene(api_as(bureau["head1"]), attendees=["handler1"])
    for person in (outsider, bureau["head2"]):
        assert api_as(person).get(f"/api/v1/meetings/{meeting.pk}").status_code == 404
        assert decide(api_as(person), meeting, case).status_code == 404
    # an expected member reads the meeting but does not run it
    assert api_as(bureau["handler1"]).get(f"/api/v1/meetings/{meeting.pk}").status_code == 200
    assert decide(api_as(bureau["handler1"]), meeting, case).status_code == 403
    # the office reads every meeting
    assert api_as(bureau["office"]).get(f"/api/v1/meetings/{meeting.pk}").status_code == 200
    assert api_as(outsider).get("/api/v1/meetings").json() == []
    assert open_task(case).step_id == "division_meeting"
    assert api_as(outsider).client.post("/api/v1/meetings", body, content_type="application/json"
                                        ).status_code in (401, 403)
