"""Workbench panel: administrators are warned while a year's holiday schedule is missing."""

from django.urls import reverse
from django.utils.translation import gettext as _

from plandesk.workdays.admin import schedule_warning_text
from plandesk.workdays.models import schedule_warning_years


def missing_schedule(user) -> dict | None:
    if not user.has_role("administrator"):
        return None
    years = schedule_warning_years()
    if not years:
        return None
    return {
        "title": _("节假日安排未录入"),
        "text": schedule_warning_text(years),
        "url": reverse("admin:workdays_calendarday_changelist"),
        "link_text": _("录入节假日"),
        "level": "warning",
    }


PANELS = [missing_schedule]
