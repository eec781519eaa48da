"""The case clock on the case workspace: pause for a hearing and end it, ask for an extension, the head decides,
the letter; a refused form changes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.test import Client

from plandesk.cases.models import Case, CaseExtension, CaseStatus
from plandesk.core.pdf import extract_text
from plandesk.workflow.models import TaskState

SH = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=SH)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_handler_pauses_for_a_hearing_on_the_case_page_and_ends_it(bureau):
    with time_machine.travel(MONDAY, tick=False):
        case = bureau.new_case("permit")
    task = case.tasks.get(state=TaskState.OPEN)
    handler = signed_in(bureau["handler1"])
    page = handler.get(f"/work/cases/{case.number}/").content.decode()
    assert 'id="pause-form"' in page and 'id="extension-form"' in page
    with time_machine.travel(MONDAY + timedelta(hours=1), tick=False):
        refused = handler.post(f"/work/tasks/{task.pk}/pause/", {"reason": "hearing", "note": "听证",
                                                                 "ends_on": "2026-11-01"}, follow=True)
        assert "预计结束日期不能早于今天" in refused.content.decode()
        assert Case.objects.get(pk=case.pk).status == CaseStatus.IN_PROGRESS
        handler.post(f"/work/tasks/{task.pk}/pause/", {"reason": "hearing", "note": "利害关系人申请听证",
                                                       "ends_on": "2026-11-30"})
    assert Case.objects.get(pk=case.pk).status == CaseStatus.PAUSED
    handler = signed_in(bureau["handler1"])  # a new session: time travel aged the first one
    response = handler.get(f"/work/cases/{case.number}/")
    assert response.status_code == 200, response.status_code
    page = response.content.decode()
    assert 'id="pauses"' in page and "利害关系人申请听证" in page and 'id="end-pause"' in page
    with time_machine.travel(datetime(2026, 11, 30, 10, tzinfo=SH), tick=False):
        handler = signed_in(bureau["handler1"])
        handler.post(f"/work/tasks/{task.pk}/resume/", {"note": "听证会已举行"})
    assert Case.objects.get(pk=case.pk).status == CaseStatus.IN_PROGRESS


def test_the_head_decides_an_extension_on_the_case_page_and_the_letter_follows(bureau):
    with time_machine.travel(MONDAY, tick=False):
        case = bureau.new_case("permit")
    task = case.tasks.get(state=TaskState.OPEN)
    signed_in(bureau["handler1"]).post(f"/work/tasks/{task.pk}/extension/", {"days": "3", "reason": "需征求消防意见"})
    assert CaseExtension.objects.get(case=case).days == 3
    outsider = signed_in(bureau["handler2"])
    assert outsider.post(f"/work/cases/{case.number}/extension/", {"approve": "1"}).status_code == 404
    head = case.handling_office.division_heads().first()
    page = signed_in(head).get(f"/work/cases/{case.number}/").content.decode()
    assert 'id="extension-decision"' in page
    signed_in(head).post(f"/work/cases/{case.number}/extension/", {"approve": "1", "note": "同意"})
    assert CaseExtension.objects.get(case=case).status == "approved"
    letter = signed_in(head).get(f"/work/cases/{case.number}/extension.pdf")
    assert letter["Content-Type"] == "application/pdf"
    assert "3个工作日" in extract_text(letter.content).replace(" ", "")
