"""Worker jobs: the reminder the working day before and no-shows after the slot (old rate-limit windows are
forgotten by core's job, see core/limits.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from plandesk.appointments.models import Appointment, InvalidTransition
from plandesk.appointments.rules import rule
from plandesk.notifications.services import notify
from plandesk.workdays.calendar import add_working_days


def send_reminders() -> int:
    """SMS the applicants whose consultation is on the next working day; each once (compare-and-set claim)."""

    tz = timezone.get_current_timezone()
    tomorrow = add_working_days(timezone.localdate(), 1)
    start = datetime.combine(tomorrow, datetime.min.time(), tzinfo=tz)
    due = Appointment.objects.filter(
        status=Appointment.Status.BOOKED, reminded_at__isnull=True,
        slot__starts_at__gte=timezone.now(), slot__starts_at__lt=start + timedelta(days=1),
    ).select_related("slot__place")
    sent = 0
    for appointment in due:
        if not Appointment.objects.filter(pk=appointment.pk, reminded_at__isnull=True).update(
            reminded_at=timezone.now()
        ):
            continue
        starts = timezone.localtime(appointment.slot.starts_at)
        notify(
            kind="appointment.reminder", channel="sms", address=appointment.phone, obj=appointment,
            subject="预约接待提醒",
            body=(f"【{_bureau()}】您预约的规划咨询（卡号 {appointment.card_number}）在 {starts:%m月%d日 %H:%M}，"
                  f"地点：{appointment.slot.place.name}。如不能前来，请凭卡号和手机号取消。"),
            dedupe_key=f"appointment-reminder-{appointment.pk}-{starts:%Y%m%d%H%M}",
        )
        sent += 1
    return sent


def mark_no_shows() -> int:
    """Bookings never checked in by the grace time after their slot ended are no-shows."""
    cutoff = timezone.now() - timedelta(minutes=rule("NO_SHOW_GRACE_MINUTES"))
    count = 0
    for appointment in Appointment.objects.filter(status=Appointment.Status.BOOKED, slot__ends_at__lt=cutoff):
        try:
            appointment.mark_no_show()
            count += 1
        except InvalidTransition:
            continue  # checked in meanwhile
    return count


def _bureau() -> str:
    from django.conf import settings

    return settings.PLANDESK_BUREAU_NAME


JOBS = [send_reminders, mark_no_shows]
