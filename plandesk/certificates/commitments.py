"""告知承诺 after issue: the post-approval verification (事后核查) of every commitment a licence was granted on, and
the revocation (撤销) of the case's licences when one is found false.

A case whose checklist says a material was committed (`committed`, window's intake) gets one `CommitmentCheck` per
such material when its licence is issued, in the issuing transaction, due `PLANDESK_COMMITMENT_CHECK_DAYS` working
days after the issue date; the preparer of the licence is told in the app. The handling office records the outcome:
true (承诺属实) closes the check; false (承诺不实) revokes every licence of the case still in force, under one
revocation decision numbered from core's counter (规撤〔2026〕1号, gap-free in that transaction), whose PDF is
rendered from the stored rows (certificates/pdf.py `revocation_pdf`).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Case as CaseWhen
from django.db.models import IntegerField, Value, When
from django.utils import timezone

from plandesk.cases.models import Case
from plandesk.certificates.errors import CertificateError, _forbidden
from plandesk.certificates.models import Certificate, CommitmentCheck, CommitmentOutcome, Kind, Status
from plandesk.certificates.rules import _office_units, may_void
from plandesk.core import counters
from plandesk.notifications.services import notify
from plandesk.organization.models import Post
from plandesk.organization.roles import is_director_or_office
from plandesk.workdays import calendar

COMMITTED = "committed"  # the window checklist's state of a material replaced by a signed commitment


def check_days() -> int:
    return int(getattr(settings, "PLANDESK_COMMITMENT_CHECK_DAYS", 20))


def decision_number(year: int, seq: int) -> str:
    return f"规撤〔{year}〕{seq}号"


# --- at issue ------------------------------------------------------------------------------------------------------

def open_checks(case: Case, issued: list[Certificate]) -> list[CommitmentCheck]:
    """The licence was issued (the issuing transaction): one verification per committed material, due N working
    days after the issue date. Idempotent per (case, material): a reissue opens none again."""
    licences = [c for c in issued if c.type.kind != Kind.REFUSAL]
    committed = [m for m in case.materials or [] if isinstance(m, dict) and m.get("state") == COMMITTED]
    if not licences or not committed:
        return []
    first = licences[0]
    due = calendar.add_working_days(first.issued_on, check_days())
    existing = set(CommitmentCheck.objects.filter(case=case).values_list("material_code", flat=True))
    rows = CommitmentCheck.objects.bulk_create([
        CommitmentCheck(case=case, certificate=first, material_code=m["code"], material_name=m["name"][:200],
                        due_on=due) for m in committed if m["code"] not in existing])
    if rows and first.prepared_by_id:
        notify(kind="commitment_check", recipient=first.prepared_by, obj=case,
               subject=f"{case.number} 告知承诺事后核查",
               body=f"{case.project_name}已发证，请于 {due:%Y-%m-%d} 前核查申请人的告知承诺："
                    + "、".join(r.material_name for r in rows),
               url=f"/certificates/commitments/?case={case.number}",
               dedupe_key=f"certificates.commitments.{case.pk}")
    return rows


# --- the register ----------------------------------------------------------------------------------------------------

def light(check: CommitmentCheck, today: date | None = None) -> str:
    if check.outcome != CommitmentOutcome.PENDING:
        return "green"
    today = today or calendar.local_date(timezone.now())
    if today > check.due_on:
        return "red"
    if calendar.working_days_between(today, check.due_on) <= calendar.yellow_lead_days():
        return "yellow"
    return "green"


def register_rows(user, *, case_number: str = ""):
    """Every commitment check the person may see (the heads, the director, the office: all; a handler: those of
    his office's cases), pending first, soonest due first."""
    rows = CommitmentCheck.objects.select_related("case", "case__handling_office", "certificate", "checked_by")
    if case_number:
        rows = rows.filter(case__number=case_number)
    pending_first = CaseWhen(When(outcome=CommitmentOutcome.PENDING, then=Value(0)), default=Value(1),
                          output_field=IntegerField())
    return [r for r in rows.order_by(pending_first, "due_on", "id") if may_see_check(user, r)]


def may_see_check(user, check: CommitmentCheck) -> bool:
    return is_director_or_office(user) or may_record(user, check, True)


def may_see_any(user) -> bool:
    """Whether the register is for the person at all (it may still be empty for him)."""
    return is_director_or_office(user) or Post.objects.held_by(user).filter(
        function__in=[Post.Function.HANDLER, Post.Function.HEAD]).exists()


def may_record(user, check: CommitmentCheck, truthful: bool) -> bool:
    """Confirmed: a handler or the head of the handling office (or an office above it), or the director; the one
    who prepared the licence may verify too (the verification is of the applicant, not of his work). False: the
    head or the director only, since it revokes."""
    cert = check.certificate
    if cert is None or user is None or not user.is_authenticated or not user.is_active:
        return False
    if may_void(user, cert):
        return True
    return truthful and Post.objects.held_by(user).filter(
        unit_id__in=_office_units(check.case), function__in=[Post.Function.HANDLER, Post.Function.HEAD]).exists()


# --- the outcome ---------------------------------------------------------------------------------------------------

def record_outcome(check: CommitmentCheck, user, *, truthful: bool, finding: str) -> CommitmentCheck:
    """核查结论. Confirmed: whoever may check the case's documents (a handler or the head of the handling office,
    the director). False: the head of the handling office or the director, since it revokes the case's licences
    under a numbered decision, in one transaction with the outcome."""
    finding = " ".join((finding or "").split())
    if not may_record(user, check, truthful):
        raise _forbidden("只有承办处室处长或局长可以认定承诺不实并撤销许可" if not truthful
                         else "只有承办处室的经办人、处长或局长可以登记核查结论")
    if not finding:
        raise CertificateError(400, "invalid", "请写明核查情况", fields=[{"field": "finding", "message": "必填"}])
    with transaction.atomic():
        current = CommitmentCheck.objects.select_for_update().select_related("case").get(pk=check.pk)
        if truthful:
            current.confirm(actor=user, finding=finding)
            return current
        if current.outcome != CommitmentOutcome.PENDING:
            raise CertificateError(409, "conflict",
                                   f"该承诺已核查（{current.get_outcome_display()}），不能重复核查")
        licences = list(Certificate.objects.select_for_update().select_related("type")
                        .filter(case_id=current.case_id, status=Status.ISSUED).exclude(type__kind=Kind.REFUSAL)
                        .order_by("pk"))
        if not licences:
            raise CertificateError(409, "conflict", "本案没有现行有效的证照可以撤销")
        year = calendar.local_date(timezone.now()).year
        number = decision_number(year, counters.next_value(f"certificates.revocation:{year}"))
        reason = f"申请人承诺的“{current.material_name}”经核查不实：{finding}"
        for cert in licences:
            cert.revoke(actor=user, reason=reason, decision_number=number)
        current.find_false(actor=user, finding=finding, decision_number=number)
        return current


def revoked_certificates(check: CommitmentCheck) -> list[Certificate]:
    if not check.decision_number:
        return []
    return list(Certificate.objects.filter(case_id=check.case_id, void_reason__contains=check.decision_number)
                .select_related("type", "office", "case").order_by("pk"))
