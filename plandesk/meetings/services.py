"""Running a meeting: convening it, attendance, the agenda, decisions (which complete the cases' waiting workflow
steps in the same transaction), sign-off and corrections. Each public function is one transaction with its audit
event; refused actions raise MeetingError (status, code, zh-Hans message) and change nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from plandesk.audit.services import record
from plandesk.cases.models import Case
from plandesk.core import counters, refusals
from plandesk.meetings import rules
from plandesk.meetings.models import (
    AgendaItem,
    Attendance,
    Correction,
    Kind,
    Meeting,
    MeetingDecision,
    Presence,
    QuorumRule,
    Status,
)
from plandesk.organization.models import Unit
from plandesk.workflow import overrides
from plandesk.workflow import services as workflow
from plandesk.workflow.models import Task

# Decisions as the workflow knows them: approval with conditions completes the step as an approval.
WORKFLOW_DECISION = {
    MeetingDecision.APPROVE: "approve",
    MeetingDecision.APPROVE_WITH_CONDITIONS: "approve",
    MeetingDecision.REJECT: "reject",
    MeetingDecision.DEFER: "defer",
    MeetingDecision.REVISE: "revise",
}


class MeetingError(refusals.Refusal):
    """A refused meeting action (one refusal type for the house: plandesk/core/refusals.py)."""

    def __init__(self, message: str, code: str | None = None, **extra):
        super().__init__(message, code=code or None, **extra)


class Invalid(MeetingError, refusals.Invalid):
    pass


class Forbidden(MeetingError, refusals.Forbidden):
    pass


class NotFound(MeetingError, refusals.NotFound):
    pass


class Conflict(MeetingError, refusals.Conflict):
    pass


def meeting_interval_days() -> int:
    """Calendar days between two meetings of a kind, when the next one is not yet convened (to warn of lateness)."""
    return int(getattr(settings, "PLANDESK_MEETING_INTERVAL_DAYS", 7))


# --- reading -------------------------------------------------------------------------------------------------------

def resolve_division(kind: str, division):
    """The unit of a division meeting (a Unit or its code); None for the bureau meeting."""

    if kind not in Kind.values:
        raise Invalid("会议类别须为 division（处务会）或 bureau（局务会）", fields=[{"field": "kind",
                                                                              "message": "须为 division 或 bureau"}])
    if kind == Kind.BUREAU:
        if division:
            raise Invalid("局务会不属于某个处室，division 须为空", fields=[{"field": "division", "message": "须为空"}])
        return None
    if not division:
        raise Invalid("处务会须指明处室", fields=[{"field": "division", "message": "必填"}])
    unit = division if isinstance(division, Unit) else Unit.objects.active().filter(code=division).first()
    if unit is None:
        raise Invalid(f"没有编码为“{division}”的处室", fields=[{"field": "division", "message": "未知处室"}])
    return unit


def expected_members(kind: str, division=None) -> list:
    """Who is expected: the division's staff for a division meeting; the director and division heads for the
    bureau meeting (the same people the workflow names in its meeting_required answer)."""
    probe = Task(meeting_kind=kind, office=division)
    names = workflow.expected_members(probe)
    users = get_user_model().objects.filter(username__in=names, is_active=True)
    return sorted(users, key=lambda u: u.username)


def waiting_tasks(kind: str, division=None):
    """The open meeting steps of this kind (in this division), oldest due first."""
    rows = Task.objects.open().filter(meeting_kind=kind)
    if division is not None:
        rows = rows.filter(office=division)
    return rows.select_related("case", "office").order_by("due_at", "created_at", "id")


def next_meeting_at(meeting: Meeting) -> datetime:
    """When the next meeting of the same kind (and division) sits: the next one convened, else one interval on."""
    later = (Meeting.objects.filter(kind=meeting.kind, division=meeting.division, held_at__gt=meeting.held_at)
             .order_by("held_at").values_list("held_at", flat=True).first())
    return later or meeting.held_at + timedelta(days=meeting_interval_days())


@dataclass
class AgendaRow:
    item: AgendaItem | None
    case: Case
    task: Task | None
    light: str
    late_if_left: bool  # the step would be overdue by the next meeting
    # What the latest compliance check found against the site (an approval needs a reason), and the approvals given
    # over it so far with their reasons (steps and meetings alike).
    findings: list = field(default_factory=list)
    overrides: list = field(default_factory=list)


def agenda(meeting: Meeting) -> list[AgendaRow]:
    """The meeting's agenda in order, each case with its waiting step, light and whether it runs late if left."""
    nxt = next_meeting_at(meeting)
    items = list(meeting.items.select_related("case", "decided_by", "task").order_by("position", "id"))
    tasks = {t.case_id: t for t in Task.objects.open().filter(meeting_kind=meeting.kind,
                                                                case_id__in=[i.case_id for i in items])}
    rows = []
    for item in items:
        task = tasks.get(item.case_id) or item.task
        light = task.current_light if task is not None else ""
        late = bool(task is not None and task.is_open and task.due_at and task.due_at < nxt)
        rows.append(AgendaRow(item, item.case, task, light, late,
                              overrides.findings(overrides.latest_check(item.case_id)),
                              overrides.overrides_of(item.case)))
    return rows


