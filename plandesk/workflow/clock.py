"""The case clock: pauses for supplements and publicity, resuming, and task deadlines recomputed when the working-day
calendar changes."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from plandesk.cases.models import Case, CaseError, PauseReason
from plandesk.workflow import hooks
from plandesk.workflow.errors import Conflict, InvalidInput
from plandesk.workflow.models import (
    Task,
    TaskState,
)
from plandesk.workflow.permissions import get_task_for
from plandesk.workflow.runtime import _deadlines
from plandesk.workflow.sweeps import cap_open_steps, refresh_case_lights, refresh_lights

# --- pauses and deadlines ----------------------------------------------------------------------------------------

def recompute_task_deadlines(case: Case) -> int:
    """Open tasks of the case take their deadlines again from the calendar and the case's pauses."""
    pauses = case.pause_intervals()
    count = 0
    for task in case.tasks.filter(state=TaskState.OPEN, limit_days__gt=0):
        due, warn = _deadlines(case, task.created_at, task.limit_days, pauses)
        if (due, warn) != (task.due_at, task.warn_at):
            Task.objects.filter(pk=task.pk).update(due_at=due, warn_at=warn)
            count += 1
    cap_open_steps(case_ids=[case.pk])
    for sweep in hooks.light_sweeps():
        sweep(case_ids=[case.pk])
    refresh_lights(case_ids=[case.pk])
    refresh_case_lights(case_ids=[case.pk])
    return count




def request_supplement(task_id: int, user, note: str) -> Case:
    """Return to the applicant for supplements (补正): the case and its step clocks stop until resumed."""
    task = get_task_for(user, task_id)
    if task.state != TaskState.OPEN:
        raise Conflict("该环节已办结")
    note = (note or "").strip()
    if not note:
        raise InvalidInput("请写明须补正的材料", fields=[{"field": "note", "message": "必填"}])
    return pause_case(task.case, PauseReason.SUPPLEMENT, note=note, actor=user)


def pause_case(case: Case, reason: str, *, note: str = "", actor=None) -> Case:
    """Stop the clock (补正, publicity, expert review, hearing)."""

    with transaction.atomic():
        try:
            case.pause(reason, note=note, actor=actor)
        except CaseError as exc:
            raise Conflict(str(exc)) from exc
    return case


def resume_case(case: Case, *, actor=None, note: str = "") -> Case:
    """Start the clock again: the case's and its open steps' deadlines move later by the paused working days."""

    with transaction.atomic():
        try:
            case.resume(actor=actor, note=note)
        except CaseError as exc:
            raise Conflict(str(exc)) from exc
        recompute_task_deadlines(case)
    case.refresh_from_db()
    return case


def on_calendar_changed(sender=None, dates=None, **kwargs) -> None:
    """The working-day calendar changed: every open deadline is computed again (same transaction as the change)."""
    for case in Case.objects.open().filter(Q(tasks__state=TaskState.OPEN) | Q(promised_days__gt=0)).distinct():
        case.recompute_deadline()
        recompute_task_deadlines(case)
