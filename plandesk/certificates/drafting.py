"""Preparing a case's documents and the second person's check (校核), by hand or at the 证件校核 step; the
workflow hooks that keep the certificate step open until the documents are checked."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from plandesk.audit.services import record
from plandesk.cases.models import Case
from plandesk.certificates.content import _expected_outcome, content_for, planned_types
from plandesk.certificates.errors import CertificateError, _forbidden
from plandesk.certificates.models import (
    Certificate,
    Status,
)
from plandesk.certificates.rules import SAME_PERSON, _last_done, _office_units, is_preparer, may_check, may_prepare
from plandesk.certificates.types import CHECK_STEPS, PREPARE_STEPS, office_for
from plandesk.notifications.services import notify
from plandesk.organization.models import Post
from plandesk.window.materials import MaterialsOutstanding, refuse_issue_while_owed
from plandesk.workflow import errors as workflow_errors
from plandesk.workflow import services as workflow
from plandesk.workflow.models import ProcessInstance, Task, TaskState

# --- preparing and checking ----------------------------------------------------------------------------------------

def prepare(case: Case, user, *, system: bool = False, at_step: bool = False) -> list[Certificate]:
    """Draft the documents the case calls for (idempotent: existing drafts stay as they are). `at_step`: the
    workflow drafts them for `user`, who completed the certificate step (so may_prepare no longer holds)."""
    if not system and not at_step and not may_prepare(user, case):
        raise _forbidden("只有“制证”环节的办理人可以制作证照")
    outcome = _expected_outcome(case)
    with transaction.atomic(savepoint=False):  # part of the issuing transaction when called from there
        case.outcome = outcome  # for planned_types; not saved
        planned = planned_types(case)
        existing = {(c.type_id, c.item_code): c for c in case.certificates.pending()}
        if not planned and not existing:
            return []
        office = office_for(case)
        made = []
        for cert_type, item_code in planned:
            cert = existing.get((cert_type.pk, item_code))
            if cert is None:
                cert = Certificate.objects.create(case=case, type=cert_type, office=office, item_code=item_code,
                                                  content=content_for(case, cert_type, office, item_code),
                                                  prepared_by=None if system else user)
                record("certificates.prepared", cert, after={"case": case.number, "type": cert_type.code},
                       summary=f"{case.number} 制作{cert_type.name}", actor=None if system else user)
            made.append(cert)
        stale = [c for c in existing.values() if c not in made]
        for cert in stale:  # the decision changed since (e.g. refused after all): drafts that no longer apply
            record("certificates.discarded", cert, before={"status": cert.status}, summary=f"{case.number} 撤销草稿")
            cert.delete()
    return made


class CheckRequired(workflow_errors.Conflict):
    """The certificate step cannot end yet: its documents are not prepared, or not checked by a second person."""

    code = "certificate_check_required"


EDITABLE = ("holder", "holder_code", "project", "location", "land_area_m2", "building_area_m2", "conditions",
            "reasons")


def edit(cert: Certificate, user, changes: dict) -> Certificate:
    """Change the draft's fields; a checked draft goes back to 制作中 (it must be checked again)."""
    if not may_prepare(user, cert.case):
        raise _forbidden("只有“制证”环节的办理人可以修改证照")
    fields = {}
    errors = []
    for key, value in changes.items():
        if key in EDITABLE:
            value = str(value or "").strip()
            if key in ("holder", "project") and not value:
                errors.append({"field": key, "message": "不能为空"})
            fields[key] = value[:2000]
        elif key in ("indicators", "attachments"):
            lines = [line.strip() for line in str(value or "").splitlines() if line.strip()]
            if key == "indicators":
                pairs = []
                for line in lines:
                    label, sep, val = line.replace(":", "：").partition("：")
                    if not sep or not label.strip():
                        errors.append({"field": key, "message": f"“{line[:30]}”应写成“指标：数值”"})
                    pairs.append([label.strip(), val.strip()])
                fields[key] = pairs
            else:
                fields[key] = lines
    if errors:
        raise CertificateError(400, "invalid", "证照内容有误：" + "；".join(f"{e['field']} {e['message']}"
                                                                     for e in errors), fields=errors)
    with transaction.atomic():
        current = Certificate.objects.select_for_update().select_related("case", "type").get(pk=cert.pk)
        current.redraft(fields, actor=user)
    return current


