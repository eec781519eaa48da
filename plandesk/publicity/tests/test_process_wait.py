"""A BPMN step waits for the end of the case's publicity: the process pauses there, the case clock stops over the
period, and the worker, after the last day, resumes the clock and moves the process on to the next step."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from plandesk.audit.models import Event
from plandesk.cases.models import Case, CaseEvent, CaseStatus, PauseReason
from plandesk.core.jobs import registered_jobs
from plandesk.publicity import jobs
from plandesk.publicity.models import Publicity
from plandesk.publicity.tests.conftest import at, scheduled
from plandesk.workdays.calendar import add_working_days, local_date
from plandesk.workflow import services as workflow
from plandesk.workflow.models import ProcessInstance, TaskState

pytestmark = pytest.mark.django_db
PROCESS = Path(__file__).with_name("scheme_with_publicity.bpmn")


def worker_pass() -> dict[str, int]:
    """One pass of the worker's publicity jobs, in the worker's order: what each did."""
    return {job.__name__: job() for job in jobs.JOBS}


@pytest.fixture
def started(travel):
    """A case received 2026-11-30 whose process (安排批前公示 → wait for the period's end → 审查公示意见) is at its
    first step: (case, that task, its handler)."""
    from plandesk.catalog.models import Category, Item, ItemVersion
    from plandesk.conftest import make_user
    from plandesk.organization.models import Post, Unit

    travel(date(2026, 11, 30))
    unit = Unit.objects.create(code="div1", name="行政审批一处", kind="division")
    handler = make_user("handler1", full_name="经办人")
    Post.objects.create(code="div1.handler", name="一处经办", unit=unit, function="handler").members.add(handler)
    workflow.upload_definition(PROCESS.read_text(encoding="utf-8"))
    item = Item.objects.create(code="scheme")
    ItemVersion(item=item, name="建设工程设计方案审查", category=Category.NON_LICENCE, legal_basis="《城乡规划法》",
                statutory_days=20, promised_days=15, form_schema={"type": "object"},
                process_id="scheme_with_publicity").publish()
    item.refresh_from_db()
    case = Case.register(item_versions=[item.current], handling_office=unit, applicant_name="某建设公司",
                         project_name="滨江花园住宅项目", received_at=at(date(2026, 11, 30)))
    [prepare] = workflow.start_case(case)
    return case, prepare, handler


@pytest.fixture
def waiting_case(started, travel):
    """The same case on 2026-12-01, its first step done: the process stands at the wait."""
    case, prepare, handler = started
    travel(date(2026, 12, 1))
    assert workflow.complete_task(prepare.pk, handler, decision="approve", opinion="已安排批前公示") == []
    case.refresh_from_db()
    return case


def test_the_worker_moves_the_process_on_after_the_period(waiting_case, travel):
    case = waiting_case
    assert "release_case_processes" in {name.rsplit(".", 1)[-1] for name, _job in registered_jobs()}
    promised = local_date(case.due_at)
    instance = ProcessInstance.objects.get(case=case)
    assert not case.tasks.filter(state=TaskState.OPEN).exists()
    publicity = scheduled(case=case)  # 2026-12-07 to 2026-12-16, noticed on 12-01

    travel(date(2026, 12, 4))
    assert worker_pass()["release_case_processes"] == 0
    travel(date(2026, 12, 7), hour=0)
    assert worker_pass()["start_publicity"] == 1
    case.refresh_from_db()
    assert case.status == CaseStatus.PAUSED and case.open_pause().reason == PauseReason.PUBLICITY
    travel(date(2026, 12, 16), hour=23)  # the last day: still waiting, still paused
    assert worker_pass() == {"end_publicity": 0, "release_case_processes": 0, "start_publicity": 0,
                             "arrange_post_approval": 0, "warn_office_of_risks": 0}
    assert not case.tasks.filter(state=TaskState.OPEN).exists()

    travel(date(2026, 12, 17), hour=0)
    did = worker_pass()
    assert (did["end_publicity"], did["release_case_processes"]) == (1, 1)
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    pause = case.pauses.get()
    assert (local_date(pause.started_at), local_date(pause.ended_at)) == (date(2026, 12, 7), date(2026, 12, 17))
    # The clock stood still over the eight working days of the period.
    assert local_date(case.due_at) == add_working_days(promised, 8)
    [review] = case.tasks.filter(state=TaskState.OPEN)
    assert review.step_id == "review" and local_date(review.created_at) == date(2026, 12, 17)
    assert local_date(review.due_at) == add_working_days(date(2026, 12, 17), 5)
    assert CaseEvent.objects.filter(case=case, data__signal="publicity_ended",
                                    summary__startswith="公示期满").count() == 1
    assert Event.objects.filter(action="publicity.process_released", object_id=str(publicity.pk)).count() == 1
    assert Event.objects.filter(action="workflow.signal_caught", object_id=str(instance.pk)).count() == 1

    # A second pass (or a second worker) changes nothing.
    assert worker_pass()["release_case_processes"] == 0
    assert case.tasks.filter(state=TaskState.OPEN).count() == 1
    publicity.refresh_from_db()
    assert publicity.process_released_at is not None


def test_a_process_not_yet_at_the_wait_is_told_when_it_gets_there(started, travel):
    """The first step is still open when the period ends: the worker tries again until the process waits."""
    case, prepare, handler = started
    publicity = scheduled(case=case)
    travel(date(2026, 12, 7), hour=0)
    assert worker_pass()["start_publicity"] == 1
    travel(date(2026, 12, 17), hour=0)
    did = worker_pass()
    assert (did["end_publicity"], did["release_case_processes"]) == (1, 0)
    assert worker_pass()["release_case_processes"] == 0
    publicity.refresh_from_db()
    assert publicity.process_released_at is None  # still to be told

    travel(date(2026, 12, 18))
    assert workflow.complete_task(prepare.pk, handler, decision="approve") == []
    assert worker_pass()["release_case_processes"] == 1
    assert case.tasks.get(state=TaskState.OPEN).step_id == "review"
    assert worker_pass()["release_case_processes"] == 0


def test_a_case_without_a_waiting_step_is_settled_at_once(case, travel):
    """The case fixture has no process: nothing will ever wait, the row is marked and never tried again."""
    publicity = scheduled(case=case)
    travel(date(2026, 12, 7), hour=0)
    worker_pass()
    travel(date(2026, 12, 17), hour=0)
    assert worker_pass()["release_case_processes"] == 0
    publicity.refresh_from_db()
    assert publicity.process_released_at is not None
    assert not Event.objects.filter(action="publicity.process_released").exists()
    assert Publicity.objects.filter(process_released_at__isnull=True).count() == 0
