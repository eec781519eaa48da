"""Everything that changes a process: starting a case's process, working its tasks, meetings, pauses, timers.

Each public function is one transaction: the engine JSON of the instance is read under a row lock, changed, and
written once; the task table, the case history and the audit chain change with it or not at all.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from plandesk.audit.services import record
from plandesk.cases.models import Case, CaseEvent, CaseStatus, Outcome, PauseReason
from plandesk.core import sql as rawsql
from plandesk.workflow import engine
from plandesk.workflow.models import (
    Decision,
    InstanceStatus,
    Light,
    MeetingKind,
    ProcessDefinition,
    ProcessInstance,
    Task,
    TaskState,
)

log = logging.getLogger(__name__)
PROCESS_DIR = Path(__file__).resolve().parent / "processes"
PARALLEL_PROCESS = "plandesk_parallel_approval"
WORK_DECISIONS = (Decision.APPROVE, Decision.REJECT, Decision.RETURN)
MEETING_DECISIONS = ("approve", "reject", "defer", "revise")


class WorkflowError(Exception):
    """A refused action; `status`/`code` map to the API, `message` is for people (zh-Hans)."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, **extra):
        super().__init__(message)
        self.message = message
        self.extra = extra


class NotFound(WorkflowError):
    status, code = 404, "not_found"


class NotAllowed(WorkflowError):
    status, code = 403, "forbidden"


class Conflict(WorkflowError):
    status, code = 409, "conflict"


class MeetingRequired(WorkflowError):
    status, code = 409, "meeting_required"


class InvalidInput(WorkflowError):
    status, code = 400, "invalid"


# --- process definitions -----------------------------------------------------------------------------------------

_parsed: dict[tuple, engine.ParsedProcess] = {}


def parsed_definition(definition: ProcessDefinition) -> engine.ParsedProcess:
    # A stored version never changes; the upload time tells apart versions a test database gave the same id.
    key = (definition.pk, definition.uploaded_at)
    parsed = _parsed.get(key)
    if parsed is None:
        parsed = engine.parse_process(definition.bpmn_xml)
        _parsed[key] = parsed
    return parsed


def _lane_known(lane: str) -> bool:
    from plandesk.organization.models import Post

    return Post.objects.filter(Q(code=lane) | Q(function=lane)).exists()


def _item_known(code: str) -> bool:
    from plandesk.catalog.models import Item

    return Item.objects.filter(code=code).exists()


def check_definition(xml: str | bytes) -> tuple[engine.ParsedProcess | None, list[str]]:
    """Every problem of a process file, in Chinese: parse errors, lanes naming no post, missing time limits,
    unknown item codes. An empty list means it may be stored."""
    return engine.check_process(xml, lane_known=_lane_known, item_known=_item_known)


def upload_definition(xml: str | bytes, *, actor=None, note: str = "", check_posts: bool = True) -> ProcessDefinition:
    """Store a new version of a process and make it the active one. A bad file raises ProcessError, storing nothing.

    Running instances keep the version they started with; new cases take this one."""
    if isinstance(xml, bytes):
        try:
            xml = xml.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise engine.ProcessError(["文件不是 UTF-8 编码的文本"]) from exc
    if check_posts:
        parsed, problems = check_definition(xml)
    else:
        parsed, problems = engine.check_process(xml)
    if problems or parsed is None:
        raise engine.ProcessError(problems or ["无法解析"])
    with transaction.atomic():
        latest = (ProcessDefinition.objects.select_for_update().filter(process_id=parsed.process_id)
                  .order_by("-version").first())
        version = latest.version + 1 if latest else 1
        ProcessDefinition.objects.filter(process_id=parsed.process_id, is_active=True).update(is_active=False)
        steps = [{"id": s.id, "name": s.name, "lane": s.lane, "time_limit_days": s.time_limit_days,
                  "meeting": s.meeting} for s in parsed.steps.values()]
        definition = ProcessDefinition.objects.create(
            process_id=parsed.process_id, version=version, name=parsed.name, bpmn_xml=xml, steps=steps,
            uploaded_by=actor, note=note[:200], is_active=True,
        )
        record("workflow.definition_uploaded", definition, after={"process_id": parsed.process_id, "version": version},
               summary=f"流程 {parsed.process_id} 第 {version} 版", actor=actor)
    return definition


