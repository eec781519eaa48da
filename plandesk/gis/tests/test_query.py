"""Spatial queries go through the spatial index on both backends."""

from __future__ import annotations

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.db import connection

from plandesk.gis.models import Building, LayerVersion
from plandesk.gis.query import bbox_filter, intersecting

pytestmark = pytest.mark.django_db

X0, Y0 = 528_000, 3_386_000


@pytest.fixture
def grid(layers):
    """10 × 10 buildings of 20 m × 20 m every 50 m."""
    layer = layers["buildings"]
    version = LayerVersion.open_next(layer, mode=LayerVersion.Mode.REPLACE)
    Building.objects.bulk_create(
        Building(layer=layer, version=version, code=f"{i}-{j}",
                 geom=MultiPolygon(Polygon.from_bbox((X0 + i * 50, Y0 + j * 50, X0 + i * 50 + 20, Y0 + j * 50 + 20)),
                                   srid=4547))
        for i in range(10) for j in range(10)
    )
    return layer


def test_it_finds_what_a_box_meets(grid):
    found = bbox_filter(Building.objects.all(), (X0 + 10, Y0 + 10, X0 + 60, Y0 + 60))
    assert sorted(found.values_list("code", flat=True)) == ["0-0", "0-1", "1-0", "1-1"]


def test_it_applies_the_exact_predicate_after_the_index(grid):
    # A triangle whose bounding box covers 4 buildings but which misses the one at the far corner (1-1).
    triangle = Polygon(((X0 + 5, Y0 + 5), (X0 + 65, Y0 + 5), (X0 + 5, Y0 + 65), (X0 + 5, Y0 + 5)), srid=4547)
    found = intersecting(Building.objects.all(), triangle).values_list("code", flat=True)
    assert sorted(found) == ["0-0", "0-1", "1-0"]


def test_it_accepts_a_box_in_longitude_and_latitude(grid):
    found = bbox_filter(Building.objects.all(), (114.0, 30.0, 115.0, 31.0), srid=4326)
    assert found.count() == 100


def test_it_uses_the_spatial_index(grid):
    qs = bbox_filter(Building.objects.filter(layer=grid), (X0, Y0, X0 + 100, Y0 + 100))
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
            assert "SpatialIndex VIRTUAL TABLE" in plan, plan
        else:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = " | ".join(row[0] for row in cursor.fetchall())
            assert "Index Scan using geo_building_geom" in plan, plan


def test_it_caps_index_candidates_for_answers_cut_to_a_limit(grid):
    found = bbox_filter(Building.objects.all(), (X0 - 1, Y0 - 1, X0 + 600, Y0 + 600), cap=7)
    # Only SpatiaLite needs the cap (its IN-list is built in full first); PostGIS streams and ignores it.
    assert found.count() == (7 if connection.vendor == "sqlite" else 100)
