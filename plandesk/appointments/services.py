"""Booking, finding and changing appointments. Every refusal is a BookingError with a code and a Chinese reason."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from plandesk.appointments.models import Appointment, BlockedPeriod, ReceptionHours, Slot
from plandesk.appointments.rules import rule
from plandesk.audit.services import record
from plandesk.core.limits import Policy
from plandesk.core.refusals import Refusal
from plandesk.window.identity import IdentityError, validate_mobile
from plandesk.workdays.calendar import is_working_day


class BookingError(Refusal):
    """A refused booking (one refusal type for the house: plandesk/core/refusals.py); `field` names the form field."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None):
        super().__init__(message, status=status, code=code, **({"field": field} if field else {}))
        self.field = field


# --- slots ---------------------------------------------------------------------------------------------------

def bookable_window(today: date | None = None) -> tuple[date, date]:
    today = today or timezone.localdate()
    return today, today + timedelta(days=rule("HORIZON_DAYS"))


def hours_weekday(day: date) -> int:
    """The weekday whose hours apply: a weekend day worked in lieu (调休) opens with Monday's hours."""
    return day.weekday() if day.weekday() < 5 else 0


def ensure_slots(day: date) -> None:
    """Materialise the day's slots from the reception hours (idempotent). Nothing on a non-working day."""
    if not is_working_day(day):
        return
    tz = timezone.get_current_timezone()
    new = []
    hours = ReceptionHours.objects.filter(is_active=True, place__is_active=True, weekday=hours_weekday(day))
    for entry in hours:
        start = datetime.combine(day, entry.starts, tzinfo=tz)
        close = datetime.combine(day, entry.ends, tzinfo=tz)
        step = timedelta(minutes=entry.slot_minutes)
        while start + step <= close:
            new.append(Slot(consultant_id=entry.consultant_id, post_id=entry.post_id, place_id=entry.place_id,
                            starts_at=start, ends_at=start + step))
            start += step
    if new:
        Slot.objects.bulk_create(new, ignore_conflicts=True)


def slots_on(day: date):
    """The day's slots with `is_booked`/`is_blocked`; none on a non-working day (by the calendar, 调休 included)."""
    if not is_working_day(day):
        return Slot.objects.none()
    first, last = bookable_window()
    if first <= day <= last:
        ensure_slots(day)
    return Slot.objects.on(day).with_state().select_related("consultant", "place")


