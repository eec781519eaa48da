"""A process at run time: starting a case's process; loading and saving an instance's engine JSON (with the live
cache); syncing the engine's ready tasks with the task table, their deadlines and the case history."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from plandesk.audit.services import record
from plandesk.cases.models import Case, CaseEvent, CaseStatus, Outcome
from plandesk.core import sql as rawsql
from plandesk.organization.models import Post
from plandesk.workdays import calendar
from plandesk.workflow import engine
from plandesk.workflow.definitions import PARALLEL_PROCESS, active_definition, parsed_definition
from plandesk.workflow.errors import WorkflowError
from plandesk.workflow.models import (
    Decision,
    InstanceStatus,
    ProcessInstance,
    Task,
    TaskState,
)

# --- starting ----------------------------------------------------------------------------------------------------

def process_id_for(case: Case) -> str:
    """One process per case: the parallel group's items share the parallel-approval process."""
    versions = list(case.item_versions.all())
    if len(versions) > 1 and all(v.parallel_group_id for v in versions):
        return PARALLEL_PROCESS
    ids = {v.process_id for v in versions}
    if len(ids) != 1:
        raise WorkflowError("一个案卷的事项须属于同一流程（并联审批组除外）")
    return ids.pop()


def _case_data(case: Case) -> dict:
    # publicity_required: the shipped processes' gateway 须批前公示？ runs the publicity stage for such cases.
    return {"case": {"number": case.number, "items": case.item_codes, "promised_days": case.promised_days,
                     "handling_office": case.handling_office.code if case.handling_office_id else None,
                     "publicity_required": case.item_versions.filter(publicity_required=True).exists()}}


def start_case(case: Case, *, actor=None, process_id: str | None = None) -> list[Task]:
    """Start the case's process (the intake calls this right after `Case.register`); returns the first tasks."""
    definition = active_definition(process_id or process_id_for(case))
    parsed = parsed_definition(definition)
    with transaction.atomic():
        wf = engine.start(parsed, _case_data(case))
        # The engine JSON is written once: with the row (the task rows below do not change the engine).
        instance = ProcessInstance.objects.create(case=case, definition=definition, state=engine.dumps_run(wf),
                                                  next_timer_at=engine.next_timer_at(wf), revision=1)
        events: list[CaseEvent] = []
        created = _sync(instance, wf, parsed, actor=actor, events=events)
        _write_events(events)
        if instance.status != InstanceStatus.RUNNING:
            instance.save(update_fields=["status", "completed_at"])
        _remember(instance, wf)
        record("workflow.started", instance, after={"case": case.number, "process": str(definition)},
               summary=f"{case.number} 启动流程 {definition}", actor=actor)
    return created


# Live workflows of this process, by instance: (the JSON it was saved as, workflow). A workflow is taken out while a
# transaction works on it and put back only after that transaction commits, so a rollback never leaves a changed
# object here; it is used only when the state read under the row lock is exactly the JSON it was saved as.
ENGINE_CACHE = True
_live: dict[int, tuple[str, object]] = {}
_LIVE_MAX = 256


def _load(instance: ProcessInstance):
    cached = _live.pop(instance.pk, None) if ENGINE_CACHE else None
    if cached is not None and cached[0] == instance.state:
        return cached[1]
    return engine.loads(instance.state, parsed_definition(instance.definition))


def _save(instance: ProcessInstance, wf) -> None:
    instance.state = engine.dumps_run(wf)
    instance.next_timer_at = engine.next_timer_at(wf)
    instance.revision += 1
    rawsql.execute(rawsql.statement("save instance", lambda: (
        f"UPDATE {rawsql.table(ProcessInstance)} SET state = %s, next_timer_at = %s, revision = %s, "  # noqa: S608
        "status = %s, completed_at = %s WHERE id = %s")),
                   [instance.state, rawsql.dt_in(instance.next_timer_at), instance.revision, instance.status,
                    rawsql.dt_in(instance.completed_at), instance.pk])
    _remember(instance, wf)