def shipped_process_files() -> list[Path]:
    return sorted(PROCESS_DIR.glob("*.bpmn"))


def ensure_default_processes(actor=None) -> list[ProcessDefinition]:
    """Store the shipped processes that have no version yet (idempotent; run by `plandesk demo` and on first use)."""
    stored = []
    for path in shipped_process_files():
        process_id = path.stem
        if ProcessDefinition.objects.filter(process_id=process_id).exists():
            continue
        # Shipped files name demo posts; a database without them yet still gets the process.
        stored.append(upload_definition(path.read_text(encoding="utf-8"), actor=actor, note="随系统提供",
                                        check_posts=False))
    return stored


def active_definition(process_id: str) -> ProcessDefinition:
    definition = ProcessDefinition.objects.filter(process_id=process_id, is_active=True).first()
    if definition is None:
        ensure_default_processes()
        definition = ProcessDefinition.objects.filter(process_id=process_id, is_active=True).first()
    if definition is None:
        raise WorkflowError(f"没有编号为“{process_id}”的现行流程")
    return definition


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
    return {"case": {"number": case.number, "items": case.item_codes, "promised_days": case.promised_days,
                     "handling_office": case.handling_office.code if case.handling_office_id else None}}


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

    from plandesk.workdays import calendar

    pauses = case.pause_intervals() if pauses is None else pauses
    if pauses or not calendar_token:
        due = calendar.deadline(created_at, days, pauses)
        return due, calendar.warn_at(created_at, due)
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
    return due, min(max(warn, created_at), due)


# Lane -> post resolutions, by (lane, office): they change only when an administrator edits posts or units, which
# clears this process's copy at once (signals below) and other processes' within POST_CACHE_SECONDS.
POST_CACHE_SECONDS = 60
_posts: dict[tuple[str, int | None], tuple[float, object]] = {}


def clear_post_cache(**kwargs) -> None:
    _posts.clear()


def _resolve_post(step: engine.StepSpec, case: Case):
    import time

    from plandesk.organization.models import Post

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


# --- who may do what ------------------------------------------------------------------------------------------------

# Rules of the apps above that narrow who may work a task beyond its post (certificates: whoever prepared the
# documents may not check them): callables (user, task) -> the refusal in Chinese, or None. Asked wherever
# workflow decides who may work a task: opening, claiming, completing, transferring, and the worklists.
WORK_RULES: list = []


def refusal_by_rules(user, task: Task) -> str | None:
    for rule in WORK_RULES:
        refusal = rule(user, task)
        if refusal:
            return refusal
    return None


def workable_tasks(user) -> list[Task]:
    """The open tasks the user may work now (`Task.objects.workable_by`, then the apps' rules), light fields loaded:
    what the nav badge and the workbench count, so they never count a task the worklist would not show."""
    rows = Task.objects.workable_by(user).only("id", "case_id", "step_id", "post_id", "assignee_id", "due_at",
                                               "warn_at", "light", "state")
    return [task for task in rows if refusal_by_rules(user, task) is None]


def may_work(user, task: Task) -> bool:
    """Members (or substitutes) of the task's post; once claimed, only the assignee; and no app's rule refuses."""
    from plandesk.organization.models import Post

    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if task.assignee_id is not None:
        allowed = task.assignee_id == user.pk
    else:
        allowed = task.post_id is not None and Post.objects.held_by(user).filter(pk=task.post_id).exists()
    return allowed and refusal_by_rules(user, task) is None


def _is_director(user) -> bool:
    from plandesk.accounts.models import Role
    from plandesk.organization.models import Post

    return user.has_role(Role.DIRECTOR) or Post.objects.directors().filter(pk=user.pk).exists()


def _is_office(user) -> bool:
    from plandesk.accounts.models import Role
    from plandesk.organization.models import Post

    return user.has_role(Role.OFFICE_SUPERVISOR) or Post.objects.holds_function(user, Post.Function.SUPERVISOR)