def consultants() -> list[tuple[str, str]]:
    """(username, name) of the consultants who receive, for the applicant's preferred-consultant choice."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(reception_hours__is_active=True).distinct().order_by("username")
    return [(user.username, user.display_name) for user in users]


def is_free(slot: Slot, now: datetime | None = None) -> bool:
    """Bookable now: in the future, on a working day, not blocked, not booked (annotated by with_state())."""
    now = now or timezone.now()
    if slot.starts_at <= now or slot.is_booked or slot.is_blocked:
        return False
    return is_working_day(timezone.localdate(slot.starts_at))


# --- rate limits -----------------------------------------------------------------------------------------------

# Booking, cancel, move and look-up attempts per client address and hour, whatever their kind.
ATTEMPTS = Policy("appointments.attempt", limit=lambda: rule("ATTEMPTS_PER_HOUR"))


def throttle(ip: str | None, kind: str) -> None:
    """Count an attempt (of any `kind`) from this client address; refuse (429) once the hourly allowance is spent."""
    if not ATTEMPTS.take(ip):
        raise BookingError(429, "too_many_attempts", "操作过于频繁，请一小时后再试")


# --- booking ---------------------------------------------------------------------------------------------------

@dataclass
class Applicant:
    name: str
    phone: str
    topic: str
    case_number: str = ""
    organization: str = ""


def clean_applicant(applicant: Applicant) -> Applicant:
    name = (applicant.name or "").strip()
    if not name or len(name) > 60:
        raise BookingError(422, "invalid", "请填写姓名（不超过 60 字）", field="name")
    try:
        phone = validate_mobile(applicant.phone)
    except IdentityError as exc:
        raise BookingError(422, "invalid", str(exc), field="phone") from None
    topic = (applicant.topic or "").strip()
    if not topic or len(topic) > 500:
        raise BookingError(422, "invalid", "请填写咨询事项（不超过 500 字）", field="topic")
    case_number = (applicant.case_number or "").strip()
    if case_number and (not case_number.isdigit() or len(case_number) > 40):
        raise BookingError(422, "invalid", "案件编号应为数字", field="case_number")
    organization = (applicant.organization or "").strip()
    if len(organization) > 120:
        raise BookingError(422, "invalid", "单位名称不超过 120 字", field="organization")
    return Applicant(name, phone, topic, case_number, organization)


def _check_phone_limits(phone: str, channel: str, now: datetime) -> None:
    upcoming = Appointment.objects.filter(
        phone=phone, status=Appointment.Status.BOOKED, slot__starts_at__gt=now
    ).count()
    if upcoming >= rule("MAX_FUTURE_PER_PHONE"):
        raise BookingError(
            409, "booking_limit", f"该手机号已有 {upcoming} 个未到期的预约，最多 {rule('MAX_FUTURE_PER_PHONE')} 个",
        )
    if channel == Appointment.Channel.ONLINE:
        suspended_until = online_suspension_until(phone, now)
        if suspended_until is not None:
            until = f"{timezone.localtime(suspended_until):%Y-%m-%d}"
            raise BookingError(409, "suspended", f"该手机号多次预约未到，{until} 前不能网上预约，请致电或到窗口预约")


def online_suspension_until(phone: str, now: datetime | None = None) -> datetime | None:
    now = now or timezone.now()
    window = now - timedelta(days=rule("NO_SHOW_WINDOW_DAYS"))
    no_shows = list(
        Appointment.objects.filter(phone=phone, status=Appointment.Status.NO_SHOW, slot__starts_at__gte=window)
        .order_by("-slot__starts_at").values_list("slot__starts_at", flat=True)[: rule("NO_SHOW_LIMIT")]
    )
    if len(no_shows) < rule("NO_SHOW_LIMIT"):
        return None
    until = no_shows[0] + timedelta(days=rule("NO_SHOW_SUSPEND_DAYS"))
    return until if until > now else None


def _lock_phone(phone: str) -> None:
    if connection.vendor == "postgresql":
        key = int.from_bytes(hashlib.sha256(f"appointments:{phone}".encode()).digest()[:8], "big", signed=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def new_card_number(day: date) -> str:
    """12 digits, typeable on a phone keypad: the date of the consultation and six random digits."""
    while True:
        number = f"{day:%y%m%d}{secrets.randbelow(10**6):06d}"
        if not Appointment.objects.filter(card_number=number).exists():
            return number


def book(
    slot_id: int,
    applicant: Applicant,
    *,
    channel: str = Appointment.Channel.ONLINE,
    booked_by=None,
    ip: str | None = None,
) -> Appointment:
    """Book a slot. The database refuses a second live booking of a slot (409 slot_taken), whatever the timing."""
    if channel == Appointment.Channel.ONLINE:
        throttle(ip, "book")
    applicant = clean_applicant(applicant)
    slot = Slot.objects.with_state().select_related("place", "consultant").filter(pk=slot_id).first()
    if slot is None:
        raise BookingError(404, "not_found", "预约时段不存在", field="slot_id")
    now = timezone.now()
    if slot.is_booked:
        raise BookingError(409, "slot_taken", "该时段已被预约，请选择其他时段")
    if not is_free(slot, now):
        raise BookingError(409, "slot_unavailable", "该时段不可预约（已过时、停止预约或非工作日）")
    try:
        with transaction.atomic():
            # The per-phone limit is checked under a lock on the phone number, so racing requests cannot all pass it
            # (SQLite: the IMMEDIATE transaction already serialises writers; PostgreSQL: an advisory lock).
            _lock_phone(applicant.phone)
            _check_phone_limits(applicant.phone, channel, now)
            appointment = Appointment.objects.create(
                card_number=new_card_number(timezone.localdate(slot.starts_at)), slot=slot,
                name=applicant.name, organization=applicant.organization, phone=applicant.phone,
                topic=applicant.topic, case_number=applicant.case_number, channel=channel,
                booked_by=booked_by if getattr(booked_by, "is_authenticated", False) else None, client_ip=ip,
            )
            record("appointments.booked", appointment, after=appointment.summary(), ip=ip,
                   summary=f"预约 {appointment.card_number}：{slot}")
    except IntegrityError:
        raise BookingError(409, "slot_taken", "该时段已被预约，请选择其他时段") from None
    return appointment


def find(card_number: str, phone: str) -> Appointment | None:
    """The booking with this card number, if the phone matches; otherwise None (no hint which one was wrong)."""
    try:
        phone = validate_mobile(phone)
    except IdentityError:
        return None
    appointment = Appointment.objects.select_related("slot__place", "slot__consultant").filter(
        card_number=(card_number or "").strip()
    ).first()
    if appointment is None or not secrets.compare_digest(appointment.phone, phone):
        return None
    return appointment


def move(appointment: Appointment, slot_id: int, *, ip: str | None = None) -> Appointment:
    """Move a booking to another free slot, keeping its card number."""
    slot = Slot.objects.with_state().filter(pk=slot_id).first()
    if slot is None:
        raise BookingError(404, "not_found", "预约时段不存在", field="slot_id")
    if slot.is_booked:
        raise BookingError(409, "slot_taken", "该时段已被预约，请选择其他时段")
    if not is_free(slot):
        raise BookingError(409, "slot_unavailable", "该时段不可预约（已过时、停止预约或非工作日）")
    try:
        appointment.move_to(slot, ip=ip)
    except IntegrityError:
        raise BookingError(409, "slot_taken", "该时段已被预约，请选择其他时段") from None
    return appointment


def block(consultant, starts_at: datetime, ends_at: datetime, reason: str) -> BlockedPeriod:
    period = BlockedPeriod(consultant=consultant, starts_at=starts_at, ends_at=ends_at, reason=reason)
    period.full_clean()
    with transaction.atomic():
        period.save()
        record("appointments.blocked", period, after={"reason": reason}, summary=f"停止预约：{period}")
    return period