def candidates(meeting: Meeting) -> list[AgendaRow]:
    """Cases waiting for this kind of meeting that are not on its agenda, nor undecided on another open meeting."""
    nxt = next_meeting_at(meeting)
    on_agendas = AgendaItem.objects.filter(decision="", meeting__status=Status.OPEN).values("case_id")
    taken = set(meeting.items.values_list("case_id", flat=True))
    rows = []
    for task in waiting_tasks(meeting.kind, meeting.division).exclude(case_id__in=on_agendas):
        if task.case_id in taken:
            continue
        rows.append(AgendaRow(None, task.case, task, task.current_light,
                              bool(task.due_at and task.due_at < nxt)))
    return rows


# --- convening -----------------------------------------------------------------------------------------------------

def _user(username: str):
    return get_user_model().objects.filter(username=username, is_active=True).first()


def create_meeting(*, chair, kind: str, division=None, held_at: datetime, place: str = "", recorder=None,
                   present: list[str] | None = None, case_numbers: list[str] | None = None,
                   quorum_rule: str | None = None) -> Meeting:
    """Convene a meeting chaired by `chair` (the division head, or the director for the bureau meeting).

    Every expected member gets an attendance row: those named in `present` are present, the others absent
    (the chair is always present: he chairs it). `case_numbers` None fills the agenda with every case waiting for
    this meeting, oldest due first; a list puts exactly those cases on it, in that order."""
    unit = resolve_division(kind, division)
    if not rules.may_convene(chair, kind, unit):
        who = "本处处长" if kind == Kind.DIVISION else "局长"
        raise Forbidden(f"只有{who}可以召集并主持{Kind(kind).label}")
    if held_at is None:
        raise Invalid("请填写会议时间", fields=[{"field": "held_at", "message": "必填"}])
    if timezone.is_naive(held_at):
        held_at = timezone.make_aware(held_at)
    if quorum_rule and quorum_rule not in QuorumRule.values:
        raise Invalid("法定人数规则无效", fields=[{"field": "quorum_rule", "message": "须为 majority 或 two_thirds"}])
    members = expected_members(kind, unit)
    if chair.pk not in {m.pk for m in members}:
        members.append(chair)
    by_name = {m.username: m for m in members}
    present = set(present or [])
    strangers = sorted(present - set(by_name))
    if strangers:
        raise Invalid(f"以下人员不是本次会议的应到人员：{'、'.join(strangers)}",
                      fields=[{"field": "attendees", "message": f"不是应到人员：{name}"} for name in strangers])
    if recorder is not None and recorder.pk not in {m.pk for m in members}:
        raise Invalid("记录人须为本次会议的应到人员", fields=[{"field": "recorder", "message": "不是应到人员"}])
    present.add(chair.username)
    with transaction.atomic():
        meeting = Meeting.objects.create(kind=kind, division=unit, held_at=held_at, place=(place or "")[:100],
                                         chair=chair, recorder=recorder, created_by=chair,
                                         **({"quorum_rule": quorum_rule} if quorum_rule else {}))
        Attendance.objects.bulk_create([
            Attendance(meeting=meeting, user=m, presence=Presence.PRESENT if m.username in present
                       else Presence.ABSENT) for m in members])
        if case_numbers is None:
            cases = [row.case for row in candidates(meeting)]
        else:
            cases = _waiting_cases_named(meeting, case_numbers)
        AgendaItem.objects.bulk_create([AgendaItem(meeting=meeting, case=case, position=i + 1, added_by=chair)
                                        for i, case in enumerate(cases)])
        record("meetings.convened", meeting,
               after={"kind": kind, "division": unit.code if unit else None, "held_at": held_at.isoformat(),
                      "present": sorted(present), "agenda": [c.number for c in cases]},
               summary=f"召集{meeting.title}（议题 {len(cases)} 件）", actor=chair)
    return meeting


