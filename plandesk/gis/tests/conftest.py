"""Fixtures of the gis app: a few catalogue layers and small files to import."""

from __future__ import annotations

import json

import pytest

from plandesk.gis.models import Access, Family, Kind, Layer


def square(x: float, y: float, size: float = 0.001) -> list:
    return [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]


@pytest.fixture
def layers(db) -> dict[str, Layer]:
    specs = [
        ("parcels", "控规地块", Family.PLANS, Kind.PARCEL, Access.PUBLIC),
        ("roads", "道路红线", Family.ROADS, Kind.ROAD, Access.PUBLIC),
        ("buildings", "建筑", Family.BUILDINGS, Kind.BUILDING, Access.STAFF),
        ("pipelines", "地下管线", Family.PIPELINES, Kind.PIPELINE, Access.RESTRICTED),
        ("topo", "地形图", Family.TOPOGRAPHY, Kind.FEATURE, Access.STAFF),
    ]
    return {
        code: Layer.objects.create(code=code, name=name, family=family, kind=kind, access=access)
        for code, name, family, kind, access in specs
    }


def write_geojson(path, features: list[dict]):
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False))
    return path


def polygon_feature(ring: list, **properties) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": {"type": "Polygon", "coordinates": [ring]}}


@pytest.fixture
def filled(layers, tmp_path) -> dict[str, Layer]:
    """Layers with a few features each, loaded through the importer (lon/lat GeoJSON around 114.30°E 30.60°N)."""
    from plandesk.gis.importer import import_layer

    def line(x, y, dx, **props):
        return {"type": "Feature", "properties": props,
                "geometry": {"type": "LineString", "coordinates": [[x, y], [x + dx, y]]}}

    parcels = [polygon_feature(square(114.30 + i * 0.002, 30.60), code=f"P-{i:02d}",
                               land_use="R2" if i % 2 == 0 else "B1", far_max=2.0 + i / 10) for i in range(12)]
    import_layer(write_geojson(tmp_path / "parcels.geojson", parcels), layers["parcels"])
    roads = [line(114.30, 30.599, 0.02, name="解放大道", width=50.0), line(114.30, 30.603, 0.02, name="中山路",
                                                                        width=30.0)]
    import_layer(write_geojson(tmp_path / "roads.geojson", roads), layers["roads"])
    pipes = [line(114.30, 30.5995, 0.02, code="GAS-1", pipe_kind="gas", diameter=300.0)]
    import_layer(write_geojson(tmp_path / "pipes.geojson", pipes), layers["pipelines"])
    buildings = [polygon_feature(square(114.3002, 30.6002, 0.0003), code="B-1", floors=6)]
    import_layer(write_geojson(tmp_path / "buildings.geojson", buildings), layers["buildings"])
    return layers
