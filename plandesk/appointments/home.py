"""Workbench panel: a consultant's bookings today."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from plandesk.appointments.models import Appointment, Slot


def todays_appointments(user) -> dict | None:
    if not user.has_role("consultant"):
        return None
    count = Appointment.objects.filter(
        slot__in=Slot.objects.on(timezone.localdate()).filter(consultant=user), status=Appointment.Status.BOOKED
    ).count()
    return {"title": _("今日待接待预约"), "count": count, "url": reverse("appointments:schedule"),
            "link_text": _("接待日程")}


PANELS = [todays_appointments]
