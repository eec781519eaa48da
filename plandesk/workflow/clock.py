"""The case clock: pauses (补正 with its deadline, publicity, hearing, expert review, inspection), resuming, the
extension (延期), the 补正 deadline's lapse, withdrawal (撤回), and task deadlines recomputed when the working-day
calendar changes. When a pause or an extension moves the case's due date the applicant is told by SMS.

Settings (with their defaults): PLANDESK_SUPPLEMENT_DAYS (10 working days to supplement), PLANDESK_SUPPLEMENT_LAPSE
("withdrawn" or "not_accepted": how a case ends when the 补正 deadline passes), PLANDESK_EXTENSION_MAX_DAYS (10),
PLANDESK_EXTENSION_APPROVER ("head" of the handling office, or "director")."""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from plandesk.audit.services import record
from plandesk.cases.models import Case, CaseError, CaseExtension, CasePause, CaseStatus, ExtensionStatus, PauseReason
from plandesk.notifications.services import notify
from plandesk.organization.models import Post
from plandesk.organization.roles import is_director
from plandesk.workdays import calendar
from plandesk.workflow import hooks
from plandesk.workflow.errors import Conflict, InvalidInput, NotAllowed
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




def supplement_days() -> int:
    return int(getattr(settings, "PLANDESK_SUPPLEMENT_DAYS", 10))


def supplement_deadline(on: date | None = None) -> date:
    """The 补正 deadline of a notice given today: so many working days on (the notice prints it)."""
    return calendar.add_working_days(on or calendar.local_date(timezone.now()), supplement_days())


def request_supplement(task_id: int, user, note: str) -> Case:
    """Return to the applicant for supplements (补正): the case and its step clocks stop until resumed; the notice
    carries the deadline (PLANDESK_SUPPLEMENT_DAYS working days)."""
    task = get_task_for(user, task_id)
    if task.state != TaskState.OPEN:
        raise Conflict("该环节已办结")
    note = (note or "").strip()
    if not note:
        raise InvalidInput("请写明须补正的材料", fields=[{"field": "note", "message": "必填"}])
    return pause_case(task.case, PauseReason.SUPPLEMENT, note=note, actor=user, ends_on=supplement_deadline())


def pause_case(case: Case, reason: str, *, note: str = "", actor=None, ends_on: date | None = None) -> Case:
    """Stop the clock (补正, publicity, expert review, hearing, inspection)."""

    with transaction.atomic():
        try:
            case.pause(reason, note=note, actor=actor, ends_on=ends_on)
        except CaseError as exc:
            raise Conflict(str(exc)) from exc
    return case


# Pauses a handler may start from his task (the others belong to their own apps: 补正 above, publicity).
TASK_PAUSES = (PauseReason.HEARING, PauseReason.EXPERT_REVIEW, PauseReason.INSPECTION)


def pause_for_task(task_id: int, user, *, reason: str, note: str, ends_on: date | None) -> CasePause:
    """Hearing (听证), expert review (专家评审), inspection/appraisal (检验、检测、鉴定) from the task page or the API:
    a reason, a note and a planned end; the time is excluded from the clock (行政许可法第四十五条)."""
    task = get_task_for(user, task_id)
    if task.state != TaskState.OPEN:
        raise Conflict("该环节已办结")
    fields = []
    if reason not in TASK_PAUSES:
        fields.append({"field": "reason", "message": "须为 hearing、expert_review 或 inspection"})
    note = (note or "").strip()
    if not note:
        fields.append({"field": "note", "message": "请写明事由"})
    today = calendar.local_date(timezone.now())
    if ends_on is None:
        fields.append({"field": "ends_on", "message": "请填写预计结束日期"})
    elif ends_on < today:
        fields.append({"field": "ends_on", "message": "预计结束日期不能早于今天"})
    if fields:
        raise InvalidInput("；".join(f["message"] for f in fields), fields=fields)
    pause_case(task.case, reason, note=note, actor=user, ends_on=ends_on)
    return task.case.pauses.get(ended_at__isnull=True)


def end_task_pause(task_id: int, user, *, note: str = "") -> Case:
    """The hearing, review or inspection is over: whoever may work the case's step starts the clock again."""
    task = get_task_for(user, task_id)
    pause = task.case.open_pause()
    if pause is None or pause.reason not in TASK_PAUSES:
        raise Conflict("案卷没有可由本环节结束的暂停（听证、专家评审、检验检测鉴定）")
    return resume_case(task.case, actor=user, note=note)


