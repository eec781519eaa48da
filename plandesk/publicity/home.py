"""Workbench panels: publicity at risk (notice missing or late, start near) and opinions waiting for moderation."""

from django.urls import reverse
from django.utils.translation import gettext as _

from plandesk.accounts.models import Role
from plandesk.publicity.models import Opinion, OpinionStatus, Publicity
from plandesk.publicity.views import can_manage


def at_risk(user) -> dict | None:
    if not can_manage(user):
        return None
    count = Publicity.objects.at_risk().count()
    if not count and not user.has_role(Role.OFFICE_SUPERVISOR):
        return None  # the office always sees the panel; others only when something is at risk
    risky = list(Publicity.objects.at_risk().order_by("notice_due_on")[:3])
    return {
        "title": _("公示预警（媒体公告缺失或逾期）"),
        "count": count,
        "text": "、".join(f"{p.title}（公告最迟 {p.notice_due_on:%m-%d}）" for p in risky) or _("暂无"),
        "url": reverse("publicity:staff_list"),
        "link_text": _("查看公示"),
    }


def pending_opinions(user) -> dict | None:
    if not can_manage(user):
        return None
    count = Opinion.objects.filter(status=OpinionStatus.PENDING).count()
    if not count:
        return None
    return {"title": _("待审核的公众意见"), "count": count, "url": reverse("publicity:staff_list"),
            "link_text": _("去审核")}


PANELS = [at_risk, pending_opinions]