def _waiting_cases_named(meeting: Meeting, numbers: list[str]) -> list[Case]:
    if len(set(numbers)) != len(numbers):
        raise Invalid("议题中有重复的案件编号", fields=[{"field": "case_numbers", "message": "有重复"}])
    found = {c.number: c for c in Case.objects.filter(number__in=numbers)}
    waiting = set(waiting_tasks(meeting.kind, meeting.division).filter(case__number__in=numbers)
                  .values_list("case__number", flat=True))
    problems = []
    for number in numbers:
        if number not in found:
            problems.append({"field": "case_numbers", "message": f"没有这个案卷：{number}"})
        elif number not in waiting:
            problems.append({"field": "case_numbers", "message": f"案卷 {number} 不在等待本{meeting.get_kind_display()}"
                                                                  "审议的环节"})
    if problems:
        raise Invalid("；".join(p["message"] for p in problems), fields=problems)
    return [found[n] for n in numbers]


# --- running it -----------------------------------------------------------------------------------------------------

def _locked(meeting: Meeting, user, *, sign: bool = False) -> Meeting:
    """The meeting row under lock, checked: the person may run it and the minutes are not yet signed."""
    if not (rules.may_sign(user, meeting) if sign else rules.may_run(user, meeting)):
        raise Forbidden("只有会议主持人可以签发纪要" if sign else "只有会议主持人或记录人可以办理本次会议")
    current = Meeting.objects.select_for_update(of=("self",)).select_related("division", "chair").get(pk=meeting.pk)
    if current.is_signed:
        raise Conflict(f"会议纪要已签发（{current.minutes_number}），不能再修改；如需更正，请添加更正记录",
                       code="minutes_signed")
    return current


def record_attendance(meeting: Meeting, user, presences: dict[str, str]) -> Meeting:
    """Set who was present, absent or on leave (by username). Only expected members; the decisions taken so far
    stay (they were taken with a quorum)."""
    bad = {name: value for name, value in presences.items() if value not in Presence.values}
    if bad:
        raise Invalid("出席情况须为出席、缺席或请假", fields=[{"field": name, "message": "无效"} for name in bad])
    with transaction.atomic():
        meeting = _locked(meeting, user)
        rows = {a.user.username: a for a in meeting.attendance.select_related("user")}
        strangers = sorted(set(presences) - set(rows))
        if strangers:
            raise Invalid(f"以下人员不是本次会议的应到人员：{'、'.join(strangers)}")
        before = {name: a.presence for name, a in rows.items()}
        for name, value in presences.items():
            if rows[name].presence != value:
                Attendance.objects.filter(pk=rows[name].pk).update(presence=value)
        after = {**before, **presences}
        if before != after:
            record("meetings.attendance", meeting, before=before, after=after,
                   summary=f"{meeting.title} 出席 {sum(v == Presence.PRESENT for v in after.values())} 人", actor=user)
    return meeting


