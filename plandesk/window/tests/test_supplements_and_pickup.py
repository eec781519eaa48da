"""Supplements (补正) pause the clock until the window records them; results are picked up once."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine

from plandesk.cases.models import Case, CaseStatus
from plandesk.core.pdf import extract_text
from plandesk.notifications.models import Notification
from plandesk.window import services
from plandesk.window.models import Pickup, SupplementNotice
from plandesk.window.tests.conftest import ID_NUMBER, application
from plandesk.workflow import services as workflow
from plandesk.workflow.models import TaskState

NOW = datetime.fromisoformat("2026-11-27 10:00:00+08:00")  # a Friday


@pytest.fixture
def filed(bureau):
    with time_machine.travel(NOW, tick=False):
        return services.intake(application(), actor=bureau["intake"])


def _return_to_applicant(case: Case, handler, note: str):
    task = case.tasks.get(state=TaskState.OPEN)
    return workflow.request_supplement(task.pk, handler, note)


def test_it_issues_the_one_time_notice_and_pauses_until_supplements_are_recorded(filed, bureau, api):
    case = filed.case
    assert str(case.expected_pickup_date) == "2026-12-11"
    with time_machine.travel(NOW + timedelta(days=3), tick=False):  # Monday
        _return_to_applicant(case, bureau["handler1"], "土地勘测定界图\n总平面图须加盖设计单位出图章")
    case.refresh_from_db()
    assert case.status == CaseStatus.PAUSED
    notice = SupplementNotice.objects.get(case=case)
    assert notice.missing_lines == ["土地勘测定界图", "总平面图须加盖设计单位出图章"]
    sms = Notification.objects.get(kind="case_supplement")
    assert sms.address == "13912345678" and case.number in sms.body
    text = extract_text(__import__("plandesk.window.pdf", fromlist=["x"]).supplement_pdf(notice))
    assert "一次性告知书" in text and "土地勘测定界图" in text and case.number in text
    with time_machine.travel(NOW + timedelta(days=3, hours=1), tick=False):
        body = api.post("/api/v1/public/query", {"case_number": case.number, "password": filed.password}).json()
    assert body["paused"] is True and body["status"] == "paused"
    with time_machine.travel(NOW + timedelta(days=6), tick=False):  # Thursday: three working days later
        services.record_supplements(notice, actor=bureau["intake"], note="已补交")
    case.refresh_from_db()
    notice.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    assert notice.state == SupplementNotice.State.FULFILLED and notice.fulfilled_by == bureau["intake"]
    assert case.expected_pickup_date > datetime(2026, 12, 11).date()


def test_it_lets_only_the_intake_clerk_record_supplements_once(filed, bureau):
    with time_machine.travel(NOW + timedelta(days=3), tick=False):
        _return_to_applicant(filed.case, bureau["handler1"], "补充说明")
    notice = SupplementNotice.objects.get(case=filed.case)
    with pytest.raises(services.WindowError) as refused:
        services.record_supplements(notice, actor=bureau["handler1"])
    assert refused.value.status == 403
    services.record_supplements(notice, actor=bureau["intake"])
    notice.refresh_from_db()
    with pytest.raises(services.WindowError) as again:
        services.record_supplements(notice, actor=bureau["intake"])
    assert again.value.status == 409


def test_it_records_supplements_through_the_api(filed, bureau, api_as):
    with time_machine.travel(NOW + timedelta(days=3), tick=False):
        _return_to_applicant(filed.case, bureau["handler1"], "补充说明")
    clerk = api_as(bureau["intake"])
    assert api_as(bureau["output"]).post(f"/api/v1/cases/{filed.case.number}/supplements", {}).status_code == 403
    response = clerk.post(f"/api/v1/cases/{filed.case.number}/supplements", {"note": "已补"})
    assert response.status_code == 200 and response.json()["status"] == "in_progress"
    assert clerk.post(f"/api/v1/cases/{filed.case.number}/supplements", {}).status_code == 409


def _ready(case: Case, outcome: str = "approved") -> Case:
    case.mark_ready_for_pickup(outcome)
    case.refresh_from_db()
    return case


def test_it_tells_the_applicant_when_the_result_is_ready(filed):
    _ready(filed.case)
    notice = Notification.objects.get(kind="case_ready")
    assert notice.address == "13912345678" and notice.channel == "sms" and filed.case.number in notice.body


def test_it_hands_over_a_ready_result_once_and_closes_the_case(filed, bureau, api_as):
    output = api_as(bureau["output"])
    path = f"/api/v1/cases/{filed.case.number}/pickup"
    person = {"collector_name": "李四", "collector_id_number": ID_NUMBER}
    assert output.post(path, person).status_code == 409  # still in progress
    _ready(filed.case)
    assert api_as(bureau["intake"]).post(path, person).status_code == 403
    assert api_as(bureau["handler1"]).post(path, person).status_code == 403
    bad = output.post(path, {"collector_name": "", "collector_id_number": "123"})
    assert bad.status_code == 400
    assert {f["field"] for f in bad.json()["fields"]} == {"collector_name", "collector_id_number"}
    done = output.post(path, {**person, "on_behalf_of": "江城置业有限公司"})
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "closed"
    # what the case issued (none here: made ready by hand), never a 批复文件 it does not have (issue 22)
    assert done.json()["documents"] == ["certificate"]
    pickup = Pickup.objects.get(case=filed.case)
    assert pickup.collector_name == "李四" and pickup.clerk == bureau["output"]
    assert output.post(path, person).status_code == 409
    assert output.post("/api/v1/cases/2026999999/pickup", person).status_code == 404


def test_it_refuses_to_accept_with_a_notice(filed, bureau):
    from plandesk.window.pdf import refusal_pdf

    notice = services.refuse(filed.case, "申请事项不属于本机关职权范围", actor=bureau["intake"])
    filed.case.refresh_from_db()
    assert filed.case.status == CaseStatus.NOT_ACCEPTED
    assert not filed.case.tasks.filter(state=TaskState.OPEN).exists()
    text = extract_text(refusal_pdf(notice))
    assert "不予受理通知书" in text and "不属于本机关职权范围" in text
    with pytest.raises(services.WindowError):
        services.refuse(filed.case, "again", actor=bureau["intake"])
