"""Statutory clock events: the 补正 deadline and its lapse (with a race against the supplement), the extension
(延期), hearing / expert review / inspection pauses, withdrawal (撤回), and the applicant told of a moved date."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import override_settings

from plandesk.audit.models import Event
from plandesk.cases.models import Case, CaseExtension, CaseStatus, PauseReason
from plandesk.notifications.models import Notification
from plandesk.testing.races import race
from plandesk.workdays import calendar
from plandesk.workflow import services
from plandesk.workflow.clock import (
    decide_extension,
    end_task_pause,
    lapse_supplements,
    pause_for_task,
    request_extension,
    withdraw_case,
)
from plandesk.workflow.errors import Conflict, InvalidInput, NotAllowed
from plandesk.workflow.models import TaskState

SH = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=SH)


def new_case(bureau) -> Case:
    with time_machine.travel(MONDAY, tick=False):
        case = bureau.new_case("permit")
    Case.objects.filter(pk=case.pk).update(applicant_phone="13800000009")
    case.applicant_phone = "13800000009"
    return case


def sms(case: Case, kind: str) -> list[str]:
    return list(Notification.objects.filter(kind=kind, channel="sms", object_id=str(case.pk))
                .values_list("body", flat=True))


def supplement(bureau, case: Case) -> date:
    task = case.tasks.get(state=TaskState.OPEN)
    with time_machine.travel(MONDAY + timedelta(hours=1), tick=False):
        services.request_supplement(task.pk, bureau["handler1"], "补交建设用地规划许可证")
    pause = case.pauses.get()
    assert pause.ends_on == calendar.add_working_days(MONDAY.date(), 10)
    return pause.ends_on


def test_the_supplement_deadline_passes_and_the_case_ends_as_withdrawn(bureau):
    case = new_case(bureau)
    ends_on = supplement(bureau, case)
    task = case.tasks.get(state=TaskState.OPEN)
    on_the_day = datetime.combine(ends_on, datetime.min.time(), tzinfo=SH) + timedelta(hours=20)
    assert lapse_supplements(on_the_day) == 0  # the last day is the applicant's
    assert lapse_supplements(on_the_day + timedelta(days=1)) == 1
    case.refresh_from_db()
    assert case.status == CaseStatus.WITHDRAWN
    assert case.pauses.get().ended_at is not None
    task.refresh_from_db()
    assert task.state == TaskState.CANCELLED
    assert "视为撤回申请" in sms(case, "case.supplement_lapsed")[0]
    assert Notification.objects.filter(kind="workflow.task_closed", recipient=bureau["handler1"]).exists()
    assert lapse_supplements(on_the_day + timedelta(days=2)) == 0  # a second run: nothing


@override_settings(PLANDESK_SUPPLEMENT_LAPSE="not_accepted")
def test_the_setting_may_end_a_lapsed_supplement_as_not_accepted(bureau):
    case = new_case(bureau)
    ends_on = supplement(bureau, case)
    lapse_supplements(datetime.combine(ends_on + timedelta(days=3), datetime.min.time(), tzinfo=SH))
    case.refresh_from_db()
    assert case.status == CaseStatus.NOT_ACCEPTED
    assert "不予受理" in sms(case, "case.supplement_lapsed")[0]


@pytest.mark.django_db(transaction=True)
def test_a_supplement_racing_the_lapse_sweep_exactly_one_wins(bureau):
    case = new_case(bureau)
    ends_on = supplement(bureau, case)
    late = datetime.combine(ends_on + timedelta(days=3), datetime.min.time(), tzinfo=SH) + timedelta(hours=10)

    def act(i: int):
        with time_machine.travel(late, tick=False):
            if i == 0:
                return services.resume_case(Case.objects.get(pk=case.pk), note="补正材料已收齐")
            return lapse_supplements()

    resumed, lapsed = race(2, act)
    case.refresh_from_db()
    if case.status == CaseStatus.IN_PROGRESS:
        assert isinstance(resumed, Case) and lapsed == 0
        assert not sms(case, "case.supplement_lapsed")
    else:
        assert case.status == CaseStatus.WITHDRAWN
        assert isinstance(resumed, Conflict) and lapsed == 1
    assert Event.objects.filter(action__in=["case.resumed", "case.withdrawn"], object_id=str(case.pk)).count() == 1


def test_an_extension_is_asked_once_approved_by_the_head_and_moves_the_due_date(bureau):
    case = new_case(bureau)
    task = case.tasks.get(state=TaskState.OPEN)
    due = case.due_at
    with pytest.raises(InvalidInput):
        request_extension(task.pk, bureau["handler1"], days=11, reason="需补充现场踏勘")
    with pytest.raises(InvalidInput):
        request_extension(task.pk, bureau["handler1"], days=5, reason=" ")
    assert not CaseExtension.objects.exists()
    request_extension(task.pk, bureau["handler1"], days=5, reason="需补充现场踏勘")
    with pytest.raises(Conflict):
        request_extension(task.pk, bureau["handler1"], days=3, reason="再次")
    with pytest.raises(NotAllowed):
        decide_extension(case, bureau["handler1"], approve=True)
    head = case.handling_office.division_heads().first()
    extension = decide_extension(case, head, approve=True, note="同意")
    case.refresh_from_db()
    assert case.due_at == calendar.deadline(case.received_at, 20)
    assert (extension.due_before, extension.due_after) == (due, case.due_at)
    assert f"{calendar.local_date(case.due_at):%Y年%m月%d日}" in sms(case, "case.due_date_moved")[0]
    assert case.events.filter(kind="extended").exists()
    with pytest.raises(Conflict):
        decide_extension(case, head, approve=True)


@override_settings(PLANDESK_EXTENSION_APPROVER="director")
def test_the_setting_makes_the_director_approve_extensions(bureau):
    case = new_case(bureau)
    request_extension(case.tasks.get(state=TaskState.OPEN).pk, bureau["handler1"], days=2, reason="专家意见分歧")
    with pytest.raises(NotAllowed):
        decide_extension(case, case.handling_office.division_heads().first(), approve=True)
    decide_extension(case, bureau["director"], approve=False, note="不同意")
    case.refresh_from_db()
    assert case.due_at == calendar.deadline(case.received_at, 15)
    assert not sms(case, "case.due_date_moved")


def test_a_hearing_pauses_the_clock_with_a_reason_and_an_end(bureau):
    case = new_case(bureau)
    task = case.tasks.get(state=TaskState.OPEN)
    with time_machine.travel(MONDAY + timedelta(hours=2), tick=False):
        with pytest.raises(InvalidInput):
            pause_for_task(task.pk, bureau["handler1"], reason="hearing", note="", ends_on=date(2026, 11, 30))
        with pytest.raises(InvalidInput):
            pause_for_task(task.pk, bureau["handler1"], reason="hearing", note="利害关系人申请听证",
                           ends_on=date(2026, 11, 1))
        with pytest.raises(InvalidInput):
            pause_for_task(task.pk, bureau["handler1"], reason="publicity", note="x", ends_on=date(2026, 11, 30))
        case.refresh_from_db()
        assert case.status == CaseStatus.IN_PROGRESS and not case.pauses.exists()
        pause = pause_for_task(task.pk, bureau["handler1"], reason="hearing", note="利害关系人申请听证",
                               ends_on=date(2026, 11, 30))
    assert (pause.reason, pause.ends_on) == (PauseReason.HEARING, date(2026, 11, 30))
    with time_machine.travel(datetime(2026, 11, 30, 15, 0, tzinfo=SH), tick=False):
        end_task_pause(task.pk, bureau["handler1"], note="听证会已举行")
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    assert case.due_at == calendar.deadline(case.received_at, 15, list(case.pauses.values_list("started_at",
                                                                                                 "ended_at")))
    assert sms(case, "case.due_date_moved")


def test_withdrawal_at_the_window_ends_the_case_and_tells_the_holders(bureau):
    case = new_case(bureau)
    task = case.tasks.get(state=TaskState.OPEN)
    with pytest.raises(InvalidInput):
        withdraw_case(case, actor=bureau["intake"], reason="")
    withdraw_case(case, actor=bureau["intake"], reason="申请人书面申请撤回")
    case.refresh_from_db()
    task.refresh_from_db()
    assert case.status == CaseStatus.WITHDRAWN and task.state == TaskState.CANCELLED
    holders = set(Notification.objects.filter(kind="workflow.task_closed").values_list("recipient__username",
                                                                                        flat=True))
    assert {"handler1", "handler1b"} <= holders
    assert Event.objects.filter(action="case.withdrawn", object_id=str(case.pk)).exists()
    with pytest.raises(Conflict):
        withdraw_case(case, actor=bureau["intake"], reason="再次")
