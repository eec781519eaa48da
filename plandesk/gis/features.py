"""Serving a layer's features as GeoJSON (RFC 7946, CRS84): for OGC API – Features and for the map.

The database does the heavy part (transform to lon/lat, simplify, GeoJSON text); Python only wraps the rows.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.db.models import Extent
from django.contrib.gis.db.models.functions import AsGeoJSON, AsWKB, GeomOutputGeoFunc, Transform
from django.contrib.gis.gdal import OGRGeometry
from django.contrib.gis.geos import Polygon
from django.db import connections, transaction
from django.db.models import QuerySet

from plandesk.gis.geometry import transformed, transformer
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


def filtered(layer: Layer, bbox=None, filters: dict[str, str] | None = None, *, ordered: bool = True,
             cap: int | None = None) -> QuerySet:
    """The layer's features in force, within a lon/lat box and matching property filters.

    `ordered` gives a stable order (for paging); a map view needs none, which lets the database stop early.
    """
    qs = layer.features()
    if bbox is not None:
        qs = bbox_filter(qs, bbox, srid=WGS84, cap=cap)
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
    return qs.order_by("pk") if ordered else qs.order_by()


def rows(qs: QuerySet, layer: Layer, tolerance: float = 0.0):
    """(pk, properties, GeoJSON geometry as JSON text) per feature; simplified by `tolerance` metres first.

    The geometry stays text from the database (or GDAL) to the response: parsing and re-writing thousands of
    geometries costs more than the query.
    """
    model = layer.feature_model
    geometry = SimplifyPreserveTopology("geom", tolerance) if tolerance > 0 else "geom"
    fields = ["pk", "attrs", *model.TYPED_FIELDS]
    if connections[qs.db].vendor == "sqlite":
        # SpatiaLite's Transform costs ~0.1 ms a row (measured): transform here with one cached transformation.
        to_lonlat = transformer(model._meta.get_field("geom").srid, WGS84)
        values = qs.annotate(wkb=AsWKB(geometry)).values(*fields, "wkb")
    else:
        values = qs.annotate(geojson=AsGeoJSON(Transform(geometry, WGS84), precision=PRECISION)).values(*fields,
                                                                                                         "geojson")
    for row in values:
        properties = {name: row[name] for name in model.TYPED_FIELDS}
        for key, value in (row["attrs"] or {}).items():
            properties.setdefault(key, value)
        if "wkb" in row:
            yield row["pk"], properties, _wkb_to_lonlat(row["wkb"], to_lonlat)
        else:
            yield row["pk"], properties, row["geojson"] or "null"


def _wkb_to_lonlat(wkb, to_lonlat) -> str:
    if not wkb:
        return "null"
    geom = OGRGeometry(memoryview(bytes(wkb)))
    geom.transform(to_lonlat)
    return geom.json


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def feature_text(pk, properties: dict, geometry: str, layer: Layer | None = None) -> str:
    """One GeoJSON Feature as JSON text, the geometry text spliced in as it came."""
    if layer is not None:
        properties = {**properties, "layer": layer.code}
    return f'{{"type":"Feature","id":{int(pk)},"geometry":{geometry},"properties":{_dumps(properties)}}}'


def collection_text(features: list[str], **members) -> str:
    """A FeatureCollection as JSON text: the features, then any other members (links, counts...)."""
    extra = "".join(f",{_dumps(key)}:{_dumps(value)}" for key, value in members.items())
    return f'{{"type":"FeatureCollection","features":[{",".join(features)}]{extra}}}'


def feature(pk, properties: dict, geometry: str, layer: Layer | None = None) -> dict:
    return json.loads(feature_text(pk, properties, geometry, layer))


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


@contextmanager
def serial_plan(using: str):
    """Statements inside run without parallel workers and without JIT on PostgreSQL (a transaction: the settings are
    local to it); nothing changes on SpatiaLite. For map views, which read at most a few thousand rows.

    Costed on a select list of transform, simplification and GeoJSON for ~900,000 index candidates, a whole-city view
    was planned as a parallel bitmap scan: the whole bitmap was built before the limit could stop it, and each parallel
    worker, a fresh process, loaded PostGIS and set up PROJ for its transform (~55 ms measured) before its first row.
    The costs also passed `jit_above_cost`, and compiling took 6–13 ms of a 20 ms statement. Serially the planner
    takes the GiST index scan, which stops at the limit (city view 130–220 → 16 ms of server time, bench/README.md
    "GIS").
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('max_parallel_workers_per_gather', '0', true), "
                       "set_config('jit', 'off', true)")
        yield


def viewport_geojson(layer: Layer, viewport: Viewport, limit: int | None = None) -> str:
    """A FeatureCollection (JSON text) for the map: the features in view, simplified for the zoom, at most `limit`."""
    limit = limit or getattr(settings, "PLANDESK_MAP_FEATURE_LIMIT", 2000)
    min_zoom = int((layer.style or {}).get("min_zoom", 0))
    if viewport.zoom < min_zoom:
        return collection_text([], truncated=False, min_zoom=min_zoom)
    # Candidates from the index are capped too (SpatiaLite): a whole-city view must not gather a million rows.
    qs = filtered(layer, viewport.bbox, ordered=False, cap=limit * 3)
    with serial_plan(qs.db):
        found = [feature_text(pk, props, geom, layer) for pk, props, geom in rows(qs[: limit + 1], layer,
                                                                                  viewport.tolerance)]
    return collection_text(found[:limit], truncated=len(found) > limit, min_zoom=min_zoom)
