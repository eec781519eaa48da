"""A meeting's approval over the site compliance check's findings needs a reason (409 compliance_override_required
with the findings, nothing changed); the agenda shows the findings and the reasons given so far."""

from __future__ import annotations

import pytest

from plandesk.cases.models import ComplianceCheck
from plandesk.meetings import services
from plandesk.meetings.models import AgendaItem
from plandesk.meetings.tests.conftest import HELD_AT, open_task, to_division_meeting
from plandesk.workflow.models import TaskState

pytestmark = pytest.mark.django_db
CONFLICT = {"kind": "pipeline_clearance", "layer": "pipelines", "feature": "DN600 给水", "measure": 3.2}


def test_a_meeting_approval_over_findings_needs_a_reason(bureau, api_as, client):
    case = to_division_meeting(bureau)
    ComplianceCheck.objects.create(case=case, number=1, trigger="intake", verdict="fail", site_area_m2=900.0,
                                   result={"checks": [], "conflicts": [{**CONFLICT, "unit": "m", "note": ""}]})
    meeting = services.create_meeting(chair=bureau["head1"], kind="division", division="div1", held_at=HELD_AT,
                                      present=["handler1"], recorder=bureau["handler1"])
    api = api_as(bureau["head1"])
    url = f"/api/v1/meetings/{meeting.pk}/decisions"
    answer = api.post(url, {"case_number": case.number, "decision": "approve_with_conditions", "opinion": "同意",
                            "conditions": "迁改管线"})
    assert answer.status_code == 409, answer.content
    assert answer.json()["error"] == "compliance_override_required"
    assert answer.json()["findings"] == [CONFLICT]
    assert AgendaItem.objects.get(meeting=meeting).decision == ""
    assert open_task(case, "division_meeting").state == TaskState.OPEN

    client.force_login(bureau["head1"])
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "用地合规性审查：不符合或有冲突" in page and 'name="override_reason"' in page

    answer = api.post(url, {"case_number": case.number, "decision": "approve", "opinion": "同意",
                            "override_reason": "管线迁改方案已经水务部门确认"})
    assert answer.status_code == 200, answer.content
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "管线迁改方案已经水务部门确认" in page
