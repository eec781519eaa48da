"""Pages of site selection support (staff) and the public planning information on a map click (anyone).

Kept apart from views.py (the layer maps and the catalogue) so that each page family reads on its own.
"""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from plandesk.accounts.models import Role
from plandesk.gis import siting

STAFF = tuple(Role.values)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _number(value: str, label: str, errors: list[str]) -> float | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        errors.append(_("%(label)s须为数字") % {"label": label})
        return None


def _criteria(params) -> tuple[siting.Criteria, list[str]]:
    errors: list[str] = []
    criteria = siting.Criteria(
        land_use=(params.get("land_use") or "").strip()[:20],
        min_area_m2=_number(params.get("min_area"), _("最小面积"), errors),
        max_area_m2=_number(params.get("max_area"), _("最大面积"), errors),
        district=(params.get("district") or "").strip()[:60],
        road_grade=(params.get("road_grade") or "").strip()[:20],
        max_road_distance_m=_number(params.get("road_distance"), _("到道路距离"), errors),
        no_pipeline_conflict=params.get("no_pipeline") in ("1", "on", "true"),
    )
    return criteria, errors


@login_required
@require_GET
def site_selection(request: HttpRequest):
    """选址辅助: search, ranked list, map, and the same list as an Excel workbook (?format=xlsx)."""
    if not request.user.has_role(*STAFF):
        raise PermissionDenied
    criteria, errors = _criteria(request.GET)
    searched = "search" in request.GET or request.GET.get("format") == "xlsx"
    results: list[siting.Candidate] = []
    if searched and not errors:
        try:
            results = siting.search(criteria)
        except siting.SearchError as exc:
            errors.append(str(exc))
    if request.GET.get("format") == "xlsx" and not errors:
        response = HttpResponse(siting.to_excel(results, criteria), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="site-selection.xlsx"'
        return response
    return render(request, "gis/siting.html", {
        "criteria": criteria, "errors": errors, "searched": searched, "rows": [c.as_row() for c in results],
        "geojson": json.dumps(siting.as_geojson(results), ensure_ascii=False),
        "districts": siting.districts(), "grades": siting.road_grades(), "query": request.GET.urlencode(),
    }, status=400 if errors else 200)


@require_GET
def planning_info(request: HttpRequest):
    """The public planning information at a point (?lon=&lat=): public plan layers only, signed in or not."""
    try:
        lon, lat = float(request.GET.get("lon", "")), float(request.GET.get("lat", ""))
    except ValueError:
        return JsonResponse({"error": "invalid", "message": "请给出经纬度 lon、lat"}, status=400,
                            json_dumps_params={"ensure_ascii": False})
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return JsonResponse({"error": "invalid", "message": "经纬度超出范围"}, status=400,
                            json_dumps_params={"ensure_ascii": False})
    rows = siting.planning_info(Point(lon, lat, srid=4326))
    return JsonResponse({"lon": lon, "lat": lat, "parcels": rows}, json_dumps_params={"ensure_ascii": False})


@require_GET
def planning_info_map(request: HttpRequest):
    """The public map of planning information: click a point to read the plan there."""
    return render(request, "gis/plan_info.html", {"layers": siting.public_plan_layers()})
