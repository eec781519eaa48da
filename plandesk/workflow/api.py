"""Work API: the open tasks of the caller, completing and handling them, and the case as staff see it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.apps import apps
from ninja import Router, Schema, Status
from pydantic import StrictInt

from plandesk.cases import compliance
from plandesk.cases.models import Case
from plandesk.core.api_errors import ApiError, ErrorOut
from plandesk.workflow import hooks, services
from plandesk.workflow.api_clock import router as clock_router
from plandesk.workflow.models import Task

router = Router(tags=["办理 work"])



class MeetingRequiredOut(Schema):
    error: str
    message: str
    meeting_kind: str
    division: str | None
    expected_members: list[str]


class TaskOut(Schema):
    id: int
    case_number: str
    name: str
    step_id: str
    post: str | None
    office: str | None
    assignee: str | None
    due_at: datetime | None
    light: str
    version: int
    form_schema: dict | None
    meeting_kind: str | None


class CompleteIn(Schema):
    decision: str
    opinion: str = ""
    form: dict[str, Any] | None = None
    version: StrictInt  # API.md: a number; "3" is refused (422), not read as 3
    override_reason: str | None = None  # API.md "Rules": needed to approve over compliance findings


class NextTasksOut(Schema):
    next_tasks: list[TaskOut]


class VersionIn(Schema):
    version: int | None = None


class DraftIn(Schema):
    opinion: str = ""
    form: dict[str, Any] | None = None


class TransferIn(Schema):
    to: str
    reason: str
    version: int | None = None


class SupplementIn(Schema):
    note: str


class CaseTaskOut(Schema):
    id: int
    name: str
    step_id: str
    post: str | None
    office: str | None
    assignee: str | None
    state: str
    created_at: datetime
    completed_at: datetime | None
    due_at: datetime | None
    light: str
    decision: str
    opinion: str


class HistoryOut(Schema):
    at: datetime
    kind: str
    summary: str
    actor: str | None
    detail: str


class CasePublicityOut(Schema):
    status: str
    starts_on: date
    ends_on: date
    opinions: int


class DeferredMaterialOut(Schema):
    code: str
    name: str
    due: str  # an ISO date, or "before_issue"
    supplied_at: datetime | None


class CaseOut(Schema):
    case_number: str
    items: list[str]
    item_names: list[str]
    status: str
    outcome: str
    paused: bool
    project_name: str
    applicant_name: str
    handling_office: str | None
    received_at: datetime
    due_at: datetime | None
    light: str  # the case's own light from due_at (pauses and extensions honoured)
    expected_pickup_date: date | None
    certificates: list[str]
    deferred_materials: list[DeferredMaterialOut] = []  # 容缺 materials (from window's CASE_FIELDS hook)
    tasks: list[CaseTaskOut]
    history: list[HistoryOut]
    publicity: CasePublicityOut | None = None  # the pre-approval publicity (from publicity's CASE_FIELDS hook)


def task_out(task: Task) -> dict:
    return {
        "id": task.pk,
        "case_number": task.case.number,
        "name": task.name,
        "step_id": task.step_id,
        "post": task.post.code if task.post_id else None,
        "office": task.office.code if task.office_id else None,
        "assignee": task.assignee.username if task.assignee_id else None,
        "due_at": task.due_at,
        "light": task.current_light,
        "version": task.version,
        "form_schema": task.form_schema,
        "meeting_kind": task.meeting_kind or None,
    }



def _user_named(username: str):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(username=username, is_active=True).first()


@router.get("/tasks", response=list[TaskOut])
def list_tasks(request):
    """The open tasks the caller may work: assigned to them, offered to their posts, or waiting for a meeting
    they chair. Sorted by due time."""
    rows = (Task.objects.workable_by(request.auth).select_related("case", "post", "office", "assignee")
            .order_by("due_at", "id"))
    return [task_out(t) for t in rows if services.refusal_by_rules(request.auth, t) is None]


@router.post("/tasks/{task_id}/complete",
             response={200: NextTasksOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                       409: MeetingRequiredOut | ErrorOut})
def complete(request, task_id: int, payload: CompleteIn):
    """Complete a task with a decision: approve, reject, or return (to the previous step). 403 is checked first;
    a task already completed or a stale `version` gives 409 and changes nothing; a meeting step gives
    409 meeting_required. Completing a task offered to the caller's post claims it."""
    created = services.complete_task(task_id, request.auth, decision=payload.decision, opinion=payload.opinion,
                                     form=payload.form, version=payload.version,
                                     override_reason=payload.override_reason)
    rows = Task.objects.filter(pk__in=[t.pk for t in created]).select_related("case", "post", "office", "assignee")
    return {"next_tasks": [task_out(t) for t in rows]}


@router.post("/tasks/{task_id}/claim", response={200: TaskOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut})
def claim(request, task_id: int, payload: VersionIn):
    """Claim (签收) a task offered to the caller's post: from then on only the caller works it."""
    task = services.claim_task(task_id, request.auth, version=payload.version)
    return task_out(task)


