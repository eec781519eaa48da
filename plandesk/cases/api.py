"""The case file's API for staff: the site compliance check (GET as in shared/API.md; POST re-runs it).

Only the URL conf imports this module: it asks `workflow` who may see a case, which the case file below it cannot.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Router, Schema, Status

from plandesk.cases import compliance
from plandesk.cases.models import Case
from plandesk.core.api_errors import ApiError

router = Router(tags=["案卷 cases"])


class ErrorOut(Schema):
    error: str
    message: str


class ParcelOut(Schema):
    code: str
    land_use: str
    overlap_area_m2: float
    share: float


class CheckOut(Schema):
    indicator: str
    limit: Any
    proposed: Any
    result: str


class ConflictOut(Schema):
    kind: str
    layer: str
    feature: str
    measure: float


class ComplianceOut(Schema):
    computed_at: datetime
    parcels: list[ParcelOut]
    checks: list[CheckOut]
    conflicts: list[ConflictOut]


def _visible_case(user, number: str) -> Case:
    from plandesk.workflow.services import may_see_case

    case = Case.objects.filter(number=number).first()
    if case is None:
        raise ApiError(404, "not_found", "没有这个案卷")
    if not may_see_case(user, case):
        raise ApiError(403, "forbidden", "您无权查看这个案卷")
    return case


@router.get("/cases/{case_number}/compliance", response={200: ComplianceOut, 403: ErrorOut, 404: ErrorOut})
def latest_compliance(request, case_number: str):
    """The latest site compliance check of a case (areas in m² in the bureau's projected CRS). Staff allowed to
    see the case; a case never checked (no site) → 404 `not_checked`."""
    case = _visible_case(request.auth, case_number)
    check = compliance.latest(case)
    if check is None:
        raise ApiError(404, "not_checked", "该案卷尚未进行用地合规性审查")
    return compliance.as_api(check, request.auth)


@router.post("/cases/{case_number}/compliance",
             response={201: ComplianceOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut})
def rerun_compliance(request, case_number: str):
    """Run the check again on the layers in force now (the earlier runs stay on file)."""
    case = _visible_case(request.auth, case_number)
    try:
        check = compliance.run(case, actor=request.auth)
    except compliance.ComplianceError as exc:
        raise ApiError(409, "no_site", str(exc)) from exc
    return Status(201, compliance.as_api(check, request.auth))
