"""The site compliance check (用地合规性审查): a site against the regulatory plan and the base databases.

`check(site, proposal)` knows nothing of cases: it takes a site (a polygon in the bureau's projected CRS) and the
project's proposed figures, and returns what the layers in force say about them — the plan parcels the site
overlaps with their limits beside the proposal, and the conflicts (road red lines, pipelines inside their clearance,
existing buildings, key-project and protected areas) — with the layer versions it read. The caller stores it.

Areas and distances are measured in the bureau's projected CRS (metres). Every layer look-up is one statement through
the spatial index (`plandesk.gis.query.rows_in_extent`: SpatiaLite's R*Tree, PostGIS's GiST); the exact tests run
on those candidates in Shapely 2, a layer at a time, against the site prepared once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, NamedTuple

import numpy as np
import shapely
from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Polygon
from django.db import connection

from plandesk.core import sql as core_sql
from plandesk.gis.geometry import to_geojson, transformed
from plandesk.gis.models import (
    Building,
    Family,
    Feature,
    Kind,
    Layer,
    LayerVersion,
    Parcel,
    Pipeline,
    Road,
)
from plandesk.gis.query import rows_in_extent

# Clearance (m) between a site's boundary and a pipeline, per kind (CJJ/GB 50289 style horizontal distances to
# building lines; the bureau sets its own with PLANDESK_PIPELINE_CLEARANCE_M). "" is a pipe of unknown kind.
DEFAULT_CLEARANCE_M = {"gas": 5.0, "heat": 3.0, "water": 3.0, "drainage": 3.0, "power": 1.0, "telecom": 1.0, "": 1.0}
# Overlaps below both figures are drawing slivers (a site drawn against a parcel boundary), listed but not checked.
DEFAULT_SLIVER_SHARE = 0.01
DEFAULT_SLIVER_M2 = 10.0

PASS, FAIL, REVIEW = "pass", "fail", "review"

# Indicator -> (parcel column, proposal attribute, kind: "max" limits, "min" floors, "class" a land-use code).
INDICATORS: dict[str, tuple[str, str, str]] = {
    "floor_area_ratio": ("far_max", "floor_area_ratio", "max"),
    "building_density_pct": ("density_max", "building_density_pct", "max"),
    "height_m": ("height_max", "height_m", "max"),
    "green_ratio_pct": ("green_min", "green_ratio_pct", "min"),
    "land_use_class": ("land_use", "land_use_class", "class"),
}
INDICATOR_NAMES = {"floor_area_ratio": "容积率", "building_density_pct": "建筑密度（%）", "height_m": "建筑高度（米）",
                   "green_ratio_pct": "绿地率（%）", "land_use_class": "用地性质"}
CONFLICT_NAMES = {"road_red_line": "占压道路红线", "pipeline_clearance": "管线安全距离内", "building": "压占现状建筑",
                  "key_project": "重点项目用地", "protected_area": "保护区"}


def clearances() -> dict[str, float]:
    return {**DEFAULT_CLEARANCE_M, **getattr(settings, "PLANDESK_PIPELINE_CLEARANCE_M", {})}


def protected_layer_codes() -> list[str]:
    """Generic feature layers whose areas a site must not enter (e.g. heritage or ecological protection zones)."""
    return list(getattr(settings, "PLANDESK_PROTECTED_LAYERS", []))


@dataclass
class Proposal:
    """The project's proposed figures (from its application form); None where the form does not say."""

    land_area_m2: float | None = None
    total_floor_area_m2: float | None = None
    floor_area_ratio: float | None = None
    building_density_pct: float | None = None
    height_m: float | None = None
    green_ratio_pct: float | None = None
    land_use_class: str | None = None

    @classmethod
    def from_forms(cls, forms: Mapping[str, Any] | None) -> Proposal:
        """The figures from one or more application forms (the indicator names are the same in every item's form,
        see catalog.schemas.INDICATORS); the first form that gives a figure wins."""
        found: dict[str, Any] = {}
        for form in (forms or {}).values():
            if not isinstance(form, Mapping):
                continue
            for name in cls.__dataclass_fields__:
                value = form.get(name)
                if name in found or value in (None, ""):
                    continue
                if name == "land_use_class":
                    found[name] = str(value).strip().upper()
                else:
                    try:
                        found[name] = float(value)
                    except (TypeError, ValueError):
                        continue
        return cls(**found)

    def ratio(self, site_area: float) -> float | None:
        """The floor-area ratio: as proposed, else total floor area over the land area (or the site's area)."""
        if self.floor_area_ratio is not None:
            return self.floor_area_ratio
        if self.total_floor_area_m2 is not None:
            land = self.land_area_m2 or site_area
            return round(self.total_floor_area_m2 / land, 3) if land else None
        return None


