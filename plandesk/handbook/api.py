"""The regulations library for integrators and mobile front ends (public, read-only)."""

from __future__ import annotations

from datetime import date

from ninja import Router, Schema

from plandesk.core.api_errors import ApiError, ErrorOut
from plandesk.handbook.models import Regulation, RegulationKind, RegulationStatus

router = Router(tags=["法规 regulations"])


class RegulationOut(Schema):
    code: str
    title: str
    short_title: str
    kind: str
    issuing_body: str
    document_number: str
    promulgated_on: date | None
    effective_on: date | None
    amended_on: date | None
    repealed_on: date | None
    status: str
    url: str


class RegulationDetailOut(RegulationOut):
    summary: str  # Markdown
    key_articles: str  # Markdown
    replaced_by: str | None



def _out(request, reg: Regulation, detail: bool = False) -> dict:
    data = {
        "code": reg.code, "title": reg.title, "short_title": reg.short_title, "kind": reg.kind,
        "issuing_body": reg.issuing_body, "document_number": reg.document_number,
        "promulgated_on": reg.promulgated_on, "effective_on": reg.effective_on, "amended_on": reg.amended_on,
        "repealed_on": reg.repealed_on, "status": reg.status().value,
        "url": request.build_absolute_uri(reg.get_absolute_url()),
    }
    if detail:
        data.update(summary=reg.summary, key_articles=reg.key_articles,
                    replaced_by=reg.replaced_by.code if reg.replaced_by_id else None)
    return data


@router.get("/regulations", response={200: list[RegulationOut], 400: ErrorOut}, auth=None)
def list_regulations(request, kind: str | None = None, status: str | None = None):
    """Laws, regulations, rules and standards of the library; `status` is computed for today."""
    qs = Regulation.objects.filter(is_public=True).order_by("kind", "title")
    if kind is not None:
        if kind not in RegulationKind.values:
            raise ApiError(400, "bad_kind", f"kind 须为 {'、'.join(RegulationKind.values)} 之一")
        qs = qs.filter(kind=kind)
    if status is not None:
        if status not in RegulationStatus.values:
            raise ApiError(400, "bad_status", f"status 须为 {'、'.join(RegulationStatus.values)} 之一")
        qs = qs.with_status(status)
    return [_out(request, reg) for reg in qs]


@router.get("/regulations/{code}", response={200: RegulationDetailOut, 404: ErrorOut}, auth=None)
def get_regulation(request, code: str):
    reg = Regulation.objects.filter(is_public=True, code=code).select_related("replaced_by").first()
    if reg is None:
        raise ApiError(404, "not_found", "没有这部法规")
    return _out(request, reg, detail=True)