def resume_case(case: Case, *, actor=None, note: str = "") -> Case:
    """Start the clock again: the case's and its open steps' deadlines move later by the paused working days."""

    with transaction.atomic():
        before = Case.objects.values_list("due_at", flat=True).get(pk=case.pk)
        try:
            case.resume(actor=actor, note=note)
        except CaseError as exc:
            raise Conflict(str(exc)) from exc
        recompute_task_deadlines(case)
        tell_new_due_date(case, before)
    case.refresh_from_db()
    return case


def tell_new_due_date(case: Case, before: datetime | None) -> None:
    """An SMS to the applicant when the promised date moved (the query, the phone line and a reprinted receipt read
    the same column)."""
    if case.due_at is None or before == case.due_at or not case.applicant_phone:
        return
    day = timezone.localtime(case.due_at)
    notify(kind="case.due_date_moved", channel="sms", address=case.applicant_phone, obj=case,
           subject=f"案件 {case.number} 承诺办结日期调整",
           body=f"您的案件 {case.number}（{case.project_name}）承诺办结日期调整为 {day:%Y年%m月%d日}。",
           dedupe_key=f"case.due_date_moved.{case.pk}.{day:%Y%m%d%H%M}")


# --- 补正 deadline ------------------------------------------------------------------------------------------------

def supplement_lapse() -> str:
    value = getattr(settings, "PLANDESK_SUPPLEMENT_LAPSE", CaseStatus.WITHDRAWN)
    return CaseStatus.NOT_ACCEPTED if value == CaseStatus.NOT_ACCEPTED else CaseStatus.WITHDRAWN


def lapse_supplements(now: datetime | None = None) -> int:
    """The worker: 补正 deadlines passed without the supplement end their cases as the setting says, with a notice
    to the applicant and the open steps closed. Each case is decided under its row lock against a supplement
    recorded at the same moment: exactly one of them wins."""
    today = calendar.local_date(now or timezone.now())
    due = CasePause.objects.filter(reason=PauseReason.SUPPLEMENT, ended_at__isnull=True, ends_on__lt=today,
                                   case__status=CaseStatus.PAUSED).select_related("case").order_by("ends_on", "id")
    ended = 0
    outcome = supplement_lapse()
    for pause in due:
        case = pause.case
        reason = f"补正期限 {pause.ends_on:%Y-%m-%d} 届满，申请人未补正"
        try:
            with transaction.atomic():
                case.lapse_supplement(pause, outcome, reason=reason)
                _close_open_tasks(case, f"案卷{'视为撤回' if outcome == CaseStatus.WITHDRAWN else '不予受理'}")
                if case.applicant_phone:
                    words = "视为撤回申请" if outcome == CaseStatus.WITHDRAWN else "不予受理"
                    notify(kind="case.supplement_lapsed", channel="sms", address=case.applicant_phone, obj=case,
                           subject=f"案件 {case.number} 逾期未补正",
                           body=f"您的案件 {case.number}（{case.project_name}）补正期限 {pause.ends_on:%Y年%m月%d日} "
                                f"已届满而未补正，依规定{words}。如有疑问请联系窗口。",
                           dedupe_key=f"case.supplement_lapsed.{case.pk}")
            ended += 1
        except CaseError:
            continue  # the supplement came first
    return ended


# --- withdrawal (撤回) ------------------------------------------------------------------------------------------

def _close_open_tasks(case: Case, why: str) -> list[Task]:
    """Cancel the case's open steps and tell the people holding them (the assignee, else the post's holders)."""
    tasks = list(case.tasks.filter(state=TaskState.OPEN).select_related("post", "assignee"))
    now = timezone.now()
    for task in tasks:
        Task.objects.filter(pk=task.pk, state=TaskState.OPEN).update(state=TaskState.CANCELLED, completed_at=now,
                                                                    version=task.version + 1)
        holders = [task.assignee] if task.assignee_id else list(Post.objects.holders([task.post])) if task.post_id \
            else []
        for user in holders:
            notify(kind="workflow.task_closed", recipient=user, obj=case, url=reverse("workflow:case",
                                                                                     args=[case.number]),
                   subject=f"{case.number} {task.name} 已关闭", body=f"{why}：{case.project_name}，本环节无须再办理。",
                   dedupe_key=f"workflow.task_closed.{task.pk}.{user.pk}")
    return tasks


