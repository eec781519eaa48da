"""The worker's rounds (a second run is a no-op): lights, lapsed tasks, due timers, and BPMN signals caught."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from plandesk.audit.services import record
from plandesk.cases.models import Case, CaseEvent, CaseLight, CaseStatus
from plandesk.workdays import calendar
from plandesk.workflow import engine
from plandesk.workflow.definitions import parsed_definition
from plandesk.workflow.errors import Conflict
from plandesk.workflow.models import (
    Decision,
    InstanceStatus,
    Light,
    ProcessInstance,
    Task,
)
from plandesk.workflow.runtime import _load, _remember, _save, _sync, _write_events
from plandesk.workflow.tasks import _complete

# --- sweeps (the worker calls these; a second run is a no-op) --------------------------------------------------------

def refresh_lights(now: datetime | None = None, case_ids=None) -> int:
    """Set-based: red past due, yellow past warn, green otherwise; paused cases keep their light."""
    now = now or timezone.now()
    rows = Task.objects.open().exclude(case__status=CaseStatus.PAUSED).filter(due_at__isnull=False)
    if case_ids is not None:
        rows = rows.filter(case_id__in=case_ids)
    n = rows.filter(due_at__lte=now).exclude(light=Light.RED).update(light=Light.RED)
    n += rows.filter(due_at__gt=now, warn_at__lte=now).exclude(light=Light.YELLOW).update(light=Light.YELLOW)
    n += rows.filter(due_at__gt=now).filter(Q(warn_at__gt=now) | Q(warn_at__isnull=True)).exclude(
        light=Light.GREEN).update(light=Light.GREEN)
    return n


def cap_open_steps(case_ids=None, now: datetime | None = None) -> int:
    """Open steps due after their case take the case's due date (steps begun before the cap): the promised date is
    protected for every case (docs/workflow.md). The worker's pass reads only cases already past their date (an
    index range of `cases_status_due`, a few rows), which is when the cap matters for the urging ladder; a case's
    own recomputation (`case_ids`) caps all of its steps."""
    rows = (Task.objects.open().filter(case__status=CaseStatus.IN_PROGRESS, case__due_at__isnull=False,
                                       due_at__gt=F("case__due_at")).select_related("case"))
    if case_ids is not None:
        rows = rows.filter(case_id__in=case_ids)
    else:
        rows = rows.filter(case__due_at__lte=now or timezone.now())
    count = 0
    for task in rows:
        due = task.case.due_at
        count += Task.objects.filter(pk=task.pk, due_at=task.due_at).update(
            due_at=due, warn_at=calendar.warn_at(min(task.created_at, due), due))
    return count


def refresh_case_lights(now: datetime | None = None, case_ids=None) -> list[int]:
    """Set-based, as the steps' lights: each case in progress red from its due date, yellow from its warning, green
    otherwise; paused cases keep theirs. Returns the cases that turned red now (the office is told of them)."""
    now = now or timezone.now()
    rows = Case.objects.filter(status=CaseStatus.IN_PROGRESS, due_at__isnull=False)
    if case_ids is not None:
        rows = rows.filter(pk__in=case_ids)
    turning = list(rows.filter(due_at__lte=now).exclude(light=CaseLight.RED).values_list("pk", flat=True))
    if turning:
        Case.objects.filter(pk__in=turning, due_at__lte=now).update(light=CaseLight.RED)
    rows.filter(due_at__gt=now, warn_at__lte=now).exclude(light=CaseLight.YELLOW).update(light=CaseLight.YELLOW)
    rows.filter(due_at__gt=now).filter(Q(warn_at__gt=now) | Q(warn_at__isnull=True)).exclude(
        light=CaseLight.GREEN).update(light=CaseLight.GREEN)
    return turning


def lapse_overdue_tasks(now: datetime | None = None) -> int:
    """Implied consent (超时默许): a co-review step not answered by its deadline counts as consent, recorded with the
    post that let it lapse, and the case goes on. Each row is claimed by compare-and-set, so workers may overlap."""
    now = now or timezone.now()
    done = 0
    due = (Task.objects.open().filter(on_timeout="consent", due_at__lte=now, case__status=CaseStatus.IN_PROGRESS)
           .select_related("case", "post").order_by("due_at"))
    for task in due:
        post = task.post.name if task.post_id else task.lane
        try:
            _complete(task, None, Decision.APPROVE, f"超时默许：{post}未在期限内答复", None, task.version,
                      stored_decision=Decision.CONSENT_BY_TIMEOUT, lapsed=True)
            done += 1
        except Conflict:
            continue
    return done


def run_due_timers(now: datetime | None = None) -> int:
    """BPMN timer events: instances whose next timer is due are refreshed and stepped on."""
    now = now or timezone.now()
    count = 0
    for pk in ProcessInstance.objects.filter(status=InstanceStatus.RUNNING, next_timer_at__lte=now,
                                             case__status=CaseStatus.IN_PROGRESS).values_list("pk", flat=True):
        with transaction.atomic():
            instance = ProcessInstance.objects.select_for_update().select_related("definition", "case").get(pk=pk)
            if instance.next_timer_at is None or instance.next_timer_at > now:
                continue
            wf = _load(instance)
            engine.refresh_timers(wf)
            events: list[CaseEvent] = []
            _sync(instance, wf, parsed_definition(instance.definition), events=events)
            _write_events(events)
            _save(instance, wf)
            count += 1
    return count


def catch_signal(case: Case, name: str, *, label: str = "") -> bool:
    """An outside BPMN signal for the case's process (publicity sends `publicity_ended` from the worker): the events
    waiting for it fire and the process steps on. False when the case is not in progress (the sender tries again
    later) or its process does not wait for that signal now. `label` is the step's name in the case history."""
    with transaction.atomic():
        instance = (ProcessInstance.objects.select_for_update().select_related("definition", "case")
                    .filter(case=case, status=InstanceStatus.RUNNING).first())
        if instance is None or instance.case.status != CaseStatus.IN_PROGRESS:
            return False
        wf = _load(instance)
        if not engine.catch_signal(wf, name):
            _remember(instance, wf)
            return False
        events = [CaseEvent(case=instance.case, kind=CaseEvent.Kind.STEP_DONE, at=timezone.now(), actor=None,
                            summary=label or f"流程事件 {name}", data={"signal": name})]
        _sync(instance, wf, parsed_definition(instance.definition), events=events)
        _write_events(events)
        _save(instance, wf)
        record("workflow.signal_caught", instance, after={"case": instance.case.number, "signal": name},
               summary=f"{instance.case.number} 流程事件 {name}")
    return True
