"""The promised date is protected: every shipped item fits its shipped process, no step is due after its case, and
an item/process combination that cannot fit is refused in the admin and at upload."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from plandesk.cases.models import CaseStatus
from plandesk.catalog.definitions import ITEMS as SHIPPED_ITEMS
from plandesk.catalog.models import ItemVersion
from plandesk.organization.models import Post
from plandesk.workflow import engine, promise, services
from plandesk.workflow.definitions import PARALLEL_PROCESS, PROCESS_DIR
from plandesk.workflow.models import ProcessDefinition, TaskState

SH = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=SH)
FORMS = {"review": {"conformity": "符合", "key_points": "符合控规"},
         "director_review": {"submit_to_bureau_meeting": True}}


def shipped(process_id: str) -> engine.ParsedProcess:
    return engine.parse_process((PROCESS_DIR / f"{process_id}.bpmn").read_text(encoding="utf-8"))


@pytest.mark.parametrize("item", SHIPPED_ITEMS, ids=[i.code for i in SHIPPED_ITEMS])
def test_every_shipped_item_fits_its_shipped_process(item):
    """Every item × process of the shipped catalogue: its promise gives the happy path's chain at least a day a step,
    and the shares of the promise keep the chain within it."""
    processes = [item.process_id] + ([PARALLEL_PROCESS] if item.parallel_group else [])
    for process_id in processes:
        parsed = shipped(process_id)
        publicity = bool(item.publicity_required)
        path = promise.happy_path(parsed, publicity)
        assert path, process_id
        assert promise.fit_problem(parsed, item.name, item.promised_days, publicity) is None
        limits = promise.scaled_limits(parsed, item.promised_days, publicity)
        assert promise.chain_days(path, limits) <= item.promised_days


def test_the_happy_path_of_two_meetings_is_the_six_steps_of_twenty_days():
    parsed = shipped("plandesk_two_meetings")
    path = promise.happy_path(parsed)
    assert [n.step_id for n in path] == ["review", "division_meeting", "director_review", "bureau_meeting",
                                         "prepare_certificate", "check_certificate"]
    assert promise.chain_days(path, promise.step_limits(parsed)) == 20
    assert "6 个依次办理的环节" in promise.fit_problem(parsed, "某事项", 5)


def worker_of(task):
    return Post.objects.holders([task.post]).order_by("username").first()


def test_no_step_is_due_after_its_case_even_when_every_step_uses_its_whole_limit(bureau):
    """A 15-day promise on a 20-day process: each step done at its own deadline; the later steps are capped at the
    case's due date, so the case is ready by the date on its receipt."""
    with time_machine.travel(MONDAY, tick=False):
        case = bureau.new_case("permit")
    assert case.promised_days == 15
    for _round in range(10):
        task = case.tasks.filter(state=TaskState.OPEN).order_by("id").first()
        if task is None:
            break
        assert task.due_at <= case.due_at
        assert task.warn_at <= task.due_at
        with time_machine.travel(task.due_at - timedelta(minutes=1), tick=False):
            if task.meeting_kind:
                services.complete_meeting_task(case, task.meeting_kind, "approve", "同意", worker_of(task), "M-1")
            else:
                services.complete_task(task.pk, worker_of(task), decision="approve", opinion="同意",
                                       form=FORMS.get(task.step_id),
                                       version=task.version)
    case.refresh_from_db()
    assert case.status == CaseStatus.READY_FOR_PICKUP
    assert case.ready_at <= case.due_at
    capped = case.tasks.filter(due_at=case.due_at)
    assert capped.exists()  # the last steps were given the case's date, not their own 20-day chain


def test_saving_an_item_version_refuses_a_promise_that_cannot_hold_its_process(bureau, administrator):
    version = bureau.items["permit"].current
    with pytest.raises(ValidationError) as refused:
        version.revise(actor=administrator, promised_days=5)
    assert "无法在承诺时限内办结" in str(refused.value.message_dict["promised_days"])
    assert ItemVersion.objects.filter(item=version.item).count() == 1
    assert version.revise(actor=administrator, promised_days=6).promised_days == 6  # one day a step: it fits


def test_an_upload_that_would_leave_a_current_item_unable_to_fit_is_refused(bureau, administrator, client):
    # An item saved before this rule (or under an older, shorter process) promises 3 days on the two meetings.
    ItemVersion.objects.filter(pk=bureau.items["permit"].current.pk).update(promised_days=3)
    client.force_login(administrator)
    xml = (PROCESS_DIR / "plandesk_two_meetings.bpmn").read_bytes()
    before = ProcessDefinition.objects.filter(process_id="plandesk_two_meetings").count()
    response = client.post("/admin/workflow/processdefinition/upload/",
                           {"file": SimpleUploadedFile("p.bpmn", xml), "note": "新版"})
    assert response.status_code == 200
    assert "无法在承诺时限内办结" in response.content.decode()
    assert ProcessDefinition.objects.filter(process_id="plandesk_two_meetings").count() == before
