"""What changes certificates: prepare from the case, check by a second person, number-sign-issue when the case is
ready for pick-up, void, reissue (补证), and the hand-over register. One transaction per public function."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from plandesk.audit.services import record
from plandesk.cases.models import Case, Outcome
from plandesk.certificates import signing
from plandesk.certificates.models import (
    Certificate,
    CertificateType,
    Handover,
    IssuingOffice,
    Kind,
    NumberCounter,
    Status,
)
from plandesk.core import sql
from plandesk.workflow import services as workflow_errors

APPROVAL_LETTER = "approval_letter"
REFUSAL_DECISION = "refusal_decision"
PREPARE_STEPS = ("prepare_certificate", "prepare_refusal")
# The second person's check (证件校核) that follows each certificate step in the shipped processes.
CHECK_STEPS = ("check_certificate", "check_refusal")
PAYLOAD_VERSION = 1
log = logging.getLogger(__name__)


class CertificateError(Exception):
    """A refused action: `status`/`code` for the API, `message` for people (zh-Hans)."""

    def __init__(self, status: int, code: str, message: str, **extra):
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra


class CheckRequired(workflow_errors.Conflict):
    """The certificate step cannot end yet: its documents are not prepared, or not checked by a second person."""

    code = "certificate_check_required"


def _forbidden(message: str) -> CertificateError:
    return CertificateError(403, "forbidden", message)


def _conflict(message: str) -> CertificateError:
    return CertificateError(409, "conflict", message)


# --- types and offices ---------------------------------------------------------------------------------------------

# code: (name, kind, number format, preamble)
DEFAULT_TYPES: dict[str, tuple[str, str, str, str]] = {
    "land_use_permit": ("建设用地规划许可证", Kind.LICENCE, "地字第{area}{year}{seq:05d}号",
                        "根据《中华人民共和国城乡规划法》第三十七条、第三十八条规定，经审核，本用地项目符合城乡规划要求，"
                        "颁发此证。"),
    "construction_permit": ("建设工程规划许可证", Kind.LICENCE, "建字第{area}{year}{seq:05d}号",
                            "根据《中华人民共和国城乡规划法》第四十条规定，经审核，本建设工程符合城乡规划要求，颁发此证。"),
    "site_selection": ("建设项目选址意见书", Kind.CERTIFICATE, "选字第{area}{year}{seq:05d}号",
                       "根据《中华人民共和国城乡规划法》第三十六条规定，经审核，本建设项目符合城乡规划要求，"
                       "核发此书。"),
    "rural_permit": ("乡村建设规划许可证", Kind.LICENCE, "乡字第{area}{year}{seq:05d}号",
                     "根据《中华人民共和国城乡规划法》第四十一条规定，经审核，本建设工程符合城乡规划要求，颁发此证。"),
    "verification": ("建设工程规划条件核实合格证", Kind.CERTIFICATE, "核字第{area}{year}{seq:05d}号",
                     "根据《中华人民共和国城乡规划法》第四十五条规定，经核实，本建设工程符合规划条件，核发此证。"),
    "temporary_permit": ("临时建设工程规划许可证", Kind.LICENCE, "临建字第{area}{year}{seq:05d}号",
                         "根据《中华人民共和国城乡规划法》第四十四条规定，经审核，准予临时建设，颁发此证。"),
    "pipeline_permit": ("建设工程规划许可证（市政管线）", Kind.LICENCE, "建管字第{area}{year}{seq:05d}号",
                        "根据《中华人民共和国城乡规划法》第四十条规定，经审核，本市政管线工程符合城乡规划要求，"
                        "颁发此证。"),
    "scheme_approval": ("建设工程设计方案审查意见书", Kind.CERTIFICATE, "方审字第{area}{year}{seq:05d}号",
                        "经审查，本建设工程设计方案符合规划条件，提出审查意见如下。"),
    "planning_conditions": ("规划条件通知书", Kind.CERTIFICATE, "规条字第{area}{year}{seq:05d}号",
                            "根据《中华人民共和国城乡规划法》第三十八条规定，提出本地块规划条件如下。"),
    "setting_out": ("建设工程放线验线记录册", Kind.CERTIFICATE, "放验字第{area}{year}{seq:05d}号",
                    "经现场核验，本建设工程放线、验线符合建设工程规划许可要求。"),
    "historic_building": ("历史建筑修缮审批意见书", Kind.CERTIFICATE, "历建字第{area}{year}{seq:05d}号",
                          "根据《历史文化名城名镇名村保护条例》第三十五条规定，经审查，同意按下列要求实施。"),
    # Decision documents carry a 发文字号 in the national style (机关代字〔年份〕序号号, no leading zeros).
    APPROVAL_LETTER: ("批复", Kind.APPROVAL_LETTER, "规批〔{year}〕{seq}号", ""),
    REFUSAL_DECISION: ("不予行政许可决定书", Kind.REFUSAL, "规不许〔{year}〕{seq}号",
                       "根据《中华人民共和国行政许可法》第三十八条第二款规定，本机关决定不予许可。"),
}

LICENCE_NOTES = ("一、本证是经城乡规划主管部门依法审核，建设用地或建设工程符合城乡规划要求的法律凭证。\n"
                 "二、未取得本证或者违反本证规定的，均属违法行为。\n"
                 "三、未经发证机关审核同意，本证的各项规定不得随意变更。\n"
                 "四、本证所需附图与附件由发证机关依法确定，与本证具有同等法律效力。")


# Formats an earlier release created, replaced by the current default unless an administrator changed them.
OLD_FORMATS = {APPROVAL_LETTER: "规批〔{year}〕{area}第{seq:05d}号",
               REFUSAL_DECISION: "规不许〔{year}〕{area}第{seq:05d}号"}


def ensure_types() -> None:
    """Create the default types that do not exist yet (administrators may then edit them)."""
    for code, (name, kind, fmt, preamble) in DEFAULT_TYPES.items():
        CertificateType.objects.get_or_create(code=code, defaults={
            "name": name, "kind": kind, "number_format": fmt, "preamble": preamble,
            "notes": LICENCE_NOTES if kind == Kind.LICENCE else ""})
    for code, old in OLD_FORMATS.items():
        for row in CertificateType.objects.filter(code=code, number_format=old):
            row.number_format = DEFAULT_TYPES[code][2]
            row.save(update_fields=["number_format"])
            record("certificates.type_format_updated", row, before={"number_format": old},
                   after={"number_format": row.number_format}, summary=f"{row.name}编号改为发文字号格式")


def type_for(code: str) -> CertificateType:
    found = CertificateType.objects.filter(code=code).first()
    if found is None:
        ensure_types()
        found = CertificateType.objects.filter(code=code).first()
    if found is None:
        from plandesk.catalog.codes import CERTIFICATE_TYPES

        found, _created = CertificateType.objects.get_or_create(code=code, defaults={
            "name": CERTIFICATE_TYPES.get(code, code), "kind": Kind.CERTIFICATE,
            "number_format": "证字第{area}{year}{seq:05d}号"})
    return found


def office_for(case: Case) -> IssuingOffice:
    """The issuing office of a case: the nearest unit up from its handling office that issues in its own name,
    else the bureau (the default office, created from the settings on first use)."""
    unit = case.handling_office
    chain = unit.ancestors(include_self=True) if unit is not None else []
    offices = {o.unit_id: o for o in IssuingOffice.objects.filter(unit__in=[u.pk for u in chain])}
    for u in chain:
        if u.pk in offices:
            return offices[u.pk]
    office = IssuingOffice.objects.filter(unit__isnull=True).first()
    if office is None:
        office, _created = IssuingOffice.objects.get_or_create(unit=None, defaults={
            "authority": settings.PLANDESK_BUREAU_NAME,
            "area_code": getattr(settings, "PLANDESK_AREA_CODE", "420100")})
    return office


# --- numbers -------------------------------------------------------------------------------------------------------

def next_number(cert_type: CertificateType, office: IssuingOffice, year: int) -> tuple[str, int]:
    """The next number of (type, office, year), counted in a row locked until the caller's transaction ends."""
    # One statement on both databases: the row is created at 1 or moved on by one, and stays locked (PostgreSQL's row
    # lock, SQLite's write lock) until the issuing transaction ends.
    upsert = sql.statement("certificate number", lambda: (
        f"INSERT INTO {sql.table(NumberCounter)} (type_id, office_id, year, last) VALUES (%s, %s, %s, 1)"  # noqa: S608
        " ON CONFLICT (type_id, office_id, year) DO UPDATE SET last = "
        f"{sql.table(NumberCounter)}.last + 1 RETURNING last"))
    with transaction.atomic(savepoint=False):
        (seq,) = sql.fetchone(upsert, [cert_type.pk, office.pk, year])
    return cert_type.format_number(office.area_code, year, seq, own_office=office.unit_id is not None), seq