def set_recorder(meeting: Meeting, user, recorder) -> Meeting:
    """Name the recorder (记录人): one of the expected members, or nobody."""
    with transaction.atomic():
        meeting = _locked(meeting, user)
        if recorder is not None and not meeting.attendance.filter(user=recorder).exists():
            raise Invalid("记录人须为本次会议的应到人员", fields=[{"field": "recorder", "message": "不是应到人员"}])
        before = meeting.recorder.username if meeting.recorder_id else None
        Meeting.objects.filter(pk=meeting.pk).update(recorder=recorder)
        record("meetings.recorder", meeting, before={"recorder": before},
               after={"recorder": recorder.username if recorder else None}, summary=f"{meeting.title} 记录人",
               actor=user)
    meeting.refresh_from_db()
    return meeting


def add_case(meeting: Meeting, user, case_number: str) -> AgendaItem:
    with transaction.atomic():
        meeting = _locked(meeting, user)
        if meeting.items.filter(case__number=case_number).exists():
            raise Conflict(f"案卷 {case_number} 已在本次会议议题中")
        case = _waiting_cases_named(meeting, [case_number])[0]
        position = (meeting.items.aggregate(m=Max("position"))["m"] or 0) + 1
        item = AgendaItem.objects.create(meeting=meeting, case=case, position=position, added_by=user)
        record("meetings.agenda_added", meeting, after={"case": case.number, "position": position},
               summary=f"{meeting.title} 列入议题 {case.number}", actor=user)
    return item


def _item(meeting: Meeting, item_id: int) -> AgendaItem:
    item = meeting.items.select_related("case").filter(pk=item_id).first()
    if item is None:
        raise NotFound("本次会议没有这个议题")
    return item


def remove_item(meeting: Meeting, user, item_id: int) -> None:
    with transaction.atomic():
        meeting = _locked(meeting, user)
        item = _item(meeting, item_id)
        if item.is_decided:
            raise Conflict(f"案卷 {item.case.number} 已有会议决定，不能移出议题")
        item.delete()
        record("meetings.agenda_removed", meeting, before={"case": item.case.number},
               summary=f"{meeting.title} 移出议题 {item.case.number}", actor=user)


def move_item(meeting: Meeting, user, item_id: int, direction: str) -> None:
    """Move an agenda item one place up or down (the order the meeting takes its cases)."""
    if direction not in ("up", "down"):
        raise Invalid("方向须为 up 或 down")
    with transaction.atomic():
        meeting = _locked(meeting, user)
        items = list(meeting.items.select_related("case").order_by("position", "id"))
        index = next((i for i, it in enumerate(items) if it.pk == item_id), None)
        if index is None:
            raise NotFound("本次会议没有这个议题")
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(items):
            return
        items[index], items[other] = items[other], items[index]
        for position, it in enumerate(items, start=1):
            if it.position != position:
                AgendaItem.objects.filter(pk=it.pk).update(position=position)
        record("meetings.agenda_reordered", meeting, after={"order": [it.case.number for it in items]},
               summary=f"{meeting.title} 调整议题顺序", actor=user)


