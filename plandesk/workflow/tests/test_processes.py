"""Every shipped process, start to end, twice: with the live engine kept between steps and with the engine JSON
saved and restored between every step (as SpiffWorkflow's own tests do)."""

from __future__ import annotations

from contextlib import nullcontext

import pytest

from plandesk.cases.models import CaseStatus, Outcome
from plandesk.organization.models import Post
from plandesk.workflow import runtime, services
from plandesk.workflow.models import ProcessInstance, Task, TaskState

FORMS = {
    "review": {"conformity": "符合", "key_points": "符合控规"},
    "site_review": {"conformity": "符合"},
    "design_review": {"conformity": "基本符合"},
    "co_review_municipal": {"agree": True},
    "co_review_survey": {"agree": True, "conditions": "复测红线"},
    "director_review": {"submit_to_bureau_meeting": True},
}


class Mode(str):
    """"live": the engine object stays in memory between steps (each step's commit hands it back);
    "restored": the engine JSON is saved and restored between every step."""

    loads: list


@pytest.fixture(params=["live", "restored"])
def engine_mode(request, monkeypatch, django_capture_on_commit_callbacks):
    from plandesk.workflow import engine

    mode = Mode(request.param)
    mode.loads = []
    real_loads = engine.loads

    def counting_loads(state, parsed=None):
        mode.loads.append(1)
        return real_loads(state, parsed)

    monkeypatch.setattr(engine, "loads", counting_loads)
    monkeypatch.setattr(runtime, "ENGINE_CACHE", mode == "live")
    runtime._live.clear()
    global STEP_CONTEXT
    STEP_CONTEXT = (lambda: django_capture_on_commit_callbacks(execute=True)) if mode == "live" else None
    yield mode
    STEP_CONTEXT = None


STEP_CONTEXT = None


def worker_of(task: Task):
    return Post.objects.holders([task.post]).order_by("username").first()


def work(case, decisions: dict[str, str] | None = None, restore: bool = False, stop_after: int | None = None
         ) -> list[str]:
    """Work every open task of the case until none is left; returns the steps in the order they were done."""
    decisions = decisions or {}
    done = []
    for _round in range(30):
        if stop_after is not None and len(done) == stop_after:
            return done
        task = case.tasks.filter(state=TaskState.OPEN).order_by("id").first()
        if task is None:
            return done
        if restore:
            # Save and restore the engine JSON between every step.
            instance = ProcessInstance.objects.get(case=case)
            from plandesk.workflow import engine

            parsed = services.parsed_definition(instance.definition)
            instance.state = engine.dumps_run(engine.loads(instance.state, parsed))
            instance.save(update_fields=["state"])
        decision = decisions.get(task.step_id, "approve")
        with STEP_CONTEXT() if STEP_CONTEXT else nullcontext():
            if task.meeting_kind:
                chair = worker_of(task)
                services.complete_meeting_task(case, task.meeting_kind, decision, f"{task.name}意见", chair, "M-1")
            else:
                services.complete_task(task.pk, worker_of(task), decision=decision, opinion=f"{task.name}意见",
                                       form=FORMS.get(task.step_id), version=task.version)
        done.append(task.step_id)
    raise AssertionError("process did not end")


def test_it_runs_the_two_meetings_process_to_the_output_window(bureau, engine_mode):
    case = bureau.new_case("permit")
    steps = work(case, restore=engine_mode == "restored")
    assert steps == ["review", "division_meeting", "director_review", "bureau_meeting", "prepare_certificate",
                     "check_certificate"]
    if engine_mode == "live":
        assert len(engine_mode.loads) == 1  # only the first step read the JSON: the engine stayed in memory
    else:
        assert len(engine_mode.loads) >= 2 * len(steps)
    case.refresh_from_db()
    assert case.status == CaseStatus.READY_FOR_PICKUP
    assert case.outcome == Outcome.APPROVED
    assert case.process.status == "completed"


def test_it_prepares_a_refusal_when_the_bureau_meeting_rejects(bureau, engine_mode):
    case = bureau.new_case("permit")
    steps = work(case, {"bureau_meeting": "reject"}, restore=engine_mode == "restored")
    assert steps[-2:] == ["prepare_refusal", "check_refusal"]
    case.refresh_from_db()
    assert case.outcome == Outcome.REJECTED


