"""The map pages: the staff map (layers by access), the public map (public layers only), the layer catalogue."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET

from plandesk.accounts.models import Role
from plandesk.audit.context import acting_as, client_ip
from plandesk.core.registry import app_modules
from plandesk.gis import features as feats
from plandesk.gis.features import Viewport
from plandesk.gis.forms import ImportForm
from plandesk.gis.geometry import transformed
from plandesk.gis.importer import Importer, ImportRefused
from plandesk.gis.models import Access, Layer
from plandesk.organization.models import Post

SEARCH_LIMIT = 20


def is_staff(user) -> bool:
    """Bureau staff: anyone with a role or a post (the public and role-less accounts are not)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.role_codes()) or Post.objects.held_by(user).exists()


def _map_layers(request: HttpRequest, public: bool):
    if public:
        return Layer.objects.filter(is_active=True, access=Access.PUBLIC)
    return Layer.objects.visible_to(request.user)


def _layer_config(layer: Layer, public: bool) -> dict:
    model = layer.feature_model
    labels = {name: str(model._meta.get_field(name).verbose_name) for name in model.TYPED_FIELDS}
    url = reverse("gis:layer_geojson", args=[layer.code])
    return {"code": layer.code, "name": layer.name, "family": layer.family, "access": layer.access,
            "style": layer.style or {},
            "labels": labels, "url": f"{url}?public=1" if public else url,
            "on": bool((layer.style or {}).get("on", True))}


def _extent_of(geom) -> list[float]:
    xmin, ymin, xmax, ymax = transformed(geom.envelope, 4326).extent
    return [round(v, 6) for v in (xmin, ymin, xmax, ymax)]


def _search(layers, query: str) -> list[dict]:
    """Parcels by code and roads by name (or any feature by code/name) among the layers shown."""
    query = query.strip()
    if not query:
        return []
    results = []
    for layer in layers:
        qs = layer.features().filter(Q(code__icontains=query) | Q(name__icontains=query)).order_by("code", "pk")
        for found in qs[: SEARCH_LIMIT - len(results)]:
            label = found.code if found.code and query.lower() in found.code.lower() else (found.name or found.code)
            results.append({"layer": layer, "label": label, "feature": found, "bbox": _extent_of(found.geom),
                            "properties": found.properties()})
        if len(results) >= SEARCH_LIMIT:
            break
    return results


def _overlays(request: HttpRequest) -> list[dict]:
    """Layers that apps above this one draw on the staff map (e.g. case sites by light): `map_overlays.OVERLAYS`."""
    found = []
    for _label, module in app_modules("map_overlays"):
        for overlay in getattr(module, "OVERLAYS", []):
            spec = overlay(request)
            if spec:
                found.append(spec)
    return found


def _render_map(request: HttpRequest, public: bool):
    layers = list(_map_layers(request, public))
    query = request.GET.get("q", "")
    overlays = [] if public else _overlays(request)
    config = {
        "layers": [_layer_config(layer, public) for layer in layers] + overlays,
        "center": [30.60, 114.30],
        "zoom": 14,
        "tiles": getattr(settings, "PLANDESK_MAP_TILES", ""),
        # A click on the public map asks what the plan says there (public plan layers only, see gis.siting).
        "info_url": reverse("gis:planning_info") if public else "",
    }
    return render(request, "gis/map.html", {
        "layers": layers, "overlays": overlays, "public": public, "query": query, "results": _search(layers, query),
        "config_json": json.dumps(config, ensure_ascii=False),
    })


@login_required
@require_GET
def staff_map(request: HttpRequest):
    if not is_staff(request.user):
        raise PermissionDenied("仅限本局工作人员")
    return _render_map(request, public=False)


@require_GET
def public_map(request: HttpRequest):
    return _render_map(request, public=True)


@require_GET
def layer_geojson(request: HttpRequest, code: str):
    """Features of one layer inside the map's view, simplified for the zoom and bounded in number."""
    public = request.GET.get("public") == "1"
    layer = _map_layers(request, public).filter(code=code).first()
    if layer is None:
        return JsonResponse({"error": "not_found", "message": "没有这个图层（或您无权查看）"}, status=404,
                            json_dumps_params={"ensure_ascii": False})
    try:
        bbox = feats.parse_bbox(request.GET.get("bbox"))
        zoom = int(request.GET.get("zoom", "16"))
        if bbox is None:
            raise feats.BadQuery("缺少 bbox")
    except (feats.BadQuery, ValueError) as bad:
        message = getattr(bad, "message", "zoom 须为整数")
        return JsonResponse({"error": "invalid", "message": message}, status=400,
                            json_dumps_params={"ensure_ascii": False})
    body = feats.viewport_geojson(layer, Viewport(bbox, zoom))
    response = HttpResponse(body, content_type="application/geo+json")
    response["Vary"] = "Cookie"
    return response


@login_required
@require_GET
def catalogue(request: HttpRequest):
    if not is_staff(request.user):
        raise PermissionDenied("仅限本局工作人员")
    layers = Layer.objects.visible_to(request.user).prefetch_related("versions", "granted_posts")
    return render(request, "gis/catalogue.html", {"layers": layers,
                                                  "perms_import": request.user.has_role(Role.GIS_KEEPER)})


PROGRESS_MARK = "<!--gis-progress-->"


@login_required
def upload(request: HttpRequest):
    """The GIS keeper loads a file into a layer: all or nothing, progress streamed, the report kept with the version.

    The page is streamed: its top, then a <progress> element per 500 records (CSS shows only the last one, so it
    works without JavaScript), then the result. The import runs in this request's thread, in one transaction.
    """
    if not request.user.has_role(Role.GIS_KEEPER):
        raise PermissionDenied("仅限信息中心（GIS 数据维护）")
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return render(request, "gis/upload.html", {"form": form}, status=400 if request.method == "POST" else 200)
    page = render_to_string("gis/upload.html", {"form": ImportForm(), "streaming": True}, request=request)
    head, _mark, tail = page.partition(PROGRESS_MARK)
    return StreamingHttpResponse(_stream_import(request, form.cleaned_data, head, tail),
                                 content_type="text/html; charset=utf-8")


def _stream_import(request: HttpRequest, data: dict, head: str, tail: str):
    yield head
    user = request.user
    with tempfile.TemporaryDirectory() as folder, acting_as(user=user, ip=client_ip(request)):
        path = Path(folder) / Path(data["file"].name).name
        with path.open("wb") as out:
            for chunk in data["file"].chunks():
                out.write(chunk)
        importer = Importer(path, data["layer"], srs=data["srs"] or None, field_map=data["fields"],
                            mode=data["mode"], source_layer=data["source_layer"] or None,
                            cad_layers=data["cad_layers"], user=user)
        version = refused = None
        steps = importer.steps()
        try:
            while True:
                done, total = next(steps)
                yield (f'<progress value="{done}" max="{total or done}">{done}</progress>'
                       f'<span class="progress-count">{done}{f" / {total}" if total else ""}</span>\n')
        except StopIteration as finished:
            version = finished.value
        except ImportRefused as exc:
            refused = exc
    yield render_to_string("gis/upload_result.html", {"version": version, "refused": refused}, request=request)
    yield tail
