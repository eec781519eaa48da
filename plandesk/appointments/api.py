"""Appointments for the portal, mobile and phone front ends (shared/API.md: "Publicity, appointments ...")."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.utils import timezone
from django.utils.timezone import localtime
from ninja import Router, Schema, Status

from plandesk.accounts.auth import bearer
from plandesk.appointments import services
from plandesk.appointments.models import InvalidTransition
from plandesk.appointments.rules import DESK_ROLES
from plandesk.core.api_errors import ApiError, ErrorOut
from plandesk.core.context import client_ip

router = Router(tags=["预约接待 appointments"])
PREFIX = "/appointments"



class SlotOut(Schema):
    id: int
    starts_at: datetime
    ends_at: datetime
    consultant: str
    place: str
    free: bool


class BookIn(Schema):
    slot_id: int
    name: str
    phone: str
    topic: str
    case_number: str | None = None
    unit: str | None = None
    # Staff booking on a caller's behalf (the appointment window, the phone line) say so with a desk token.
    channel: Literal["online", "window", "phone"] = "online"


class BookedOut(Schema):
    card_number: str
    starts_at: datetime
    place: str


class CancelIn(Schema):
    phone: str


class MoveIn(Schema):
    phone: str
    slot_id: int


class CancelledOut(Schema):
    card_number: str
    status: str



@router.get("/slots", response={200: list[SlotOut], 400: ErrorOut}, auth=None)
def slots(request, date: str, consultant: str | None = None):
    """The day's consultation slots; none on a non-working day (holidays and adjusted working days honoured).
    `consultant` (a username, optional) keeps the slots of the applicant's preferred consultant."""
    try:
        day = _parse_date(date)
    except ValueError:
        raise ApiError(400, "invalid_date", "date 不是有效日期（格式 YYYY-MM-DD）", field="date") from None
    now = timezone.now()
    return [
        {"id": slot.pk, "starts_at": localtime(slot.starts_at), "ends_at": localtime(slot.ends_at),
         "consultant": slot.consultant_name, "place": slot.place.name,
         "free": slot.starts_at > now and not slot.is_booked and not slot.is_blocked}
        for slot in (services.slots_on(day).filter(consultant__username=consultant) if consultant
                     else services.slots_on(day))
    ]


def _parse_date(value: str) -> date:
    return date.fromisoformat(value)


def _desk_user(request):
    """The staff member behind an optional bearer token, if he works the appointment desk."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    user = bearer.authenticate(request, header.removeprefix("Bearer ").strip())
    return user if user is not None and user.has_role(*DESK_ROLES) else None


@router.post("", response={201: BookedOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
                           422: ErrorOut, 429: ErrorOut}, auth=None)
def book(request, payload: BookIn):
    """Book a slot; a slot already taken → 409 slot_taken. Limits: future bookings per phone, attempts per address.
    `channel` "window"/"phone" (booking on a caller's behalf) needs the bearer token of appointment-desk staff."""
    applicant = services.Applicant(name=payload.name, phone=payload.phone, topic=payload.topic,
                                   case_number=payload.case_number or "", organization=payload.unit or "")
    staff = None
    if payload.channel != "online":
        staff = _desk_user(request)
        if staff is None:
            raise ApiError(403, "forbidden", "代为预约须由预约窗口工作人员使用其令牌办理")
    appointment = services.book(payload.slot_id, applicant, channel=payload.channel, booked_by=staff,
                                ip=client_ip(request))
    return Status(201, {"card_number": appointment.card_number, "starts_at": localtime(appointment.slot.starts_at),
                 "place": appointment.slot.place.name})


def _find(request, card_number: str, phone: str, kind: str):
    services.throttle(client_ip(request), kind)
    appointment = services.find(card_number, phone)
    if appointment is None:
        raise ApiError(404, "not_found", "预约卡号或手机号码不正确")
    return appointment


@router.post("/{card_number}/cancel", response={200: CancelledOut, 404: ErrorOut, 409: ErrorOut, 429: ErrorOut},
             auth=None)
def cancel(request, card_number: str, payload: CancelIn):
    """Cancel with the card number and the phone number given at booking; a wrong phone → 404."""
    appointment = _find(request, card_number, payload.phone, "cancel")
    try:
        appointment.cancel(ip=client_ip(request))
    except InvalidTransition as exc:
        raise ApiError(409, "not_cancellable", exc.message) from None
    return {"card_number": appointment.card_number, "status": appointment.status}


@router.post("/{card_number}/move", response={200: BookedOut, 404: ErrorOut, 409: ErrorOut, 429: ErrorOut},
             auth=None)
def move(request, card_number: str, payload: MoveIn):
    """Move a booking to another free slot, keeping the card number."""
    appointment = _find(request, card_number, payload.phone, "move")
    try:
        services.move(appointment, payload.slot_id, ip=client_ip(request))
    except InvalidTransition as exc:
        raise ApiError(409, "not_movable", exc.message) from None
    return {"card_number": appointment.card_number, "starts_at": localtime(appointment.slot.starts_at),
            "place": appointment.slot.place.name}
