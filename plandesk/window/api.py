"""Window API: intake (POST /cases), pick-up, receipt reprint, supplements, and the public progress query."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from ninja import Router, Schema, Status

from plandesk.cases.models import Case
from plandesk.core.api_errors import ApiError, ErrorOut
from plandesk.core.context import client_ip
from plandesk.window import pdf, services
from plandesk.window.intake import IntakeInvalid
from plandesk.window.models import RefusalNotice, SupplementNotice
from plandesk.window.query import public_query

router = Router(tags=["窗口 window"])



class FieldError(Schema):
    field: str
    message: str


class InvalidOut(Schema):
    error: str
    message: str
    fields: list[FieldError]


class ApplicantIn(Schema):
    name: str | None = None
    credit_code: str | None = None
    id_number: str | None = None
    contact: str | None = None
    phone: str | None = None


class ProjectIn(Schema):
    name: str | None = None
    address: str | None = None
    site: dict[str, Any] | None = None
    # Optional (an extension of API.md): the clerk's choice among the jurisdictions holding a split site; by
    # default the one holding the largest share.
    handling_office: str | None = None


class MaterialIn(Schema):
    code: str
    provided: bool = False


class IntakeIn(Schema):
    items: list[str] | None = None
    applicant: ApplicantIn | None = None
    project: ProjectIn | None = None
    forms: dict[str, Any] | None = None
    materials: list[MaterialIn] | None = None
    idempotency_key: str | None = None


class IntakeOut(Schema):
    case_number: str
    query_password: str | None
    expected_pickup_date: date | None
    receipt_url: str | None
    handling_office: str
    handling_office_name: str
    status: str


class PickupIn(Schema):
    collector_name: str = ""
    collector_id_number: str = ""
    on_behalf_of: str = ""
    documents: list[str] | None = None


class PickupOut(Schema):
    case_number: str
    status: str
    collector_name: str
    on_behalf_of: str
    documents: list[str]
    picked_up_at: datetime


class SupplementsIn(Schema):
    note: str = ""


class QueryIn(Schema):
    case_number: str | int
    password: str | int


class StepOut(Schema):
    name: str
    started_at: datetime
    due_date: date | None


class DoneStepOut(Schema):
    name: str
    started_at: datetime
    finished_at: datetime


class OwedOut(Schema):
    name: str
    due: str  # an ISO date, or "before_issue"


class QueryOut(Schema):
    case_number: str
    items: list[str]
    item_names: list[str]
    project_name: str
    status: str
    status_display: str
    received_at: datetime
    current_steps: list[StepOut]
    history: list[DoneStepOut]
    expected_pickup_date: date | None
    paused: bool
    outstanding_materials: list[OwedOut]



def _intake_out(request, result: services.IntakeResult) -> dict:
    case = result.case
    url = request.build_absolute_uri(services.receipt_path(result.receipt)) if result.receipt else None
    return {"case_number": case.number, "query_password": result.password,
            "expected_pickup_date": case.expected_pickup_date, "receipt_url": url,
            "handling_office": case.handling_office.code, "handling_office_name": case.handling_office.name,
            "status": case.status}


@router.post("/cases", response={200: IntakeOut, 201: IntakeOut, 400: InvalidOut, 403: ErrorOut})
def create_case(request, payload: IntakeIn):
    """Register an application at the intake window (intake clerk). `201` with the case number, the query password
    (shown here and on the receipt only), the expected pick-up date, a receipt link valid 15 minutes and the handling
    office. The same `idempotency_key` again → `200` with the same case (the password and link only while the link
    is valid). Invalid input → `400` naming each bad field in `fields`; nothing is stored."""
    data = payload.dict()
    try:
        result = services.intake(data, actor=request.auth)
    except IntakeInvalid as exc:
        raise ApiError(400, "invalid", exc.message, fields=exc.fields) from exc
    return Status(201 if result.created else 200, _intake_out(request, result))


def _case(number: str) -> Case:
    case = Case.objects.select_related("handling_office").filter(number=number).first()
    if case is None:
        raise ApiError(404, "not_found", "没有这个案卷")
    return case


@router.post("/cases/{case_number}/pickup",
             response={200: PickupOut, 400: InvalidOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut})
def pickup(request, case_number: str, payload: PickupIn):
    """Hand over the result at the output window (output clerk): who collected (name, ID number, on whose
    behalf) and which documents. `200` when the case is `ready_for_pickup`, which closes it; otherwise `409`."""
    if not services.is_output_clerk(request.auth):
        raise ApiError(403, "forbidden", "只有出件窗口可以登记取件")
    case = _case(case_number)
    done = services.record_pickup(case, actor=request.auth, collector_name=payload.collector_name,
                                  collector_id_number=payload.collector_id_number,
                                  on_behalf_of=payload.on_behalf_of, documents=payload.documents)
    return {"case_number": case.number, "status": case.status, "collector_name": done.collector_name,
            "on_behalf_of": done.on_behalf_of, "documents": done.documents, "picked_up_at": done.picked_up_at}


@router.post("/cases/{case_number}/receipt", response={200: IntakeOut, 403: ErrorOut, 404: ErrorOut})
def reprint(request, case_number: str):
    """Reprint the filing receipt (intake clerk): a new query password is issued and the old one stops working."""
    if not services.is_intake_clerk(request.auth):
        raise ApiError(403, "forbidden", "只有接件窗口可以重新打印立案回执")
    case = _case(case_number)
    receipt, password = services.reprint_receipt(case, actor=request.auth)
    return _intake_out(request, services.IntakeResult(case=case, created=False, receipt=receipt, password=password))


@router.post("/cases/{case_number}/supplements",
             response={200: dict, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut})
def supplements(request, case_number: str, payload: SupplementsIn):
    """Record at the intake window that the applicant supplemented what the one-time notice asked: the case
    resumes with its deadlines moved by the paused working days. `409` when no supplement notice is open."""
    if not services.is_intake_clerk(request.auth):
        raise ApiError(403, "forbidden", "只有接件窗口可以登记补正材料")
    case = _case(case_number)
    notice = case.supplement_notices.filter(state=SupplementNotice.State.OPEN).first()
    if notice is None:
        raise ApiError(409, "conflict", "该案件没有待补正的告知书")
    case = services.record_supplements(notice, actor=request.auth, note=payload.note)
    return {"case_number": case.number, "status": case.status, "due_at": case.due_at,
            "expected_pickup_date": case.expected_pickup_date}


class RefusalIn(Schema):
    items: list[str] | None = None
    applicant: ApplicantIn | None = None
    project: ProjectIn | None = None
    materials: list[MaterialIn] | None = None
    reason: str | None = None
    idempotency_key: str | None = None


class RefusalOut(Schema):
    number: str
    case_number: str | None
    applicant: str
    items: list[str]
    reason: str
    issued_at: datetime
    pdf_url: str


def _refusal_out(request, notice) -> dict:
    return {"number": notice.number, "case_number": notice.case.number if notice.case_id else None,
            "applicant": notice.applicant_name, "items": notice.items, "reason": notice.reason,
            "issued_at": notice.issued_at,
            "pdf_url": request.build_absolute_uri(f"/api/v1/refusals/{quote(notice.number)}/pdf")}


@router.post("/refusals", response={200: RefusalOut, 201: RefusalOut, 400: InvalidOut, 403: ErrorOut})
def refuse_application(request, payload: RefusalIn):
    """不予受理 at the intake window before registration (intake clerk): no case and no case number are created;
    `201` with the notice's own number (不受〔2026〕1号) and its PDF. Needs the items, the applicant's name, the
    project's name and the reason; identifiers are checked when given. The same `idempotency_key` again → `200`
    with the same notice. Invalid input → `400` naming each bad field; nothing is stored."""
    data = payload.dict()
    data["project"] = {k: v for k, v in (data.get("project") or {}).items() if k != "site"} \
        if payload.project is not None else None
    try:
        notice, created = services.refuse_application(data, actor=request.auth)
    except IntakeInvalid as exc:
        raise ApiError(400, "invalid", exc.message, fields=exc.fields) from exc
    return Status(201 if created else 200, _refusal_out(request, notice))


@router.get("/refusals/{number}/pdf", response={403: ErrorOut, 404: ErrorOut})
def refusal_pdf(request, number: str):
    """The refusal notice (不予受理通知书) as a PDF (window clerks)."""
    from django.http import HttpResponse


    if not (services.is_intake_clerk(request.auth) or services.is_output_clerk(request.auth)):
        raise ApiError(403, "forbidden", "只有窗口工作人员可以打印不予受理通知书")
    notice = RefusalNotice.objects.filter(number=number).select_related("case").first()
    if notice is None:
        raise ApiError(404, "not_found", "没有这份不予受理通知书")
    response = HttpResponse(pdf.refusal_pdf(notice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="refusal-{notice.year}-{notice.sequence}.pdf"'
    return response


@router.post("/public/query", auth=None, response={200: QueryOut, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut})
def query(request, payload: QueryIn):
    """Public progress query with the case number and query password from the filing receipt. An unknown case and
    a wrong password both give `404`; after 5 failures for a case within an hour its queries get `429` (the right
    password included); one client address may fail at most 100 times an hour. No staff names, no opinions."""
    return public_query(payload.case_number, payload.password, address=client_ip(request), channel="api")
