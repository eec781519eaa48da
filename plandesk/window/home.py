"""Workbench panels of the two windows: supplements waiting at intake, results waiting at output."""

from django.urls import reverse
from django.utils.translation import gettext as _

from plandesk.cases.models import Case, CaseStatus
from plandesk.organization.roles import is_director_or_office
from plandesk.window.materials import counts_by_light
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


def owed_panel(user) -> dict | None:
    """The office's (and the windows') light on 容缺 materials still owed: late ones red, soon due yellow."""
    if not (is_director_or_office(user) or is_intake_clerk(user)):
        return None
    counts = counts_by_light()
    return {"title": _("容缺材料督办"), "count": counts["red"],
            "text": _("逾期未补交（红灯）%(red)d 项，临期或待发证前补交（黄灯）%(yellow)d 项") % counts,
            "url": reverse("window:owed"), "link_text": _("查看容缺材料")}


PANELS = [intake_panel, output_panel, owed_panel]
