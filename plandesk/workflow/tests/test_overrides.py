"""Approving over the site compliance check's findings needs a written reason: without one the API answers 409
compliance_override_required with the findings and nothing changes; with one the reason is kept on the case (its
history row and an audit event). Other decisions, and a check that passed, need none."""

from __future__ import annotations

import pytest
from django.utils import timezone

from plandesk.audit.models import Event
from plandesk.cases.models import CaseEvent, ComplianceCheck
from plandesk.testing.driving import REVIEW_FORM, open_task
from plandesk.workflow import overrides
from plandesk.workflow.models import TaskState

pytestmark = pytest.mark.django_db
CONFLICT = {"kind": "road_red_line", "layer": "road-red-lines", "feature": "江滨路", "measure": 120.5}
STORED_CONFLICT = {**CONFLICT, "unit": "m2", "note": ""}  # as gis.compliance's result keeps it
FAILED = {"indicator": "far", "limit": 2.5, "proposed": 3.1, "result": "fail"}


def failing_check(case, number: int = 1, verdict: str = "fail") -> ComplianceCheck:
    return ComplianceCheck.objects.create(
        case=case, number=number, trigger="intake", verdict=verdict, site_area_m2=1000.0,
        result={"checks": [FAILED, {"indicator": "height", "limit": 60, "proposed": 45, "result": "pass"}],
                "conflicts": [STORED_CONFLICT] if verdict == "fail" else []})


def complete(api, task, **body):
    return api.post(f"/api/v1/tasks/{task.pk}/complete", {"decision": "approve", "opinion": "同意",
                                                          "form": REVIEW_FORM, "version": task.version, **body})


def test_an_approval_over_findings_needs_a_reason_and_keeps_it(bureau, api_as):
    case = bureau.new_case("permit")
    failing_check(case)
    task = open_task(case, "review")
    api = api_as(bureau["handler1"])
    assert api_as(bureau["stranger"]).post(f"/api/v1/tasks/{task.pk}/complete", {
        "decision": "approve", "version": task.version}).status_code == 403
    events = Event.objects.count()
    answer = complete(api, task)
    assert answer.status_code == 409, answer.content
    body = answer.json()
    assert body["error"] == "compliance_override_required"
    assert body["findings"] == [FAILED, CONFLICT]
    assert complete(api, task, override_reason="   ").json()["error"] == "compliance_override_required"
    task.refresh_from_db()
    assert task.state == TaskState.OPEN and task.version == 1 and Event.objects.count() == events

    assert complete(api, task, override_reason="红线冲突已由交通部门书面同意调整").status_code == 200
    [row] = overrides.overrides_of(case)
    assert row.data["override_reason"] == "红线冲突已由交通部门书面同意调整" and row.actor == bureau["handler1"]
    assert "越过用地审查意见的理由" in row.detail
    audit = Event.objects.get(action="workflow.compliance_overridden")
    assert audit.after["reason"] == "红线冲突已由交通部门书面同意调整"
    assert overrides.count_overrides() == 1


def test_other_decisions_and_passed_checks_need_no_reason(bureau, api_as):
    case = bureau.new_case("permit")
    failing_check(case)
    # The latest check decides: a re-run that passed lifts the need.
    failing_check(case, number=2, verdict="pass")
    task = open_task(case, "review")
    assert complete(api_as(bureau["handler1"]), task).status_code == 200
    other = bureau.new_case("permit")
    failing_check(other)
    task = open_task(other, "review")
    answer = api_as(bureau["handler1"]).post(f"/api/v1/tasks/{task.pk}/complete", {
        "decision": "reject", "opinion": "不符合", "form": REVIEW_FORM, "version": task.version})
    assert answer.status_code == 200, answer.content
    assert not CaseEvent.objects.filter(data__has_key="override_reason").exists()


def test_the_task_page_asks_for_the_reason(bureau, client):
    case = bureau.new_case("permit")
    failing_check(case)
    task = open_task(case, "review")
    client.force_login(bureau["handler1"])
    page = client.get(f"/work/cases/{case.number}/").content.decode()
    assert 'name="override_reason"' in page and "越过用地审查意见的理由" in page
    answer = client.post(f"/work/tasks/{task.pk}/complete/", {"decision": "approve", "opinion": "同意",
                                                             "form__conformity": "符合", "version": task.version},
                         follow=True)
    assert "同意须填写越过审查意见的理由" in answer.content.decode()
    task.refresh_from_db()
    assert task.state == TaskState.OPEN
    client.post(f"/work/tasks/{task.pk}/complete/", {"decision": "approve", "opinion": "同意",
                                                    "form__conformity": "符合", "version": task.version,
                                                    "override_reason": "经论证可行"})
    task.refresh_from_db()
    assert task.state == TaskState.COMPLETED
    assert overrides.overrides_of(case)[0].data["override_reason"] == "经论证可行"


def test_the_reports_summary_counts_the_overrides(bureau, api_as, client):
    case = bureau.new_case("permit")
    failing_check(case)
    assert complete(api_as(bureau["handler1"]), open_task(case, "review"), override_reason="已论证").status_code == 200
    client.force_login(bureau["director"])
    today = timezone.localdate().isoformat()
    page = client.get(f"/reports/?from={today}&to={today}").content.decode()
    assert 'data-metric="compliance_overrides">1<' in page
