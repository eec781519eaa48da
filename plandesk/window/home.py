"""Workbench panels of the two windows: supplements waiting at intake, results waiting at output."""

from django.urls import reverse
from django.utils.translation import gettext as _

from plandesk.cases.models import Case, CaseStatus
from plandesk.window.models import SupplementNotice
from plandesk.window.services import is_intake_clerk, is_output_clerk


def intake_panel(user) -> dict | None:
    if not is_intake_clerk(user):
        return None
    waiting = SupplementNotice.objects.filter(state=SupplementNotice.State.OPEN).count()
    return {"title": _("接件窗口"), "count": waiting, "text": _("待补正 %(n)d 件") % {"n": waiting},
            "url": reverse("window:intake"), "link_text": _("接件立案")}


def output_panel(user) -> dict | None:
    if not is_output_clerk(user):
        return None
    ready = Case.objects.filter(status=CaseStatus.READY_FOR_PICKUP).count()
    return {"title": _("出件窗口"), "count": ready, "text": _("待取件 %(n)d 件") % {"n": ready},
            "url": reverse("window:desk"), "link_text": _("进入窗口")}


PANELS = [intake_panel, output_panel]
