"""Workbench panel: handbook revisions that take effect soon or did so lately, so staff know the rules changed."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils.translation import gettext as _

from plandesk.handbook.models import ArticleVersion, is_staff_reader, today

WINDOW_DAYS = 30


def handbook_revisions(user) -> dict | None:
    if not is_staff_reader(user):
        return None
    day = today()
    versions = ArticleVersion.objects.filter(
        effective_on__gt=day - timedelta(days=WINDOW_DAYS), effective_on__lte=day + timedelta(days=WINDOW_DAYS),
    ).exclude(change_note="")
    upcoming = versions.filter(effective_on__gt=day).count()
    recent = versions.filter(effective_on__lte=day).count()
    return {
        "title": _("行政管理手册修订"),
        "count": upcoming + recent,
        "text": _("近 %(days)s 天施行 %(recent)s 条，即将施行 %(upcoming)s 条") % {
            "days": WINDOW_DAYS, "recent": recent, "upcoming": upcoming},
        "url": reverse("handbook:index"),
        "link_text": _("查看手册"),
    }


PANELS = [handbook_revisions]