def _remember(instance: ProcessInstance, wf) -> None:
    """Keep the live workflow for the next transaction on this instance, once this one has committed."""
    if ENGINE_CACHE and instance.status == InstanceStatus.RUNNING:
        pk, state = instance.pk, instance.state

        def keep() -> None:
            if len(_live) >= _LIVE_MAX:
                _live.pop(next(iter(_live)))
            _live[pk] = (state, wf)

        transaction.on_commit(keep)


# --- the task table ----------------------------------------------------------------------------------------------

# Deadlines of steps that start on a date, by (calendar token, settings, local date, days), for cases never paused.
# The token is read in the same statement that locks the instance, so a calendar change (which gets a new token)
# is seen exactly as the calendar module itself would see it, without its two token queries per step.
_deadline_memo: dict[tuple, tuple[datetime, datetime]] = {}
_DEADLINE_MEMO_MAX = 4096


def _deadlines(case: Case, created_at: datetime, days: int, pauses=None,
               calendar_token: str | None = None) -> tuple[datetime, datetime]:
    from django.conf import settings


    pauses = case.pause_intervals() if pauses is None else pauses
    if pauses or not calendar_token:
        due = calendar.deadline(created_at, days, pauses)
        return _capped(case, due, calendar.warn_at(created_at, due), created_at)
    start_day = calendar.local_date(created_at)
    key = (calendar_token, settings.TIME_ZONE, calendar.office_hours_end(), calendar.yellow_lead_days(), start_day,
           days)
    hit = _deadline_memo.get(key)
    if hit is None:
        # Without pauses the due date depends on the start's date only; the yellow time is computed from the
        # start of that day, and clamped to the real start below: warn_at's max(moment, start) then gives the same.
        midnight = datetime.combine(start_day, datetime.min.time(), tzinfo=calendar.bureau_tz())
        due = calendar.deadline(midnight, days)
        hit = (due, calendar.warn_at(midnight, due))
        if len(_deadline_memo) >= _DEADLINE_MEMO_MAX:
            _deadline_memo.clear()
        _deadline_memo[key] = hit
    due, warn = hit
    return _capped(case, due, min(max(warn, created_at), due), created_at)


def _capped(case: Case, due: datetime, warn: datetime, created_at: datetime) -> tuple[datetime, datetime]:
    # The promised date is protected (docs/workflow.md): no step is ever due after its case.
    case_due = case.due_at
    if case_due is None or due <= case_due:
        return due, warn
    return case_due, calendar.warn_at(created_at, case_due)


# Lane -> post resolutions, by (lane, office): they change only when an administrator edits posts or units, which
# clears this process's copy at once (signals below) and other processes' within POST_CACHE_SECONDS.
POST_CACHE_SECONDS = 60
_posts: dict[tuple[str, int | None], tuple[float, object]] = {}


def clear_post_cache(**kwargs) -> None:
    _posts.clear()


def _resolve_post(step: engine.StepSpec, case: Case):
    import time


    key = (step.lane, case.handling_office_id)
    hit = _posts.get(key)
    now = time.monotonic()
    if hit is not None and now - hit[0] < POST_CACHE_SECONDS:
        return hit[1]
    post = Post.objects.resolve(step.lane, case.handling_office)
    if post is not None:
        post = Post.objects.select_related("unit").get(pk=post.pk)
    _posts[key] = (now, post)
    return post


