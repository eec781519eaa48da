"""Workbench panel for those who chair meetings: how many cases wait for their meeting, how many are late."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from plandesk.meetings import rules, services
from plandesk.meetings.models import Kind
from plandesk.organization.models import Post, Unit


def waiting_for_my_meetings(user) -> dict | None:
    if not user.is_authenticated:
        return None
    queues = []
    headed = Unit.objects.filter(head=user) | Unit.objects.filter(
        posts__in=Post.objects.held_by(user).filter(function=Post.Function.HEAD))
    for unit in headed.distinct():
        queues.append(services.waiting_tasks(Kind.DIVISION, unit))
    if rules.is_director(user):
        queues.append(services.waiting_tasks(Kind.BUREAU))
    if not queues:
        return None
    now = timezone.now()
    total = sum(q.count() for q in queues)
    if not total:
        return None
    red = sum(q.filter(due_at__lte=now).count() for q in queues)
    return {"title": _("待上会案卷"), "count": total, "text": _("其中红灯 %(red)d 件") % {"red": red},
            "url": reverse("meetings:list"), "link_text": _("进入两会")}


PANELS = [waiting_for_my_meetings]