@dataclass
class ParcelOverlap:
    layer: str
    code: str
    land_use: str
    land_use_name: str
    overlap_area_m2: float
    share: float
    limits: dict[str, Any]
    sliver: bool = False
    geometry: dict | None = None


@dataclass
class IndicatorCheck:
    indicator: str
    limit: Any
    proposed: Any
    result: str
    note: str = ""

    @property
    def name(self) -> str:
        return INDICATOR_NAMES.get(self.indicator, self.indicator)


@dataclass
class Conflict:
    kind: str
    layer: str
    feature: str
    measure: float
    unit: str
    note: str = ""
    geometry: dict | None = None

    @property
    def name(self) -> str:
        return CONFLICT_NAMES.get(self.kind, self.kind)


@dataclass
class ComplianceResult:
    site_area_m2: float
    parcels: list[ParcelOverlap] = field(default_factory=list)
    checks: list[IndicatorCheck] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    layer_versions: dict[str, int] = field(default_factory=dict)
    srid: int = 0

    @property
    def verdict(self) -> str:
        """fail if any check fails or anything conflicts; review if any check needs review; else pass."""
        results = {c.result for c in self.checks}
        if FAIL in results or self.conflicts:
            return FAIL
        if REVIEW in results or not self.parcels:
            return REVIEW
        return PASS

    def to_dict(self) -> dict:
        data = asdict(self)
        data["verdict"] = self.verdict
        return data


# --- the check ----------------------------------------------------------------------------------------------------
#
# The exact tests run in Shapely 2 on whole arrays of candidates (one call per layer and test, in C): through
# Django's GEOS wrappers each candidate cost a WKB check in Python, a geometry object and several ctypes calls per
# test, which was most of the check's time (bench/README.md, "Site compliance check"). GEOS objects are made only for
# what a map is given (`with_geometry`).

def _as_site(site: GEOSGeometry) -> GEOSGeometry:
    if site.srid is None:
        site = site.clone()
        site.srid = settings.PLANDESK_SRID
    site = transformed(site, settings.PLANDESK_SRID)
    if isinstance(site, Polygon):
        site = MultiPolygon(site, srid=site.srid)
    if not site.valid:
        site = site.buffer(0)
    return site


class _LayerRef(NamedTuple):
    pk: int
    code: str


def _layers() -> tuple[dict[str, list[_LayerRef]], dict[str, int]]:
    """Active layers by the role they play in the check, and the number of each one's version in force: one plain
    statement (an ORM query took longer to compile than the indexed look-ups to run; a layer with no version in force
    has no features to check)."""
    protected = set(protected_layer_codes())
    roles: dict[str, list[_LayerRef]] = {"parcels": [], "roads": [], "pipelines": [], "buildings": [], "areas": []}
    by_kind = {Kind.PARCEL: "parcels", Kind.ROAD: "roads", Kind.PIPELINE: "pipelines", Kind.BUILDING: "buildings"}
    versions: dict[str, int] = {}
    for number, pk, code, kind, family in _layer_rows():
        if code in versions:
            continue
        if kind in by_kind:
            roles[by_kind[kind]].append(_LayerRef(pk, code))
        elif family == Family.KEY_PROJECTS or code in protected:
            roles["areas"].append(_LayerRef(pk, code))
        else:
            continue
        versions[code] = number
    return roles, versions


def _layer_rows() -> list[tuple]:
    """(version number, layer id, code, kind, family) of the versions in force of active layers, newest first."""
    quote = connection.ops.quote_name
    layer, version = Layer._meta, LayerVersion._meta

    def column(meta, name):
        return f"{quote(meta.db_table)}.{quote(meta.get_field(name).column)}"

    # Every name comes from the models; the two values are bound.
    sql = (f"SELECT {column(version, 'number')}, {column(layer, 'id')}, {column(layer, 'code')}, "  # noqa: S608
           f"{column(layer, 'kind')}, {column(layer, 'family')} "
           f"FROM {quote(version.db_table)} JOIN {quote(layer.db_table)} "
           f"ON {column(version, 'layer')} = {column(layer, 'id')} "
           f"WHERE {column(version, 'status')} = %s AND {column(layer, 'is_active')} = %s "
           f"ORDER BY {column(layer, 'code')}, {column(version, 'number')} DESC")
    with core_sql.cursor() as cursor:
        cursor.execute(sql, [str(LayerVersion.Status.IN_FORCE), True])
        return cursor.fetchall()