def _sync(instance: ProcessInstance, wf, parsed: engine.ParsedProcess, *, actor=None,
          events: list[CaseEvent] | None = None, calendar_token: str | None = None,
          none_open: bool = False) -> list[Task]:
    """Make the task table match the engine: new ready user tasks get rows, rows no longer ready are cancelled.

    History rows go to `events` (written together, in order, by the caller or before the case changes status).
    `none_open`: the caller knows, under the instance's lock, that the instance has no open task rows now."""
    events = [] if events is None else events
    case = instance.case
    now = timezone.now()
    ready = {str(t.id): t for t in engine.ready_user_tasks(wf)}
    tasks = rawsql.table(Task)
    open_rows = [] if none_open else rawsql.fetchall(rawsql.statement("open tasks", lambda: (
        f"SELECT id, spiff_id FROM {tasks} WHERE instance_id = %s AND state = %s")),  # noqa: S608
        [instance.pk, TaskState.OPEN.value])
    gone = [pk for pk, spiff_id in open_rows if spiff_id not in ready]
    if gone:
        rawsql.execute(f"UPDATE {tasks} SET state = %s, completed_at = %s, version = version + 1 WHERE id IN ("  # noqa: S608
                       + ", ".join(["%s"] * len(gone)) + ")", [TaskState.CANCELLED.value, rawsql.dt_in(now), *gone])
    known = {spiff_id for _pk, spiff_id in open_rows}
    created = []
    pauses = None
    for spiff_id, spiff_task in ready.items():
        if spiff_id in known:
            continue
        if pauses is None:
            pauses = case.pause_intervals()
        step = parsed.steps.get(spiff_task.task_spec.name) or engine._step_from_spec(spiff_task.task_spec)
        post = _resolve_post(step, case)
        days = step.time_limit_days or (post.time_limit_days if post is not None and post.time_limit_days else 0)
        due, warn = _deadlines(case, now, days, pauses, calendar_token) if days else (None, None)
        task = Task(
            case=case, instance=instance, spiff_id=spiff_id, step_id=step.id, name=step.name, lane=step.lane,
            post=post, office_id=post.unit_id if post is not None else case.handling_office_id,
            meeting_kind=step.meeting,
            on_timeout=step.on_timeout, created_at=now, limit_days=days, due_at=due, warn_at=warn,
            form_schema=step.form_schema,
        )
        rawsql.insert([task], returning=True)  # no receivers listen to Task saves
        created.append(task)
        events.append(CaseEvent(case=case, kind=CaseEvent.Kind.STEP_STARTED, at=now, actor=None,
                                summary=f"{step.name}（{post.name if post else step.lane}）",
                                data={"task": task.pk, "step": step.id}))
    if wf.is_completed() and instance.status == InstanceStatus.RUNNING:
        _write_events(events)
        instance.status = InstanceStatus.COMPLETED
        instance.completed_at = now
        outcome = _outcome(instance, parsed)
        # The whole row, once: the receivers of the ready event (window, certificates) read the case.
        case = instance.case = Case.objects.select_related("handling_office").get(pk=case.pk)
        if case.status == CaseStatus.IN_PROGRESS:
            case.mark_ready_for_pickup(outcome, actor=actor)
    return created


def _write_events(events: list[CaseEvent]) -> None:
    # One INSERT, as bulk_create would (which sends no post_save either), without the ORM's compiler.
    if events:
        rawsql.insert(events)
        events.clear()


def _outcome(instance: ProcessInstance, parsed: engine.ParsedProcess) -> str:
    final_steps = sorted(s.id for s in parsed.steps.values() if s.final)
    if not final_steps:
        return Outcome.APPROVED
    last = rawsql.fetchone(rawsql.statement(f"last final decision {len(final_steps)}", lambda: (
        f"SELECT decision FROM {rawsql.table(Task)} WHERE instance_id = %s AND state = %s AND step_id IN ("  # noqa: S608
        + ", ".join(["%s"] * len(final_steps)) + ") ORDER BY completed_at DESC, id DESC LIMIT 1")),
        [instance.pk, TaskState.COMPLETED.value, *final_steps])
    if last is None:
        return Outcome.APPROVED
    return Outcome.REJECTED if last[0] == Decision.REJECT else Outcome.APPROVED