def check(cert: Certificate, user, *, approve: bool = True, note: str = "") -> Certificate:
    """The second person's check (校核): approved → 已校核; sent back with a note → stays 制作中."""
    if not may_check(user, cert):
        if is_preparer(user, cert.case_id, certificate=cert):
            raise _forbidden(SAME_PERSON)
        raise _forbidden("您不能校核这份证照")
    note = (note or "").strip()
    if not approve and not note:
        raise CertificateError(400, "invalid", "退回修改须写明校核意见", fields=[{"field": "note",
                                                                           "message": "必填"}])
    with transaction.atomic():
        current = Certificate.objects.select_for_update().select_related("case", "type").get(pk=cert.pk)
        if approve:
            current.mark_checked(actor=user, note=note)
        else:
            current.send_back(actor=user, note=note)
        if not approve and current.prepared_by_id:
            notify(kind="certificate_returned", recipient=current.prepared_by, obj=current,
                   subject=f"{current.case.number} {current.type.name}校核未通过，已退回",
                   body=f"{user.display_name}退回修改：{note}", url=f"/certificates/cases/{current.case.number}/",
                   dedupe_key=f"certificate_returned:{current.pk}:{timezone.now().isoformat()}")
    return current


def require_check() -> bool:
    """Whether the certificate step needs its documents prepared by a person and checked by a second one (default:
    yes). Off, a step nobody prepared for ends anyway and the system drafts unchecked documents at issue."""
    return bool(getattr(settings, "PLANDESK_CERTIFICATES_REQUIRE_CHECK", True))


def checkers(case: Case, exclude=None) -> list[str]:
    """Usernames of those who may check the case's documents (handlers and heads of the handling office and the
    offices above it, the director), the preparer left out: named in the refusal so the handler knows whom to ask."""

    posts = Post.objects.filter(Q(unit_id__in=_office_units(case),
                                  function__in=[Post.Function.HANDLER, Post.Function.HEAD])
                                | Q(function=Post.Function.DIRECTOR))
    users = Post.objects.holders(list(posts))
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return list(users.order_by("username").values_list("username", flat=True).distinct())


def _check_required_error(case: Case, message: str, rows) -> Exception:
    documents = [{"id": c.pk, "type": c.type.name, "status": c.status,
                  "prepared_by": c.prepared_by.username if c.prepared_by_id else None} for c in rows]
    preparers = {c.prepared_by_id for c in rows if c.prepared_by_id}
    preparer = rows[0].prepared_by if len(preparers) == 1 else None
    return CheckRequired(message, documents=documents, checkers=checkers(case, exclude=preparer),
                         certificates_url=f"/certificates/cases/{case.number}/")


def _followed_by_check(task) -> bool:
    """Whether the task's process has the 证件校核 step after this certificate step (every shipped process does;
    a case still running on an older stored version does not, and keeps the earlier rule)."""

    instance = ProcessInstance.objects.select_related("definition").only("definition").get(pk=task.instance_id)
    steps = workflow.parsed_definition(instance.definition).steps
    return task.step_id.replace("prepare_", "check_", 1) in steps


