"""Serving a layer's features as GeoJSON (RFC 7946, CRS84): for OGC API – Features and for the map.

The database does the heavy part (transform to lon/lat, simplify, GeoJSON text); Python only wraps the rows. On
SpatiaLite, whose transform is slow, Python transforms and writes the geometries, a whole page of rows at a time.
"""

from __future__ import annotations

import ctypes
import json
import re
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import shapely
from django.conf import settings
from django.contrib.gis.db.models.functions import AsGeoJSON, AsWKB, GeomOutputGeoFunc, Transform
from django.contrib.gis.gdal import OGRGeometry
from django.contrib.gis.gdal.libgdal import lgdal
from django.db import connections, transaction
from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast

from plandesk.gis.geometry import transformer
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


# `json.dumps` with options builds a new encoder on every call: for a map view's 2,000 small property objects that
# set-up cost more than the encoding. The encoder keeps no state between calls.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str)


def _dumps(value) -> str:
    return _ENCODER.encode(value)


def features_text(qs: QuerySet, layer: Layer, tolerance: float = 0.0, *, with_layer: bool = False) -> list[str]:
    """The features of `qs` as GeoJSON Feature texts, in its order: byte for byte what `feature_text` makes of each of
    `rows` (with the layer's code among the properties when `with_layer`), for a whole page at once.

    On SpatiaLite the geometries are read, transformed and written in bulk (`_lonlat_texts`); writing them one by one
    through OGR was half of a city view's time.
    """
    model = layer.feature_model
    tagged = layer if with_layer else None
    if connections[qs.db].vendor != "sqlite":
        return [feature_text(pk, props, geom, tagged) for pk, props, geom in rows(qs, layer, tolerance)]
    typed = list(model.TYPED_FIELDS)
    geometry = SimplifyPreserveTopology("geom", tolerance) if tolerance > 0 else "geom"
    # The extra attributes as stored text: most features have none, and decoding "{}" 2,000 times is not free.
    found = list(qs.annotate(wkb=AsWKB(geometry), attrs_text=Cast("attrs", TextField()))
                 .values_list("pk", "attrs_text", *typed, "wkb"))
    geometries = _lonlat_texts([row[-1] for row in found], model._meta.get_field("geom").srid)
    texts = []
    for row, geom in zip(found, geometries, strict=True):
        properties = dict(zip(typed, row[2:-1], strict=True))
        if row[1] not in (None, "{}", "null"):
            for key, value in (json.loads(row[1]) or {}).items():
                properties.setdefault(key, value)
        if tagged is not None:
            properties["layer"] = tagged.code
        texts.append(f'{{"type":"Feature","id":{int(row[0])},"geometry":{geom},"properties":{_dumps(properties)}}}')
    return texts


_GEOJSON_TYPES = {0: "Point", 1: "LineString", 3: "Polygon", 4: "MultiPoint", 5: "MultiLineString", 6: "MultiPolygon"}
_POLYGONAL = {3, 6}
# OGR writes a coordinate as C's "%.15f" without its trailing zeros, except that it rounds away a run of zeros or
# nines in the last digits ("114.000000000000001" → "114.0"). Geometries with such a run, rare, go through OGR itself.
_OGR_ROUNDS = re.compile(r"0000|9999")
_TRAILING_ZEROS = re.compile(r"0+(?=[, ])")


@lru_cache(maxsize=1)
def _octtransform():
    func = lgdal.OCTTransform
    func.restype = ctypes.c_int
    func.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.POINTER(ctypes.c_double), ctypes.POINTER(ctypes.c_double),
                     ctypes.POINTER(ctypes.c_double)]
    return func


def _transform_in_place(to_lonlat, x: np.ndarray, y: np.ndarray) -> bool:
    """Transform coordinate arrays with the same GDAL transformation `OGRGeometry.transform` uses (so the same
    numbers), in one call. False when any point failed."""
    if not len(x):
        return True
    z = np.zeros(len(x))  # OGR passes zero heights for 2D geometries too
    pointer = ctypes.POINTER(ctypes.c_double)
    return bool(_octtransform()(to_lonlat.ptr, len(x), x.ctypes.data_as(pointer), y.ctypes.data_as(pointer),
                                z.ctypes.data_as(pointer)))