def _rows(model, columns: list[str], layers: list[_LayerRef], extent, reach: float = 0.0):
    """Features in force of these layers whose bounding box meets the extent grown by `reach`, sorted by code:
    (rows of id, layer id and the columns, their geometries as a Shapely array)."""
    if not layers:
        return [], _NO_GEOMETRIES
    xmin, ymin, xmax, ymax = extent
    rows = rows_in_extent(model, ["id", "layer_id", *columns], (xmin - reach, ymin - reach, xmax + reach, ymax + reach),
                          layer_ids=[layer.pk for layer in layers])
    if not rows:
        return [], _NO_GEOMETRIES
    rows.sort(key=lambda row: (str(row[2]), row[0]))
    return rows, shapely.from_wkb([bytes(row[-1]) for row in rows])


_NO_GEOMETRIES = np.empty(0, dtype=object)


def _draw(shapes: list[tuple[Any, Any]], srid: int) -> None:
    """Give each (finding, Shapely shape) its shape as GeoJSON (lon/lat) for the map, through GEOS as every other map
    answer: the shapes as one collection, so that the transform runs once rather than once a finding. A shape that is
    itself a collection goes alone (GeoJSON collections do not nest)."""
    def geojson(shape):
        return to_geojson(GEOSGeometry(memoryview(shapely.to_wkb(shape)), srid=srid))

    single = [(finding, shape) for finding, shape in shapes if shapely.get_type_id(shape) != _COLLECTION]
    for finding, shape in shapes:
        if shapely.get_type_id(shape) == _COLLECTION:
            finding.geometry = geojson(shape)
    if single:
        drawn = geojson(shapely.geometrycollections([shape for _finding, shape in single]))["geometries"]
        for (finding, _shape), geometry in zip(single, drawn, strict=True):
            finding.geometry = geometry


_COLLECTION = 7  # Shapely's type id of a GeometryCollection


def _hits(site, geoms, polygonal_only: bool = False):
    """The geometries that share area with the site: (their indexes, the shared parts, the parts' areas)."""
    meets = shapely.intersects(site, geoms)
    if polygonal_only:
        meets &= shapely.get_dimensions(geoms) >= 2
    index = np.flatnonzero(meets)
    parts = shapely.intersection(site, geoms[index])
    areas = shapely.area(parts)
    keep = areas > 0  # touching along a boundary only: no overlap
    return index[keep], parts[keep], areas[keep]


PARCEL_COLUMNS = ["code", "land_use", "land_use_name", "far_max", "density_max", "height_max", "green_min"]


def _parcels(site, site_area, layers, shapes, extent) -> list[ParcelOverlap]:
    codes = {layer.pk: layer.code for layer in layers}
    found = []
    sliver_share = getattr(settings, "PLANDESK_COMPLIANCE_SLIVER_SHARE", DEFAULT_SLIVER_SHARE)
    sliver_m2 = getattr(settings, "PLANDESK_COMPLIANCE_SLIVER_M2", DEFAULT_SLIVER_M2)
    rows, geoms = _rows(Parcel, PARCEL_COLUMNS, layers, extent)
    if not rows:
        return found
    index, _parts, areas = _hits(site, geoms)
    for i, area in zip(index.tolist(), areas.tolist(), strict=True):
        _pk, layer_id, code, land_use, land_use_name, far, density, height, green, _wkb = rows[i]
        share = area / site_area if site_area else 0.0
        found.append(ParcelOverlap(
            layer=codes[layer_id], code=code, land_use=land_use, land_use_name=land_use_name,
            overlap_area_m2=round(area, 2), share=round(share, 6),
            limits={"far_max": far, "density_max": density, "height_max": height, "green_min": green},
            sliver=share < sliver_share and area < sliver_m2))
        if shapes is not None:
            shapes.append((found[-1], geoms[i]))
    found.sort(key=lambda p: (-p.overlap_area_m2, p.code))
    return found


def _fmt(value: float) -> str:
    return f"{value:g}"