@router.post("/tasks/{task_id}/draft", response={200: TaskOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut})
def draft(request, task_id: int, payload: DraftIn):
    """Save a draft opinion and form (does not change the task's version)."""
    task = services.save_draft(task_id, request.auth, opinion=payload.opinion, form=payload.form)
    return task_out(task)


@router.post("/tasks/{task_id}/transfer",
             response={200: TaskOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut})
def transfer(request, task_id: int, payload: TransferIn):
    """Transfer (转办) a task to a colleague holding the same post, with a reason."""
    task = services.transfer_task(task_id, request.auth, _user_named(payload.to), payload.reason,
                                  version=payload.version)
    return task_out(task)


@router.post("/tasks/{task_id}/supplement",
             response={200: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut})
def supplement(request, task_id: int, payload: SupplementIn):
    """Return to the applicant for supplements (补正): the case's clock stops until the window resumes it."""
    case = services.request_supplement(task_id, request.auth, payload.note)
    return {"case_number": case.number, "status": case.status}


def certificate_numbers(case: Case) -> list[str]:
    """Numbers of the case's certificates, once the certificates app keeps them."""
    try:
        model = apps.get_model("certificates", "Certificate")
    except LookupError:
        return []
    field_names = {f.name for f in model._meta.get_fields()}
    if "case" not in field_names or "number" not in field_names:
        return []
    # Drafts have no number yet: only numbered (issued, void, replaced) certificates are listed.
    return list(model.objects.filter(case=case, number__isnull=False).order_by("pk").values_list("number", flat=True))


def case_out(case: Case) -> dict:
    versions = list(case.item_versions.select_related("item").order_by("item__code"))
    tasks = case.tasks.select_related("post", "office", "assignee").order_by("created_at", "id")
    events = case.events.select_related("actor").order_by("at", "id")
    extra: dict = {}
    for fields in hooks.case_fields():  # the apps above add theirs (publicity)
        extra.update(fields(case))
    return {
        **extra,
        "case_number": case.number,
        "items": [v.item.code for v in versions],
        "item_names": [v.name for v in versions],
        "status": case.status,
        "outcome": case.outcome,
        "paused": case.is_paused,
        "project_name": case.project_name,
        "applicant_name": case.applicant_name,
        "handling_office": case.handling_office.code if case.handling_office_id else None,
        "received_at": case.received_at,
        "due_at": case.due_at,
        "light": case.current_light,
        "expected_pickup_date": case.expected_pickup_date,
        "certificates": certificate_numbers(case),
        "tasks": [{
            "id": t.pk, "name": t.name, "step_id": t.step_id, "post": t.post.code if t.post_id else None,
            "office": t.office.code if t.office_id else None,
            "assignee": t.assignee.username if t.assignee_id else None, "state": t.state,
            "created_at": t.created_at, "completed_at": t.completed_at, "due_at": t.due_at,
            "light": t.current_light, "decision": t.decision, "opinion": t.opinion,
        } for t in tasks],
        "history": [{"at": e.at, "kind": e.kind, "summary": e.summary,
                     "actor": e.actor.username if e.actor_id else None, "detail": e.detail} for e in events],
    }


@router.get("/cases/{case_number}", response={200: CaseOut, 403: ErrorOut, 404: ErrorOut})
def case_detail(request, case_number: str):
    """A case as staff see it: items, status, handling office, expected pick-up date, certificates, tasks and
    history. Those who hold or held a task of the case, their division heads, the director and the office."""
    case = Case.objects.select_related("handling_office").filter(number=case_number).first()
    if case is None:
        raise ApiError(404, "not_found", "没有这个案卷")
    if not services.may_see_case(request.auth, case):
        raise ApiError(403, "forbidden", "您无权查看这个案卷")
    return case_out(case)


# --- the case file's site compliance check (the check itself: plandesk.cases.compliance) ------------------

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


def _compliance_case(user, number: str) -> Case:
    case = Case.objects.filter(number=number).first()
    if case is None:
        raise ApiError(404, "not_found", "没有这个案卷")
    if not services.may_see_case(user, case):
        raise ApiError(403, "forbidden", "您无权查看这个案卷")
    return case


@router.get("/cases/{case_number}/compliance", response={200: ComplianceOut, 403: ErrorOut, 404: ErrorOut})
def latest_compliance(request, case_number: str):
    """The latest site compliance check of a case (areas in m² in the bureau's projected CRS). Staff allowed to
    see the case; a case never checked (no site) → 404 `not_checked`."""
    case = _compliance_case(request.auth, case_number)
    check = compliance.latest(case)
    if check is None:
        raise ApiError(404, "not_checked", "该案卷尚未进行用地合规性审查")
    return compliance.as_api(check, request.auth)


@router.post("/cases/{case_number}/compliance",
             response={201: ComplianceOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut})
def rerun_compliance(request, case_number: str):
    """Run the check again on the layers in force now (the earlier runs stay on file)."""
    case = _compliance_case(request.auth, case_number)
    try:
        check = compliance.run(case, actor=request.auth)
    except compliance.ComplianceError as exc:
        raise ApiError(409, "no_site", str(exc)) from exc
    return Status(201, compliance.as_api(check, request.auth))


# The case clock's operations (pauses, extension, withdrawal): their own module, on this router.
router.add_router("", clock_router)
