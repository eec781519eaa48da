"""Geometry input and output at the bureau's edge: GeoJSON (lon/lat) in, MultiPolygon in the bureau's CRS out.

`parse_site` is what every app calls with a site that came from outside (the intake window, the API, an upload).
It checks the structure itself rather than handing raw text to GDAL, so each fault gets a message in Chinese that
names what is wrong and where.
"""

from __future__ import annotations

import json
import math
import re
from ctypes import byref, c_char_p, c_double, c_int, c_void_p
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.contrib.gis.gdal import CoordTransform, SpatialReference
from django.contrib.gis.gdal.libgdal import lgdal
from django.contrib.gis.geos import GEOSGeometry, LinearRing, MultiPoint, MultiPolygon, Point, Polygon

WGS84 = 4326
# GeoJSON names for lon/lat CRSs we accept: WGS84 and CGCS2000 agree to a few centimetres.
LONLAT_CRS_NAMES = {
    "urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84", "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
    "EPSG:4326", "urn:ogc:def:crs:EPSG::4326", "EPSG:4490", "urn:ogc:def:crs:EPSG::4490",
}
MAX_VERTICES = 20_000
# A site smaller than this (m²) is a slip of the mouse, not a plot of land.
MIN_AREA_M2 = 1.0


class GeometryError(ValueError):
    """A geometry from outside that plandesk refuses; `message` is shown to people as is (zh-Hans)."""

    def __init__(self, message: str, *, code: str = "invalid_geometry"):
        super().__init__(message)
        self.message = message
        self.code = code


@lru_cache(maxsize=8)
def area_of_use(srid: int) -> tuple[float, float, float, float]:
    """(west, south, east, north) in degrees where the CRS is meant to be used, as EPSG records it."""
    override = getattr(settings, "PLANDESK_AREA_OF_USE", None)
    if override and srid == settings.PLANDESK_SRID:
        return tuple(override)
    func = lgdal.OSRGetAreaOfUse
    func.restype = c_int
    func.argtypes = [c_void_p] * 6
    west, south, east, north, name = c_double(), c_double(), c_double(), c_double(), c_char_p()
    srs = SpatialReference(srid)  # keep a reference: GDAL frees the object when Python does
    if func(srs.ptr, byref(west), byref(south), byref(east), byref(north), byref(name)):
        return (west.value, south.value, east.value, north.value)
    return (-180.0, -90.0, 180.0, 90.0)


@lru_cache(maxsize=32)
def transformer(source_srid: int, target_srid: int) -> CoordTransform:
    """A reusable transformation: building one per geometry costs PROJ database look-ups (milliseconds each)."""
    return CoordTransform(SpatialReference(source_srid), SpatialReference(target_srid))


def transformed(geom: GEOSGeometry, srid: int) -> GEOSGeometry:
    """A copy of `geom` in `srid` (the geometry itself when already there)."""
    if geom.srid == srid:
        return geom
    if geom.srid is None:
        raise ValueError("geometry without SRID")
    copy = geom.transform(transformer(geom.srid, srid), clone=True)
    copy.srid = srid
    return copy


def _fmt(x: float, y: float) -> str:
    return f"东经 {x:.6f}°、北纬 {y:.6f}°"


def _position(value, where: str) -> tuple[float, float]:
    if not isinstance(value, (list, tuple)) or len(value) < 2:
        raise GeometryError(f"{where}不是坐标（应为 [经度, 纬度]）", code="invalid_coordinates")
    x, y = value[0], value[1]
    for v in (x, y):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise GeometryError(f"{where}的坐标不是有效数字：{value!r}", code="invalid_coordinates")
    if not (-180 <= x <= 180 and -90 <= y <= 90):
        raise GeometryError(
            f"{where}的坐标 ({x}, {y}) 超出经纬度范围（经度 −180～180，纬度 −90～90）；"
            "坐标须为 CGCS2000/WGS84 经纬度，且经度在前",
            code="out_of_range",
        )
    return float(x), float(y)


def _ring(value, where: str) -> LinearRing:
    if not isinstance(value, (list, tuple)):
        raise GeometryError(f"{where}不是坐标串", code="invalid_coordinates")
    points = [_position(p, f"{where}第 {i + 1} 个点") for i, p in enumerate(value)]
    if len(set(points)) < 3 or len(points) < 4:
        raise GeometryError(f"{where}的点太少：至少需要 3 个不同的点并回到起点（共 4 个坐标）", code="too_few_points")
    if points[0] != points[-1]:
        raise GeometryError(f"{where}未闭合：最后一个点须与第一个点相同", code="not_closed")
    return LinearRing(points, srid=WGS84)


def _polygon(rings, where: str) -> Polygon:
    if not isinstance(rings, (list, tuple)) or not rings:
        raise GeometryError(f"{where}没有坐标", code="invalid_coordinates")
    shell = _ring(rings[0], f"{where}外边界")
    holes = [_ring(r, f"{where}第 {i + 1} 个内洞") for i, r in enumerate(rings[1:])]
    return Polygon(shell, *holes, srid=WGS84)


