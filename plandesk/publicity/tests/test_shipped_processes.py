"""Every shipped process runs the pre-approval publicity stage for a case whose item requires it (安排批前公示 →
wait for the period's end → 审查公示意见, before the division meeting or the head's decision), and goes straight on
for other cases; twice each: the engine kept live between steps, and its JSON saved and restored between steps."""

from __future__ import annotations

from datetime import date

import pytest

from plandesk.cases.models import CaseStatus, Outcome, PauseReason
from plandesk.catalog.models import ItemVersion
from plandesk.core.refusals import Refusal
from plandesk.publicity import jobs
from plandesk.publicity import services as publicity_services
from plandesk.publicity.gate import PREPARE_STEP
from plandesk.publicity.models import Publicity
from plandesk.publicity.tests.conftest import make_publicity, real_pdf, upload
from plandesk.testing.small import bureau  # noqa: F401 (fixture)
from plandesk.workflow import runtime
from plandesk.workflow import services as workflow
from plandesk.workflow.models import TaskState

pytestmark = pytest.mark.django_db
FORMS = {
    "review": {"conformity": "符合"}, "site_review": {"conformity": "符合"}, "design_review": {"conformity": "符合"},
    "co_review_municipal": {"agree": True}, "co_review_survey": {"agree": True},
    "director_review": {"submit_to_bureau_meeting": True},
}
STAGE = ["prepare_publicity", "review_opinions"]
# item(s), office, the steps before the stage, the steps after it
PROCESSES = {
    "plandesk_two_meetings": (("permit",), "div1", ["review"],
                              ["division_meeting", "director_review", "bureau_meeting", "prepare_certificate",
                               "check_certificate"]),
    "plandesk_parallel_approval": (("site_selection", "design_scheme_review"), "div1",
                                   ["design_review", "site_review"],
                                   ["division_meeting", "director_review", "bureau_meeting", "prepare_certificate",
                                    "check_certificate"]),
    "plandesk_co_review": (("pipes",), "div1", ["review", "co_review_municipal", "co_review_survey"],
                           ["division_meeting", "director_review", "bureau_meeting", "prepare_certificate",
                            "check_certificate"]),
    "plandesk_delegated": (("rural",), "branch_east", ["review"],
                           ["head_decision", "prepare_certificate", "check_certificate"]),
}


@pytest.fixture(params=["live", "restored"])
def engine_mode(request, monkeypatch, django_capture_on_commit_callbacks):
    """"live": the engine stays in memory between steps (each commit hands it back); "restored": its JSON is read
    back from the row at every step."""
    monkeypatch.setattr(runtime, "ENGINE_CACHE", request.param == "live")
    runtime._live.clear()
    return request.param


def step(case, engine_mode, django_capture_on_commit_callbacks) -> str | None:
    """Work the case's first open task as its post would; returns its step (None when nothing is open)."""
    from plandesk.organization.models import Post

    task = case.tasks.filter(state=TaskState.OPEN).order_by("step_id", "id").first()
    if task is None:
        return None
    if engine_mode == "restored":
        runtime._live.clear()
    with django_capture_on_commit_callbacks(execute=True):
        if task.is_meeting:
            chair = Post.objects.holders([task.post]).order_by("username").first()
            workflow.complete_meeting_task(case, task.meeting_kind, "approve", "同意", chair, f"会-{task.pk}")
        else:
            worker = Post.objects.holders([task.post]).order_by("username").first()
            workflow.complete_task(task.pk, worker, decision="approve", opinion="同意", form=FORMS.get(task.step_id),
                                   version=task.version)
    return task.step_id


def run(case, engine_mode, capture, count: int) -> list[str]:
    return [step(case, engine_mode, capture) for _ in range(count)]


