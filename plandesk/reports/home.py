"""Workbench panel: the office sees the follow-ups of bad ratings still open, and how many are red."""

from django.urls import reverse
from django.utils.translation import gettext as _

from plandesk.organization.roles import is_office
from plandesk.reports.models import FollowUp, FollowUpLight


def open_follow_ups(user) -> dict | None:
    if not is_office(user):
        return None
    rows = FollowUp.objects.open()
    count = rows.count()
    if not count:
        return None
    red = rows.filter(light=FollowUpLight.RED).count()
    return {"title": _("差评整改"), "count": count,
            "text": _("差评待回访整改 %(n)d 件（红灯 %(red)d 件）") % {"n": count, "red": red},
            "url": reverse("reports:follow_ups"), "link_text": _("办理差评整改")}


PANELS = [open_follow_ups]
