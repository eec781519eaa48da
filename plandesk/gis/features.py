"""Serving a layer's features as GeoJSON (RFC 7946, CRS84): for OGC API – Features and for the map.

The database does the heavy part (transform to lon/lat, simplify, GeoJSON text); Python only wraps the rows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.db.models import Extent
from django.contrib.gis.db.models.functions import AsGeoJSON, GeomOutputGeoFunc, Transform
from django.contrib.gis.geos import Polygon
from django.db.models import QuerySet

from plandesk.gis.geometry import transformed
from plandesk.gis.models import Layer
from plandesk.gis.query import bbox_filter

WGS84 = 4326
PRECISION = 7  # about a centimetre


class SimplifyPreserveTopology(GeomOutputGeoFunc):
    """ST_SimplifyPreserveTopology on PostGIS, SimplifyPreserveTopology on SpatiaLite."""

    function = "ST_SimplifyPreserveTopology"

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function="SimplifyPreserveTopology", **extra)


class BadQuery(ValueError):
    """A query parameter plandesk cannot use; `message` is zh-Hans."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def parse_bbox(text: str | None) -> tuple[float, float, float, float] | None:
    """`minLon,minLat,maxLon,maxLat` (CRS84) → tuple; None when absent."""
    if text in (None, ""):
        return None
    parts = str(text).split(",")
    try:
        values = tuple(float(p) for p in parts)
    except ValueError:
        raise BadQuery(f"bbox 不是数字：{text}") from None
    if len(values) == 6:  # 3D box: drop the heights
        values = (values[0], values[1], values[3], values[4])
    if len(values) != 4:
        raise BadQuery("bbox 应为 最小经度,最小纬度,最大经度,最大纬度")
    xmin, ymin, xmax, ymax = values
    if not (-180 <= xmin <= 180 and -180 <= xmax <= 180 and -90 <= ymin <= ymax <= 90):
        raise BadQuery("bbox 超出经纬度范围或上下颠倒")
    if xmin > xmax:
        raise BadQuery("bbox 跨越 180° 经线，不支持")
    return values


def queryables(layer: Layer) -> dict[str, type]:
    """The typed columns a client may filter on (`?land_use=R2`)."""
    return dict(layer.feature_model.TYPED_FIELDS)


def filtered(layer: Layer, bbox=None, filters: dict[str, str] | None = None) -> QuerySet:
    """The layer's features in force, within a lon/lat box and matching property filters, in a stable order."""
    qs = layer.features()
    if bbox is not None:
        qs = bbox_filter(qs, bbox, srid=WGS84)
    allowed = queryables(layer)
    for name, raw in (filters or {}).items():
        kind = allowed.get(name)
        if kind is None:
            raise BadQuery(f"不能按属性 {name} 筛选（可用：{'、'.join(allowed)}）")
        try:
            value = kind(raw)
        except ValueError:
            raise BadQuery(f"属性 {name} 的值无效：{raw}") from None
        qs = qs.filter(**{name: value})
    return qs.order_by("pk")


def rows(qs: QuerySet, layer: Layer, tolerance: float = 0.0):
    """(pk, properties, GeoJSON geometry dict) per feature; geometry simplified by `tolerance` metres first."""
    model = layer.feature_model
    geometry = SimplifyPreserveTopology("geom", tolerance) if tolerance > 0 else "geom"
    fields = ["pk", "attrs", *model.TYPED_FIELDS]
    for row in qs.annotate(geojson=AsGeoJSON(Transform(geometry, WGS84), precision=PRECISION)).values(*fields,
                                                                                                       "geojson"):
        properties = {name: row[name] for name in model.TYPED_FIELDS}
        for key, value in (row["attrs"] or {}).items():
            properties.setdefault(key, value)
        yield row["pk"], properties, json.loads(row["geojson"]) if row["geojson"] else None


def feature(pk, properties: dict, geometry: dict | None, layer: Layer | None = None) -> dict:
    data = {"type": "Feature", "id": pk, "geometry": geometry, "properties": properties}
    if layer is not None:
        data["properties"] = {**properties, "layer": layer.code}
    return data


def extent_lonlat(layer: Layer) -> list[float] | None:
    """The bounding box of the layer's features in force, in lon/lat (computed by the database)."""
    box = layer.features().aggregate(box=Extent("geom"))["box"]
    if not box:
        return None
    srid = layer.feature_model._meta.get_field("geom").srid
    outline = Polygon.from_bbox(box)
    outline.srid = srid
    xmin, ymin, xmax, ymax = transformed(outline, WGS84).extent
    return [round(v, 6) for v in (xmin, ymin, xmax, ymax)]


@dataclass(frozen=True)
class Viewport:
    """A map view: lon/lat box and zoom; decides how much detail to send."""

    bbox: tuple[float, float, float, float]
    zoom: int

    @property
    def tolerance(self) -> float:
        """Simplification in metres: about half a screen pixel at this zoom (Web Mercator, 256-px tiles)."""
        metres_per_pixel = 156_543.03 / (2 ** max(0, min(self.zoom, 22)))
        return 0.0 if self.zoom >= 18 else metres_per_pixel * 0.5


def viewport_geojson(layer: Layer, viewport: Viewport, limit: int | None = None) -> dict:
    """A FeatureCollection for the map: the features in view, simplified for the zoom, at most `limit` of them."""
    limit = limit or getattr(settings, "PLANDESK_MAP_FEATURE_LIMIT", 2000)
    min_zoom = int((layer.style or {}).get("min_zoom", 0))
    if viewport.zoom < min_zoom:
        return {"type": "FeatureCollection", "features": [], "truncated": False, "min_zoom": min_zoom}
    qs = filtered(layer, viewport.bbox)
    features = [feature(pk, props, geom, layer) for pk, props, geom in rows(qs[: limit + 1], layer,
                                                                            viewport.tolerance)]
    truncated = len(features) > limit
    return {"type": "FeatureCollection", "features": features[:limit], "truncated": truncated,
            "min_zoom": min_zoom}