_REASONS = {
    "Self-intersection": "边界自相交",
    "Ring Self-intersection": "边界环自相交",
    "Too few points": "点太少",
    "Hole lies outside shell": "内洞位于外边界之外",
    "Nested holes": "内洞相互嵌套",
    "Interior is disconnected": "内部被内洞分割成不连通的部分",
    "Nested shells": "多个面相互嵌套",
    "Duplicate Rings": "存在重复的环",
    "Invalid Coordinate": "坐标无效",
    "Ring is not closed": "环未闭合",
}


def _invalid_message(geom: GEOSGeometry) -> str:
    reason = geom.valid_reason  # e.g. "Self-intersection[114.3 30.6]"
    match = re.match(r"^(?P<what>[^\[]+)(?:\[(?P<x>[-\d.eE+]+) (?P<y>[-\d.eE+]+)\])?", reason)
    what = match.group("what").strip() if match else reason
    text = _REASONS.get(what, f"几何图形无效（{what}）")
    if match and match.group("x"):
        text += f"，位置约在{_fmt(float(match.group('x')), float(match.group('y')))}"
    return f"用地范围无效：{text}"


def _geometry_object(data) -> dict:
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError as exc:
            raise GeometryError("用地范围不是有效的 GeoJSON 文本", code="invalid_geojson") from exc
    if not isinstance(data, dict):
        raise GeometryError("用地范围须为 GeoJSON 对象（Polygon 或 MultiPolygon）", code="invalid_geojson")
    kind = data.get("type")
    if kind == "Feature":
        return _geometry_object(data.get("geometry"))
    if kind == "FeatureCollection":
        features = data.get("features") or []
        if len(features) != 1:
            raise GeometryError("要素集合中须恰好有一个用地范围要素", code="not_a_polygon")
        return _geometry_object(features[0])
    crs = data.get("crs")
    if crs is not None:
        name = (crs.get("properties") or {}).get("name") if isinstance(crs, dict) else None
        if name not in LONLAT_CRS_NAMES:
            raise GeometryError(
                f"不支持的坐标系 {name!r}：用地范围须为 CGCS2000/WGS84 经纬度（GeoJSON 标准）", code="unsupported_crs"
            )
    return data


def parse_site(geojson) -> MultiPolygon:
    """A project's site from GeoJSON (Polygon or MultiPolygon, lon/lat) as a MultiPolygon in the bureau's CRS."""
    data = _geometry_object(geojson)
    kind = data.get("type")
    coordinates = data.get("coordinates")
    if kind == "Polygon":
        polygons = [_polygon(coordinates, "用地范围")]
    elif kind == "MultiPolygon":
        if not isinstance(coordinates, (list, tuple)) or not coordinates:
            raise GeometryError("用地范围（MultiPolygon）没有任何面", code="invalid_coordinates")
        polygons = [_polygon(rings, f"第 {i + 1} 个面的") for i, rings in enumerate(coordinates)]
    else:
        shown = kind if isinstance(kind, str) else "未知类型"
        raise GeometryError(f"用地范围须为面（Polygon 或 MultiPolygon），收到的是 {shown}", code="not_a_polygon")
    vertices = sum(p.num_points for p in polygons)
    if vertices > MAX_VERTICES:
        raise GeometryError(f"用地范围的点数过多（{vertices} 个，最多 {MAX_VERTICES} 个）", code="too_many_points")
    site = MultiPolygon(*polygons, srid=WGS84)
    if not site.valid:
        raise GeometryError(_invalid_message(site), code="self_intersection" if "Self" in site.valid_reason else
                            "invalid_geometry")
    west, south, east, north = area_of_use(settings.PLANDESK_SRID)
    xmin, ymin, xmax, ymax = site.extent
    if xmin < west or xmax > east or ymin < south or ymax > north:
        corner = (xmin, ymin) if (xmin < west or ymin < south) else (xmax, ymax)
        raise GeometryError(
            f"用地范围超出本局坐标系的适用区域（东经 {west:g}°～{east:g}°、北纬 {south:g}°～{north:g}°）："
            f"{_fmt(*corner)}；请确认坐标为经纬度且经度在前",
            code="out_of_area",
        )
    projected = transformed(site, settings.PLANDESK_SRID)
    if projected.area < MIN_AREA_M2:
        raise GeometryError(f"用地范围面积过小（{projected.area:.2f} 平方米）", code="too_small")
    return projected


def as_multipolygon(geom: GEOSGeometry) -> MultiPolygon:
    """Polygon → MultiPolygon, keeping the SRID (for columns that hold MultiPolygons)."""
    if isinstance(geom, MultiPolygon):
        return geom
    if isinstance(geom, Polygon):
        return MultiPolygon(geom, srid=geom.srid)
    raise GeometryError(f"不是面：{geom.geom_type}", code="not_a_polygon")


def rounded(coords, digits: int):
    if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
        return [round(c, digits) for c in coords]
    return [rounded(c, digits) for c in coords]


