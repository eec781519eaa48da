"""`{% case_clock case current %}` on the case workspace: the clock's record and its entry points."""

from __future__ import annotations

from django import template
from django.utils import timezone

from plandesk.cases.models import CaseExtension, ExtensionStatus, PauseReason
from plandesk.workdays import calendar
from plandesk.workflow import clock

register = template.Library()


@register.inclusion_tag("workflow/_clock.html", takes_context=True)
def case_clock(context, case, current):
    user = context["request"].user
    extension = CaseExtension.objects.filter(case=case).first()
    pause = case.open_pause()
    return {
        "request": context["request"], "csrf_token": context.get("csrf_token"), "case": case, "current": current,
        "pauses": list(case.pauses.order_by("started_at")), "open_pause": pause,
        "may_end_pause": current is not None and pause is not None and pause.reason in clock.TASK_PAUSES,
        "reasons": [(r, PauseReason(r).label) for r in clock.TASK_PAUSES],
        "extension": extension, "max_days": clock.extension_max_days(),
        "may_decide": bool(extension and extension.status == ExtensionStatus.REQUESTED
                           and clock.may_decide_extension(user, case)),
        "approved": bool(extension and extension.status == ExtensionStatus.APPROVED),
        "today": calendar.local_date(timezone.now()),
    }