@pytest.mark.parametrize("process_id", PROCESSES)
def test_a_case_requiring_publicity_waits_for_its_end_before_the_meeting(bureau, engine_mode, process_id,  # noqa: F811
                                                                         travel, django_capture_on_commit_callbacks):
    codes, office, before, after = PROCESSES[process_id]
    ItemVersion.objects.filter(item__code__in=codes).update(publicity_required=True)
    # Stored before the clock stops: the parsed-process cache tells versions apart by their upload time.
    workflow.ensure_default_processes()
    travel(date(2026, 11, 30))
    case = bureau.new_case(*codes, office=office)
    assert run(case, engine_mode, django_capture_on_commit_callbacks, len(before)) == before
    prepare = case.tasks.get(state=TaskState.OPEN)
    assert prepare.step_id == PREPARE_STEP
    # The handler cannot end the step before the publicity is announced: nothing changes.
    with pytest.raises(Refusal) as refused:
        workflow.complete_task(prepare.pk, prepare.post.members.first(), decision="approve", opinion="")
    assert refused.value.code == "publicity_required"
    prepare.refresh_from_db()
    assert prepare.state == TaskState.OPEN

    publicity = make_publicity(case=case, starts_on=date(2026, 12, 7), ends_on=date(2026, 12, 16))
    publicity.record_notice(outlet="城市日报", notice_on=date(2026, 12, 1), text="公告")
    publicity.schedule(today=date(2026, 11, 30))
    # Scheduled, but nothing on show yet: still refused, saying what is missing.
    with pytest.raises(Refusal) as refused:
        workflow.complete_task(prepare.pk, prepare.post.members.first(), decision="approve", opinion="")
    assert "公示材料" in refused.value.message
    publicity_services.add_document(publicity, title="总平面图", upload=upload("plan.pdf", real_pdf()))
    assert step(case, engine_mode, django_capture_on_commit_callbacks) == PREPARE_STEP
    assert not case.tasks.filter(state=TaskState.OPEN).exists()  # waiting for the period's end

    travel(date(2026, 12, 7))
    assert publicity_services.start_due() == 1
    case.refresh_from_db()
    assert case.status == CaseStatus.PAUSED and case.open_pause().reason == PauseReason.PUBLICITY
    travel(date(2026, 12, 17))
    with django_capture_on_commit_callbacks(execute=True):
        done = {job.__name__: job() for job in jobs.JOBS}
    assert done["end_publicity"] == 1 and done["release_case_processes"] == 1
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    assert [t.step_id for t in case.tasks.filter(state=TaskState.OPEN)] == ["review_opinions"]
    assert run(case, engine_mode, django_capture_on_commit_callbacks, len(after) + 1) == ["review_opinions", *after]
    case.refresh_from_db()
    assert case.status == CaseStatus.READY_FOR_PICKUP and case.outcome == Outcome.APPROVED
    assert Publicity.objects.get(pk=publicity.pk).process_released_at is not None


@pytest.mark.parametrize("process_id", PROCESSES)
def test_a_case_without_publicity_goes_straight_on(bureau, engine_mode, process_id,  # noqa: F811
                                                   django_capture_on_commit_callbacks):
    codes, office, before, after = PROCESSES[process_id]
    case = bureau.new_case(*codes, office=office)
    steps = run(case, engine_mode, django_capture_on_commit_callbacks, len(before) + len(after))
    assert steps == before + after
    case.refresh_from_db()
    assert case.status == CaseStatus.READY_FOR_PICKUP


def test_a_case_sent_back_across_the_wait_moves_on_again(bureau, travel,  # noqa: F811
                                                         django_capture_on_commit_callbacks):
    """审查公示意见 returned to 安排批前公示: done again, the process waits for a period that has already ended and the
    worker's next pass moves it on."""
    ItemVersion.objects.filter(item__code="permit").update(publicity_required=True)
    workflow.ensure_default_processes()
    travel(date(2026, 11, 30))
    case = bureau.new_case("permit")
    run(case, "live", django_capture_on_commit_callbacks, 1)
    publicity = make_publicity(case=case, starts_on=date(2026, 12, 7), ends_on=date(2026, 12, 16))
    publicity.record_notice(outlet="城市日报", notice_on=date(2026, 12, 1), text="公告")
    publicity.schedule(today=date(2026, 11, 30))
    publicity_services.add_document(publicity, title="总平面图", upload=upload("plan.pdf", real_pdf()))
    run(case, "live", django_capture_on_commit_callbacks, 1)
    travel(date(2026, 12, 7))
    jobs.start_publicity()
    travel(date(2026, 12, 17))
    with django_capture_on_commit_callbacks(execute=True):
        jobs.end_publicity()
        assert jobs.release_case_processes() == 1
    opinions = case.tasks.get(state=TaskState.OPEN)
    workflow.complete_task(opinions.pk, bureau["handler1"], decision="return", opinion="公示材料须补充说明")
    assert case.tasks.get(state=TaskState.OPEN).step_id == PREPARE_STEP
    assert run(case, "live", django_capture_on_commit_callbacks, 1) == [PREPARE_STEP]
    assert not case.tasks.filter(state=TaskState.OPEN).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.release_case_processes() == 1
    assert case.tasks.get(state=TaskState.OPEN).step_id == "review_opinions"
    assert jobs.release_case_processes() == 0