def test_it_runs_parallel_approval_in_two_divisions_and_keeps_both_opinions(bureau, engine_mode):
    case = bureau.new_case("site_selection", "design_scheme_review")
    first = list(case.tasks.filter(state=TaskState.OPEN).order_by("step_id"))
    assert [(t.step_id, t.office.code) for t in first] == [("design_review", "div3"), ("site_review", "div1")]
    steps = work(case, restore=engine_mode == "restored")
    assert set(steps[:2]) == {"site_review", "design_review"}
    assert steps[2:] == ["division_meeting", "director_review", "bureau_meeting", "prepare_certificate",
                         "check_certificate"]
    from plandesk.workflow import engine

    instance = ProcessInstance.objects.get(case=case)
    data = engine.loads(instance.state, services.parsed_definition(instance.definition)).last_task.data
    assert data["site_review_opinion"] == "选址意见审查意见"
    assert data["design_review_opinion"] == "设计方案审查意见"
    assert data["site_review_form"] == {"conformity": "符合"}
    assert data["design_review_form"] == {"conformity": "基本符合"}


def test_it_runs_co_review_with_both_divisions_answering(bureau, engine_mode):
    case = bureau.new_case("pipes")
    steps = work(case, restore=engine_mode == "restored")
    assert steps[0] == "review"
    assert set(steps[1:3]) == {"co_review_municipal", "co_review_survey"}
    assert steps[3:] == ["division_meeting", "director_review", "bureau_meeting", "prepare_certificate",
                         "check_certificate"]
    case.refresh_from_db()
    assert case.status == CaseStatus.READY_FOR_PICKUP


def test_it_runs_the_delegated_process_with_the_branch_head_deciding(bureau, engine_mode):
    case = bureau.new_case("rural", office="branch_east")
    steps = work(case, {"head_decision": "reject"}, restore=engine_mode == "restored")
    assert steps == ["review", "head_decision", "prepare_refusal", "check_refusal"]
    posts = list(case.tasks.order_by("id").values_list("post__code", flat=True))
    assert posts == ["branch_east.handler", "branch_east.head", "branch_east.handler", "branch_east.head"]
    case.refresh_from_db()
    assert case.outcome == Outcome.REJECTED and case.status == CaseStatus.READY_FOR_PICKUP


def test_it_returns_a_task_to_the_previous_step(bureau, engine_mode):
    case = bureau.new_case("permit")
    work(case, restore=engine_mode == "restored", stop_after=2)  # review, division meeting
    director_task = case.tasks.get(state=TaskState.OPEN)
    assert director_task.step_id == "director_review"
    services.complete_task(director_task.pk, bureau["director"], decision="return", opinion="请处务会再议",
                           version=director_task.version)
    reopened = case.tasks.get(state=TaskState.OPEN)
    assert reopened.step_id == "division_meeting"
    assert case.events.filter(kind="returned").exists()
    steps = work(case, restore=engine_mode == "restored")
    assert steps == ["division_meeting", "director_review", "bureau_meeting", "prepare_certificate",
                     "check_certificate"]


@pytest.mark.parametrize("decision", ["return", "reject"])
def test_the_check_step_sends_the_case_back_to_the_certificate_step(bureau, engine_mode, decision):
    case = bureau.new_case("permit")
    steps = work(case, {"check_certificate": decision}, restore=engine_mode == "restored", stop_after=6)
    assert steps[-2:] == ["prepare_certificate", "check_certificate"]
    check = case.tasks.get(step_id="check_certificate")
    assert check.post.code == "div1.head" and check.limit_days == 1 and check.name == "证件校核"
    reopened = case.tasks.get(state=TaskState.OPEN)
    assert reopened.step_id == "prepare_certificate" and reopened.post.code == "div1.handler"
    assert case.events.filter(data__task=check.pk, detail="证件校核意见").exists()
    assert work(case, restore=engine_mode == "restored") == ["prepare_certificate", "check_certificate"]
    case.refresh_from_db()
    assert case.status == CaseStatus.READY_FOR_PICKUP and case.outcome == Outcome.APPROVED
