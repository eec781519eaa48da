"""Meetings API: convene a meeting (the caller chairs it), record its decisions, read it, sign its minutes.

`case_numbers` when convening: omitted or null fills the agenda with every case waiting for that meeting (oldest
due first, leaving out cases undecided on another open meeting); a list puts exactly those cases on the agenda in
that order, each of which must be waiting for that kind of meeting in that division (else 400 naming each)."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpResponse
from ninja import Router, Schema, Status

from plandesk.core.api_errors import ApiError, ErrorOut
from plandesk.meetings import services
from plandesk.meetings.minutes import render_minutes
from plandesk.meetings.models import Meeting

router = Router(tags=["两会 meetings"])



class MeetingIn(Schema):
    kind: str
    division: str | None = None
    held_at: datetime
    attendees: list[str] = []
    case_numbers: list[str] | None = None
    place: str = ""
    recorder: str | None = None
    quorum_rule: str | None = None


class CreatedOut(Schema):
    id: int


class DecisionIn(Schema):
    case_number: str
    decision: str
    opinion: str = ""
    conditions: str = ""
    override_reason: str | None = None  # API.md "Rules": to approve over compliance findings


class DecisionOut(Schema):
    meeting: int
    case_number: str
    decision: str
    next_steps: list[str]


class AttendanceIn(Schema):
    present: list[str] = []
    absent: list[str] = []
    leave: list[str] = []


class AttendeeOut(Schema):
    username: str
    name: str
    presence: str


class AgendaItemOut(Schema):  # not ItemOut: the catalogue has one, and OpenAPI names must differ
    case_number: str
    project_name: str
    position: int
    light: str
    late_if_left: bool
    decision: str
    opinion: str
    conditions: str


class MeetingOut(Schema):
    id: int
    kind: str
    division: str | None
    held_at: datetime
    place: str
    chair: str
    recorder: str | None
    status: str
    minutes_number: str
    quorum_rule: str
    has_quorum: bool
    attendance: list[AttendeeOut]
    agenda: list[AgendaItemOut]



def _user(username: str | None):
    from django.contrib.auth import get_user_model

    if not username:
        return None
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise ApiError(400, "invalid", f"没有这个用户：{username}", fields=[{"field": "recorder",
                                                                         "message": "未知用户"}])
    return user


def _meeting(request, meeting_id: int) -> Meeting:
    return services.get_meeting(request.auth, meeting_id)


def meeting_out(meeting: Meeting) -> dict:
    return {
        "id": meeting.pk, "kind": meeting.kind, "division": meeting.division.code if meeting.division_id else None,
        "held_at": meeting.held_at, "place": meeting.place, "chair": meeting.chair.username,
        "recorder": meeting.recorder.username if meeting.recorder_id else None, "status": meeting.status,
        "minutes_number": meeting.minutes_number, "quorum_rule": meeting.quorum_rule,
        "has_quorum": meeting.has_quorum(),
        "attendance": [{"username": a.user.username, "name": a.user.display_name, "presence": a.presence}
                       for a in meeting.attendance.select_related("user")],
        "agenda": [{"case_number": r.case.number, "project_name": r.case.project_name, "position": r.item.position,
                    "light": r.light, "late_if_left": r.late_if_left, "decision": r.item.decision,
                    "opinion": r.item.opinion, "conditions": r.item.conditions} for r in services.agenda(meeting)],
    }


@router.post("/meetings", response={201: CreatedOut, 400: ErrorOut, 403: ErrorOut})
def create(request, payload: MeetingIn):
    """Convene a division meeting (the caller heads that division) or the bureau meeting (the caller is the
    director). The caller chairs it and counts as present; `attendees` are the expected members present."""
    meeting = services.create_meeting(
        chair=request.auth, kind=payload.kind, division=payload.division, held_at=payload.held_at,
        place=payload.place, recorder=_user(payload.recorder), present=payload.attendees,
        case_numbers=payload.case_numbers, quorum_rule=payload.quorum_rule)
    return Status(201, {"id": meeting.pk})


@router.get("/meetings", response=list[MeetingOut])
def list_meetings(request):
    """The meetings the caller chairs, records or is expected at (all of them for the director and the office)."""
    rows = Meeting.objects.visible_to(request.auth).select_related("division", "chair", "recorder")[:100]
    return [meeting_out(m) for m in rows]


@router.get("/meetings/{meeting_id}", response={200: MeetingOut, 404: ErrorOut})
def detail(request, meeting_id: int):
    return meeting_out(_meeting(request, meeting_id))


@router.post("/meetings/{meeting_id}/decisions",
             response={200: DecisionOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut})
def decide(request, meeting_id: int, payload: DecisionIn):
    """Record the meeting's decision on a case of its agenda: approve, approve_with_conditions (with
    `conditions`), reject, defer (the case keeps waiting for a later meeting) or revise (back to the previous
    step). It completes the case's waiting meeting step in the same transaction. 409: not on the agenda
    (`not_on_agenda`), already decided there (`already_decided`), no quorum (`no_quorum`), minutes signed
    (`minutes_signed`), no waiting step (`not_waiting`), the case's required publicity not ended
    (`publicity_required`), an approval over compliance findings without `override_reason`
    (`compliance_override_required`, with `findings`)."""
    meeting = _meeting(request, meeting_id)
    item, created = services.decide(meeting, request.auth, payload.case_number, payload.decision,
                                    payload.opinion, payload.conditions, payload.override_reason)
    return {"meeting": meeting.pk, "case_number": payload.case_number, "decision": item.decision,
            "next_steps": [t.name for t in created]}


@router.post("/meetings/{meeting_id}/attendance",
             response={200: MeetingOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut})
def attendance(request, meeting_id: int, payload: AttendanceIn):
    """Record who is present, absent or on leave (usernames of expected members; others keep theirs)."""
    meeting = _meeting(request, meeting_id)
    presences = {**{n: "present" for n in payload.present}, **{n: "absent" for n in payload.absent},
                 **{n: "leave" for n in payload.leave}}
    services.record_attendance(meeting, request.auth, presences)
    return meeting_out(services.get_meeting(request.auth, meeting_id))


@router.post("/meetings/{meeting_id}/sign", response={200: MeetingOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut})
def sign(request, meeting_id: int):
    """The chair signs the minutes: they are numbered and final."""
    meeting = _meeting(request, meeting_id)
    meeting = services.sign(meeting, request.auth)
    return meeting_out(meeting)


@router.get("/meetings/{meeting_id}/minutes.pdf", response={200: None, 404: ErrorOut})
def minutes_pdf(request, meeting_id: int):
    """The minutes as a PDF (a draft until signed)."""

    meeting = _meeting(request, meeting_id)
    return HttpResponse(render_minutes(meeting), content_type="application/pdf")


class CorrectionIn(Schema):
    text: str
    case_number: str | None = None


class CorrectionOut(Schema):
    meeting: int
    seq: int
    case_number: str | None
    text: str


@router.post("/meetings/{meeting_id}/corrections",
             response={201: CorrectionOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut})
def correct(request, meeting_id: int, payload: CorrectionIn):
    """A correction of signed minutes, by their chair: a new record linked to the meeting (and to the case's
    agenda item when `case_number` is given); the signed minutes and decisions do not change."""
    meeting = _meeting(request, meeting_id)
    item_id = None
    if payload.case_number:
        item_id = meeting.items.filter(case__number=payload.case_number).values_list("pk", flat=True).first()
        if item_id is None:
            raise ApiError(400, "invalid", f"案卷 {payload.case_number} 不在本次会议议题中",
                           fields=[{"field": "case_number", "message": "不在议题中"}])
    correction = services.correct(meeting, request.auth, payload.text, item_id)
    return Status(201, {"meeting": meeting.pk, "seq": correction.seq, "case_number": payload.case_number,
                        "text": correction.text})