def _check_number(indicator: str, kind: str, limits: list[float | None], shares: list[float],
                  proposed: float | None) -> IndicatorCheck:
    known = [(limit, share) for limit, share in zip(limits, shares, strict=True) if limit is not None]
    if not known:
        return IndicatorCheck(indicator, None, proposed, REVIEW, "控规未规定该指标，需人工核定")
    values = sorted({limit for limit, _share in known})
    strict = values[0] if kind == "max" else values[-1]
    loose = values[-1] if kind == "max" else values[0]
    limit: Any = strict if len(values) == 1 else f"{_fmt(values[0])}–{_fmt(values[-1])}"
    if proposed is None:
        return IndicatorCheck(indicator, limit, None, REVIEW, "申请表未填报该指标")
    within = (lambda v: proposed <= v + 1e-9) if kind == "max" else (lambda v: proposed >= v - 1e-9)
    if within(strict):
        return IndicatorCheck(indicator, limit, proposed, PASS)
    if len(values) > 1 and within(loose):
        weight = sum(share for _limit, share in known)
        weighted = sum(limit * share for limit, share in known) / weight if weight else loose
        return IndicatorCheck(indicator, limit, proposed, REVIEW,
                              f"用地跨越限值不同的地块，按面积加权的限值约为 {weighted:.2f}，需人工核定")
    word = "超过上限" if kind == "max" else "低于下限"
    return IndicatorCheck(indicator, limit, proposed, FAIL, f"{word}{_fmt(loose)}")


def _check_land_use(parcels: list[ParcelOverlap], proposed: str | None) -> IndicatorCheck:
    classes = sorted({p.land_use for p in parcels if p.land_use})
    limit = "、".join(classes) if classes else None
    if not classes:
        return IndicatorCheck("land_use_class", None, proposed, REVIEW, "控规未规定用地性质，需人工核定")
    if not proposed:
        return IndicatorCheck("land_use_class", limit, None, REVIEW, "申请表未填报用地性质")
    # The form gives a major class (R, B…) or a finer one (R2); a parcel's code agrees when one begins with the other.
    agree = [c.startswith(proposed) or proposed.startswith(c) for c in classes]
    if all(agree):
        return IndicatorCheck("land_use_class", limit, proposed, PASS)
    if any(agree):
        return IndicatorCheck("land_use_class", limit, proposed, REVIEW, "用地跨越不同用地性质的地块，需人工核定")
    return IndicatorCheck("land_use_class", limit, proposed, FAIL, "与控规用地性质不符")


def _checks(parcels: list[ParcelOverlap], proposal: Proposal, site_area: float) -> list[IndicatorCheck]:
    counted = [p for p in parcels if not p.sliver] or parcels
    if not counted:
        return [IndicatorCheck(name, None, getattr(proposal, attr, None), REVIEW, "用地不在现行控规地块内，需人工核定")
                for name, (_column, attr, _kind) in INDICATORS.items()]
    shares = [p.share for p in counted]
    proposed = {"floor_area_ratio": proposal.ratio(site_area), "building_density_pct": proposal.building_density_pct,
                "height_m": proposal.height_m, "green_ratio_pct": proposal.green_ratio_pct}
    checks = []
    for name, (column, _attr, kind) in INDICATORS.items():
        if kind == "class":
            checks.append(_check_land_use(counted, proposal.land_use_class))
        else:
            checks.append(_check_number(name, kind, [p.limits[column] for p in counted], shares, proposed[name]))
    return checks


def _roads(site, layers, shapes, extent) -> list[Conflict]:
    codes = {layer.pk: layer.code for layer in layers}
    reach = getattr(settings, "PLANDESK_COMPLIANCE_ROAD_REACH_M", 60.0)  # half the widest red line there is
    found = []
    rows, geoms = _rows(Road, ["code", "name", "width"], layers, extent, reach)
    if not rows:
        return found
    half = np.array([(row[4] or 0.0) / 2 for row in rows], dtype=float)
    distances = shapely.distance(site, geoms)
    near = np.flatnonzero((half > 0) & (distances <= half))
    # Flat ends: a red line covers its centre line's own span, not a half-width beyond each end.
    red_lines = shapely.buffer(geoms[near], half[near], cap_style="flat")
    parts = shapely.intersection(site, red_lines)
    measures = dict(zip(near.tolist(), zip(parts, shapely.area(parts).tolist(), strict=True), strict=True))
    unknown = np.flatnonzero(half <= 0)
    crossings = shapely.intersection(site, geoms[unknown])
    measures.update(zip(unknown.tolist(), zip(crossings, shapely.length(crossings).tolist(), strict=True),
                        strict=True))
    for i in sorted(measures):
        part, measure = measures[i]
        if measure <= 0:
            continue
        pk, layer_id, code, name, width, _wkb = rows[i]
        label = name or code or str(pk)
        if half[i] > 0:
            found.append(Conflict("road_red_line", codes[layer_id], label, round(measure, 2), "m²",
                                  f"红线宽度 {width:g} 米"))
        else:
            found.append(Conflict("road_red_line", codes[layer_id], label, round(measure, 2), "m",
                                  "道路红线宽度未知，按红线穿越用地的长度计"))
        if shapes is not None:
            shapes.append((found[-1], part))
    return found


