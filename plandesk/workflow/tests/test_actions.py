"""Claim, draft, transfer, return for supplements (clock paused and resumed), implied consent, lights."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from plandesk.cases.models import CaseStatus
from plandesk.workdays import calendar
from plandesk.workflow import hooks, services
from plandesk.workflow.models import Light, TaskState

SH = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=SH)  # an ordinary working week
REVIEW_FORM = {"conformity": "符合"}


def open_task(case, step_id=None):
    rows = case.tasks.filter(state=TaskState.OPEN)
    return rows.get(step_id=step_id) if step_id else rows.get()


def test_it_lets_one_member_claim_a_task_offered_to_the_post(bureau):
    case = bureau.new_case("permit")
    task = open_task(case)
    services.claim_task(task.pk, bureau["handler1"])
    with pytest.raises(services.NotAllowed):
        services.complete_task(task.pk, bureau["handler1b"], decision="approve", form=REVIEW_FORM)
    task.refresh_from_db()
    assert task.assignee == bureau["handler1"] and task.version == 2


def test_it_keeps_a_draft_without_changing_the_version(bureau):
    case = bureau.new_case("permit")
    task = open_task(case)
    services.save_draft(task.pk, bureau["handler1"], opinion="初步意见", form={"conformity": "基本符合"})
    task.refresh_from_db()
    assert task.draft == {"opinion": "初步意见", "form": {"conformity": "基本符合"}} and task.version == 1


def test_it_transfers_a_task_to_a_colleague_with_a_reason(bureau):
    case = bureau.new_case("permit")
    task = open_task(case)
    services.claim_task(task.pk, bureau["handler1"])
    with pytest.raises(services.InvalidInput):
        services.transfer_task(task.pk, bureau["handler1"], bureau["handler1b"], "")
    with pytest.raises(services.InvalidInput):
        services.transfer_task(task.pk, bureau["handler1"], bureau["handler2"], "出差")  # another division
    services.transfer_task(task.pk, bureau["handler1"], bureau["handler1b"], "出差，请代办")
    task.refresh_from_db()
    assert task.assignee == bureau["handler1b"]
    event = case.events.get(kind="transferred")
    assert event.detail == "出差，请代办" and event.actor == bureau["handler1"]
    with pytest.raises(services.NotAllowed):
        services.complete_task(task.pk, bureau["handler1"], decision="approve", form=REVIEW_FORM)
    services.complete_task(task.pk, bureau["handler1b"], decision="approve", form=REVIEW_FORM)


def test_it_refuses_the_transfer_from_someone_not_on_the_post(bureau):
    case = bureau.new_case("permit")
    task = open_task(case)
    with pytest.raises(services.NotAllowed):
        services.transfer_task(task.pk, bureau["handler2"], bureau["handler1b"], "代办")


def test_it_pauses_the_clock_for_supplements_and_moves_deadlines_on_resume(bureau):
    with time_machine.travel(MONDAY, tick=False):
        case = bureau.new_case("permit")
        task = open_task(case)
        due_before, case_due_before = task.due_at, case.due_at
        assert due_before == calendar.deadline(MONDAY, 5)
        services.request_supplement(task.pk, bureau["handler1"], "请补正建设工程设计方案总平面图")
        case.refresh_from_db()
        assert case.status == CaseStatus.PAUSED
        with pytest.raises(services.Conflict):
            services.complete_task(task.pk, bureau["handler1"], decision="approve", form=REVIEW_FORM)
    # The applicant comes back three working days later (Thursday).
    with time_machine.travel(datetime(2026, 11, 26, 10, 0, tzinfo=SH), tick=False):
        services.resume_case(case, actor=bureau["intake"])
    case.refresh_from_db()
    task.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    assert calendar.working_days_between(calendar.local_date(due_before), calendar.local_date(task.due_at)) == 3
    assert calendar.working_days_between(calendar.local_date(case_due_before), case.expected_pickup_date) == 3
    assert [p.reason for p in case.pauses.all()] == ["supplement"]
    assert case.events.filter(kind="paused").exists() and case.events.filter(kind="resumed").exists()


def test_it_lights_yellow_then_red_as_the_deadline_nears_and_passes(bureau):
    with time_machine.travel(MONDAY, tick=False):
        case = bureau.new_case("permit")
    task = open_task(case)
    with time_machine.travel(task.warn_at, tick=False):
        services.refresh_lights()
        task.refresh_from_db()
        assert task.light == Light.YELLOW and task.current_light == Light.YELLOW
    with time_machine.travel(task.due_at, tick=False):
        services.refresh_lights()
        task.refresh_from_db()
        assert task.light == Light.RED


def _to_co_review(bureau):
    case = bureau.new_case("pipes")
    review = open_task(case)
    services.complete_task(review.pk, bureau["handler1"], decision="approve", form=REVIEW_FORM)
    return case


def test_it_records_implied_consent_when_a_co_review_lapses(bureau):
    with time_machine.travel(MONDAY, tick=False):
        case = _to_co_review(bureau)
        survey = open_task(case, "co_review_survey")
        services.complete_task(survey.pk, bureau["survey1"], decision="approve", form={"agree": True})
        municipal = open_task(case, "co_review_municipal")
        assert services.lapse_overdue_tasks() == 0  # not yet due
    with time_machine.travel(municipal.due_at, tick=False):
        assert services.lapse_overdue_tasks() == 1
        assert services.lapse_overdue_tasks() == 0  # a second sweep changes nothing
    municipal.refresh_from_db()
    assert municipal.state == TaskState.LAPSED
    assert municipal.decision == "consent_by_timeout" and municipal.completed_by is None
    event = case.events.get(kind="lapsed")
    assert event.data["post"] == "municipal.co_reviewer"
    assert "超时默许" in event.summary
    assert open_task(case).step_id == "division_meeting"  # the case went on


def test_it_decides_meeting_steps_only_through_meetings(bureau):
    case = bureau.new_case("permit")
    services.complete_task(open_task(case).pk, bureau["handler1"], decision="approve", form=REVIEW_FORM)
    assert list(services.cases_waiting_for_meeting("division", "div1")) == [case]
    assert list(services.cases_waiting_for_meeting("division", "div2")) == []
    assert list(services.cases_waiting_for_meeting("bureau")) == []
    assert services.complete_meeting_task(case, "division", "defer", "材料不全，下次再议", bureau["head1"], "M-7") == []
    assert list(services.cases_waiting_for_meeting("division")) == [case]
    nxt = services.complete_meeting_task(case, "division", "approve", "同意上报", bureau["head1"], "M-8")
    assert [t.step_id for t in nxt] == ["director_review"]
    done = case.tasks.get(step_id="division_meeting")
    assert done.meeting_ref == "M-8" and done.decision == "approve"
    with pytest.raises(services.Conflict):
        services.complete_meeting_task(case, "division", "approve", "", bureau["head1"], "M-9")


def test_it_moves_open_deadlines_when_the_calendar_changes(bureau):
    from datetime import date

    from plandesk.workdays.services import set_day

    with time_machine.travel(MONDAY, tick=False):
        case = bureau.new_case("permit")
        task = open_task(case)
        due_before, pickup_before = task.due_at, case.expected_pickup_date
        # The administrator declares Wednesday a holiday: every open deadline moves one working day later.
        set_day(date(2026, 11, 25), "holiday", "临时休假")
    task.refresh_from_db()
    case.refresh_from_db()
    assert calendar.working_days_between(calendar.local_date(due_before), calendar.local_date(task.due_at)) == 1
    assert task.due_at > due_before and case.expected_pickup_date > pickup_before


def test_it_reports_progress_for_the_public_without_staff_names(bureau):
    case = bureau.new_case("permit")
    services.complete_task(open_task(case).pk, bureau["handler1"], decision="approve", opinion="内部意见",
                           form=REVIEW_FORM)
    current = services.current_steps(case)
    assert [s["name"] for s in current] == ["处务会"] and current[0]["due_date"]
    history = services.step_history(case)
    assert [s["name"] for s in history] == ["承办审查"] and history[0]["finished_at"]
    assert "handler1" not in repr(current + history) and "内部意见" not in repr(current + history)


def test_it_sends_a_case_back_when_a_meeting_asks_for_revision(bureau):
    case = bureau.new_case("permit")
    services.complete_task(open_task(case).pk, bureau["handler1"], decision="approve", form=REVIEW_FORM)
    nxt = services.complete_meeting_task(case, "division", "revise", "补充日照分析后再议", bureau["head1"], "M-3")
    assert [t.step_id for t in nxt] == ["review"]
    meeting = case.tasks.get(step_id="division_meeting")
    assert meeting.decision == "revise" and meeting.state == TaskState.COMPLETED
    assert case.events.filter(kind="meeting", detail="补充日照分析后再议").exists()


@pytest.mark.parametrize("hour, minute", [(9, 0), (17, 50)])  # in the morning, and after office hours
def test_it_gives_each_next_step_the_calendars_own_deadlines_before_and_after_a_calendar_change(bureau, hour,
                                                                                             minute):
    from datetime import date

    from plandesk.workdays.services import set_day

    def complete_review(case):
        task = open_task(case)
        (nxt,) = services.complete_task(task.pk, bureau["handler1"], decision="approve", form=REVIEW_FORM,
                                        version=task.version)
        nxt.refresh_from_db()
        # The completion memoises deadlines by calendar token and date: they must be exactly the calendar's.
        assert nxt.limit_days > 0
        assert nxt.due_at == calendar.deadline(nxt.created_at, nxt.limit_days)
        assert nxt.warn_at == calendar.warn_at(nxt.created_at, nxt.due_at)
        return nxt

    with time_machine.travel(MONDAY.replace(hour=hour, minute=minute), tick=False):
        first, second = bureau.new_case("permit"), bureau.new_case("permit")
        before = complete_review(first)
        set_day(date(2026, 11, 24), "holiday", "临时休假")  # Tuesday: a new calendar token
        after = complete_review(second)
    assert calendar.working_days_between(calendar.local_date(before.due_at), calendar.local_date(after.due_at)) == 1


def test_an_apps_work_rule_keeps_a_post_holder_from_working_or_being_handed_a_task(bureau, monkeypatch):
    """Upper apps narrow who may work a task (certificates: the preparer may not check): workflow asks WORK_RULES."""
    from plandesk.workflow.models import Task

    def not_handler1(user, task):
        return "本环节须由他人办理" if user.username == "handler1" and task.step_id == "review" else None

    monkeypatch.setattr(hooks, "work_rules", lambda: [not_handler1])
    case = bureau.new_case("permit")
    task = case.tasks.get(state=TaskState.OPEN)
    assert not services.may_work(bureau["handler1"], task) and services.may_work(bureau["handler1b"], task)
    with pytest.raises(services.NotAllowed, match="须由他人办理"):
        services.complete_task(task.pk, bureau["handler1"], decision="approve", opinion="同意")
    with pytest.raises(services.NotAllowed):
        services.claim_task(task.pk, bureau["handler1"])
    services.claim_task(task.pk, bureau["handler1b"])
    with pytest.raises(services.InvalidInput, match="不能转给这位同事"):
        services.transfer_task(task.pk, bureau["handler1b"], bureau["handler1"], "请代办")
    task.refresh_from_db()
    assert task.assignee == bureau["handler1b"] and Task.objects.get(pk=task.pk).state == TaskState.OPEN
