"""Site selection support (选址辅助) and public planning information (规划信息公开查询).

`search(criteria)` looks for regulatory-plan parcels in force that suit a major project: land use, area range,
district (a jurisdiction of the organization), distance to a road class, and no pipeline inside its clearance. The
answer is ranked (nearest to the road class first when one is asked for, else the largest first) and bounded.

`planning_info(point)` answers a click on the public map: the parcels of the public plan layers at that point, with
their indicators, the plan and the date the plan's version took effect. It reads public layers only: a restricted or
internal layer never leaves the server on a public request, whatever the caller asks for.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.gis.db.models.functions import Area
from django.contrib.gis.geos import GEOSGeometry, Point
from django.contrib.gis.measure import Area as AreaMeasure
from django.utils.translation import gettext as _
from openpyxl import Workbook

from plandesk.gis.compliance import clearances
from plandesk.gis.geometry import to_geojson, transformed
from plandesk.gis.models import Access, Kind, Layer, LayerVersion, Parcel, Pipeline, Road
from plandesk.gis.query import intersecting
from plandesk.organization.models import Unit

MAX_RESULTS = 200


class SearchError(Exception):
    """Criteria that cannot be searched; the message is for people (zh-Hans)."""


@dataclass
class Criteria:
    land_use: str = ""
    min_area_m2: float | None = None
    max_area_m2: float | None = None
    district: str = ""  # an organization Unit code with a jurisdiction
    road_grade: str = ""
    max_road_distance_m: float | None = None
    no_pipeline_conflict: bool = False
    limit: int = 50

    def check(self) -> None:
        if (self.min_area_m2 is not None and self.min_area_m2 < 0) or (
                self.max_area_m2 is not None and self.max_area_m2 <= 0):
            raise SearchError(_("面积须为正数"))
        if self.min_area_m2 is not None and self.max_area_m2 is not None and self.min_area_m2 > self.max_area_m2:
            raise SearchError(_("最小面积不能大于最大面积"))
        if self.max_road_distance_m is not None and not 0 <= self.max_road_distance_m <= 5000:
            raise SearchError(_("到道路的距离须在 0–5000 米之间"))
        if self.max_road_distance_m is not None and not self.road_grade:
            raise SearchError(_("请选择道路等级"))
        if not 1 <= self.limit <= MAX_RESULTS:
            raise SearchError(_("结果数须在 1–%(most)s 之间") % {"most": MAX_RESULTS})


@dataclass
class Candidate:
    parcel: Parcel
    area_m2: float
    layer: str
    road_distance_m: float | None = None
    road: str = ""
    rank: int = 0
    district: str = ""
    pipelines_checked: bool = False
    extra: dict = field(default_factory=dict)

    def as_row(self) -> dict:
        p = self.parcel
        return {"rank": self.rank, "code": p.code, "land_use": p.land_use, "land_use_name": p.land_use_name,
                "area_m2": round(self.area_m2, 1), "far_max": p.far_max, "density_max": p.density_max,
                "height_max": p.height_max, "green_min": p.green_min, "district": self.district,
                "road": self.road, "road_distance_m": None if self.road_distance_m is None
                else round(self.road_distance_m, 1)}


def road_grades() -> list[str]:
    return sorted({g for g in Road.objects.filter(retired_in__isnull=True).exclude(grade="")
                   .values_list("grade", flat=True).distinct()})


def districts():
    """Units with a jurisdiction, for the district choice."""
    return Unit.objects.filter(is_active=True, jurisdiction__isnull=False).order_by("code")


def _plan_layers() -> list[Layer]:
    return list(Layer.objects.filter(is_active=True, kind=Kind.PARCEL))


def _pipeline_conflict(geom: GEOSGeometry, pipe_layers: list[int], clearance: dict[str, float]) -> bool:
    reach = max(clearance.values())
    pipes = Pipeline.objects.filter(layer_id__in=pipe_layers, retired_in__isnull=True)
    for pipe in intersecting(pipes, geom.buffer(reach)).only("pipe_kind", "geom"):
        if geom.distance(pipe.geom) <= clearance.get(pipe.pipe_kind, clearance[""]):
            return True
    return False


def _near_roads(qs, criteria: Criteria) -> dict[int, tuple[float, str]]:
    """Parcel id -> (distance, road name) to the nearest road of the grade within the distance: one indexed look-up
    per road of that grade (a few hundred in a city), never a scan of the parcels."""
    roads = Road.objects.filter(retired_in__isnull=True, grade=criteria.road_grade, layer__is_active=True)
    found: dict[int, tuple[float, str]] = {}
    reach = criteria.max_road_distance_m or 0.0
    for road in roads.only("name", "code", "geom"):
        for parcel_id, geom in intersecting(qs, road.geom.buffer(reach)).values_list("pk", "geom"):
            distance = road.geom.distance(geom)
            if distance <= reach and (parcel_id not in found or distance < found[parcel_id][0]):
                found[parcel_id] = (distance, road.name or road.code)
    return found


def search(criteria: Criteria) -> list[Candidate]:
    criteria.check()
    layers = _plan_layers()
    codes = {layer.pk: layer.code for layer in layers}
    qs = Parcel.objects.filter(layer_id__in=list(codes), retired_in__isnull=True)
    if criteria.land_use:
        qs = qs.filter(land_use__istartswith=criteria.land_use.strip())
    district_name = ""
    if criteria.district:
        unit = districts().filter(code=criteria.district).first()
        if unit is None:
            raise SearchError(_("没有这个辖区"))
        district_name = unit.name
        qs = intersecting(qs, unit.jurisdiction)
    qs = qs.annotate(area_m2=Area("geom"))
    if criteria.min_area_m2 is not None:
        qs = qs.filter(area_m2__gte=AreaMeasure(sq_m=criteria.min_area_m2))
    if criteria.max_area_m2 is not None:
        qs = qs.filter(area_m2__lte=AreaMeasure(sq_m=criteria.max_area_m2))
    near = None
    if criteria.road_grade:
        near = _near_roads(qs, criteria)
        qs = qs.filter(pk__in=list(near))
    pipe_layers = list(Layer.objects.filter(is_active=True, kind=Kind.PIPELINE).values_list("pk", flat=True))
    clearance = clearances()
    rows = []
    for parcel in qs.order_by("-area_m2", "code").iterator(chunk_size=500):
        area = parcel.area_m2.sq_m if hasattr(parcel.area_m2, "sq_m") else float(parcel.area_m2)
        candidate = Candidate(parcel=parcel, area_m2=area, layer=codes[parcel.layer_id], district=district_name)
        if near is not None:
            candidate.road_distance_m, candidate.road = near[parcel.pk]
        rows.append(candidate)
    if near is not None:
        rows.sort(key=lambda c: (c.road_distance_m, -c.area_m2, c.parcel.code))
    chosen = []
    for candidate in rows:
        if criteria.no_pipeline_conflict and _pipeline_conflict(candidate.parcel.geom, pipe_layers, clearance):
            continue
        candidate.rank = len(chosen) + 1
        chosen.append(candidate)
        if len(chosen) >= criteria.limit:
            break
    return chosen


def as_geojson(candidates: list[Candidate]) -> dict:
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": to_geojson(c.parcel.geom), "properties": c.as_row()} for c in candidates]}


def to_excel(candidates: list[Candidate], criteria: Criteria) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "选址候选地块"
    sheet.append(["排名", "地块编号", "用地性质代码", "用地性质", "面积（平方米）", "容积率上限", "建筑密度上限（%）",
                  "建筑限高（米）", "绿地率下限（%）", "辖区", "最近道路", "到道路距离（米）"])
    for c in candidates:
        r = c.as_row()
        sheet.append([r["rank"], r["code"], r["land_use"], r["land_use_name"], r["area_m2"], r["far_max"],
                      r["density_max"], r["height_max"], r["green_min"], r["district"], r["road"],
                      r["road_distance_m"]])
    conditions = book.create_sheet("查询条件")
    for label, value in [("用地性质", criteria.land_use), ("最小面积", criteria.min_area_m2),
                         ("最大面积", criteria.max_area_m2), ("辖区", criteria.district),
                         ("道路等级", criteria.road_grade), ("到道路最大距离（米）", criteria.max_road_distance_m),
                         ("排除管线安全距离内地块", "是" if criteria.no_pipeline_conflict else "否")]:
        conditions.append([label, value if value not in (None, "") else "—"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- public planning information ---------------------------------------------------------------------------------

def public_plan_layers() -> list[Layer]:
    """The parcel layers anyone may read; never an internal or restricted one."""
    return list(Layer.objects.visible_to(None).filter(kind=Kind.PARCEL, access=Access.PUBLIC))


def planning_info(point: Point) -> list[dict]:
    """The public plan parcels at a point (lon/lat or the bureau's CRS): code, land use, indicators, plan, date."""
    if point.srid is None:
        point = Point(point.x, point.y, srid=4326)
    point = transformed(point, settings.PLANDESK_SRID)
    layers = {layer.pk: layer for layer in public_plan_layers()}
    if not layers:
        return []
    versions = {v.pk: v for v in LayerVersion.objects.filter(layer_id__in=list(layers))}
    qs = Parcel.objects.filter(layer_id__in=list(layers), retired_in__isnull=True)
    rows = []
    for parcel in intersecting(qs, point).order_by("code")[:10]:
        layer, version = layers[parcel.layer_id], versions.get(parcel.version_id)
        rows.append({
            "code": parcel.code, "land_use": parcel.land_use, "land_use_name": parcel.land_use_name,
            "indicators": {"far_max": parcel.far_max, "density_max": parcel.density_max,
                           "height_max": parcel.height_max, "green_min": parcel.green_min},
            "plan": (parcel.attrs or {}).get("plan") or layer.name, "layer": layer.code,
            "approved_on": version.effective_on.isoformat() if version else None,
            "geometry": to_geojson(parcel.geom),
        })
    return rows