@lru_cache(maxsize=512)
def _template(type_id: int, sizes: tuple) -> str:
    """OGR's GeoJSON text of a geometry of this type and shape, "%.15f" in place of each ordinate."""
    def sequence(n: int) -> str:
        return "[ " + ", ".join(["[ %.15f, %.15f ]"] * n) + " ]"

    def polygon(rings: tuple) -> str:
        return "[ " + ", ".join(sequence(n) for n in rings) + " ]"

    if type_id == 0:
        coordinates = "[ %.15f, %.15f ]"
    elif type_id in (1, 4):
        coordinates = sequence(sizes[0])
    elif type_id == 3:
        coordinates = polygon(sizes[0])
    elif type_id == 5:
        coordinates = "[ " + ", ".join(sequence(n) for n in sizes) + " ]"
    else:
        coordinates = "[ " + ", ".join(polygon(rings) for rings in sizes) + " ]"
    return f'{{ "type": "{_GEOJSON_TYPES[type_id]}", "coordinates": {coordinates} }}'


def _lonlat_texts(wkbs: list, srid: int) -> list[str]:
    """GeoJSON texts in lon/lat of WKB geometries in `srid`: what `_wkb_to_lonlat` gives for each, made in bulk.

    Shapely reads all the WKB at once and lists the coordinates in WKB order, GDAL transforms them in one call, and
    each geometry's text is one string formatting of its numbers into a template of its shape. What the bulk path does
    not cover (collections, 3D, empty parts, OGR's rounding of digit runs) is handed to OGR one geometry at a time.
    """
    to_lonlat = transformer(srid, WGS84)
    texts = ["null"] * len(wkbs)
    present = [i for i, wkb in enumerate(wkbs) if wkb]
    if not present:
        return texts
    geoms = shapely.from_wkb([bytes(wkbs[i]) for i in present])
    type_ids = shapely.get_type_id(geoms)
    bulk = np.isin(type_ids, list(_GEOJSON_TYPES)) & ~shapely.has_z(geoms) & ~shapely.is_empty(geoms)
    fallback = [present[k] for k in np.flatnonzero(~bulk).tolist()]
    chosen = geoms[bulk]
    coords = shapely.get_coordinates(chosen)
    x, y = np.ascontiguousarray(coords[:, 0]), np.ascontiguousarray(coords[:, 1])
    if not _transform_in_place(to_lonlat, x, y):
        fallback = present  # OGR raises the error a failed point gives
        chosen = chosen[:0]
    else:
        flat = np.column_stack((x, y)).ravel().tolist()
        parts, part_of = shapely.get_parts(chosen, return_index=True)
        part_sizes = shapely.get_num_coordinates(parts).tolist()
        rings, ring_of = shapely.get_rings(parts, return_index=True)
        ring_sizes = shapely.get_num_coordinates(rings).tolist()
        rings_per_part = np.bincount(ring_of, minlength=len(parts)).tolist()
        parts_per_geom = np.bincount(part_of, minlength=len(chosen)).tolist()
        has_empty = 0 in part_sizes or 0 in ring_sizes
        part, ring, start = 0, 0, 0
        for k, (index, type_id) in enumerate(zip(np.flatnonzero(bulk).tolist(), type_ids[bulk].tolist(),
                                                 strict=True)):
            shape = []
            for _ in range(parts_per_geom[k]):
                if type_id in _POLYGONAL:
                    shape.append(tuple(ring_sizes[ring: ring + rings_per_part[part]]))
                    ring += rings_per_part[part]
                else:
                    shape.append(part_sizes[part])
                part += 1
            count = sum(part_sizes[part - parts_per_geom[k]: part])
            end = start + 2 * count
            sizes = tuple(shape)
            if type_id == 4:
                sizes = (len(shape),)
            empty_part = has_empty and (0 in shape or any(0 in rings for rings in shape if isinstance(rings, tuple)))
            text = None if empty_part else _template(type_id, sizes) % tuple(flat[start:end])
            start = end
            if text is None or _OGR_ROUNDS.search(text):
                fallback.append(present[index])
                continue
            texts[present[index]] = _TRAILING_ZEROS.sub("", text)
    for i in fallback:
        texts[i] = _wkb_to_lonlat(wkbs[i], to_lonlat)
    return texts


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
        found = features_text(qs[: limit + 1], layer, viewport.tolerance, with_layer=True)
    return collection_text(found[:limit], truncated=len(found) > limit, min_zoom=min_zoom)
