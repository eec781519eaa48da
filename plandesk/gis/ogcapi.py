"""OGC API – Features, Part 1 (Core, GeoJSON) at /ogcapi/: the layers a caller may see, for QGIS, ArcGIS and OWSLib.

Access follows the catalogue: public layers for anyone, staff and restricted layers only to a signed-in user or a
bearer token (`Authorization: Bearer <token>` from POST /api/v1/auth/token). A collection the caller may not see
does not exist for him (404), so its name gives nothing away.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from plandesk.accounts.models import ApiToken
from plandesk.gis import features as feats
from plandesk.gis.models import Layer

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-common-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
]
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
# Above this many features an items page leaves `numberMatched` out rather than count them all.
MATCHED_LIMIT = 10_000
# Parameters of the standard that are not property filters.
RESERVED = {"f", "bbox", "bbox-crs", "limit", "offset", "datetime", "crs"}
JSON = "application/json"
GEOJSON = "application/geo+json"


def caller(request: HttpRequest):
    """The signed-in user, or the owner of a valid bearer token, or None (the public)."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return ApiToken.user_for(header[7:].strip())
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _json(data: dict, status: int = 200, content_type: str = JSON) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = f"{content_type}; charset=utf-8" if content_type == JSON else content_type
    # Answers differ by caller: never share them between callers in a cache.
    response["Vary"] = "Authorization, Cookie"
    return response


def _error(status: int, code: str, message: str) -> JsonResponse:
    return _json({"code": code, "description": message, "error": code, "message": message}, status)


def _url(request: HttpRequest, path: str = "", **params) -> str:
    base = request.build_absolute_uri(f"/ogcapi/{path}")
    query = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{base}?{urlencode(query)}" if query else base


def _layer_for(request: HttpRequest, collection_id: str) -> Layer | None:
    return Layer.objects.visible_to(caller(request)).filter(code=collection_id).first()


NO_COLLECTION = "没有这个图层（或您无权查看）"


@require_GET
def landing(request: HttpRequest):
    return _json({
        "title": "城乡规划局基础信息数据库",
        "description": "OGC API – Features：可公开的图层；局内和受限图层需要令牌",
        "links": [
            {"href": _url(request), "rel": "self", "type": JSON, "title": "本页"},
            {"href": _url(request, "conformance"), "rel": "conformance", "type": JSON, "title": "符合的标准"},
            {"href": _url(request, "collections"), "rel": "data", "type": JSON, "title": "图层"},
        ],
    })


@require_GET
def conformance(request: HttpRequest):
    return _json({"conformsTo": CONFORMANCE})


def _collection(request: HttpRequest, layer: Layer) -> dict:
    data = {
        "id": layer.code,
        "title": layer.name,
        "description": layer.description or layer.get_family_display(),
        "itemType": "feature",
        "crs": [CRS84],
        "keywords": [layer.get_family_display(), layer.get_access_display()],
        "links": [
            {"href": _url(request, f"collections/{layer.code}"), "rel": "self", "type": JSON},
            {"href": _url(request, f"collections/{layer.code}/items"), "rel": "items", "type": GEOJSON,
             "title": layer.name},
        ],
    }
    if layer.extent_lonlat:
        data["extent"] = {"spatial": {"bbox": [layer.extent_lonlat], "crs": CRS84}}
    return data


@require_GET
def collections(request: HttpRequest):
    layers = Layer.objects.visible_to(caller(request))
    return _json({
        "links": [{"href": _url(request, "collections"), "rel": "self", "type": JSON}],
        "collections": [_collection(request, layer) for layer in layers],
    })


@require_GET
def collection(request: HttpRequest, collection_id: str):
    layer = _layer_for(request, collection_id)
    if layer is None:
        return _error(404, "NotFound", NO_COLLECTION)
    return _json(_collection(request, layer))


def _int(request: HttpRequest, name: str, default: int, low: int, high: int) -> int:
    raw = request.GET.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise feats.BadQuery(f"{name} 须为整数：{raw}") from None
    if value < low:
        raise feats.BadQuery(f"{name} 不能小于 {low}")
    return min(value, high)


def _matched(qs, offset: int, page: list, more: bool) -> int | None:
    """`numberMatched`, when it is cheap to know: None above MATCHED_LIMIT features (the standard makes it optional).

    Counting the ~880,000 buildings of a city box took 0.7–1.1 s on PostGIS, for a page of 100. The last page gives the
    number for free; otherwise the count stops after MATCHED_LIMIT + 1 rows.
    """
    if not more and (page or offset == 0):
        return offset + len(page)
    found = qs.order_by()[: MATCHED_LIMIT + 1].count()
    return found if found <= MATCHED_LIMIT else None


@require_GET
def items(request: HttpRequest, collection_id: str):
    layer = _layer_for(request, collection_id)
    if layer is None:
        return _error(404, "NotFound", NO_COLLECTION)
    try:
        limit = _int(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
        offset = _int(request, "offset", 0, 0, 10**9)
        if request.GET.get("bbox-crs", CRS84) != CRS84:
            raise feats.BadQuery("bbox-crs 只支持 CRS84（经纬度）")
        bbox = feats.parse_bbox(request.GET.get("bbox"))
        filters = {k: v for k, v in request.GET.items() if k not in RESERVED}
        qs = feats.filtered(layer, bbox, filters)
    except feats.BadQuery as bad:
        return _error(400, "InvalidParameterValue", bad.message)
    with feats.serial_plan(qs.db):
        # One row past the page tells whether there is a next page, without counting.
        page = feats.features_text(qs[offset: offset + limit + 1], layer)
        more = len(page) > limit
        page = page[:limit]
        matched = _matched(qs, offset, page, more)
    keep = {k: v for k, v in request.GET.items() if k not in {"offset", "limit"}}
    path = f"collections/{layer.code}/items"
    links = [
        {"href": _url(request, path, **keep, limit=limit, offset=offset or None), "rel": "self", "type": GEOJSON},
        {"href": _url(request, f"collections/{layer.code}"), "rel": "collection", "type": JSON},
    ]
    if more:
        links.append({"href": _url(request, path, **keep, limit=limit, offset=offset + limit), "rel": "next",
                      "type": GEOJSON, "title": "下一页"})
    if offset > 0:
        links.append({"href": _url(request, path, **keep, limit=limit, offset=max(0, offset - limit) or None),
                      "rel": "prev", "type": GEOJSON, "title": "上一页"})
    counts = {"numberReturned": len(page)} if matched is None else {"numberMatched": matched,
                                                                    "numberReturned": len(page)}
    body = feats.collection_text(page, timeStamp=timezone.now().isoformat(timespec="seconds"), **counts, links=links)
    response = HttpResponse(body, content_type=GEOJSON)
    response["Vary"] = "Authorization, Cookie"
    return response


@require_GET
def item(request: HttpRequest, collection_id: str, feature_id: str):
    layer = _layer_for(request, collection_id)
    if layer is None:
        return _error(404, "NotFound", NO_COLLECTION)
    if not feature_id.isdigit():
        return _error(404, "NotFound", "没有这个要素")
    found = list(feats.rows(layer.features().filter(pk=int(feature_id)), layer))
    if not found:
        return _error(404, "NotFound", "没有这个要素")
    pk, props, geom = found[0]
    data = feats.feature(pk, props, geom)
    data["links"] = [
        {"href": _url(request, f"collections/{layer.code}/items/{pk}"), "rel": "self", "type": GEOJSON},
        {"href": _url(request, f"collections/{layer.code}"), "rel": "collection", "type": JSON},
    ]
    return _json(data, content_type=GEOJSON)