def may_see_case(user, case: Case) -> bool:
    """Who may see a case: holders of its tasks now or before, their division heads, the director and the office."""
    from plandesk.organization.models import Post, Unit

    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if _is_director(user) or _is_office(user):
        return True
    tasks = Task.objects.filter(case=case)
    if tasks.filter(Q(assignee=user) | Q(completed_by=user)).exists():
        return True
    if tasks.workable_by(user).exists():
        return True
    offices = tasks.values("office_id")
    headed = Unit.objects.filter(Q(head=user) | Q(posts__in=Post.objects.held_by(user).filter(
        function=Post.Function.HEAD)))
    return headed.filter(pk__in=offices).exists()


def visible_cases(user):
    """The cases a user may see (for worklists and search)."""
    from plandesk.organization.models import Post, Unit

    if _is_director(user) or _is_office(user):
        return Case.objects.all()
    posts = Post.objects.held_by(user).values("pk")
    headed = Unit.objects.filter(Q(head=user) | Q(posts__in=Post.objects.held_by(user).filter(
        function=Post.Function.HEAD))).values("pk")
    task_q = (Q(tasks__assignee=user) | Q(tasks__completed_by=user)
              | Q(tasks__state=TaskState.OPEN, tasks__assignee__isnull=True, tasks__post__in=posts)
              | Q(tasks__office__in=headed))
    return Case.objects.filter(task_q).distinct()


# The hot path reads only the columns it needs, through the cursor (rawsql explains why); the case's site is a
# geometry and is never read here.
_TASK_LOAD = ("id", "case_id", "instance_id", "spiff_id", "step_id", "name", "lane", "post_id", "office_id",
              "assignee_id", "state", "meeting_kind", "claimed_at", "version", "form_schema")
_MAX_ID = 2**63 - 1


def _load_task(where: str, params: list, *, user=None, order: str = "") -> tuple[Task | None, bool]:
    """One task row (with its post's code and name) and whether `user` may work it, in one statement.

    The permission is may_work's rule in SQL: the assignee once claimed, else a member of the post or the post's
    substitute today."""
    from plandesk.organization.models import Post

    may = user is not None and user.is_authenticated and user.is_active
    params = [*([user.pk, user.pk, user.pk, *[connection.ops.adapt_datefield_value(timezone.localdate())] * 2]
                if may else []), *params]
    row = rawsql.fetchone(rawsql.statement(f"task {may} {where}{order}", lambda: _task_select(may, where, order)),
                          params)
    if row is None:
        return None, False
    values = dict(zip(_TASK_LOAD, row, strict=False))
    values["claimed_at"] = rawsql.dt_out(values["claimed_at"])
    values["form_schema"] = rawsql.json_out(values["form_schema"])
    task = rawsql.from_db(Task, values)
    if task.post_id is not None:
        task.post = rawsql.from_db(Post, {"id": task.post_id, "code": row[-3], "name": row[-2]})
    return task, bool(row[-1])


def _task_select(may: bool, where: str, order: str) -> str:
    from plandesk.organization.models import Post, PostMembership, Substitute

    may_sql = "NULL"
    if may:
        may_sql = ("CASE WHEN t.assignee_id IS NOT NULL THEN t.assignee_id = %s ELSE t.post_id IS NOT NULL AND ("  # noqa: S608
                   f"EXISTS (SELECT 1 FROM {rawsql.table(PostMembership)} m WHERE m.post_id = t.post_id "
                   "AND m.user_id = %s) OR "
                   f"EXISTS (SELECT 1 FROM {rawsql.table(Substitute)} s WHERE s.post_id = t.post_id "
                   "AND s.substitute_id = %s AND s.starts_on <= %s AND s.ends_on >= %s)) END")
    columns = ", ".join(f"t.{name}" for name in _TASK_LOAD)
    return (f"SELECT {columns}, p.code, p.name, {may_sql} FROM {rawsql.table(Task)} t "  # noqa: S608
            f"LEFT JOIN {rawsql.table(Post)} p ON p.id = t.post_id WHERE {where}{order} LIMIT 1")


def get_task_for(user, task_id: int, *, lock: bool = False, rules: bool = True) -> Task:
    try:
        task_id = int(task_id)
    except (TypeError, ValueError):
        raise NotFound("没有这个办理环节") from None
    if not 0 < task_id <= _MAX_ID:  # beyond the column's range: no such row (PostgreSQL would refuse the value)
        raise NotFound("没有这个办理环节")
    task, may = _load_task("t.id = %s", [task_id], user=user)
    if task is None:
        raise NotFound("没有这个办理环节")
    if not may:
        raise NotAllowed("您不能办理这个环节")
    refusal = refusal_by_rules(user, task) if rules else None
    if refusal:
        raise NotAllowed(refusal)
    return task