def completion_check(task) -> None:
    """Workflow hook. In the shipped processes the second person's check is a step of its own (证件校核) after the
    certificate step, so the certificate step ends as any other: what was not prepared by hand is drafted when the
    check ends (`issue_for_case`). A process version without that step keeps the earlier rule: the certificate
    step ends only when its documents are prepared and checked (409 certificate_check_required otherwise)."""
    if task.step_id not in PREPARE_STEPS or _followed_by_check(task):
        return
    case = task.case
    rows = list(Certificate.objects.filter(case_id=task.case_id).pending().select_related("type", "prepared_by")
                .order_by("pk"))
    drafts = [c for c in rows if c.status == Status.DRAFT]
    if drafts:
        returned = [c for c in drafts if c.check_note]
        hint = f"（校核意见：{returned[0].check_note}）" if returned else ""
        raise _check_required_error(case, "证照已制作但尚未经另一人校核：" + "、".join(c.type.name for c in drafts)
                                    + hint + "。请校核通过后再办结本环节", drafts)
    if require_check() and not rows:
        case.outcome = _expected_outcome(case)  # for planned_types; not saved
        names = "、".join(t.name for t, _code in planned_types(case)) or "证照"
        raise _check_required_error(case, f"请先制作{names}，并经另一人校核后再办结本环节", [])


def would_issue(task, decision: str) -> bool:
    """Whether this decision on this task makes the case ready and so issues its documents: approving the 证件校核
    step of a licence (not a refusal), or the certificate step of an older process version without that step."""
    if decision != "approve":
        return False
    if task.step_id == "check_certificate":
        return True
    return task.step_id == "prepare_certificate" and not _followed_by_check(task)


def materials_check(task, decision: str, override_reason: str | None = None) -> None:
    """Workflow hook (decision check): no certificate while a 容缺 material due before issue is missing (409
    materials_outstanding with the codes), refused before anything moves. The issuing checks again inside the
    transaction that would issue, which covers every other path (meetings, a clerk racing the check step)."""
    if would_issue(task, decision):
        refuse_issue_while_owed(task.case_id)


def open_check_task(case: Case):
    return Task.objects.filter(case=case, state=TaskState.OPEN, step_id__in=CHECK_STEPS).first()


def preview(case: Case) -> list[dict]:
    """What the 证件校核 step will approve when nobody prepared the documents by hand: their content as the
    approval will draft it (nothing is stored)."""
    if case.certificates.exists() or open_check_task(case) is None:
        return []
    office = office_for(case)
    case.outcome = _expected_outcome(case)  # for planned_types; not saved
    return [{"type": t, "content": content_for(case, t, office, code)} for t, code in planned_types(case)]


def check_at_step(case: Case) -> None:
    """The 证件校核 step was approved and the case is becoming ready for pick-up (same transaction): the documents
    nobody prepared by hand are drafted for whoever completed the certificate step, and every draft is recorded as
    checked by whoever completed the check. The preparer may not be the checker: workflow's 403 (NotAllowed), and
    the whole completion is undone."""
    check_task = _last_done(case, CHECK_STEPS)
    if check_task is None or check_task.decision != "approve" or check_task.completed_by is None:
        return
    checker = check_task.completed_by
    if is_preparer(checker, case.pk):
        raise workflow_errors.NotAllowed(SAME_PERSON)
    prepare_task = _last_done(case, PREPARE_STEPS)
    preparer = prepare_task.completed_by if prepare_task is not None else None
    if not case.certificates.pending().exists() and not case.certificates.numbered().exists():
        prepare(case, preparer, system=preparer is None, at_step=True)
    for cert in case.certificates.filter(status=Status.DRAFT).select_related("type", "case", "prepared_by"):
        try:
            check(cert, checker, approve=True, note=check_task.opinion or "证件校核通过")
        except CertificateError as exc:
            raise (workflow_errors.NotAllowed if exc.status == 403 else workflow_errors.Conflict)(exc.message) from None


def owed_message(case, step) -> str:
    """At the certificate and check steps: the refusal the issuing will give while a 容缺 material due before issue
    is missing, in the same words."""
    if step is None or step.step_id not in ("prepare_certificate", "check_certificate"):
        return ""
    try:
        refuse_issue_while_owed(case.pk)
    except MaterialsOutstanding as exc:
        return exc.message
    return ""
