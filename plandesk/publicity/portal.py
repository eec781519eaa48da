"""Publicity's section of the portal's home page (slot "publicity"; see plandesk/portal/sections.py)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from plandesk.publicity.models import Publicity


def running(request) -> dict:
    """Publicity running today, the closest to its end first."""
    return {"slot": "publicity", "items": [
        {"title": publicity.title, "url": publicity.get_absolute_url(),
         "meta": _("公示期 %(start)s 至 %(end)s") % {"start": f"{publicity.starts_on:%Y-%m-%d}",
                                                   "end": f"{publicity.ends_on:%Y-%m-%d}"}}
        for publicity in Publicity.objects.current().order_by("ends_on")[:5]
    ]}


SECTIONS = [running]
