"""When the calendar makes a booked day a holiday, the applicants and their consultants are told to move it."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.dispatch import receiver
from django.utils import timezone

from plandesk.appointments.models import Appointment
from plandesk.core.signals import calendar_changed
from plandesk.notifications.services import notify
from plandesk.workdays.calendar import is_working_day


@receiver(calendar_changed, dispatch_uid="appointments.closed_days")
def tell_bookings_on_closed_days(sender, dates, **kwargs) -> None:
    tz = timezone.get_current_timezone()
    for day in sorted(dates):
        if is_working_day(day):
            continue
        start = datetime.combine(day, datetime.min.time(), tzinfo=tz)
        booked = Appointment.objects.filter(
            status=Appointment.Status.BOOKED, slot__starts_at__gte=max(start, timezone.now()),
            slot__starts_at__lt=start + timedelta(days=1),
        ).select_related("slot__consultant")
        for appointment in booked:
            notify(kind="appointment.closed_day", channel="sms", address=appointment.phone, obj=appointment,
                   subject="预约日期调整",
                   body=(f"您预约的规划咨询（卡号 {appointment.card_number}）所在日期 {day:%m月%d日} 已调整为休息日，"
                         "大厅不接待。请凭卡号和手机号在门户网站改期。"),
                   dedupe_key=f"appointment-closed-{appointment.pk}-{day:%Y%m%d}")
            notify(kind="appointment.closed_day", recipient=appointment.slot.consultant, obj=appointment,
                   subject=f"预约 {appointment.card_number} 落在休息日",
                   body=f"{day:%Y-%m-%d} 已调整为休息日，预约人 {appointment.name} 已收到改期短信。",
                   dedupe_key=f"appointment-closed-staff-{appointment.pk}-{day:%Y%m%d}")
