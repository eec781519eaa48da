"""Fixtures of the catalogue's tests: a small bureau geography and items to route."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.gis.geos import MultiPolygon, Point, Polygon

from plandesk.catalog.models import Category, DelegationRule, Item, ItemVersion
from plandesk.catalog.schemas import form_schema, indicator, text
from plandesk.organization.models import Unit


def lonlat_box(west: float, south: float, east: float, north: float) -> MultiPolygon:
    """A longitude/latitude box as a MultiPolygon in the bureau's CRS."""
    ring = ((west, south), (east, south), (east, north), (west, north), (west, south))
    geom = MultiPolygon(Polygon(ring), srid=4326)
    geom.transform(settings.PLANDESK_SRID)
    return geom


def lonlat_point(lon: float, lat: float) -> Point:
    point = Point(lon, lat, srid=4326)
    point.transform(settings.PLANDESK_SRID)
    return point


SIMPLE_SCHEMA = form_schema(
    "测试申请表",
    {"project_name": text("项目名称"), "land_area_m2": indicator("land_area_m2")},
    ["project_name"],
)


def make_item(code: str, name: str, *, materials=(), **fields) -> Item:
    item = Item.objects.create(code=code)
    values = {
        "name": name,
        "category": Category.NON_LICENCE,
        "legal_basis": "《中华人民共和国城乡规划法》",
        "statutory_days": 20,
        "promised_days": 10,
        "form_schema": SIMPLE_SCHEMA,
        "process_id": "plandesk_two_meetings",
        **fields,
    }
    ItemVersion(item=item, **values).publish(materials=list(materials))
    item.refresh_from_db()
    return item


@pytest.fixture
def geography(db) -> dict[str, Unit]:
    """The demo geography of docs/CONTRACTS.md: bureau, div1 west, div2 east, div3 all, branch east, town west."""
    central = lonlat_box(114.26, 30.56, 114.34, 30.64)
    bureau = Unit.objects.create(code="bureau", name="局领导", kind="bureau", jurisdiction=central)
    units = {"bureau": bureau}
    for code, name, kind, extent in [
        ("div1", "行政审批一处", "division", (114.26, 30.56, 114.30, 30.64)),
        ("div2", "行政审批二处", "division", (114.30, 30.56, 114.34, 30.64)),
        ("div3", "行政审批三处", "division", None),
        ("branch_east", "东区分局", "branch", (114.34, 30.56, 114.40, 30.64)),
        ("town_qiao", "乔镇", "town", (114.20, 30.56, 114.26, 30.64)),
    ]:
        units[code] = Unit.objects.create(
            code=code, name=name, kind=kind, parent=bureau, jurisdiction=lonlat_box(*extent) if extent else None
        )
    return units


@pytest.fixture
def routed_items(geography) -> dict[str, Item]:
    """A bureau item split between div1/div2 and delegated to the branch, a town item, and a div3 item."""
    permit = make_item("permit", "建设工程规划许可证")
    for unit, priority in [("div1", 10), ("div2", 10), ("branch_east", 20)]:
        DelegationRule.objects.create(item=permit, unit=geography[unit], priority=priority)
    rural = make_item("rural", "乡村建设规划许可", handling_level="town")
    DelegationRule.objects.create(item=rural, unit=geography["town_qiao"])
    pipes = make_item("pipes", "市政管线工程规划审批")
    DelegationRule.objects.create(item=pipes, unit=geography["div3"])
    return {"permit": permit, "rural": rural, "pipes": pipes}


@pytest.fixture
def catalogue(geography) -> dict[str, Item]:
    """The demo catalogue: the 11 items with their rules."""
    import io

    from plandesk.catalog.demo import load

    load(io.StringIO())
    return {item.code: item for item in Item.objects.select_related("current")}
