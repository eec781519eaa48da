"""What the two windows do: register an application (立案), issue and reprint the filing receipt, record
supplements (补正), refuse to accept (不予受理), hand over the result (出件). Each public function is one transaction.

The query password exists in clear only in the intake response and on the receipt. So that the receipt link (15
minutes) and an idempotent retry within that time can show it, a `Receipt` row holds it encrypted (Fernet, key
derived from the secret key, which lives outside the database); when the link expires the sealed copy is wiped, and
a later reprint issues a new password.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from plandesk.accounts.models import Role
from plandesk.audit.services import record
from plandesk.cases import compliance
from plandesk.cases.models import Case, CaseError, CaseStatus, Outcome, PauseReason
from plandesk.core import counters
from plandesk.core.refusals import Refusal
from plandesk.core.signals import result_picked_up
from plandesk.notifications.services import notify
from plandesk.organization.models import Post
from plandesk.window import materials as owed_materials
from plandesk.window import storage
from plandesk.window.identity import clean_collector
from plandesk.window.intake import CleanApplication, IntakeInvalid, MaterialState, validate, validate_refusal
from plandesk.window.models import DeferredMaterial, MaterialFile, Pickup, Receipt, RefusalNotice, SupplementNotice
from plandesk.workflow import services as workflow
from plandesk.workflow.models import Task, TaskState

RECEIPT_MINUTES = 15
RECEIPT_SALT = "plandesk.window.receipt"


class WindowError(Refusal):
    """A refused window action (one refusal type for the house: plandesk/core/refusals.py)."""

    def __init__(self, status: int, code: str, message: str, **extra):
        super().__init__(message, status=status, code=code, **extra)


# --- who works at which window --------------------------------------------------------------------------------------

def _holds(user, role: str, function: str) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.has_role(role) or Post.objects.holds_function(user, function)


def is_intake_clerk(user) -> bool:
    return _holds(user, Role.INTAKE_CLERK, "intake")


def is_output_clerk(user) -> bool:
    return _holds(user, Role.OUTPUT_CLERK, "output")


# --- the password on the receipt -------------------------------------------------------------------------------------

def new_query_password() -> str:
    return f"{secrets.randbelow(10 ** 8):08d}"


def _fernet():
    from cryptography.fernet import Fernet

    key = hashlib.sha256(b"plandesk.window.receipt:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def issue_receipt(case: Case, password: str, *, actor=None, now=None) -> Receipt:
    now = now or timezone.now()
    return Receipt.objects.create(case=case, issued_at=now, expires_at=now + timedelta(minutes=RECEIPT_MINUTES),
                                  issued_by=actor if getattr(actor, "is_authenticated", False) else None,
                                  sealed_password=_fernet().encrypt(password.encode()).decode())


def receipt_password(receipt: Receipt) -> str | None:
    """The password of a receipt whose link is still valid; None once it has expired."""
    if not receipt.is_live:
        return None
    from cryptography.fernet import InvalidToken

    try:
        return _fernet().decrypt(receipt.sealed_password.encode()).decode()
    except InvalidToken:
        return None


def receipt_token(receipt: Receipt) -> str:
    return signing.dumps({"r": receipt.pk}, salt=RECEIPT_SALT, compress=True)


def receipt_path(receipt: Receipt) -> str:
    return reverse("window:receipt_pdf", args=[receipt_token(receipt)])


def receipt_for_token(token: str) -> Receipt | None:
    """The receipt a signed link names, while the link is valid (15 minutes); None otherwise."""
    try:
        data = signing.loads(token, salt=RECEIPT_SALT, max_age=RECEIPT_MINUTES * 60)
    except signing.BadSignature:
        return None
    receipt = Receipt.objects.select_related("case").filter(pk=data.get("r")).first()
    if receipt is None or not receipt.is_live:
        return None
    return receipt


def wipe_expired_receipts(now=None) -> int:
    """Sweep: the encrypted passwords of expired receipt links are erased (the worker runs it)."""
    return Receipt.objects.filter(expires_at__lte=now or timezone.now()).exclude(sealed_password="").update(
        sealed_password="")


def reprint_receipt(case: Case, *, actor) -> tuple[Receipt, str]:
    """A reprint issues a new query password (the old one stops working) and a new receipt."""
    if not is_intake_clerk(actor):
        raise WindowError(403, "forbidden", "只有接件窗口可以重新打印立案回执")
    password = new_query_password()
    with transaction.atomic():
        case.set_query_password(password)
        Receipt.objects.filter(case=case).update(sealed_password="")
        receipt = issue_receipt(case, password, actor=actor)
        record("window.receipt_reprinted", case, summary=f"{case.number} 重新打印立案回执（查询密码已更换）",
               actor=actor)
    return receipt, password


# --- intake ----------------------------------------------------------------------------------------------------------

@dataclass
class IntakeResult:
    case: Case
    created: bool
    receipt: Receipt | None
    password: str | None


def _replay(case: Case) -> IntakeResult:
    receipt = case.receipts.order_by("-issued_at", "-id").first()
    password = receipt_password(receipt) if receipt is not None else None
    return IntakeResult(case=case, created=False, receipt=receipt if password else None, password=password)


def _register(clean: CleanApplication, actor, now) -> IntakeResult:
    password = new_query_password()
    fields = {**clean.applicant, "project_name": clean.project["project_name"],
              "project_address": clean.project["project_address"]}
    case = Case.register(item_versions=clean.versions, handling_office=clean.project["handling_office"],
                         actor=actor, received_at=now, password=password, site=clean.site, forms=clean.forms,
                         materials=clean.materials, idempotency_key=clean.idempotency_key, **fields)
    for code, uploads in clean.files.items():
        for upload, kind in uploads:
            stored = storage.store(upload, kind)
            MaterialFile.objects.create(case=case, material_code=code, file=stored, uploaded_by=actor,
                                        original_name=(getattr(upload, "name", "") or "")[:200], uploaded_at=now)
    owed_materials.record_owed(case, clean.materials)
    workflow.start_case(case, actor=actor)
    compliance.run_after_intake(case, actor=actor)  # the site against the plan; never stops the intake
    receipt = issue_receipt(case, password, actor=actor, now=now)
    record("window.intake", case, after={
        "number": case.number, "handling_office": case.handling_office.code,
        "materials": {m["code"]: m["state"] for m in clean.materials},
    }, summary=f"接件立案 {case.number}，出具立案回执", actor=actor)
    return IntakeResult(case=case, created=True, receipt=receipt, password=password)


def intake(data: dict, *, actor, files: dict | None = None, now=None, choose_when_split: bool = False) -> IntakeResult:
    """Register an application at the intake window: checked whole first, then written in one transaction.

    The same idempotency key returns the case it made before (never a second one), with the password only while
    its receipt link is valid. Raises IntakeInvalid (nothing stored) or WindowError."""
    if not is_intake_clerk(actor):
        raise WindowError(403, "forbidden", "只有接件窗口可以受理申请")
    now = now or timezone.now()
    key = data.get("idempotency_key") if isinstance(data, dict) else None
    if isinstance(key, str) and key.strip():
        existing = Case.objects.filter(idempotency_key=key.strip()).first()
        if existing is not None:
            return _replay(existing)
    clean = validate(data, files, now=now, choose_when_split=choose_when_split)
    try:
        with transaction.atomic():
            if clean.idempotency_key:
                existing = Case.objects.filter(idempotency_key=clean.idempotency_key).first()
                if existing is not None:
                    return _replay(existing)
            return _register(clean, actor, now)
    except IntegrityError:
        # A racing request with the same key committed first: answer with its case.
        existing = Case.objects.filter(idempotency_key=clean.idempotency_key).first() if clean.idempotency_key \
            else None
        if existing is None:
            raise
        return _replay(existing)


# --- refusal to accept -----------------------------------------------------------------------------------------------

def _number_notice(notice: RefusalNotice) -> RefusalNotice:
    """Give the notice the next number of its year (不受〔2026〕1号) inside the caller's transaction (core.counters,
    gap-free). The number is taken in the notice's own savepoint: a notice refused by its idempotency key gives the
    number back."""
    year = timezone.localdate(notice.issued_at).year
    with transaction.atomic():
        seq = counters.next_value(f"window.refusal:{year}")
        notice.year, notice.sequence, notice.number = year, seq, f"不受〔{year}〕{seq}号"
        notice.save()
    return notice


def refuse(case: Case, reason: str, *, actor) -> RefusalNotice:
    """不予受理 of a registered case: the case closes as not accepted, and a refusal notice is issued."""
    if not is_intake_clerk(actor):
        raise WindowError(403, "forbidden", "只有接件窗口可以出具不予受理通知书")
    reason = (reason or "").strip()
    if not reason:
        raise WindowError(400, "invalid", "请写明不予受理的理由", fields=[{"field": "reason", "message": "必填"}])
    with transaction.atomic():
        try:
            case.refuse(reason, actor=actor)
        except CaseError as exc:
            raise WindowError(409, "conflict", str(exc)) from exc

        Task.objects.filter(case=case, state=TaskState.OPEN).update(state=TaskState.CANCELLED,
                                                                   completed_at=timezone.now())
        received = [m.get("name", "") for m in case.materials or [] if m.get("state") == MaterialState.RECEIVED]
        notice = _number_notice(RefusalNotice(
            case=case, reason=reason, issued_by=actor, applicant_name=case.applicant_name,
            applicant_code=case.applicant_credit_code or case.applicant_id_number,
            applicant_contact=case.applicant_contact, applicant_phone=case.applicant_phone,
            project_name=case.project_name, project_address=case.project_address,
            items=[v.name for v in case.item_versions.order_by("item__code")], materials=received))
        record("window.refusal_issued", case, after={"reason": reason, "notice": notice.number},
               summary=f"{case.number} 不予受理（{notice.number}）", actor=actor)
    return notice


def refuse_application(data: dict, *, actor) -> tuple[RefusalNotice, bool]:
    """不予受理 at the window before registration: no case and no case number are created; the notice (with its
    own number) keeps the applicant, the project, the items, the materials handed in and the reason. The same
    idempotency key returns the first notice (created=False). Returns (notice, created)."""

    if not is_intake_clerk(actor):
        raise WindowError(403, "forbidden", "只有接件窗口可以出具不予受理通知书")
    clean = validate_refusal(data)
    if clean.idempotency_key:
        existing = RefusalNotice.objects.filter(idempotency_key=clean.idempotency_key).first()
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            notice = _number_notice(RefusalNotice(
                reason=clean.reason, issued_by=actor, items=[v.name for v in clean.versions],
                materials=clean.materials, idempotency_key=clean.idempotency_key, **clean.applicant,
                **clean.project))
            record("window.application_refused", notice,
                   after={"number": notice.number, "applicant": notice.applicant_name, "items": notice.items,
                          "reason": clean.reason},
                   summary=f"不予受理 {notice.number}：{notice.applicant_name} {notice.project_name}", actor=actor)
    except IntegrityError:
        existing = RefusalNotice.objects.filter(idempotency_key=clean.idempotency_key).first() \
            if clean.idempotency_key else None
        if existing is None:
            raise
        return existing, False
    return notice, True


# --- supplements (补正) ---------------------------------------------------------------------------------------------

def supplement_notice_number(case: Case, pause_id: int) -> str:
    return f"{case.number}-BZ{pause_id}"


def on_pause_created(pause) -> SupplementNotice | None:
    """A supplement pause (a handler's 退回补正) makes the one-time complete notice and tells the applicant."""

    if pause.reason != PauseReason.SUPPLEMENT:
        return None
    case = pause.case
    notice = SupplementNotice.objects.create(
        case=case, pause=pause, number=supplement_notice_number(case, pause.pk),
        missing=pause.note or "（经办人未列明）", issued_at=pause.started_at, issued_by=pause.started_by)
    record("window.supplement_notice_issued", notice, after={"case": case.number, "missing": notice.missing_lines},
           summary=f"{case.number} 一次性告知书 {notice.number}", actor=pause.started_by)
    if case.applicant_phone:
        notify(kind="case_supplement", channel="sms", address=case.applicant_phone, obj=case,
               subject=f"{settings.PLANDESK_BUREAU_NAME}补正通知",
               body=f"您的案件 {case.number} 需补正材料，办理时限暂停计时。"
                    + (f"请于 {pause.ends_on:%Y年%m月%d日} 前" if pause.ends_on else "请")
                    + "持一次性告知书所列材料到接件窗口补正：" + "；".join(notice.missing_lines)[:200],
               dedupe_key=f"window.supplement.{notice.pk}")
    return notice


def record_supplements(notice: SupplementNotice, *, actor, note: str = "", files: dict | None = None) -> Case:
    """The intake window records what the applicant supplemented; the case's clock starts again."""

    if not is_intake_clerk(actor):
        raise WindowError(403, "forbidden", "只有接件窗口可以登记补正材料")
    if notice.state != SupplementNotice.State.OPEN:
        raise WindowError(409, "conflict", "该告知书的补正已登记")
    checked = []
    errors = []
    known = {m["code"] for m in notice.case.materials or []}
    for code, uploads in (files or {}).items():
        if code not in known:
            errors.append({"field": f"materials.{code}", "message": "所申请事项的材料清单中没有这一项"})
            continue
        for upload in uploads:
            try:
                checked.append((code, upload, storage.check(upload)))
            except storage.FileRefused as exc:
                errors.append({"field": f"materials.{code}", "message": exc.message})
    if errors:
        raise IntakeInvalid(errors)
    now = timezone.now()
    with transaction.atomic():
        updated = SupplementNotice.objects.filter(pk=notice.pk, state=SupplementNotice.State.OPEN).update(
            state=SupplementNotice.State.FULFILLED, fulfilled_at=now, fulfilled_by=actor,
            fulfilment_note=(note or "").strip())
        if updated != 1:
            raise WindowError(409, "conflict", "该告知书的补正已登记")
        case = notice.case
        supplied = {code for code, _u, _k in checked}
        for code, upload, kind in checked:
            MaterialFile.objects.create(case=case, material_code=code, file=storage.store(upload, kind),
                                        original_name=(upload.name or "")[:200], supplement=notice,
                                        uploaded_by=actor, uploaded_at=now)
        if supplied:
            materials = [{**m, "state": MaterialState.RECEIVED, "due_date": None} if m["code"] in supplied else m
                         for m in case.materials]
            Case.objects.filter(pk=case.pk).update(materials=materials)
            case.materials = materials
            # A 容缺 material handed in with the supplements is no longer owed.
            DeferredMaterial.objects.filter(case=case, code__in=supplied, supplied_at__isnull=True).update(
                supplied_at=now, supplied_by=actor, supply_note="随补正材料提交")
        record("window.supplements_recorded", notice, after={"case": case.number, "materials": sorted(supplied),
                                                              "note": note},
               summary=f"{case.number} 补正材料已登记", actor=actor)
        try:
            workflow.resume_case(case, actor=actor, note="补正材料已收齐")
        except workflow.WorkflowError as exc:
            raise WindowError(409, "conflict", exc.message) from exc
    case.refresh_from_db()
    return case


def supply_material(case: Case, code: str, *, actor, uploads: list, note: str = ""):
    """A 容缺 material supplied at the intake or the output window (see `materials.supply`)."""
    return owed_materials.supply(case, code, actor=actor, uploads=uploads, note=note,
                                 may_supply=lambda user: is_intake_clerk(user) or is_output_clerk(user))


# --- the output window -----------------------------------------------------------------------------------------------

def on_case_ready(case: Case) -> None:
    """The result waits at the output window: tell the applicant (an outbox row, sent by the worker)."""

    if not case.applicant_phone:
        return
    notify(kind="case_ready", channel="sms", address=case.applicant_phone, obj=case,
           subject=f"{settings.PLANDESK_BUREAU_NAME}取件通知",
           body=f"您的案件 {case.number}（{case.project_name}）已办结，请凭立案回执和身份证件到出件窗口领取。",
           dedupe_key=f"window.ready.{case.pk}")


def default_documents(case: Case) -> list[str]:
    """What is handed over when the clerk ticks nothing: the kinds of document the case has issued (never a
    批复文件 the case does not have, issue 22); by outcome for a case without issued documents."""
    issued = {c.pickup_document for c in case.certificates.filter(status="issued").select_related("type")}
    if issued:
        return sorted(issued)
    if case.outcome == Outcome.REJECTED:
        return [Pickup.Document.REFUSAL_DECISION]
    return [Pickup.Document.CERTIFICATE]


def record_pickup(case: Case, *, actor, collector_name: str, collector_id_number: str, on_behalf_of: str = "",
                  documents: list[str] | None = None) -> Pickup:
    """Hand the result over: who collected, for whom, which documents; the case closes. Only once."""
    if not is_output_clerk(actor):
        raise WindowError(403, "forbidden", "只有出件窗口可以登记取件")
    name, id_number, fields = clean_collector(collector_name, collector_id_number)
    documents = list(documents) if documents else default_documents(case)
    unknown = [d for d in documents if d not in Pickup.Document.values]
    if unknown:
        fields.append({"field": "documents", "message": f"未知的文件类型：{'、'.join(map(str, unknown))}"})
    if fields:
        raise WindowError(400, "invalid", "取件登记有误：" + "；".join(f["message"] for f in fields), fields=fields)
    with transaction.atomic():
        current = Case.objects.select_for_update().get(pk=case.pk)
        if current.status != CaseStatus.READY_FOR_PICKUP or Pickup.objects.filter(case=current).exists():
            raise WindowError(409, "conflict",
                              f"案件当前状态为“{current.get_status_display()}”，不能取件（只有待取件的案件可以取件，且只能取一次）",
                              status_now=current.status)
        pickup = Pickup.objects.create(case=current, collector_name=name, collector_id_number=id_number,
                                       on_behalf_of=(on_behalf_of or current.applicant_name)[:200],
                                       documents=documents, clerk=actor)
        current.close(actor=actor, note=f"{name} 领取")
        result_picked_up.send(sender=Pickup, pickup=pickup)
        record("window.pickup", pickup, after={"case": current.number, "collector": name,
                                               "documents": documents},
               summary=f"{current.number} 出件，领取人 {name}", actor=actor)
    case.refresh_from_db()
    return pickup
