"""Workbench panels: the office's notices to issue (and windows about to lapse); a handler's notices to answer."""

from django.urls import reverse
from django.utils.translation import gettext as _

from plandesk.supervision.models import NoticeStatus, UrgingNotice
from plandesk.supervision.services import is_office
from plandesk.workflow.models import Light, Task, TaskState


def office_desk(user) -> dict | None:
    if not is_office(user):
        return None
    drafts = list(UrgingNotice.objects.filter(status=NoticeStatus.DRAFT, task__state=TaskState.OPEN))
    lapsing = sum(n.window_lapses_soon() for n in drafts)
    yellow = Task.objects.open().filter(light=Light.YELLOW).count()
    red = Task.objects.open().filter(light=Light.RED).count()
    text = _("待签发催办通知书 %(drafts)d 份（签发期限将至 %(lapsing)d 份）；黄灯 %(yellow)d 件，红灯 %(red)d 件") % {
        "drafts": len(drafts), "lapsing": lapsing, "yellow": yellow, "red": red}
    return {"title": _("督办台"), "count": len(drafts), "text": text,
            "url": reverse("supervision:desk"), "link_text": _("进入督办台")}


def my_urgings(user) -> dict | None:
    waiting = UrgingNotice.objects.filter(handler=user, status=NoticeStatus.ISSUED).count()
    if not waiting:
        return None
    return {"title": _("催办通知书"), "count": waiting, "text": _("有 %(n)d 份催办通知书待书面反馈") % {"n": waiting},
            "url": reverse("supervision:notices"), "link_text": _("查看督办件")}


PANELS = [office_desk, my_urgings]