# --- meetings ------------------------------------------------------------------------------------------------------

def expected_members(task: Task) -> list[str]:
    """Who is expected at the meeting that decides this task: the division's staff, or the bureau's leaders."""
    from plandesk.organization.models import Post, Unit

    if task.meeting_kind == MeetingKind.DIVISION and task.office_id:
        users = Post.objects.holders(Post.objects.filter(unit_id=task.office_id))
        names = set(users.values_list("username", flat=True))
        names.update(Unit.objects.filter(pk=task.office_id, head__isnull=False).values_list("head__username",
                                                                                            flat=True))
    else:
        names = set(Post.objects.directors().values_list("username", flat=True))
        heads = Post.objects.holders(Post.objects.filter(function=Post.Function.HEAD,
                                                         unit__kind=Unit.Kind.DIVISION))
        names.update(heads.values_list("username", flat=True))
    return sorted(names)


def meeting_info(task: Task) -> dict:
    division = task.office.code if task.meeting_kind == MeetingKind.DIVISION and task.office_id else None
    return {"meeting_kind": task.meeting_kind, "division": division, "expected_members": expected_members(task)}


def cases_waiting_for_meeting(kind: str, division=None):
    """Cases whose open task waits for a meeting of this kind (and this division: a Unit or its code)."""
    q = Q(tasks__state=TaskState.OPEN, tasks__meeting_kind=kind)
    if division is not None:
        q &= Q(tasks__office__code=division) if isinstance(division, str) else Q(tasks__office=division)
    return Case.objects.filter(q).distinct()


def meeting_task(case: Case, kind: str) -> Task | None:
    # Task's default ordering, as .first() would apply it.
    return _load_task("t.case_id = %s AND t.state = %s AND t.meeting_kind = %s",
                      [case.pk, TaskState.OPEN.value, str(kind)], order=" ORDER BY t.due_at, t.id")[0]


def complete_meeting_task(case: Case, kind: str, decision: str, opinion: str, decided_by, meeting_ref: str = ""
                          ) -> list[Task]:
    """A meeting's decision on a case (the meetings app checks that the meeting may decide it).

    approve/reject complete the waiting task; revise sends the case back to the previous step; defer leaves it
    waiting for a later meeting. Raises Conflict when the case has no task waiting for this kind of meeting."""
    if decision not in MEETING_DECISIONS:
        raise InvalidInput("会议决定须为 approve、reject、defer 或 revise")
    task = meeting_task(case, kind)
    if task is None:
        raise Conflict("该案卷没有等待此类会议决定的环节")
    label = MeetingKind(kind).label
    if decision == "defer":
        with transaction.atomic():
            CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.MEETING, actor=decided_by,
                                     summary=f"{label}缓议", detail=opinion, data={"meeting": meeting_ref})
            record("workflow.meeting_deferred", task, after={"meeting": meeting_ref},
                   summary=f"{case.number} {label}缓议", actor=decided_by)
        return []
    work_decision = Decision.RETURN if decision == "revise" else decision
    return _complete(task, decided_by, work_decision, opinion, None, task.version, meeting_ref=meeting_ref,
                     stored_decision=decision)


# --- reading progress (for the public query and the phone line: no staff names, no opinions) -----------------------

def current_steps(case: Case) -> list[dict]:
    """The steps now open: name, when it arrived, its due date."""
    from plandesk.workdays.calendar import local_date

    return [{"name": t.name, "started_at": t.created_at, "due_date": local_date(t.due_at) if t.due_at else None}
            for t in case.tasks.filter(state=TaskState.OPEN).order_by("created_at", "id")]


def step_history(case: Case) -> list[dict]:
    """The steps finished so far: name, started, finished (cancelled ones left out)."""
    return [{"name": t.name, "started_at": t.created_at, "finished_at": t.completed_at}
            for t in case.tasks.filter(state__in=[TaskState.COMPLETED, TaskState.LAPSED]).order_by("completed_at",
                                                                                                   "id")]


# --- working a task ----------------------------------------------------------------------------------------------

