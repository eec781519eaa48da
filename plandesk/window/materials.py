"""What an applicant still owes (容缺): the due points, supplying a material at the window, the light and the
reminder, and the rule that no certificate is issued while a material due "before issue" is missing.

A `DeferredMaterial` row is written at intake for each 容缺 material accepted missing (`record_owed`); it is the one
source the case page, the receipt, the public query, the phone line, supervision and the issuing read. Supplying one
(`supply`) stamps it once, in one conditional UPDATE, so two clerks (or a clerk and a racing retry) never record it
twice, and the check at issue (`refuse_issue_while_owed`, called inside the transaction that would issue) reads
committed rows only: it either sees the material supplied or refuses, never half of each.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from plandesk.audit.services import record
from plandesk.cases.models import Case, CaseStatus
from plandesk.core.refusals import Conflict, Forbidden, Invalid
from plandesk.notifications.services import notify
from plandesk.window import storage
from plandesk.window.intake import MaterialState
from plandesk.window.models import DeferredMaterial, MaterialFile
from plandesk.workdays import calendar
from plandesk.workflow.models import Task, TaskState

OPEN_STATUSES = (CaseStatus.IN_PROGRESS, CaseStatus.PAUSED, CaseStatus.READY_FOR_PICKUP)


class MaterialsOutstanding(Conflict):
    """A certificate would be issued while materials due before issue are missing (API: 409 with their codes)."""

    code = "materials_outstanding"

    def __init__(self, rows: list[DeferredMaterial]):
        names = "、".join(f"“{r.name}”" for r in rows)
        super().__init__(f"容缺受理的材料{names}须在发证前补交，尚未补交，不能发证。请申请人到窗口补交后再办理",
                         materials=[r.code for r in rows])


def reminder_days() -> int:
    """How many working days before a material falls due the applicant is reminded (and its light turns yellow)."""
    return int(getattr(settings, "PLANDESK_MATERIAL_REMINDER_DAYS", 2))


# --- at intake -------------------------------------------------------------------------------------------------------

def record_owed(case: Case, checklist: list[dict]) -> list[DeferredMaterial]:
    """The 容缺 materials of the intake checklist become owed rows (the intake's transaction)."""
    rows = [DeferredMaterial(case=case, code=m["code"], name=m["name"][:200],
                             before_issue=not m.get("due_date"),
                             due_on=date.fromisoformat(m["due_date"]) if m.get("due_date") else None)
            for m in checklist if m.get("state") == MaterialState.DEFERRED]
    return DeferredMaterial.objects.bulk_create(rows)


# --- reading -------------------------------------------------------------------------------------------------------

def owed(case: Case) -> list[DeferredMaterial]:
    """What the applicant still owes on the case, soonest first, "before issue" last."""
    return list(DeferredMaterial.objects.filter(case=case, supplied_at__isnull=True)
                .order_by("before_issue", "due_on", "id"))


def deferred(case: Case) -> list[DeferredMaterial]:
    """Every 容缺 material of the case, supplied or not."""
    return list(DeferredMaterial.objects.filter(case=case).select_related("supplied_by")
                .order_by("before_issue", "due_on", "id"))


def owed_on_open_cases(limit: int = 500) -> list[DeferredMaterial]:
    """What is owed on every open case, the latest due first in line (late ones first), "before issue" last."""
    return list(DeferredMaterial.objects.filter(supplied_at__isnull=True, case__status__in=OPEN_STATUSES)
                .select_related("case", "case__handling_office").order_by("before_issue", "due_on", "id")[:limit])


def counts_by_light(today: date | None = None) -> dict[str, int]:
    """How many owed materials show each light, counted in the database (the home panel asks on every visit)."""
    today = today or timezone.localdate()
    owed_rows = DeferredMaterial.objects.filter(supplied_at__isnull=True, case__status__in=OPEN_STATUSES)
    red = Q(before_issue=False, due_on__lt=today)
    yellow = Q(before_issue=True) | Q(before_issue=False, due_on__gte=today, due_on__lte=reminder_horizon(today))
    counts = owed_rows.aggregate(red=Count("pk", filter=red), yellow=Count("pk", filter=yellow), all=Count("pk"))
    return {"red": counts["red"], "yellow": counts["yellow"], "green": counts["all"] - counts["red"] - counts["yellow"]}


def outstanding_for_public(case_id: int) -> list[dict]:
    """The public query's `outstanding_materials`: name and due point of each material still owed."""
    return [{"name": r.name, "due": r.due}
            for r in DeferredMaterial.objects.filter(case_id=case_id, supplied_at__isnull=True)
            .order_by("before_issue", "due_on", "id")]


def owed_sentence(case: Case) -> str:
    """One sentence in Chinese for the phone line and notices; empty when nothing is owed."""
    rows = owed(case)
    if not rows:
        return ""
    return "尚需补交容缺材料：" + "；".join(f"{r.name}，{r.due_display}补交" for r in rows) + "。"


def light(row: DeferredMaterial, today: date | None = None) -> str:
    """Supervision's light for an owed material: red past its date, yellow within the reminder lead (and while a
    material due before issue is owed: issue will wait for it), green otherwise or once supplied."""
    if row.supplied_at is not None:
        return "green"
    if row.before_issue:
        return "yellow"
    today = today or timezone.localdate()
    if today > row.due_on:
        return "red"
    if row.due_on <= reminder_horizon(today):
        return "yellow"
    return "green"


def reminder_horizon(today: date) -> date:
    """The last due date that is within the reminder lead of `today` (the light and the reminder agree)."""
    return calendar.add_working_days(today, reminder_days())


# --- the rule at issue -----------------------------------------------------------------------------------------------

def missing_before_issue(case_id: int) -> list[DeferredMaterial]:
    return list(DeferredMaterial.objects.filter(case_id=case_id, before_issue=True, supplied_at__isnull=True)
                .order_by("id"))


def refuse_issue_while_owed(case_id: int) -> None:
    """Raise MaterialsOutstanding (409) while a material due before issue is missing. Called by the issuing inside
    the transaction that would issue (so every path that issues is covered) and by the check step's decision
    check (so the refusal comes before anything moves)."""
    rows = missing_before_issue(case_id)
    if rows:
        raise MaterialsOutstanding(rows)


# --- supplying at the window -----------------------------------------------------------------------------------------

def supply(case: Case, code: str, *, actor, uploads: list, note: str = "", may_supply) -> DeferredMaterial:
    """The window records a supplied 容缺 material: its files checked by content as at intake, stored, the row
    stamped once, a case event and an audit row; the refusal at issue lifts. `may_supply(actor)` is the window's
    clerk check (intake or output window)."""
    if not may_supply(actor):
        raise Forbidden("只有接件或出件窗口可以登记补交的容缺材料")
    row = DeferredMaterial.objects.filter(case=case, code=code).first()
    if row is None:
        raise Invalid("该案件没有这项容缺材料", fields=[{"field": "material", "message": "该案件没有这项容缺材料"}])
    if not uploads:
        raise Invalid(f"请上传“{row.name}”的扫描件", fields=[{"field": f"materials.{code}", "message": "请上传文件"}])
    checked = []
    for upload in uploads:
        try:
            checked.append((upload, storage.check(upload)))
        except storage.FileRefused as exc:
            raise Invalid(f"“{row.name}”：{exc.message}",
                          fields=[{"field": f"materials.{code}", "message": exc.message}]) from None
    if case.status not in OPEN_STATUSES:
        raise Conflict(f"案件当前为“{case.get_status_display()}”，不能再补交材料")
    note = " ".join((note or "").split())[:300]
    now = timezone.now()
    with transaction.atomic():
        # Once only: a racing second record of the same material finds it stamped and changes nothing.
        if DeferredMaterial.objects.filter(pk=row.pk, supplied_at__isnull=True).update(
                supplied_at=now, supplied_by=actor, supply_note=note) != 1:
            raise Conflict(f"“{row.name}”已补交，不能重复登记")
        for upload, kind in checked:
            MaterialFile.objects.create(case=case, material_code=code, file=storage.store(upload, kind),
                                        original_name=(getattr(upload, "name", "") or "")[:200],
                                        uploaded_by=actor, uploaded_at=now)
        row.refresh_from_db()
        due = "发证前" if row.before_issue else row.due_on.isoformat()
        record("window.material_supplied", row, before={"supplied_at": None},
               after={"case": case.number, "material": code, "due": due, "files": len(checked)},
               summary=f"{case.number} 补交容缺材料“{row.name}”", actor=actor)
    return row


# --- reminders (a worker job) ----------------------------------------------------------------------------------------

def remind_due(today: date | None = None) -> int:
    """SMS the applicant once per owed material shortly before it falls due: a dated one within the reminder lead
    (or already late), one due before issue once the case reaches its certificate step. The outbox's dedupe key
    keeps a second reminder out even when two workers race; `reminded_at` keeps the next rounds cheap."""
    today = today or timezone.localdate()
    horizon = reminder_horizon(today)
    at_issue = Task.objects.filter(state=TaskState.OPEN,
                                   step_id__in=("prepare_certificate", "check_certificate")).values("case_id")
    rows = (DeferredMaterial.objects.filter(supplied_at__isnull=True, reminded_at__isnull=True,
                                            case__status__in=OPEN_STATUSES)
            .filter(Q(before_issue=False, due_on__lte=horizon) | Q(before_issue=True, case_id__in=at_issue))
            .select_related("case").order_by("id"))
    sent = 0
    for row in rows:
        case = row.case
        with transaction.atomic():
            if case.applicant_phone:
                when = "发证前" if row.before_issue else f"{row.due_on:%Y年%m月%d日}前"
                notice = notify(kind="material_due", channel="sms", address=case.applicant_phone, obj=row,
                                subject=f"{settings.PLANDESK_BUREAU_NAME}容缺材料补交提醒",
                                body=f"您的案件 {case.number}（{case.project_name}）容缺受理的材料“{row.name}”"
                                     f"须于{when}到窗口补交，逾期将影响办理和发证。",
                                dedupe_key=f"window.material_due.{row.pk}")
                sent += notice is not None
            DeferredMaterial.objects.filter(pk=row.pk).update(reminded_at=timezone.now())
    return sent

