"""The case clock in the work API: hearing / expert review / inspection pauses from a task and their end, the
extension (asked from a task, decided on the case, its letter), withdrawal at the window, and the clock's record.
Mounted on the workflow's router (workflow/api.py); refusals are answered by the one handler."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpResponse
from ninja import Router, Schema, Status
from pydantic import StrictBool, StrictInt

from plandesk.accounts.models import Role
from plandesk.cases.models import Case, CaseExtension, ExtensionStatus
from plandesk.core.api_errors import ApiError, ErrorOut
from plandesk.workflow import clock, services
from plandesk.workflow.letters import extension_letter_pdf

router = Router(tags=["案卷计时 clock"])


class PauseIn(Schema):
    reason: str  # hearing | expert_review | inspection
    note: str
    ends_on: date | None = None


class PauseOut(Schema):
    reason: str
    note: str
    started_at: datetime
    ends_on: date | None
    ended_at: datetime | None


class ResumeIn(Schema):
    note: str = ""


class ExtensionIn(Schema):
    days: StrictInt
    reason: str


class DecisionIn(Schema):
    approve: StrictBool
    note: str = ""


class ExtensionOut(Schema):
    days: int
    reason: str
    status: str
    requested_at: datetime
    decided_at: datetime | None
    due_before: datetime | None
    due_after: datetime | None
    letter_url: str | None


class WithdrawalIn(Schema):
    reason: str


class ClockOut(Schema):
    case_number: str
    status: str
    due_at: datetime | None
    light: str
    promised_days: int
    extension_days: int
    pauses: list[PauseOut]
    extension: ExtensionOut | None


def _pause_out(pause) -> dict:
    return {"reason": pause.reason, "note": pause.note, "started_at": pause.started_at, "ends_on": pause.ends_on,
            "ended_at": pause.ended_at}


def _extension_out(extension: CaseExtension) -> dict:
    letter = (f"/api/v1/cases/{extension.case.number}/extension/letter.pdf"
              if extension.status == ExtensionStatus.APPROVED else None)
    return {"days": extension.days, "reason": extension.reason, "status": extension.status,
            "requested_at": extension.requested_at, "decided_at": extension.decided_at,
            "due_before": extension.due_before, "due_after": extension.due_after, "letter_url": letter}


def _clock_out(case: Case) -> dict:
    case.refresh_from_db()
    extension = CaseExtension.objects.filter(case=case).first()
    return {"case_number": case.number, "status": case.status, "due_at": case.due_at, "light": case.current_light,
            "promised_days": case.promised_days, "extension_days": case.extension_days or 0,
            "pauses": [_pause_out(p) for p in case.pauses.order_by("started_at")],
            "extension": _extension_out(extension) if extension else None}


def _case_for(user, number: str) -> Case:
    case = Case.objects.select_related("handling_office").filter(number=number).first()
    if case is None:
        raise ApiError(404, "not_found", "没有这个案卷")
    if not services.may_see_case(user, case) and not clock.may_decide_extension(user, case):
        raise ApiError(403, "forbidden", "您无权查看这个案卷")
    return case


@router.post("/tasks/{task_id}/pauses", response={201: ClockOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                                                  409: ErrorOut})
def pause(request, task_id: int, payload: PauseIn):
    """Stop the clock for a hearing (听证), expert review (专家评审) or inspection/appraisal (检验、检测、鉴定): a
    reason, a note and the planned end (`ends_on`); the time is not counted against the promised date."""
    paused = clock.pause_for_task(task_id, request.auth, reason=payload.reason, note=payload.note,
                                  ends_on=payload.ends_on)
    return Status(201, _clock_out(paused.case))


@router.post("/tasks/{task_id}/resume", response={200: ClockOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut})
def resume(request, task_id: int, payload: ResumeIn):
    """End the hearing, review or inspection: the clock runs again and the due date moves by the paused days."""
    return _clock_out(clock.end_task_pause(task_id, request.auth, note=payload.note))


@router.post("/tasks/{task_id}/extension", response={201: ClockOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                                                     409: ErrorOut})
def request_extension(request, task_id: int, payload: ExtensionIn):
    """Ask to extend the time limit (延期), once per case, with a reason; the head (or the director) decides."""
    extension = clock.request_extension(task_id, request.auth, days=payload.days, reason=payload.reason)
    return Status(201, _clock_out(extension.case))


@router.post("/cases/{case_number}/extension/decision", response={200: ClockOut, 403: ErrorOut, 404: ErrorOut,
                                                                   409: ErrorOut})
def decide_extension(request, case_number: str, payload: DecisionIn):
    """The head of the handling office (or the director, per setting) approves or refuses the extension."""
    case = Case.objects.select_related("handling_office").filter(number=case_number).first()
    if case is None:
        raise ApiError(404, "not_found", "没有这个案卷")
    clock.decide_extension(case, request.auth, approve=payload.approve, note=payload.note)
    return _clock_out(case)


@router.get("/cases/{case_number}/extension/letter.pdf", response={200: None, 403: ErrorOut, 404: ErrorOut})
def extension_letter(request, case_number: str):
    """The extension letter (PDF) of an approved extension."""
    case = _case_for(request.auth, case_number)
    extension = CaseExtension.objects.filter(case=case, status=ExtensionStatus.APPROVED).first()
    if extension is None:
        raise ApiError(404, "not_found", "本案没有已批准的延期")
    response = HttpResponse(extension_letter_pdf(extension), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="extension-{case.number}.pdf"'
    return response


@router.get("/cases/{case_number}/clock", response={200: ClockOut, 403: ErrorOut, 404: ErrorOut})
def case_clock(request, case_number: str):
    """The case's clock: due date and light, its pauses (reason, planned end, end) and its extension."""
    return _clock_out(_case_for(request.auth, case_number))


@router.post("/cases/{case_number}/withdrawal", response={200: ClockOut, 400: ErrorOut, 403: ErrorOut,
                                                          404: ErrorOut, 409: ErrorOut})
def withdraw(request, case_number: str, payload: WithdrawalIn):
    """The applicant withdraws at the window (撤回申请, intake clerk): the case ends, its open steps close and the
    people holding them are told."""
    if not request.auth.has_role(Role.INTAKE_CLERK):
        raise ApiError(403, "forbidden", "只有接件窗口可以办理撤回")
    case = Case.objects.filter(number=case_number).first()
    if case is None:
        raise ApiError(404, "not_found", "没有这个案卷")
    clock.withdraw_case(case, actor=request.auth, reason=payload.reason)
    return _clock_out(case)
