"""The catalogue's section of the portal's home page (slot "guides"; see plandesk/portal/sections.py)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from plandesk.catalog.models import Item


def guides(request) -> dict:
    """The published items, linked to their guide pages."""
    items = list(Item.objects.published()[:12])
    section = {"slot": "guides", "items": [
        {"title": item.name, "url": reverse("catalog:item", args=[item.code]),
         "meta": _("承诺时限 %(days)s 个工作日") % {"days": item.current.promised_days}}
        for item in items
    ]}
    if items:
        section["coming_soon"] = False
    return section


SECTIONS = [guides]