# --- content from the case ---------------------------------------------------------------------------------------

def _fmt(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _forms(case: Case) -> dict:
    merged: dict = {}
    for form in (case.forms or {}).values():
        if isinstance(form, dict):
            for key, value in form.items():
                merged.setdefault(key, value)
    return merged


def _final_decision(case: Case):
    """(decision, opinion) of the case's deciding step: the latest completed step with approve or reject."""
    from plandesk.workflow.models import Task, TaskState

    task = (Task.objects.filter(case=case, state=TaskState.COMPLETED, decision__in=["approve", "reject"])
            .exclude(step_id__in=PREPARE_STEPS).order_by("-completed_at", "-id").first())
    reject = (Task.objects.filter(case=case, state=TaskState.COMPLETED, decision="reject")
              .order_by("-completed_at", "-id").first())
    return task, reject


def _meeting_conditions(case: Case) -> str:
    try:
        from plandesk.meetings.models import AgendaItem
    except ImportError:  # pragma: no cover - meetings is part of the project
        return ""
    item = (AgendaItem.objects.filter(case=case).exclude(decision="").exclude(conditions="")
            .order_by("-decided_at", "-id").first())
    return item.conditions if item else ""


def content_for(case: Case, cert_type: CertificateType, office: IssuingOffice, item_code: str = "") -> dict:
    """The fields of a certificate as the case and its final decision give them; the preparer may edit them."""
    from plandesk.catalog.schemas import INDICATORS, LAND_USE_CLASSES

    forms = _forms(case)
    land_area = forms.get("land_area_m2")
    if land_area in (None, "") and case.site is not None:
        land_area = round(case.site.area, 2)
    indicators = []
    for key, (title, unit, _type) in INDICATORS.items():
        if key in ("land_area_m2", "total_floor_area_m2") or forms.get(key) in (None, ""):
            continue
        value = forms[key]
        if key == "land_use_class":
            value = f"{LAND_USE_CLASSES.get(value, value)}（{value}）"
        indicators.append([title, f"{_fmt(value)}{unit}"])
    versions = list(case.item_versions.select_related("item").order_by("item__code"))
    items = [v.name for v in versions if not item_code or v.item.code == item_code] or [v.name for v in versions]
    decided, rejecting = _final_decision(case)
    content = {
        "holder": case.applicant_name,
        "holder_code": case.applicant_credit_code or case.applicant_id_number,
        "project": case.project_name,
        "location": case.project_address,
        "land_area_m2": _fmt(land_area) if land_area not in (None, "") else "",
        "building_area_m2": _fmt(forms["total_floor_area_m2"]) if forms.get("total_floor_area_m2") not in
        (None, "") else "",
        "indicators": indicators,
        "conditions": _meeting_conditions(case),
        "attachments": ["用地范围图", "审定的总平面图"] if cert_type.kind == Kind.LICENCE else ["用地范围图"],
        "authority": office.authority,
        "case_number": case.number,
        "items": items,
        "decision": (decided.opinion if decided else "")[:1000],
    }
    if cert_type.kind == Kind.REFUSAL:
        content["attachments"] = []
        content["reasons"] = (rejecting.opinion if rejecting and rejecting.opinion else "经审查，申请不符合法定条件。")
        content.update(rights(office))
    return content


def rights(office: IssuingOffice) -> dict:
    """The applicant's remedies that a refusal must state (行政许可法第三十八条第二款; 行政复议法 60 days;
    行政诉讼法 6 months)."""
    review_body = getattr(settings, "PLANDESK_REVIEW_AUTHORITY", "") or "本级人民政府"
    court = getattr(settings, "PLANDESK_COURT", "") or "有管辖权的人民法院"
    return {
        "review_body": review_body,
        "court": court,
        "remedies": (f"申请人如对本决定不服，可以自收到本决定书之日起六十日内向{review_body}申请行政复议，"
                     f"也可以自收到本决定书之日起六个月内依法向{court}提起行政诉讼。"),
    }


def planned_types(case: Case) -> list[tuple[CertificateType, str]]:
    """(type, item code) of the documents the case's outcome calls for."""
    if case.outcome == Outcome.REJECTED:
        return [(type_for(REFUSAL_DECISION), "")]
    versions = list(case.item_versions.select_related("item").order_by("item__code"))
    planned = [(type_for(v.certificate_type), v.item.code) for v in versions if v.certificate_type]
    if any(v.category == "non_licence" for v in versions):
        planned.append((type_for(APPROVAL_LETTER), ""))
    return planned


def _expected_outcome(case: Case) -> str:
    """While the certificate step is open the case has no outcome yet: the step that is open tells it."""
    if case.outcome:
        return case.outcome
    from plandesk.workflow.models import Task, TaskState

    step = Task.objects.filter(case=case, state=TaskState.OPEN, step_id__in=PREPARE_STEPS + CHECK_STEPS
                               ).values_list("step_id", flat=True).first()
    return Outcome.REJECTED if step in ("prepare_refusal", "check_refusal") else Outcome.APPROVED


# --- who may do what -------------------------------------------------------------------------------------------------

def open_prepare_task(case: Case):
    from plandesk.workflow.models import Task, TaskState

    return Task.objects.filter(case=case, state=TaskState.OPEN, step_id__in=PREPARE_STEPS).first()


def may_prepare(user, case: Case) -> bool:
    from plandesk.workflow import services as workflow

    task = open_prepare_task(case)
    return task is not None and workflow.may_work(user, task)


def _office_units(case: Case) -> list[int]:
    unit = case.handling_office
    return [u.pk for u in unit.ancestors(include_self=True)] if unit is not None else []


def may_check(user, cert: Certificate) -> bool:
    """A second person: not the preparer; a handler or head of the handling office (or above), or the director."""
    from plandesk.organization.models import Post

    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if cert.prepared_by_id == user.pk:
        return False
    posts = Post.objects.held_by(user)
    if posts.filter(function=Post.Function.DIRECTOR).exists():
        return True
    return posts.filter(unit_id__in=_office_units(cert.case),
                        function__in=[Post.Function.HANDLER, Post.Function.HEAD]).exists()


def may_void(user, cert: Certificate) -> bool:
    """The head of the handling office or the director."""
    from plandesk.accounts.models import Role
    from plandesk.organization.models import Post

    if user is None or not user.is_authenticated or not user.is_active:
        return False
    posts = Post.objects.held_by(user)
    if user.has_role(Role.DIRECTOR) or posts.filter(function=Post.Function.DIRECTOR).exists():
        return True
    return posts.filter(unit_id__in=_office_units(cert.case), function=Post.Function.HEAD).exists()


def is_output_clerk(user) -> bool:
    from plandesk.window.services import is_output_clerk as check

    return check(user)


def may_see(user, case: Case) -> bool:
    from plandesk.workflow import services as workflow

    return is_output_clerk(user) or workflow.may_see_case(user, case)


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
        current = Certificate.objects.select_for_update().get(pk=cert.pk)
        if current.status not in (Status.DRAFT, Status.CHECKED):
            raise _conflict("证照已签发，不能修改；如有错误请作废后补证")
        before = {k: current.content.get(k) for k in fields}
        current.content = {**current.content, **fields}
        was_checked = current.status == Status.CHECKED
        current.status = Status.DRAFT
        current.checked_by, current.checked_at = None, None
        current.prepared_by = user
        current.save(update_fields=["content", "status", "checked_by", "checked_at", "prepared_by"])
        record("certificates.edited", current, before={**before, "status": Status.CHECKED if was_checked else
                                                       Status.DRAFT},
               after={**fields, "status": Status.DRAFT}, summary=f"{current.case.number} 修改{current.type.name}",
               actor=user)
    return current


def check(cert: Certificate, user, *, approve: bool = True, note: str = "") -> Certificate:
    """The second person's check (校核): approved → 已校核; sent back with a note → stays 制作中."""
    if not may_check(user, cert):
        if cert.prepared_by_id == user.pk:
            raise _forbidden("校核须由制证人以外的另一人进行")
        raise _forbidden("您不能校核这份证照")
    note = (note or "").strip()
    if not approve and not note:
        raise CertificateError(400, "invalid", "退回修改须写明校核意见", fields=[{"field": "note",
                                                                           "message": "必填"}])
    with transaction.atomic():
        current = Certificate.objects.select_for_update().get(pk=cert.pk)
        if current.status != Status.DRAFT:
            raise _conflict(f"证照当前为“{current.get_status_display()}”，不能校核")
        if approve:
            current.status = Status.CHECKED
            current.checked_by, current.checked_at = user, timezone.now()
        current.check_note = note[:300]
        current.save(update_fields=["status", "checked_by", "checked_at", "check_note"])
        record("certificates.checked" if approve else "certificates.check_returned", current,
               before={"status": Status.DRAFT}, after={"status": current.status, "note": note},
               summary=f"{current.case.number} {current.type.name}{'校核通过' if approve else '退回修改'}",
               actor=user)
        if not approve and current.prepared_by_id:
            from plandesk.notifications.services import notify

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
    from plandesk.organization.models import Post

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
    from plandesk.workflow import services as workflow
    from plandesk.workflow.models import ProcessInstance

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


def open_check_task(case: Case):
    from plandesk.workflow.models import Task, TaskState

    return Task.objects.filter(case=case, state=TaskState.OPEN, step_id__in=CHECK_STEPS).first()


def preview(case: Case) -> list[dict]:
    """What the 证件校核 step will approve when nobody prepared the documents by hand: their content as the
    approval will draft it (nothing is stored)."""
    if case.certificates.exists() or open_check_task(case) is None:
        return []
    office = office_for(case)
    case.outcome = _expected_outcome(case)  # for planned_types; not saved
    return [{"type": t, "content": content_for(case, t, office, code)} for t, code in planned_types(case)]


def _last_done(case: Case, steps):
    from plandesk.workflow.models import Task, TaskState

    return (Task.objects.filter(case=case, state=TaskState.COMPLETED, step_id__in=steps)
            .select_related("completed_by").order_by("-id").first())


SAME_PERSON = "校核须由制证人以外的另一人进行：您办理了本案的制证环节或制作了证照，不能校核"


def work_rule(user, task) -> str | None:
    """Registered with workflow (`WORK_RULES`): whoever completed the case's certificate step, or prepared one of
    its documents by hand, may not open, claim, complete or be handed its 证件校核 step."""
    if task.step_id not in CHECK_STEPS or user is None or not user.is_authenticated:
        return None
    from plandesk.workflow.models import Task, TaskState

    prepared = Task.objects.filter(case_id=task.case_id, state=TaskState.COMPLETED, step_id__in=PREPARE_STEPS,
                                   completed_by=user).exists()
    if prepared or Certificate.objects.filter(case_id=task.case_id, prepared_by=user).pending().exists():
        return SAME_PERSON
    return None


def check_at_step(case: Case) -> None:
    """The 证件校核 step was approved and the case is becoming ready for pick-up (same transaction): the documents
    nobody prepared by hand are drafted for whoever completed the certificate step, and every draft is recorded as
    checked by whoever completed the check. The preparer may not be the checker: workflow's 403 (NotAllowed), and
    the whole completion is undone."""
    from plandesk.workflow import services as workflow

    check_task = _last_done(case, CHECK_STEPS)
    if check_task is None or check_task.decision != "approve" or check_task.completed_by is None:
        return
    checker = check_task.completed_by
    prepare_task = _last_done(case, PREPARE_STEPS)
    preparer = prepare_task.completed_by if prepare_task is not None else None
    same = SAME_PERSON
    if preparer is not None and preparer.pk == checker.pk:
        raise workflow.NotAllowed(same)
    if not case.certificates.pending().exists() and not case.certificates.numbered().exists():
        prepare(case, preparer, system=preparer is None, at_step=True)
    for cert in case.certificates.filter(status=Status.DRAFT).select_related("type", "case", "prepared_by"):
        if cert.prepared_by_id == checker.pk:
            raise workflow.NotAllowed(same)
        try:
            check(cert, checker, approve=True, note=check_task.opinion or "证件校核通过")
        except CertificateError as exc:
            raise (workflow.NotAllowed if exc.status == 403 else workflow.Conflict)(exc.message) from None


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
    now = timezone.now()
    issued_on = on or timezone.localdate(now)
    number, seq = next_number(cert.type, cert.office, issued_on.year)
    cert.number, cert.sequence, cert.year = number, seq, issued_on.year
    cert.issued_at, cert.issued_on = now, issued_on
    cert.key_id = signing.key_id()
    cert.payload = payload_of(cert)
    cert.signature = signing.sign(cert.payload)
    before = cert.status
    cert.status = Status.ISSUED
    cert.save(update_fields=["number", "sequence", "year", "issued_at", "issued_on", "key_id", "payload",
                             "signature", "status"])
    record("certificates.issued", cert, before={"status": before},
           after={"status": Status.ISSUED, "number": number, "signature": cert.signature},
           summary=f"{cert.case.number} 签发{cert.type.name} {number}", actor=actor)
    return cert


def issue(cert: Certificate, *, actor=None) -> Certificate:
    with transaction.atomic():
        current = Certificate.objects.select_for_update().select_related("type", "office", "case").get(pk=cert.pk)
        if current.status not in (Status.DRAFT, Status.CHECKED):
            raise _conflict(f"证照当前为“{current.get_status_display()}”，不能签发")
        return _issue_one(current, actor=actor)


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
        locked = rows.select_related("type", "office").select_for_update(of=("self",)).order_by("pk")
        issued = []
        for cert in locked:
            cert.case = case
            issued.append(_issue_one(cert, actor=actor))
    return issued


def on_case_ready(case: Case) -> None:
    # The workflow hands over the whole case row it just made ready; anything less is read again.
    if case.get_deferred_fields():
        case = Case.objects.select_related("handling_office").get(pk=case.pk)
    issue_for_case(case)


# --- void and reissue ------------------------------------------------------------------------------------------------

def void(cert: Certificate, user, reason: str) -> Certificate:
    """作废: the number stays used forever; verification says void with the reason and date."""
    if not may_void(user, cert):
        raise _forbidden("只有承办处室处长或局长可以作废证照")
    reason = " ".join((reason or "").split())
    if not reason:
        raise CertificateError(400, "invalid", "作废须写明原因", fields=[{"field": "reason", "message": "必填"}])
    with transaction.atomic():
        current = Certificate.objects.select_for_update().get(pk=cert.pk)
        if current.status != Status.ISSUED:
            raise _conflict(f"证照当前为“{current.get_status_display()}”，只有有效的证照可以作废")
        current.status = Status.VOID
        current.void_reason, current.voided_at, current.voided_by = reason[:300], timezone.now(), user
        current.save(update_fields=["status", "void_reason", "voided_at", "voided_by"])
        record("certificates.voided", current, before={"status": Status.ISSUED},
               after={"status": Status.VOID, "reason": reason}, summary=f"作废 {current.number}：{reason}",
               actor=user)
    return current


def reissue(cert: Certificate, user, reason: str, changes: dict | None = None) -> Certificate:
    """补证: a new number replaces the old certificate (lost, damaged or corrected); the old one says replaced
    and points to the new number, the new one names the old."""
    if not may_void(user, cert):
        raise _forbidden("只有承办处室处长或局长可以补证")
    reason = " ".join((reason or "").split())
    if not reason:
        raise CertificateError(400, "invalid", "补证须写明原因", fields=[{"field": "reason", "message": "必填"}])
    with transaction.atomic():
        old = Certificate.objects.select_for_update().select_related("type", "office", "case").get(pk=cert.pk)
        if old.status not in (Status.ISSUED, Status.VOID) or Certificate.objects.filter(replaces=old).exists():
            raise _conflict(f"证照当前为“{old.get_status_display()}”，不能补证")
        content = {**old.content, **{k: v for k, v in (changes or {}).items() if k in EDITABLE}}
        new = Certificate.objects.create(case=old.case, type=old.type, office=old.office, item_code=old.item_code,
                                         content=content, prepared_by=user, checked_by=user,
                                         checked_at=timezone.now(), check_note=f"补证：{reason}"[:300],
                                         status=Status.CHECKED, replaces=old)
        before = old.status
        old.status = Status.REPLACED
        if not old.void_reason:
            old.void_reason = f"补证：{reason}"[:300]
        old.voided_at = old.voided_at or timezone.now()
        old.voided_by = old.voided_by or user
        old.save(update_fields=["status", "void_reason", "voided_at", "voided_by"])
        new = _issue_one(new, actor=user)
        record("certificates.replaced", old, before={"status": before},
               after={"status": Status.REPLACED, "replaced_by": new.number, "reason": reason},
               summary=f"{old.number} 补证为 {new.number}", actor=user)
    return new


# --- the issuance register --------------------------------------------------------------------------------------

def hand_over(cert: Certificate, *, clerk, collector_name: str, collector_id_number: str, on_behalf_of: str = "",
              pickup_id: int | None = None) -> Handover:
    """Record that an issued certificate left the output window."""
    from plandesk.window.identity import IdentityError, validate_id_number

    if not is_output_clerk(clerk):
        raise _forbidden("只有出件窗口可以登记发证")
    fields = []
    name = " ".join((collector_name or "").split())
    if not name or len(name) > 60:
        fields.append({"field": "collector_name", "message": "“领取人姓名”为必填项（至多 60 个字符）"})
    id_number = ""
    try:
        id_number = validate_id_number(collector_id_number or "")
    except IdentityError as exc:
        fields.append({"field": "collector_id_number", "message": str(exc)})
    if fields:
        raise CertificateError(400, "invalid", "发证登记有误：" + "；".join(f["message"] for f in fields),
                               fields=fields)
    with transaction.atomic():
        current = Certificate.objects.select_for_update().get(pk=cert.pk)
        if current.status != Status.ISSUED:
            raise _conflict(f"证照当前为“{current.get_status_display()}”，不能发放")
        if Handover.objects.filter(certificate=current).exists():
            raise _conflict("这份证照已经发放过")
        row = Handover.objects.create(certificate=current, collector_name=name, collector_id_number=id_number,
                                      on_behalf_of=(on_behalf_of or current.content.get("holder", ""))[:200],
                                      clerk=clerk, pickup_id=pickup_id)
        record("certificates.handed_over", row, after={"number": current.number, "collector": name},
               summary=f"发放 {current.number}，领取人 {name}", actor=clerk)
    return row


def on_result_picked_up(pickup) -> list[Handover]:
    """The window's pick-up: every issued, not yet handed over document of the case that was collected."""
    wanted = set(pickup.documents or [])
    rows = []
    certs = (Certificate.objects.filter(case_id=pickup.case_id, status=Status.ISSUED, handovers__isnull=True)
             .select_related("type").order_by("pk"))
    for cert in certs:
        if wanted and cert.pickup_document not in wanted:
            continue
        rows.append(hand_over(cert, clerk=pickup.clerk, collector_name=pickup.collector_name,
                              collector_id_number=pickup.collector_id_number, on_behalf_of=pickup.on_behalf_of,
                              pickup_id=pickup.pk))
    return rows


# --- verification --------------------------------------------------------------------------------------------------

@dataclass
class Verification:
    certificate: Certificate
    signature_ok: bool
    code_ok: bool

    @property
    def status(self) -> str:
        return self.certificate.status

    @property
    def valid(self) -> bool:
        return self.status == Status.ISSUED and self.signature_ok and self.code_ok

    @property
    def replaced_by(self) -> str | None:
        new = Certificate.objects.filter(replaces=self.certificate).values_list("number", flat=True).first()
        return new

    @property
    def message(self) -> str:
        from django.utils.translation import gettext as _

        c = self.certificate
        if not self.signature_ok:
            return _("签名校验失败：证照数据已被篡改，本证照不可信。")
        if not self.code_ok:
            return _("校验码不符：二维码或链接已被篡改，请以本页显示的内容为准并向发证机关核实。")
        if c.status == Status.VOID:
            return _("本证照已于 %(date)s 作废：%(reason)s") % {
                "date": f"{timezone.localdate(c.voided_at):%Y-%m-%d}", "reason": c.void_reason}
        if c.status == Status.REPLACED:
            return _("本证照已补证，由 %(number)s 替换。") % {"number": self.replaced_by}
        return _("本证照由发证机关签发，现行有效。")

    def as_dict(self) -> dict:
        c = self.certificate
        payload = c.payload or {}
        return {
            "valid": self.valid,
            "status": c.status,
            "type": c.type.name,
            "holder": payload.get("holder", c.content.get("holder", "")),
            "project": payload.get("project", c.content.get("project", "")),
            "issued_on": c.issued_on,
            "number": c.number,
            "type_code": c.type.code,
            "authority": payload.get("authority", ""),
            "location": payload.get("location", ""),
            "signature_valid": self.signature_ok,
            "void_reason": c.void_reason if c.status != Status.ISSUED else None,
            "voided_on": timezone.localdate(c.voided_at) if c.voided_at and c.status != Status.ISSUED else None,
            "replaced_by": self.replaced_by if c.status == Status.REPLACED else None,
            "replaces": payload.get("replaces"),
            "key_id": c.key_id,
            "message": self.message,
        }


def find_issued(number: str) -> Certificate | None:
    number = (number or "").strip()
    if not number:
        return None
    return Certificate.objects.numbered().select_related("type", "office", "case").filter(number=number).first()


def verify(number: str, code: str | None = None) -> Verification | None:
    cert = find_issued(number)
    if cert is None:
        return None
    signature_ok = bool(cert.payload) and cert.payload.get("number") == cert.number and signing.verify(
        cert.payload, cert.signature)
    code_ok = code is None or code == signing.check_code(cert.signature)
    return Verification(cert, signature_ok, code_ok)


def verify_url(cert: Certificate) -> str:
    """The public verification address printed in the QR code."""
    from django.urls import reverse

    path = reverse("certificates:verify", args=[cert.number])  # percent-encoded already
    return f"{settings.PLANDESK_SITE_URL.rstrip('/')}{path}?c={signing.check_code(cert.signature)}"


def certificate_numbers(case: Case) -> list[str]:
    return list(case.certificates.numbered().order_by("pk").values_list("number", flat=True))

