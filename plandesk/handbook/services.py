"""Links between the regulations library and the catalogue's items (same layer: read-only, no copies)."""

from __future__ import annotations

from django.db.models import Q

from plandesk.handbook.models import Regulation


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
