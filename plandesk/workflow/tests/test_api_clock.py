"""The case clock through the API: pauses with a reason and an end, the extension and its letter, withdrawal, and
the clock's record; each refusal changes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine

from plandesk.cases.models import Case, CaseStatus
from plandesk.core.pdf import extract_text
from plandesk.workdays import calendar
from plandesk.workflow.models import TaskState

SH = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=SH)


def new_case(bureau):
    with time_machine.travel(MONDAY, tick=False):
        case = bureau.new_case("permit")
    return case, case.tasks.get(state=TaskState.OPEN)


def test_a_handler_pauses_for_an_expert_review_and_ends_it(bureau, api_as):
    case, task = new_case(bureau)
    handler = api_as(bureau["handler1"])
    with time_machine.travel(MONDAY + timedelta(hours=1), tick=False):
        bad = handler.post(f"/api/v1/tasks/{task.pk}/pauses", {"reason": "expert_review", "note": "",
                                                               "ends_on": "2026-11-20"})
        assert bad.status_code == 400
        assert {f["field"] for f in bad.json()["fields"]} == {"note", "ends_on"}
        assert Case.objects.get(pk=case.pk).status == CaseStatus.IN_PROGRESS
        assert api_as(bureau["stranger"]).post(f"/api/v1/tasks/{task.pk}/pauses", {
            "reason": "expert_review", "note": "x", "ends_on": "2026-12-01"}).status_code == 403
        done = handler.post(f"/api/v1/tasks/{task.pk}/pauses", {"reason": "expert_review", "note": "组织专家论证",
                                                                "ends_on": "2026-12-01"})
    assert done.status_code == 201, done.json()
    body = done.json()
    assert body["status"] == "paused"
    assert body["pauses"][0] | {"started_at": None} == {"reason": "expert_review", "note": "组织专家论证",
                                                        "started_at": None, "ends_on": "2026-12-01", "ended_at": None}
    with time_machine.travel(datetime(2026, 12, 1, 10, tzinfo=SH), tick=False):
        resumed = handler.post(f"/api/v1/tasks/{task.pk}/resume", {"note": "专家意见已出具"})
    assert resumed.status_code == 200
    assert resumed.json()["status"] == "in_progress"
    case.refresh_from_db()
    assert datetime.fromisoformat(resumed.json()["due_at"].replace("Z", "+00:00")) == case.due_at
    assert case.due_at == calendar.deadline(case.received_at, 15, list(case.pauses.values_list("started_at",
                                                                                                 "ended_at")))


def test_an_extension_through_the_api_with_its_letter(bureau, api_as):
    case, task = new_case(bureau)
    handler = api_as(bureau["handler1"])
    assert handler.post(f"/api/v1/tasks/{task.pk}/extension", {"days": 12, "reason": "x"}).status_code == 400
    asked = handler.post(f"/api/v1/tasks/{task.pk}/extension", {"days": 4, "reason": "需征求人防部门意见"})
    assert asked.status_code == 201 and asked.json()["extension"]["status"] == "requested"
    assert handler.post(f"/api/v1/tasks/{task.pk}/extension", {"days": 2, "reason": "再次"}).status_code == 409
    url = f"/api/v1/cases/{case.number}/extension/decision"
    assert handler.post(url, {"approve": True}).status_code == 403
    head = case.handling_office.division_heads().first()
    decided = api_as(head).post(url, {"approve": True, "note": "同意延期"})
    assert decided.status_code == 200
    body = decided.json()
    assert body["extension_days"] == 4 and body["extension"]["status"] == "approved"
    letter = api_as(head).get(body["extension"]["letter_url"])
    assert letter.status_code == 200 and letter["Content-Type"] == "application/pdf"
    text = extract_text(letter.content).replace(" ", "")
    new_day = calendar.local_date(Case.objects.get(pk=case.pk).due_at)
    assert "延长审批期限告知书" in text and f"{new_day:%Y年%m月%d日}" in text and "4个工作日" in text
    clock = api_as(bureau["director"]).get(f"/api/v1/cases/{case.number}/clock").json()
    assert clock["extension"]["due_after"] == body["extension"]["due_after"]


def test_withdrawal_is_the_intake_clerk_s(bureau, api_as):
    case, task = new_case(bureau)
    url = f"/api/v1/cases/{case.number}/withdrawal"
    assert api_as(bureau["handler1"]).post(url, {"reason": "申请人撤回"}).status_code == 403
    assert api_as(bureau["intake"]).post(url, {"reason": ""}).status_code == 400
    assert Case.objects.get(pk=case.pk).status == CaseStatus.IN_PROGRESS
    done = api_as(bureau["intake"]).post(url, {"reason": "申请人书面申请撤回"})
    assert done.status_code == 200 and done.json()["status"] == "withdrawn"
    task.refresh_from_db()
    assert task.state == TaskState.CANCELLED
    assert api_as(bureau["intake"]).post(url, {"reason": "再次"}).status_code == 409


def test_the_clock_operations_are_in_openapi(api):
    paths = api.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/tasks/{task_id}/pauses", "/api/v1/tasks/{task_id}/resume",
                 "/api/v1/tasks/{task_id}/extension", "/api/v1/cases/{case_number}/extension/decision",
                 "/api/v1/cases/{case_number}/extension/letter.pdf", "/api/v1/cases/{case_number}/clock",
                 "/api/v1/cases/{case_number}/withdrawal"):
        assert path in paths
