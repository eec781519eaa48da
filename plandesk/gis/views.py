"""The map pages: the staff map (layers by access), the public map (public layers only), the layer catalogue."""

from __future__ import annotations

import json
import re
import shutil
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from plandesk.accounts.models import Role
from plandesk.audit.context import acting_as, client_ip
from plandesk.core.registry import app_modules
from plandesk.gis import drawing, labels
from plandesk.gis import features as feats
from plandesk.gis.features import Viewport
from plandesk.gis.forms import ImportForm
from plandesk.gis.geometry import GeometryError, parse_site, read_coordinates, transformed
from plandesk.gis.importer import Importer, ImportRefused
from plandesk.gis.importer import preview as importer_preview
from plandesk.gis.models import Access, Feature, Kind, Layer
from plandesk.organization.models import Post

SEARCH_LIMIT = 20


def is_staff(user) -> bool:
    """Bureau staff: anyone with a role or a post (the public and role-less accounts are not)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.role_codes()) or Post.objects.held_by(user).exists()


def _map_layers(request: HttpRequest, public: bool):
    return _map_layers_for(request.user, public)


def _field_labels(model) -> dict[str, str]:
    names = {key: str(label) for key, label in labels.ATTR_LABELS.items()}
    names.update({name: str(model._meta.get_field(name).verbose_name) for name in model.TYPED_FIELDS})
    if "land_use" in names:  # the popup shows the class in words with its code: 二类居住用地（R2）
        names["land_use"] = _("用地性质")
    return names


def _value_labels(model) -> dict[str, dict[str, str]]:
    """Words for the coded values of the model's columns, for the map's popups (`telecom` → 通信)."""
    found = {name: {k: str(v) for k, v in words.items()} for name, words in labels.VALUE_LABELS.items()
             if name in model.TYPED_FIELDS}
    for key in labels.LAND_USE_KEYS:
        if key in model.TYPED_FIELDS or model is Feature:
            found[key] = {code: f"{words}（{code}）" for code, words in labels.LAND_USE.items()}
    return found


def _layer_config(layer: Layer, public: bool) -> dict:
    model = layer.feature_model
    url = reverse("gis:layer_geojson", args=[layer.code])
    return {"code": layer.code, "name": layer.name, "family": layer.family, "access": layer.access,
            "style": layer.style or {},
            "labels": _field_labels(model), "values": _value_labels(model),
            "url": f"{url}?public=1" if public else url,
            "on": bool((layer.style or {}).get("on", True))}


# The drawing map's background without a tile service: the bureau's own parcels, road red lines and buildings.
BASE_KINDS = (Kind.PARCEL, Kind.ROAD, Kind.BUILDING)


def drawing_config(user, *, public: bool, editable: bool = True) -> dict:
    """What the site-drawing map (`gis/site_map.js`) needs: base layers the person may see (public ones only on a
    public page), the site-summary URL, tiles if any, the area tolerance."""
    layers = _map_layers_for(user, public).filter(kind__in=BASE_KINDS).order_by("order", "code")
    return {
        "layers": [_layer_config(layer, public) for layer in layers],
        "summary_url": reverse("gis:site_summary") + ("?public=1" if public else ""),
        "tiles": getattr(settings, "PLANDESK_MAP_TILES", ""),
        "center": [30.60, 114.30],
        "zoom": 16,
        "tolerance": drawing.area_tolerance(),
        "editable": editable,
        "words": drawing.words(),
    }


def _map_layers_for(user, public: bool):
    layers = Layer.objects.filter(is_active=True)
    if public:
        return layers.filter(access=Access.PUBLIC)
    return Layer.objects.visible_to(user)


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
            shown = labels.readable(found.properties())
            names = _field_labels(layer.feature_model)
            results.append({"layer": layer, "label": label, "feature": found, "bbox": _extent_of(found.geom),
                            "properties": {names.get(key, key): value for key, value in shown.items()}})
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


@require_GET
def site_summary(request: HttpRequest):
    """The drawing map asks, as a site is drawn: its area (m², 亩), the plan parcels it covers (layers the person may
    see; public ones only with ?public=1) and a warning against the declared land area (?declared= m²)."""
    public = request.GET.get("public") == "1"
    try:
        site = parse_site(request.GET.get("site") or "")
    except GeometryError as exc:
        return JsonResponse({"error": exc.code, "message": exc.message}, status=400,
                            json_dumps_params={"ensure_ascii": False})
    try:
        declared = float(request.GET["declared"]) if request.GET.get("declared") else None
    except ValueError:
        declared = None  # the form's own check names a figure that is not a number
    layers = _map_layers_for(request.user, public).filter(kind=Kind.PARCEL)
    summary = drawing.summarize(site, layers, declared)
    response = JsonResponse(summary.to_dict(), json_dumps_params={"ensure_ascii": False})
    response["Vary"] = "Cookie"
    return response


@require_GET
def coordinates(request: HttpRequest):
    """A typed coordinate list read back (?text=): the site as GeoJSON and what the numbers were recognised as."""
    try:
        found = read_coordinates(request.GET.get("text", "")[:200_000])
        site = found.as_geojson()
        parse_site(site)  # the same checks as at intake: a crossing boundary is said now, not on filing
    except GeometryError as exc:
        return JsonResponse({"error": exc.code, "message": exc.message}, status=400,
                            json_dumps_params={"ensure_ascii": False})
    return JsonResponse({"site": site, "recognised": found.recognised}, json_dumps_params={"ensure_ascii": False})


@login_required
@require_GET
def catalogue(request: HttpRequest):
    if not is_staff(request.user):
        raise PermissionDenied("仅限本局工作人员")
    layers = list(Layer.objects.visible_to(request.user).prefetch_related("versions", "granted_posts"))
    for layer in layers:
        # What the map and the OGC API serve: every feature in force, whichever version brought it in (an appended
        # version's own count is only what it added).
        layer.in_force = layer.features().count()
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
    data = form.cleaned_data
    path = _staged_path(request.user, data.get("staged") or "")
    if data["file"]:
        path = _stage(request.user, data["file"])
    elif path is None:
        form.add_error("file", _("预览的文件已过期，请重新选择文件"))
        return render(request, "gis/upload.html", {"form": form}, status=400)
    if request.POST.get("action") == "preview":
        return _preview_page(request, form, data, path)
    page = render_to_string("gis/upload.html", {"form": ImportForm(), "streaming": True}, request=request)
    head, _mark, tail = page.partition(PROGRESS_MARK)
    return StreamingHttpResponse(_stream_import(request, data, path, head, tail),
                                 content_type="text/html; charset=utf-8")


STAGED_HOURS = 24


def _staging_dir(user) -> Path:
    return Path(settings.DATA_DIR) / "gis" / "staged" / str(int(user.pk))


def _stage(user, upload) -> Path:
    """Keep an upload on the server (under the keeper's own folder) so that the import after its preview needs no
    second upload; the import removes it."""
    # A preview never followed by its import leaves its file behind: the keeper's older ones go now.
    stale = time.time() - STAGED_HOURS * 3600
    if _staging_dir(user).is_dir():
        for old in _staging_dir(user).iterdir():
            if old.is_dir() and old.stat().st_mtime < stale:
                shutil.rmtree(old, ignore_errors=True)
    token = uuid.uuid4().hex
    folder = _staging_dir(user) / token
    folder.mkdir(parents=True)
    path = folder / Path(upload.name).name
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return path


def _staged_path(user, token: str) -> Path | None:
    if not re.fullmatch(r"[0-9a-f]{32}", token):
        return None
    folder = _staging_dir(user) / token
    found = [p for p in folder.iterdir() if p.is_file()] if folder.is_dir() else []
    return found[0] if len(found) == 1 else None


def _preview_page(request: HttpRequest, form: ImportForm, data: dict, path: Path):
    """The mapping preview: the file's fields and where each goes, the first records, the count; then 导入."""
    try:
        found = importer_preview(path, data["layer"], srs=data["srs"] or None, field_map=data["fields"],
                                 source_layer=data["source_layer"] or None, cad_layers=data["cad_layers"])
    except ImportRefused as exc:
        shutil.rmtree(path.parent, ignore_errors=True)
        form.add_error("file", exc.message)
        return render(request, "gis/upload.html", {"form": form}, status=400)
    again = ImportForm(initial={**{k: request.POST.get(k, "") for k in ("layer", "srs", "mode", "source_layer",
                                                                         "cad_layers", "fields")},
                                "skip_invalid": data["skip_invalid"], "staged": path.parent.name})
    columns = list(found.columns)
    return render(request, "gis/upload.html", {
        "form": again, "preview": found, "staged_name": path.name, "layer": data["layer"],
        "columns": [(name, found.columns[name]) for name in columns],
        "sample": [{"number": row["number"], "cells": [row["values"].get(name) for name in columns],
                    "attrs": row["attrs"]} for row in found.rows],
    })


def _stream_import(request: HttpRequest, data: dict, path: Path, head: str, tail: str):
    yield head
    user = request.user
    with acting_as(user=user, ip=client_ip(request)):
        importer = Importer(path, data["layer"], srs=data["srs"] or None, field_map=data["fields"],
                            mode=data["mode"], source_layer=data["source_layer"] or None,
                            cad_layers=data["cad_layers"], skip_invalid=data["skip_invalid"], user=user)
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
        finally:
            shutil.rmtree(path.parent, ignore_errors=True)
    yield render_to_string("gis/upload_result.html", {"version": version, "refused": refused}, request=request)
    yield tail