def withdraw_case(case: Case, *, actor, reason: str) -> Case:
    """The applicant withdraws at the window (撤回申请): the case ends, its open steps close, their holders are told."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("请写明撤回原因（申请人书面申请）", fields=[{"field": "reason", "message": "必填"}])
    with transaction.atomic():
        try:
            case.withdraw(reason, actor=actor)
        except CaseError as exc:
            raise Conflict(str(exc)) from exc
        pause = case.open_pause()
        if pause is not None:
            CasePause.objects.filter(pk=pause.pk).update(ended_at=case.status_changed_at, ended_by=actor)
        tasks = _close_open_tasks(case, "申请人已撤回申请")
        record("case.tasks_closed", case, after={"tasks": [t.pk for t in tasks]},
               summary=f"{case.number} 撤回，关闭 {len(tasks)} 个在办环节", actor=actor)
    return case


# --- extension (延期) -------------------------------------------------------------------------------------------

def extension_max_days() -> int:
    return int(getattr(settings, "PLANDESK_EXTENSION_MAX_DAYS", 10))


def may_decide_extension(user, case: Case) -> bool:
    if getattr(settings, "PLANDESK_EXTENSION_APPROVER", "head") == "director":
        return is_director(user)
    return case.handling_office_id is not None and case.handling_office.division_heads().filter(pk=user.pk).exists()


def request_extension(task_id: int, user, *, days: int, reason: str) -> CaseExtension:
    """The handler asks to extend the time limit: once per case, at most PLANDESK_EXTENSION_MAX_DAYS working days."""
    task = get_task_for(user, task_id)
    case = task.case
    if task.state != TaskState.OPEN or not case.is_open:
        raise Conflict("该环节已办结或案卷已办结")
    fields = []
    limit = extension_max_days()
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= limit:
        fields.append({"field": "days", "message": f"延长天数须为 1 至 {limit} 个工作日"})
    reason = (reason or "").strip()
    if not reason:
        fields.append({"field": "reason", "message": "请写明延期理由"})
    if fields:
        raise InvalidInput("；".join(f["message"] for f in fields), fields=fields)
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).values_list("pk").get()
        if CaseExtension.objects.filter(case=case).exists():
            raise Conflict("本案已申请过延期（每案限一次）")
        extension = CaseExtension.objects.create(case=case, days=days, reason=reason[:500], requested_by=user)
        record("case.extension_requested", extension, after={"case": case.number, "days": days},
               summary=f"{case.number} 申请延期 {days} 个工作日", actor=user)
        approvers = (Post.objects.directors() if getattr(settings, "PLANDESK_EXTENSION_APPROVER", "head") == "director"
                     else case.handling_office.division_heads())
        for approver in approvers:
            notify(kind="case.extension_requested", recipient=approver, obj=case,
                   url=reverse("workflow:case", args=[case.number]), subject=f"{case.number} 申请延期 {days} 个工作日",
                   body=reason, dedupe_key=f"case.extension_requested.{extension.pk}.{approver.pk}")
    return extension


def decide_extension(case: Case, user, *, approve: bool, note: str = "") -> CaseExtension:
    """The head (or the director, per setting) approves or refuses; approved, the due date moves and the applicant
    is told by SMS (the letter is `extension_letter_pdf`)."""
    if not may_decide_extension(user, case):
        raise NotAllowed("您不能审批本案的延期申请")
    with transaction.atomic():
        extension = CaseExtension.objects.select_for_update().filter(case=case).first()
        if extension is None:
            raise Conflict("本案没有延期申请")
        if extension.status != ExtensionStatus.REQUESTED:
            raise Conflict(f"延期申请已{extension.get_status_display()}")
        case = Case.objects.select_for_update().get(pk=case.pk)
        if not case.is_open:
            raise Conflict("案卷已办结，不能延期")
        extension.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
        extension.decided_by, extension.decided_at, extension.decision_note = user, timezone.now(), note[:300]
        extension.due_before = case.due_at
        if approve:
            case.extend(extension.days, actor=user, reason=extension.reason)
            recompute_task_deadlines(case)
            extension.due_after = case.due_at
            tell_new_due_date(case, extension.due_before)
        extension.save()
        record("case.extension_decided", extension, before={"status": ExtensionStatus.REQUESTED},
               after={"status": extension.status, "due_at": case.due_at.isoformat() if case.due_at else None},
               summary=f"{case.number} 延期申请{extension.get_status_display()}", actor=user)
    return extension


def on_calendar_changed(sender=None, dates=None, **kwargs) -> None:
    """The working-day calendar changed: every open deadline is computed again (same transaction as the change)."""
    for case in Case.objects.open().filter(Q(tasks__state=TaskState.OPEN) | Q(promised_days__gt=0)).distinct():
        case.recompute_deadline()
        recompute_task_deadlines(case)
