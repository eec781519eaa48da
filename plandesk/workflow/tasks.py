"""Working a task: completing (with the apps' completion checks), claiming, drafting, transferring; a meeting's
decision completes its task the same way."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from plandesk.audit.services import record
from plandesk.cases.models import Case, CaseEvent, CaseStatus
from plandesk.core import sql as rawsql
from plandesk.organization.models import Post
from plandesk.workdays.models import CalendarVersion
from plandesk.workflow import engine, hooks, overrides
from plandesk.workflow.definitions import MEETING_DECISIONS, WORK_DECISIONS, parsed_definition
from plandesk.workflow.errors import Conflict, InvalidInput, MeetingRequired, NotFound
from plandesk.workflow.meetings import meeting_info, meeting_task
from plandesk.workflow.models import (
    Decision,
    MeetingKind,
    ProcessDefinition,
    ProcessInstance,
    Task,
    TaskState,
)
from plandesk.workflow.permissions import get_task_for, refusal_by_rules
from plandesk.workflow.runtime import _load, _save, _sync, _write_events


def complete_meeting_task(case: Case, kind: str, decision: str, opinion: str, decided_by, meeting_ref: str = "",
                          *, override_reason: str | None = None) -> list[Task]:
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
    reason = overrides.required_reason(case.pk, work_decision, override_reason)
    for check in hooks.decision_checks():
        check(task, work_decision, reason)
    return _complete(task, decided_by, work_decision, opinion, None, task.version, meeting_ref=meeting_ref,
                     stored_decision=decision, override_reason=reason)


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




def complete_task(task_id: int, user, *, decision: str, opinion: str = "", form: dict | None = None,
                  version: int | None = None, override_reason: str | None = None) -> list[Task]:
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
    for check in hooks.completion_checks():
        check(task)
    if decision not in WORK_DECISIONS:
        raise InvalidInput("决定须为 approve、reject 或 return",
                           fields=[{"field": "decision", "message": "须为 approve、reject 或 return"}])
    if decision != Decision.RETURN:
        form = _validate_form(task, form)
    reason = overrides.required_reason(task.case_id, decision, override_reason)
    for check in hooks.decision_checks():
        check(task, decision, reason)
    return _complete(task, user, decision, opinion, form, task.version if version is None else version,
                     override_reason=reason)


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

    row = rawsql.fetchone(rawsql.statement("lock instance", lambda: (
        "SELECT i.id, i.case_id, i.definition_id, i.state, i.status, i.completed_at, i.revision, i.next_timer_at, "  # noqa: S608
        "d.process_id, d.version, d.uploaded_at, c.number, c.status, c.handling_office_id, c.received_at, "
        "c.status_changed_at, c.promised_days, c.due_at, "
        f"(SELECT token FROM {rawsql.table(CalendarVersion)} WHERE id = 1), "
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
        "status_changed_at": dt(row[15]), "promised_days": row[16], "due_at": dt(row[17])})
    return instance, row[18] or "", row[19]


def _complete(task: Task, user, decision: str, opinion: str, form: dict | None, version: int, *,
              meeting_ref: str = "", stored_decision: str | None = None, lapsed: bool = False,
              override_reason: str = "") -> list[Task]:
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
        data = {"task": task.pk, "decision": stored_decision or decision,
                "post": task.post.code if task.post_id else task.lane, "meeting": meeting_ref}
        if override_reason:
            data[overrides.DATA_KEY] = override_reason
        events = [CaseEvent(case=instance.case, kind=kind, actor=None if lapsed else user, at=now,
                            summary=f"{task.name}：{label}" + (f"（{post_name}）" if lapsed else "")
                            + ("（越过用地审查意见）" if override_reason else ""),
                            detail=opinion + (f"\n越过用地审查意见的理由：{override_reason}"
                                              if override_reason else ""),
                            data=data)]
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
        if override_reason:
            record("workflow.compliance_overridden", task, after={"decision": stored_decision or decision,
                                                                  "reason": override_reason, "meeting": meeting_ref},
                   summary=f"{instance.case.number} {task.name} 越过用地审查意见", actor=user)
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
