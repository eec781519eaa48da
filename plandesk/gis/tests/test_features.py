"""The bulk GeoJSON writer of map views and OGC API pages gives what the row-by-row path gives, byte for byte."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry

from plandesk.gis import features as feats
from plandesk.gis.importer import import_layer
from plandesk.gis.tests.conftest import square, write_geojson

pytestmark = pytest.mark.django_db


def reference(qs, layer, tolerance=0.0, with_layer=False) -> list[str]:
    """The straightforward encoding: one row, one OGR geometry (or database GeoJSON), one json.dumps at a time."""
    return [feats.feature_text(pk, props, geom, layer if with_layer else None)
            for pk, props, geom in feats.rows(qs, layer, tolerance)]


@pytest.fixture
def mixed(filled, tmp_path):
    """The generic layer with every geometry type, holes, several parts, extra attributes (one named like a typed
    column) and Chinese text."""
    def feature(geometry, **props):
        return {"type": "Feature", "properties": props, "geometry": geometry}

    outer, hole = square(114.31, 30.60, 0.002), square(114.3105, 30.6005, 0.0005)
    items = [
        feature({"type": "Point", "coordinates": [114.3123456, 30.6012345]}, code="PT", 高程="12.5米"),
        feature({"type": "LineString", "coordinates": [[114.30, 30.60], [114.301, 30.6004], [114.302, 30.6001]]},
                code="LN", name="等高线"),
        feature({"type": "Polygon", "coordinates": [outer, hole[::-1]]}, code="HOLE", kind="水塘", name="不覆盖"),
        feature({"type": "MultiPolygon", "coordinates": [[square(114.305, 30.605)], [square(114.307, 30.605)]]},
                code="MP"),
        feature({"type": "MultiLineString", "coordinates": [[[114.30, 30.61], [114.31, 30.61]],
                                                            [[114.30, 30.612], [114.31, 30.611]]]}, code="ML"),
        feature({"type": "MultiPoint", "coordinates": [[114.303, 30.603], [114.304, 30.604]]}, code="MPT"),
    ]
    import_layer(write_geojson(tmp_path / "topo.geojson", items), filled["topo"])
    return filled


@pytest.mark.parametrize("code", ["parcels", "roads", "pipelines", "buildings", "topo"])
@pytest.mark.parametrize("tolerance", [0.0, 5.0])
def test_bulk_features_are_the_reference_encoding(mixed, code, tolerance):
    layer = mixed[code]
    qs = feats.filtered(layer)
    assert qs.exists()
    for with_layer in (False, True):
        assert feats.features_text(qs, layer, tolerance, with_layer=with_layer) == reference(qs, layer, tolerance,
                                                                                             with_layer)
    for text in feats.features_text(qs, layer, tolerance):
        json.loads(text)


def test_the_map_view_and_an_ogc_page_are_unchanged(client, mixed):
    layer = mixed["topo"]
    bbox = (114.29, 30.59, 114.33, 30.62)
    view = json.loads(feats.viewport_geojson(layer, feats.Viewport(bbox, 15)))
    qs = feats.filtered(layer, bbox, ordered=False)
    by_id = {f["id"]: f for f in map(json.loads, reference(qs, layer, feats.Viewport(bbox, 15).tolerance, True))}
    assert {f["id"]: f for f in view["features"]} == by_id and len(by_id) == 6
    items = client.get("/ogcapi/collections/parcels/items", {"limit": 5, "offset": 3}).json()
    qs = feats.filtered(mixed["parcels"])[3:8]
    assert items["features"] == [json.loads(text) for text in reference(qs, mixed["parcels"])]


def test_geometries_ogr_would_round_are_written_by_ogr(db):
    """x = 500,000 m is the zone's central meridian: OGR writes 114.0 there, not "%.15f" trimmed ("114.")."""
    srid = settings.PLANDESK_SRID
    wkts = [
        "POLYGON ((500000 3400000, 500010 3400000, 500010 3400010, 500000 3400000))",
        "POLYGON ((500001.5 3400000, 500010 3400000, 500010 3400010, 500001.5 3400000))",
        "GEOMETRYCOLLECTION (POINT (500000 3400000), LINESTRING (500000 3400000, 500001 3400001))",
        "POLYGON Z ((500000 3400000 1, 500010 3400000 2, 500010 3400010 3, 500000 3400000 1))",
        "MULTIPOLYGON EMPTY",
    ]
    wkbs = [bytes(GEOSGeometry(wkt, srid).wkb) for wkt in wkts] + [None]
    to_lonlat = feats.transformer(srid, feats.WGS84)
    assert feats._lonlat_texts(wkbs, srid) == [feats._wkb_to_lonlat(wkb, to_lonlat) for wkb in wkbs]
    assert "[ 114.0, " in feats._lonlat_texts(wkbs[:1], srid)[0]