def _validate_form(task: Task, form: dict | None) -> dict | None:
    if task.form_schema is None:
        return form or None
    from jsonschema import Draft202012Validator

    form = form if form is not None else {}
    if not isinstance(form, dict):
        raise InvalidInput("表单须为 JSON 对象", fields=[{"field": "form", "message": "须为对象"}])
    errors = sorted(Draft202012Validator(task.form_schema).iter_errors(form), key=lambda e: list(e.path))
    if errors:
        fields = []
        props = task.form_schema.get("properties", {})
        for err in errors:
            path = ".".join(str(p) for p in err.path)
            if err.validator == "required":
                missing = err.message.split("'")[1] if "'" in err.message else ""
                path = missing or path
                title = props.get(missing, {}).get("title", missing)
                fields.append({"field": f"form.{path}", "message": f"“{title}”必填"})
            else:
                title = props.get(path, {}).get("title", path)
                fields.append({"field": f"form.{path}", "message": f"“{title}”不符合要求：{err.message}"})
        raise InvalidInput("表单填写有误：" + "；".join(f["message"] for f in fields), fields=fields)
    return form


# Checks that upper apps add before a task may be completed (e.g. supervision: an urged task needs the handler's
# written feedback first). Each takes the task and raises a WorkflowError to refuse.
COMPLETION_CHECKS: list = []


def complete_task(task_id: int, user, *, decision: str, opinion: str = "", form: dict | None = None,
                  version: int | None = None) -> list[Task]:
    """Complete a task with a decision (approve / reject / return to the previous step).

    403 is checked first, then 409 for a finished task or a stale version, then 409 meeting_required.
    Completing a task offered to the user's post claims it. Returns the tasks that follow."""
    task = get_task_for(user, task_id)
    if task.state != TaskState.OPEN:
        raise Conflict("该环节已办结，不能重复办理")
    if version is not None and version != task.version:
        raise Conflict("该环节已被他人更新（版本已变），请刷新后再办理", current_version=task.version)
    if task.is_meeting:
        info = meeting_info(task)
        raise MeetingRequired(f"该环节须由{MeetingKind(task.meeting_kind).label}集体决定", **info)
    for check in COMPLETION_CHECKS:
        check(task)
    if decision not in WORK_DECISIONS:
        raise InvalidInput("决定须为 approve、reject 或 return",
                           fields=[{"field": "decision", "message": "须为 approve、reject 或 return"}])
    if decision != Decision.RETURN:
        form = _validate_form(task, form)
    return _complete(task, user, decision, opinion, form, task.version if version is None else version)


def _previous_step(wf, spiff_id: str):
    from uuid import UUID

    current = wf.get_task_from_id(UUID(spiff_id))
    node = current.parent if current is not None else None
    while node is not None and not node.task_spec.manual:
        node = node.parent
    return node


def _lock_instance(instance_id: int) -> tuple[ProcessInstance, str, int]:
    """The instance under its row lock, with what a completion needs of its definition and case, the calendar's
    token (for the step deadlines) and how many of its task rows are open, in one statement.

    Task rows open or close only under this lock (or when the instance is created), so the count holds until
    commit."""
    from plandesk.workdays.models import CalendarVersion

    row = rawsql.fetchone(rawsql.statement("lock instance", lambda: (
        "SELECT i.id, i.case_id, i.definition_id, i.state, i.status, i.completed_at, i.revision, i.next_timer_at, "  # noqa: S608
        "d.process_id, d.version, d.uploaded_at, c.number, c.status, c.handling_office_id, c.received_at, "
        f"c.status_changed_at, (SELECT token FROM {rawsql.table(CalendarVersion)} WHERE id = 1), "
        f"(SELECT COUNT(*) FROM {rawsql.table(Task)} t WHERE t.instance_id = i.id AND t.state = %s) "
        f"FROM {rawsql.table(ProcessInstance)} i "
        f"JOIN {rawsql.table(ProcessDefinition)} d ON d.id = i.definition_id "
        f"JOIN {rawsql.table(Case)} c ON c.id = i.case_id WHERE i.id = %s" + rawsql.for_update("i"))),
        [TaskState.OPEN.value, instance_id])
    if row is None:
        raise NotFound("没有这个流程实例")
    dt = rawsql.dt_out
    instance = rawsql.from_db(ProcessInstance, {
        "id": row[0], "case_id": row[1], "definition_id": row[2], "state": row[3], "status": row[4],
        "completed_at": dt(row[5]), "revision": row[6], "next_timer_at": dt(row[7])})
    instance.definition = rawsql.from_db(ProcessDefinition, {
        "id": row[2], "process_id": row[8], "version": row[9], "uploaded_at": dt(row[10])})
    instance.case = rawsql.from_db(Case, {
        "id": row[1], "number": row[11], "status": row[12], "handling_office_id": row[13], "received_at": dt(row[14]),
        "status_changed_at": dt(row[15])})
    return instance, row[16] or "", row[17]


