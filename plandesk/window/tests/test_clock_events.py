"""The clock at the window: the 补正 notice carries its deadline; a moved due date reaches the public query and a
reprinted receipt, with an SMS; withdrawal at the intake window."""

from __future__ import annotations

from datetime import datetime, timedelta

import time_machine

from plandesk.cases.models import CaseStatus
from plandesk.core.pdf import extract_text
from plandesk.notifications.models import Notification
from plandesk.window import pdf, services
from plandesk.window.models import SupplementNotice
from plandesk.window.tests.conftest import application
from plandesk.workdays import calendar
from plandesk.workflow import services as workflow
from plandesk.workflow.models import TaskState

NOW = datetime.fromisoformat("2026-11-27 10:00:00+08:00")  # a Friday


def filed_case(bureau):
    with time_machine.travel(NOW, tick=False):
        return services.intake(application(), actor=bureau["intake"])


def test_the_supplement_notice_carries_its_deadline_and_a_moved_date_reaches_the_applicant(bureau, api):
    filed = filed_case(bureau)
    case = filed.case
    before = case.expected_pickup_date
    task = case.tasks.get(state=TaskState.OPEN)
    with time_machine.travel(NOW + timedelta(days=3), tick=False):  # Monday
        workflow.request_supplement(task.pk, bureau["handler1"], "土地勘测定界图")
    notice = SupplementNotice.objects.get(case=case)
    deadline = calendar.add_working_days(datetime(2026, 11, 30).date(), 10)
    assert notice.pause.ends_on == deadline
    text = extract_text(pdf.supplement_pdf(notice)).replace(" ", "")
    assert "补正期限" in text and f"{deadline:%Y年%m月%d日}" in text and "视为撤回申请" in text
    assert f"请于 {deadline:%Y年%m月%d日} 前" in Notification.objects.get(kind="case_supplement").body
    with time_machine.travel(NOW + timedelta(days=6), tick=False):  # Thursday
        services.record_supplements(notice, actor=bureau["intake"], note="已补交")
    case.refresh_from_db()
    assert case.expected_pickup_date > before
    moved = Notification.objects.get(kind="case.due_date_moved")
    assert moved.channel == "sms" and f"{case.expected_pickup_date:%Y年%m月%d日}" in moved.body
    with time_machine.travel(NOW + timedelta(days=6, hours=1), tick=False):
        body = api.post("/api/v1/public/query", {"case_number": case.number, "password": filed.password}).json()
    assert body["expected_pickup_date"] == str(case.expected_pickup_date)
    _receipt, password = services.reprint_receipt(case, actor=bureau["intake"])
    reprint = extract_text(pdf.receipt_pdf(case, password)).replace(" ", "")
    assert f"{case.expected_pickup_date:%Y年%m月%d日}" in reprint


def test_the_intake_clerk_records_a_withdrawal_on_the_case_page(bureau, client):
    case = filed_case(bureau).case
    client.force_login(bureau["handler1"])
    client.post(f"/window/cases/{case.number}/withdraw/", {"reason": "申请人撤回"})
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    client.force_login(bureau["intake"])
    page = client.get(f"/window/cases/{case.number}/").content.decode()
    assert 'id="withdraw-form"' in page
    client.post(f"/window/cases/{case.number}/withdraw/", {"reason": "申请人书面申请撤回"})
    case.refresh_from_db()
    assert case.status == CaseStatus.WITHDRAWN
    assert not case.tasks.filter(state=TaskState.OPEN).exists()
    assert Notification.objects.filter(kind="workflow.task_closed").exists()
