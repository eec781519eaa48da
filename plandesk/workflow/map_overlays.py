"""Case sites on the staff map (issue 9: "case sites as an overlay, colour by light").

`gis` draws the map but does not know what a case is; it asks every app's `map_overlays.OVERLAYS` for extra
layers. A case's light is the worse of its own (from its due date: `Case.light_at`) and its worst open step's at this
moment, computed from the deadlines rather than from the stored `light` columns, which the sweep may not have
caught up with yet.
"""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from plandesk.cases.models import Case, CaseStatus
from plandesk.gis.features import BadQuery, parse_bbox
from plandesk.gis.geometry import to_geojson
from plandesk.gis.query import bbox_filter
from plandesk.workflow.access import CASE_READERS
from plandesk.workflow.models import Task, TaskState
from plandesk.workflow.services import visible_cases

# Cases still being worked on; finished and refused cases would only crowd the map.
SHOWN_STATUSES = (CaseStatus.IN_PROGRESS, CaseStatus.PAUSED, CaseStatus.READY_FOR_PICKUP)
MAX_FEATURES = 2000
COLOURS = {"green": "#2ca25f", "yellow": "#e6a700", "red": "#d7301f", "paused": "#7f7f7f"}
LIGHT_NAMES = {"green": "绿灯", "yellow": "黄灯", "red": "红灯", "paused": "暂停计时"}


def _may_see_cases(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.groups.filter(name__in=CASE_READERS).exists())


def case_sites_overlay(request: HttpRequest) -> dict | None:
    """The overlay's entry in the map's configuration, for those who may read cases."""
    if not _may_see_cases(request.user):
        return None
    return {"code": "case-sites", "name": "在办案件用地（按亮灯着色）", "access": "staff",
            "style": {"by": "light", "colors": COLOURS, "weight": 2, "fill": 0.35},
            "labels": {"number": "案件编号", "project": "项目名称", "status": "状态", "light_name": "亮灯",
                       "due": "承诺期限"},
            "legend": [(LIGHT_NAMES[light], colour) for light, colour in COLOURS.items()],
            "url": reverse("workflow:case_sites"), "on": True}


OVERLAYS = [case_sites_overlay]


def case_sites(user, bbox, now=None) -> list[dict]:
    """GeoJSON features of the sites of the cases `user` may see inside `bbox` (lon/lat), each with its light."""

    now = now or timezone.now()
    open_steps = Task.objects.filter(case=OuterRef("pk"), state=TaskState.OPEN)
    visible = visible_cases(user).filter(status__in=SHOWN_STATUSES, site__isnull=False).values("pk")
    cases = bbox_filter(Case.objects.filter(pk__in=visible), bbox, srid=4326, field="site", cap=MAX_FEATURES * 5)
    cases = (cases.annotate(any_red=Exists(open_steps.filter(due_at__lte=now)),
                            any_yellow=Exists(open_steps.filter(warn_at__lte=now)))
             .only("number", "project_name", "status", "due_at", "warn_at", "light", "site")
             .order_by("number")[:MAX_FEATURES])
    features = []
    for case in cases:
        if case.status == CaseStatus.PAUSED:
            light = "paused"
        elif case.any_red or (case.due_at is not None and case.due_at <= now):
            light = "red"
        elif case.any_yellow or case.light_at(now) == "yellow":
            light = "yellow"
        else:
            light = "green"
        due = timezone.localtime(case.due_at).strftime("%Y-%m-%d") if case.due_at else ""
        features.append({"type": "Feature", "geometry": to_geojson(case.site, digits=6), "properties": {
            "number": case.number, "project": case.project_name, "status": case.get_status_display(),
            "light": light, "light_name": LIGHT_NAMES[light], "due": due,
            "url": reverse("workflow:case", args=[case.number])}})
    return features


@login_required
@require_GET
def case_sites_geojson(request: HttpRequest):
    if not _may_see_cases(request.user):
        return JsonResponse({"error": "forbidden", "message": "无权查看案件"}, status=403,
                            json_dumps_params={"ensure_ascii": False})

    try:
        bbox = parse_bbox(request.GET.get("bbox"))
        if bbox is None:
            raise BadQuery("缺少 bbox")
    except BadQuery as bad:
        return JsonResponse({"error": "invalid", "message": bad.message}, status=400,
                            json_dumps_params={"ensure_ascii": False})
    body = json.dumps({"type": "FeatureCollection", "features": case_sites(request.user, bbox)}, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/geo+json")
    response["Vary"] = "Cookie"
    return response
