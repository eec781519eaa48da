"""Workbench panel: my open tasks, with how many are red or yellow."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from plandesk.workflow.services import workable_tasks


def my_tasks(user) -> dict | None:
    rows = workable_tasks(user)
    total = len(rows)
    if not total:
        return None
    now = timezone.now()
    red = sum(1 for t in rows if t.due_at is not None and t.due_at <= now)
    yellow = sum(1 for t in rows if t.due_at is not None and t.due_at > now and t.warn_at is not None
                 and t.warn_at <= now)
    return {"title": _("我的待办"), "count": total,
            "text": _("红灯 %(red)d 件，黄灯 %(yellow)d 件") % {"red": red, "yellow": yellow},
            "url": reverse("workflow:todo"), "link_text": _("进入待办")}


PANELS = [my_tasks]