def decide(meeting: Meeting, user, case_number: str, decision: str, opinion: str, conditions: str = "",
           override_reason: str | None = None) -> tuple[AgendaItem, list[Task]]:
    """Record the meeting's decision on a case of its agenda and complete the case's waiting step with it, in one
    transaction. Refused (nothing changes): not on the agenda or already decided (409), no quorum (409), signed
    minutes (409), a decision the workflow refuses (its status)."""
    opinion = (opinion or "").strip()
    conditions = (conditions or "").strip()
    if decision not in MeetingDecision.values:
        raise Invalid("会议决定须为 approve、approve_with_conditions、reject、defer 或 revise",
                      fields=[{"field": "decision", "message": "无效的决定"}])
    if not opinion:
        raise Invalid("请填写会议集体意见", fields=[{"field": "opinion", "message": "必填"}])
    if decision == MeetingDecision.APPROVE_WITH_CONDITIONS and not conditions:
        raise Invalid("附条件同意须写明条件", fields=[{"field": "conditions", "message": "必填"}])
    with transaction.atomic():
        meeting = _locked(meeting, user)
        item = (meeting.items.select_for_update(of=("self",)).select_related("case")
                .filter(case__number=case_number).first())
        if item is None:
            raise Conflict(f"案卷 {case_number} 不在本次会议议题中，不能作出决定", code="not_on_agenda")
        if item.is_decided:
            raise Conflict(f"本次会议已对案卷 {case_number} 作出决定（{item.get_decision_display()}），不能重复决定",
                           code="already_decided")
        problem = meeting.quorum_problem()
        if problem:
            raise Conflict(problem, code="no_quorum")
        task = workflow.meeting_task(item.case, meeting.kind)
        if task is None or (meeting.division_id and task.office_id != meeting.division_id):
            raise Conflict(f"案卷 {case_number} 当前没有等待本{meeting.get_kind_display()}决定的环节",
                           code="not_waiting")
        text = f"附条件同意，条件：{conditions}\n{opinion}" if conditions and decision == \
            MeetingDecision.APPROVE_WITH_CONDITIONS else opinion
        try:
            created = workflow.complete_meeting_task(item.case, meeting.kind, WORKFLOW_DECISION[decision], text,
                                                     user, meeting.ref, override_reason=override_reason)
        except refusals.Refusal as exc:
            # The workflow's and its hooks' refusals (publicity_required, compliance_override_required, ...) keep
            # their code and fields: the API answers them as the task completion does.
            if exc.status == 409:
                raise Conflict(exc.message, code=exc.code, **exc.extra) from exc
            raise Invalid(exc.message, code=exc.code if exc.status == 400 else None, **exc.extra) from exc
        now = timezone.now()
        AgendaItem.objects.filter(pk=item.pk).update(decision=decision, opinion=opinion, conditions=conditions,
                                                     decided_at=now, decided_by=user, task=task)
        record("meetings.decided", item, before={"decision": ""},
               after={"meeting": meeting.pk, "case": case_number, "decision": decision, "task": task.pk},
               summary=f"{meeting.title} {case_number} {MeetingDecision(decision).label}", actor=user)
    item.refresh_from_db()
    return item, created


def sign(meeting: Meeting, user) -> Meeting:
    """The chair signs the minutes: they get their number and are final (no change to the meeting after)."""
    with transaction.atomic():
        meeting = _locked(meeting, user, sign=True)
        year = timezone.localtime(meeting.held_at).year
        division_code = meeting.division.code if meeting.division_id else ""
        seq = counters.next_value(f"meetings.minutes:{meeting.kind}:{division_code}:{year}")
        meeting.mark_signed(year=year, seq=seq, actor=user)
    return meeting


def correct(meeting: Meeting, user, text: str, item_id: int | None = None) -> Correction:
    """A correction of signed minutes, by their chair: a new record linked to them; the minutes stay as signed."""
    text = (text or "").strip()
    if not text:
        raise Invalid("请填写更正内容", fields=[{"field": "text", "message": "必填"}])
    if not rules.may_sign(user, meeting):
        raise Forbidden("只有会议主持人可以更正纪要")
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if not meeting.is_signed:
            raise Conflict("纪要尚未签发，请直接修改会议记录")
        item = _item(meeting, item_id) if item_id else None
        seq = (meeting.corrections.aggregate(m=Max("seq"))["m"] or 0) + 1
        correction = Correction.objects.create(meeting=meeting, item=item, seq=seq, text=text, created_by=user)
        record("meetings.corrected", correction, after={"meeting": meeting.pk, "seq": seq,
                                                        "case": item.case.number if item else None},
               summary=f"{meeting.minutes_number} 更正{seq}", actor=user)
    return correction


def get_meeting(user, meeting_id: int) -> Meeting:
    """A meeting the person may read; 404 for others (whether or not it exists)."""
    meeting = Meeting.objects.visible_to(user).select_related("division", "chair", "recorder").filter(
        pk=meeting_id).first()
    if meeting is None:
        raise NotFound("没有这个会议，或您无权查看")
    return meeting


def case_meetings(case: Case) -> list[AgendaItem]:
    """The meetings a case is or was on, with what they decided (for the case workspace)."""
    return list(case.agenda_items.select_related("meeting", "meeting__division", "decided_by")
                .order_by("meeting__held_at", "id"))
