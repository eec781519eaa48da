"""Numbering, signing and issuing a case's checked documents when it is ready for pick-up; void (作废) and
reissue (补证). The number of an issued certificate stays used forever."""

from __future__ import annotations

import logging
from datetime import date

from django.db import transaction
from django.utils import timezone

from plandesk.cases.models import Case
from plandesk.certificates import commitments, signing
from plandesk.certificates.content import planned_types
from plandesk.certificates.drafting import EDITABLE, check_at_step, prepare, require_check
from plandesk.certificates.errors import CertificateError, _conflict, _forbidden
from plandesk.certificates.models import (
    Certificate,
    CertificateType,
    IssuingOffice,
    Kind,
    Status,
)
from plandesk.certificates.rules import may_void
from plandesk.certificates.types import PAYLOAD_VERSION
from plandesk.core import counters
from plandesk.window.materials import refuse_issue_while_owed

log = logging.getLogger(__name__)


# --- numbers -------------------------------------------------------------------------------------------------------

def next_number(cert_type: CertificateType, office: IssuingOffice, year: int) -> tuple[str, int]:
    """The next number of (type, office, year), gap-free: held until the caller's transaction ends (core.counters)."""
    seq = counters.next_value(f"certificates.number:{cert_type.pk}:{office.pk}:{year}")
    return cert_type.format_number(office.area_code, year, seq, own_office=office.unit_id is not None), seq


# --- issuing -------------------------------------------------------------------------------------------------------

def payload_of(cert: Certificate) -> dict:
    c = cert.content
    payload = {
        "v": PAYLOAD_VERSION,
        "number": cert.number,
        "type": cert.type.code,
        "type_name": cert.type.name,
        "authority": cert.office.authority,
        "area_code": cert.office.area_code,
        "issued_on": cert.issued_on.isoformat() if cert.issued_on else None,
        "case_number": cert.case.number,
        "replaces": cert.replaces.number if cert.replaces_id else None,
        "key_id": cert.key_id,
    }
    for key in ("holder", "holder_code", "project", "location", "land_area_m2", "building_area_m2", "indicators",
                "conditions", "attachments", "items", "reasons", "remedies"):
        if key in c:
            payload[key] = c[key]
    return payload


def _issue_one(cert: Certificate, *, actor=None, on: date | None = None) -> Certificate:
    issued_on = on or timezone.localdate()
    number, seq = next_number(cert.type, cert.office, issued_on.year)
    # The signed payload names the number, the date and the key: set them first, then the transition stamps them.
    cert.number, cert.issued_on, cert.key_id = number, issued_on, signing.key_id()
    payload = payload_of(cert)
    cert.mark_issued(number=number, sequence=seq, year=issued_on.year, issued_on=issued_on, key_id=cert.key_id,
                     payload=payload, signature=signing.sign(payload), actor=actor)
    return cert


def issue(cert: Certificate, *, actor=None) -> Certificate:
    with transaction.atomic():
        current = Certificate.objects.select_for_update().select_related("type", "office", "case").get(pk=cert.pk)
        if current.status not in (Status.DRAFT, Status.CHECKED):  # refused before a number is taken
            raise _conflict(f"证照当前为“{current.get_status_display()}”，不能签发")
        if current.type.kind != Kind.REFUSAL:
            refuse_issue_while_owed(current.case_id)
        issued = _issue_one(current, actor=actor)
        commitments.open_checks(current.case, [issued])
        return issued


def issue_for_case(case: Case, *, actor=None) -> list[Certificate]:
    """The case is ready for pick-up: number, sign and issue its checked documents (checked at the 证件校核 step,
    `check_at_step`, or by hand before it); a case made ready some other way gets no unchecked document signed:
    its drafts wait, and a warning is logged. With the check turned off, whatever nobody prepared is drafted by
    the system and issued."""
    with transaction.atomic(savepoint=False):  # the case's ready transaction: it stands or falls with it
        if not require_check():
            # Nothing drafted or issued yet: the system drafts; a case whose items call for no document is done.
            if not case.certificates.exists() and not prepare(case, None, system=True):
                return []
            rows = case.certificates.pending()
        else:
            check_at_step(case)
            rows = case.certificates.filter(status=Status.CHECKED)
            unchecked = list(case.certificates.filter(status=Status.DRAFT).values_list("pk", flat=True))
            if unchecked or (not case.certificates.exists() and planned_types(case)):
                # Nothing changes (so no audit event): the warning tells the operator what the step would have.
                log.warning("case %s ready for pick-up without checked documents (drafts %s): none issued",
                            case.number, unchecked)
        # Locked here, in the case's transaction, rather than one by one through `issue`.
        locked = list(rows.select_related("type", "office").select_for_update(of=("self",)).order_by("pk"))
        if any(cert.type.kind != Kind.REFUSAL for cert in locked):
            # No licence while a 容缺 material due before issue is missing: the whole ready transaction is undone
            # (409 materials_outstanding), whichever path made the case ready.
            refuse_issue_while_owed(case.pk)
        issued = []
        for cert in locked:
            cert.case = case
            issued.append(_issue_one(cert, actor=actor))
        commitments.open_checks(case, issued)  # 告知承诺: verified after issue
    return issued


def on_case_ready(case: Case) -> None:
    # The workflow hands over the whole case row it just made ready; anything less is read again.
    if case.get_deferred_fields():
        case = Case.objects.select_related("handling_office").get(pk=case.pk)
    issue_for_case(case)


# --- void and reissue ------------------------------------------------------------------------------------------------

def _voiding_reason(user, cert: Certificate, reason: str, action: str) -> str:
    """Who may void or reissue (the head of the handling office, the director), and the reason they must give."""
    if not may_void(user, cert):
        raise _forbidden(f"只有承办处室处长或局长可以{action}")
    reason = " ".join((reason or "").split())
    if not reason:
        raise CertificateError(400, "invalid", f"{action[:2]}须写明原因",
                               fields=[{"field": "reason", "message": "必填"}])
    return reason


def void(cert: Certificate, user, reason: str) -> Certificate:
    """作废: the number stays used forever; verification says void with the reason and date."""
    reason = _voiding_reason(user, cert, reason, "作废证照")
    with transaction.atomic():
        current = Certificate.objects.select_for_update().get(pk=cert.pk)
        current.void(actor=user, reason=reason)
    return current


def reissue(cert: Certificate, user, reason: str, changes: dict | None = None) -> Certificate:
    """补证: a new number replaces the old certificate (lost, damaged or corrected); the old one says replaced
    and points to the new number, the new one names the old."""
    reason = _voiding_reason(user, cert, reason, "补证")
    with transaction.atomic():
        old = Certificate.objects.select_for_update().select_related("type", "office", "case").get(pk=cert.pk)
        if old.status not in (Status.ISSUED, Status.VOID) or Certificate.objects.filter(replaces=old).exists():
            raise _conflict(f"证照当前为“{old.get_status_display()}”，不能补证")
        content = {**old.content, **{k: v for k, v in (changes or {}).items() if k in EDITABLE}}
        new = Certificate.objects.create(case=old.case, type=old.type, office=old.office, item_code=old.item_code,
                                         content=content, prepared_by=user, checked_by=user,
                                         checked_at=timezone.now(), check_note=f"补证：{reason}"[:300],
                                         status=Status.CHECKED, replaces=old)
        new = _issue_one(new, actor=user)
        old.mark_replaced(actor=user, reason=reason, by_number=new.number)
    return new