def _complete(task: Task, user, decision: str, opinion: str, form: dict | None, version: int, *,
              meeting_ref: str = "", stored_decision: str | None = None, lapsed: bool = False) -> list[Task]:
    now = timezone.now()
    with transaction.atomic():
        instance, calendar_token, open_count = _lock_instance(task.instance_id)
        if instance.case.status != CaseStatus.IN_PROGRESS:
            raise Conflict("案卷不在办理中（暂停计时或已办结），不能办理", case_status=instance.case.status)
        wf = _load(instance)
        previous = None
        if decision == Decision.RETURN:
            previous = _previous_step(wf, task.spiff_id)
            if previous is None:
                raise InvalidInput("这是第一个环节，没有可退回的上一步")
        # Compare-and-set on (version, open): of concurrent completions exactly one changes the row.
        updated = rawsql.execute(rawsql.statement("complete task", lambda: (
            f"UPDATE {rawsql.table(Task)} SET state = %s, version = version + 1, completed_at = %s, "  # noqa: S608
            "completed_by_id = %s, assignee_id = %s, claimed_at = %s, decision = %s, opinion = %s, form_data = %s, "
            "draft = NULL, meeting_ref = %s WHERE id = %s AND version = %s AND state = %s")),
            [(TaskState.LAPSED if lapsed else TaskState.COMPLETED).value, rawsql.dt_in(now),
             None if lapsed else user.pk, task.assignee_id if (task.assignee_id or lapsed) else user.pk,
             rawsql.dt_in(task.claimed_at or now), str(stored_decision or decision), opinion, rawsql.json_in(form),
             meeting_ref[:100], task.pk, version, TaskState.OPEN.value])
        if updated != 1:
            raise Conflict("该环节已办结或已被他人更新，请刷新后再办理")
        parsed = parsed_definition(instance.definition)
        if previous is not None:
            engine.reset_to(wf, str(previous.id))
        else:
            engine.run_user_task(wf, task.spiff_id, {
                "decision": decision,
                f"{task.step_id}_decision": decision,
                f"{task.step_id}_opinion": opinion,
                f"{task.step_id}_form": form,
            })
        label = Decision(stored_decision or decision).label
        kind = (CaseEvent.Kind.LAPSED if lapsed else CaseEvent.Kind.MEETING if meeting_ref or task.is_meeting
                else CaseEvent.Kind.RETURNED if decision == Decision.RETURN else CaseEvent.Kind.STEP_DONE)
        post_name = task.post.name if task.post_id else task.lane
        events = [CaseEvent(case=instance.case, kind=kind, actor=None if lapsed else user, at=now,
                            summary=f"{task.name}：{label}" + (f"（{post_name}）" if lapsed else ""),
                            detail=opinion, data={"task": task.pk, "decision": stored_decision or decision,
                                                  "post": task.post.code if task.post_id else task.lane,
                                                  "meeting": meeting_ref})]
        # The row just completed was open: when it was the only one, no other needs reading.
        created = _sync(instance, wf, parsed, actor=user, events=events, calendar_token=calendar_token,
                        none_open=open_count == 1)
        _write_events(events)
        _save(instance, wf)
        record("workflow.task_lapsed" if lapsed else "workflow.task_completed", task,
               before={"state": TaskState.OPEN, "version": version},
               after={"state": TaskState.LAPSED if lapsed else TaskState.COMPLETED, "decision": stored_decision
                      or decision, "post": task.post.code if task.post_id else task.lane},
               summary=f"{instance.case.number} {task.name} {label}", actor=None if lapsed else user)
    return created


