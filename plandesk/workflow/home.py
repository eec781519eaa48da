"""Workbench panel: my open tasks, with how many are red or yellow."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from plandesk.workflow.models import Task


def my_tasks(user) -> dict | None:
    rows = Task.objects.workable_by(user)
    total = rows.count()
    if not total:
        return None
    now = timezone.now()
    red = rows.filter(due_at__lte=now).count()
    yellow = rows.filter(due_at__gt=now, warn_at__lte=now).count()
    return {"title": _("我的待办"), "count": total,
            "text": _("红灯 %(red)d 件，黄灯 %(yellow)d 件") % {"red": red, "yellow": yellow},
            "url": reverse("workflow:todo"), "link_text": _("进入待办")}


PANELS = [my_tasks]