def _pipelines(site, layers, shapes, extent) -> list[Conflict]:
    codes = {layer.pk: layer.code for layer in layers}
    clearance = clearances()
    reach = max(clearance.values())
    found = []
    rows, geoms = _rows(Pipeline, ["code", "name", "pipe_kind"], layers, extent, reach)
    if not rows:
        return found
    limits = np.array([clearance.get(row[4], clearance[""]) for row in rows], dtype=float)
    distances = shapely.distance(site, geoms)
    kinds = dict(Pipeline.PipeKind.choices)
    for i in np.flatnonzero(distances <= limits).tolist():
        pk, layer_id, code, name, pipe_kind, _wkb = rows[i]
        distance, limit = float(distances[i]), float(limits[i])
        kind = kinds.get(pipe_kind, "管线")
        note = f"{kind}管线，安全距离 {limit:g} 米" + ("，穿越用地" if distance == 0 else "")
        found.append(Conflict("pipeline_clearance", codes[layer_id], code or name or str(pk), round(distance, 2),
                              "m", note))
        if shapes is not None:
            shapes.append((found[-1], geoms[i]))
    return found


def _overlaps(site, model, layers, kind, shapes, extent, name_first=False) -> list[Conflict]:
    codes = {layer.pk: layer.code for layer in layers}
    found = []
    rows, geoms = _rows(model, ["code", "name"], layers, extent)
    if not rows:
        return found
    index, parts, areas = _hits(site, geoms, polygonal_only=True)
    for i, part, area in zip(index.tolist(), parts, areas.tolist(), strict=True):
        pk, layer_id, code, name, _wkb = rows[i]
        label = (name or code) if name_first else (code or name)
        found.append(Conflict(kind, codes[layer_id], label or str(pk), round(area, 2), "m²",
                              name if name != label else ""))
        if shapes is not None:
            shapes.append((found[-1], part))
    return found


def check(site: GEOSGeometry, proposal: Proposal | None = None, *, with_geometry: bool = False) -> ComplianceResult:
    """What the layers in force say about a site and the proposed figures.

    `site` is a polygon or multipolygon (another SRID is transformed to the bureau's). `with_geometry` adds the
    parcels' and conflicts' shapes as GeoJSON (lon/lat) for a map.
    """
    proposal = proposal or Proposal()
    site = _as_site(site)
    srid = site.srid
    shape = shapely.from_wkb(bytes(site.wkb))
    shapely.prepare(shape)  # the site meets every candidate of every layer
    extent = tuple(shapely.bounds(shape).tolist())
    site_area = float(shapely.area(shape))
    roles, versions = _layers()
    protected = set(protected_layer_codes())
    shapes: list | None = [] if with_geometry else None
    parcels = _parcels(shape, site_area, roles["parcels"], shapes, extent)
    conflicts = _roads(shape, roles["roads"], shapes, extent)
    conflicts += _pipelines(shape, roles["pipelines"], shapes, extent)
    conflicts += _overlaps(shape, Building, roles["buildings"], "building", shapes, extent)
    key = [layer for layer in roles["areas"] if layer.code not in protected]
    conflicts += _overlaps(shape, Feature, key, "key_project", shapes, extent, name_first=True)
    conflicts += _overlaps(shape, Feature, [layer for layer in roles["areas"] if layer.code in protected],
                           "protected_area", shapes, extent, name_first=True)
    if shapes:
        _draw(shapes, srid)
    return ComplianceResult(site_area_m2=round(site_area, 2), parcels=parcels,
                            checks=_checks(parcels, proposal, site_area), conflicts=conflicts,
                            layer_versions=versions, srid=srid)
