"""A certificate's content, drawn from its case: forms, the final decision, a meeting's conditions, the rights
the office states, and which documents a case calls for."""

from __future__ import annotations

from django.conf import settings

from plandesk.cases.models import Case, Outcome
from plandesk.catalog.schemas import INDICATORS, LAND_USE_CLASSES
from plandesk.certificates.models import (
    CertificateType,
    IssuingOffice,
    Kind,
)
from plandesk.certificates.types import APPROVAL_LETTER, CHECK_STEPS, PREPARE_STEPS, REFUSAL_DECISION, type_for
from plandesk.workflow.models import Task, TaskState

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

    step = Task.objects.filter(case=case, state=TaskState.OPEN, step_id__in=PREPARE_STEPS + CHECK_STEPS
                               ).values_list("step_id", flat=True).first()
    return Outcome.REJECTED if step in ("prepare_refusal", "check_refusal") else Outcome.APPROVED