def claim_task(task_id: int, user, *, version: int | None = None) -> Task:
    """Take a task offered to the post (签收): from now on only this person works it."""
    task = get_task_for(user, task_id)
    if task.assignee_id == user.pk:
        return task
    if task.is_meeting:
        raise Conflict("会议环节不能签收，由会议决定")
    now = timezone.now()
    with transaction.atomic():
        updated = Task.objects.filter(pk=task.pk, state=TaskState.OPEN, assignee__isnull=True,
                                      version=task.version if version is None else version).update(
            assignee=user, claimed_at=now, version=F("version") + 1)
        if updated != 1:
            raise Conflict("该环节已被签收或已办结")
        CaseEvent.objects.create(case=task.case, kind=CaseEvent.Kind.CLAIMED, actor=user, at=now,
                                 summary=f"{task.name}：{user.display_name} 签收")
        record("workflow.task_claimed", task, after={"assignee": user.username}, summary=f"{task.case.number} 签收",
               actor=user)
    task.refresh_from_db()
    return task


def save_draft(task_id: int, user, *, opinion: str = "", form: dict | None = None) -> Task:
    """Keep a draft opinion and form (not yet a decision); it does not change the task's version."""
    task = get_task_for(user, task_id)
    if task.state != TaskState.OPEN:
        raise Conflict("该环节已办结")
    Task.objects.filter(pk=task.pk, state=TaskState.OPEN).update(draft={"opinion": opinion, "form": form or {}})
    task.refresh_from_db()
    return task


def transfer_task(task_id: int, user, to_user, reason: str, *, version: int | None = None) -> Task:
    """Hand a task to a colleague who holds the same post (转办), with a reason."""
    from plandesk.organization.models import Post

    # A person an app's rule keeps from working the task may still hand it on (the preparer passes the check).
    task = get_task_for(user, task_id, rules=False)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("转办须说明理由", fields=[{"field": "reason", "message": "必填"}])
    if task.is_meeting:
        raise Conflict("会议环节不能转办")
    if to_user is None or to_user.pk == user.pk:
        raise InvalidInput("请选择另一位同事", fields=[{"field": "to", "message": "须为另一位同事"}])
    if task.post_id is None or not Post.objects.held_by(to_user).filter(pk=task.post_id).exists():
        raise InvalidInput("只能转给同一岗位的同事", fields=[{"field": "to", "message": "不在本岗位"}])
    refusal = refusal_by_rules(to_user, task)
    if refusal:
        raise InvalidInput(f"不能转给这位同事：{refusal}", fields=[{"field": "to", "message": refusal}])
    now = timezone.now()
    with transaction.atomic():
        updated = Task.objects.filter(pk=task.pk, state=TaskState.OPEN,
                                      version=task.version if version is None else version).update(
            assignee=to_user, claimed_at=now, version=F("version") + 1)
        if updated != 1:
            raise Conflict("该环节已办结或已被他人更新")
        CaseEvent.objects.create(case=task.case, kind=CaseEvent.Kind.TRANSFERRED, actor=user, at=now,
                                 summary=f"{task.name}：转 {to_user.display_name}", detail=reason,
                                 data={"from": user.username, "to": to_user.username})
        record("workflow.task_transferred", task, before={"assignee": task.assignee.username if task.assignee_id
                                                          else None},
               after={"assignee": to_user.username, "reason": reason}, summary=f"{task.case.number} 转办", actor=user)
    task.refresh_from_db()
    return task


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
    for sweep in LIGHT_SWEEPS:
        sweep(case_ids=[case.pk])
    refresh_lights(case_ids=[case.pk])
    return count


# Upper apps that recolour a case's lights themselves when its deadlines move (supervision: recording each change,
# so that reminders and urging notices follow). Each takes `case_ids`; refresh_lights then finds nothing left.
LIGHT_SWEEPS: list = []


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
    from plandesk.cases.models import CaseError

    with transaction.atomic():
        try:
            case.pause(reason, note=note, actor=actor)
        except CaseError as exc:
            raise Conflict(str(exc)) from exc
    return case


def resume_case(case: Case, *, actor=None, note: str = "") -> Case:
    """Start the clock again: the case's and its open steps' deadlines move later by the paused working days."""
    from plandesk.cases.models import CaseError

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
