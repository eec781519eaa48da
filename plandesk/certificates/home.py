"""Workbench panels: drafts waiting for the caller's check; issued certificates not yet handed over (output window)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from plandesk.certificates.models import Certificate, Status
from plandesk.certificates.services import is_output_clerk, may_check


def check_panel(user) -> dict | None:
    drafts = [c for c in Certificate.objects.filter(status=Status.DRAFT, prepared_by__isnull=False)
              .exclude(prepared_by=user).select_related("case__handling_office")[:200] if may_check(user, c)]
    if not drafts:
        return None
    return {"title": _("证照校核"), "count": len(drafts), "text": _("待校核 %(n)d 份") % {"n": len(drafts)},
            "url": reverse("certificates:case", args=[drafts[0].case.number]), "link_text": _("去校核")}


def output_panel(user) -> dict | None:
    if not is_output_clerk(user):
        return None
    waiting = Certificate.objects.filter(status=Status.ISSUED, handovers__isnull=True).count()
    return {"title": _("待发证照"), "count": waiting, "text": _("已签发未发放 %(n)d 份") % {"n": waiting},
            "url": reverse("certificates:register"), "link_text": _("发证登记簿")}


PANELS = [check_panel, output_panel]
