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