def to_geojson(geom: GEOSGeometry, digits: int = 7) -> dict:
    """A GeoJSON geometry (RFC 7946: EPSG:4326, longitude first), coordinates rounded to about a centimetre."""
    lonlat = transformed(geom, WGS84)
    data = json.loads(lonlat.json)
    if "coordinates" in data:
        data["coordinates"] = rounded(data["coordinates"], digits)
    elif "geometries" in data:
        for part in data["geometries"]:
            part["coordinates"] = rounded(part["coordinates"], digits)
    return data


# --- a coordinate list typed or pasted by a person -----------------------------------------------------------------

@dataclass
class CoordinateList:
    """A ring read from text: lon/lat points and what the numbers were recognised as (said back to the person)."""

    lonlat: list[tuple[float, float]]
    recognised: str

    def as_geojson(self) -> dict:
        ring = [[round(x, 8), round(y, 8)] for x, y in self.lonlat]
        if ring[0] != ring[-1]:
            ring.append(ring[0])
        return {"type": "Polygon", "coordinates": [ring]}


@lru_cache(maxsize=8)
def _central_meridian(srid: int) -> float | None:
    match = re.search(r"\+lon_0=([-\d.]+)", SpatialReference(srid).proj)
    return float(match.group(1)) if match else None


def _numbers(text: str) -> list[tuple[float, float]]:
    points = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        parts = [p for p in re.split(r"[,\s，;；]+", line) if p]
        if len(parts) < 2:
            raise GeometryError(f"坐标第 {number} 行“{line[:40]}”须为两个数字", code="invalid_coordinates")
        try:
            # A leading point number ("1, x, y" as surveyors list them) is left out: the last two are the point.
            a, b = float(parts[-2]), float(parts[-1])
        except ValueError as exc:
            raise GeometryError(f"坐标第 {number} 行“{line[:40]}”不是数字", code="invalid_coordinates") from exc
        if not (math.isfinite(a) and math.isfinite(b)):
            raise GeometryError(f"坐标第 {number} 行不是有效数字", code="invalid_coordinates")
        points.append((a, b))
    return points


def read_coordinates(text: str, srid: int | None = None) -> CoordinateList:
    """A site's corners typed one per line, recognised by their range: longitude/latitude in degrees (CGCS2000 or
    WGS84; latitude first is recognised too), or the bureau's projected CRS in metres (east first, or north first as
    surveyors write X/Y; an easting with its 3-degree zone number in front is accepted when the zone is the bureau's).
    The ring may be closed or open. Raises GeometryError naming what is wrong."""
    srid = srid or settings.PLANDESK_SRID
    points = _numbers(text or "")
    if len(set(points)) < 3:
        raise GeometryError("坐标串至少需要 3 个点，且须是不同的拐点", code="too_few_points")
    firsts, seconds = [p[0] for p in points], [p[1] for p in points]
    degrees = [abs(a) <= 180 and abs(b) <= 180 for a, b in points]
    if all(degrees):
        if all(-90 <= a <= 90 for a in firsts) and all(90 < abs(b) <= 180 for b in seconds):
            return CoordinateList([(b, a) for a, b in points], "经纬度（CGCS2000/WGS84），纬度在前，已按经度、纬度读取")
        if all(-90 <= b <= 90 for b in seconds):
            return CoordinateList(points, "经纬度（CGCS2000/WGS84）")
        raise GeometryError("坐标看似经纬度，但纬度超出 −90～90：请确认经度在前、纬度在后", code="out_of_range")
    if any(degrees):
        line = degrees.index(True) + 1 if not degrees[0] else degrees.index(False) + 1
        raise GeometryError(f"坐标串混用了经纬度和平面坐标（第 {line} 个点起不同），请统一为一种",
                            code="invalid_coordinates")
    crs = SpatialReference(srid)
    label = f"本局坐标系（{crs.name}，EPSG:{srid}）"
    if all(a > 1_000_000 for a in firsts) and all(b < 1_000_000 for b in seconds) and not all(
            b >= 10_000_000 for b in seconds):
        points = [(b, a) for a, b in points]
        label += "，北坐标（X）在前，已按东坐标、北坐标读取"
    if all(x >= 10_000_000 for x, _y in points):
        zones = {int(x // 1_000_000) for x, _y in points}
        meridian = _central_meridian(srid)
        zone = round(meridian / 3) if meridian is not None else None
        if len(zones) != 1 or zones != {zone}:
            found = "、".join(str(z) for z in sorted(zones))
            raise GeometryError(f"东坐标带有带号 {found}，与本局坐标系（第 {zone} 带，中央经线 {meridian:g}°）不符",
                                code="unsupported_crs")
        points = [(x - zone * 1_000_000, y) for x, y in points]
        label += f"，东坐标前的带号 {zone} 已去掉"
    corners = transformed(MultiPoint(*[Point(x, y) for x, y in points], srid=srid), WGS84)
    return CoordinateList([tuple(c) for c in corners.coords], label)
