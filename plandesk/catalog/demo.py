"""Demo catalogue: the 11 items, the parallel group and the delegation rules. Idempotent.

Runs after organization's demo (layer order), whose unit codes the rules name. An item that already has a
version is left as it is, so edits made in the admin survive a second `plandesk demo`.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.geos import MultiPolygon, Polygon

from plandesk.catalog.definitions import DEMO_AREAS, ITEMS, PARALLEL_GROUPS, ItemDefinition
from plandesk.catalog.models import DelegationRule, Item, ItemVersion, ParallelGroup
from plandesk.organization.models import Unit


def install(definition: ItemDefinition, order: int = 100, actor=None) -> Item:
    """Create the item with its first version unless it exists; add missing delegation rules."""
    item, _created = Item.objects.get_or_create(code=definition.code, defaults={"order": order})
    if item.current_id is None:
        group = None
        if definition.parallel_group:
            name, description = PARALLEL_GROUPS[definition.parallel_group]
            group, _ = ParallelGroup.objects.get_or_create(
                code=definition.parallel_group, defaults={"name": name, "description": description}
            )
        version = ItemVersion(item=item, parallel_group=group, change_note="初始发布", **definition.version_fields())
        version.publish(actor=actor, materials=definition.material_fields())
    return item


def _ring(west: float, south: float, east: float, north: float) -> tuple:
    return ((west, south), (east, south), (east, north), (west, north), (west, south))


def demo_area(name: str) -> MultiPolygon:
    """A named demo area as a MultiPolygon in the bureau's CRS (a box, possibly with a hole)."""
    outer, hole = DEMO_AREAS[name]
    rings = [_ring(*outer)] + ([_ring(*hole)] if hole else [])
    geom = MultiPolygon(Polygon(*rings), srid=4326)
    geom.transform(settings.PLANDESK_SRID)
    return geom


def add_rules(item: Item, definition: ItemDefinition, out=None) -> None:
    """The definition's rules, brought up to date (priority, area); a missing unit is reported and skipped."""
    for unit_code, priority, *area in definition.offices:
        unit = Unit.objects.filter(code=unit_code).first()
        if unit is None:
            if out is not None:
                out.write(f"    ! 单位 {unit_code} 不存在，跳过 {item.code} 的下放规则")
            continue
        DelegationRule.objects.update_or_create(
            item=item, unit=unit, defaults={"priority": priority, "area": demo_area(area[0]) if area else None}
        )


def load(out) -> None:
    for order, definition in enumerate(ITEMS, start=1):
        item = install(definition, order=order * 10)
        add_rules(item, definition, out)
