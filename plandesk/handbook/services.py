"""Links between the regulations library and the catalogue's items (same layer: read-only, no copies)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import NoReverseMatch, reverse

from plandesk.handbook.models import Regulation


def item_procedures() -> list[dict]:
    """The catalogue's published items with links to their guides: the handbook points there, never copies."""
    try:
        from plandesk.catalog.models import Item
    except ImportError:
        return []
    rows = []
    for item in Item.objects.published():
        try:
            url = reverse("catalog:item", args=[item.code])
        except NoReverseMatch:
            url = None
        rows.append({"name": item.name, "url": url, "days": item.current.promised_days,
                     "steps": len(item.current.procedure or [])})
    return rows


def citing_items(regulation: Regulation) -> list:
    """The catalogue's published items whose legal basis names the regulation as 《title》 or 《short title》."""
    try:
        from plandesk.catalog.models import Item
    except ImportError:  # a installation without the catalogue
        return []
    names = [f"《{n}》" for n in (regulation.title, regulation.short_title) if n]
    match = Q()
    for name in names:
        match |= Q(current__legal_basis__contains=name)
    return list(Item.objects.published().filter(match))
