"""The JSON API v1: one NinjaAPI, each domain app adds its router from `plandesk.<app>.api`."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder

from plandesk.accounts.auth import bearer
from plandesk.core.api_errors import error_response, refusal_response
from plandesk.core.refusals import Refusal
from plandesk.core.registry import app_modules


class LocalTimeEncoder(NinjaJSONEncoder):
    """Times leave the API in the bureau's zone with their offset (+08:00), as the contract's conventions say."""

    def default(self, o):
        if isinstance(o, datetime) and timezone.is_aware(o):
            return timezone.localtime(o).isoformat()
        return super().default(o)


class LocalTimeRenderer(JSONRenderer):
    encoder_class = LocalTimeEncoder
    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=LocalTimeRenderer(),
    title="plandesk API",
    version="1",
    description="城乡规划局行政审批系统接口 / City planning bureau approval system API",
    urls_namespace="api",
    # Deny by default: a public operation says auth=None.
    auth=bearer,
    # No Swagger page (issue 27): the contract is the document at /api/v1/openapi.json, which integrators load into
    # their own tools; a page here would ship a large script bundle to serve no role of the bureau, and ninja's
    # default one loads it from a CDN with an inline script, which the site's CSP rightly blocks (it was blank).
    docs_url=None,
)


@api.exception_handler(Refusal)
def _refusal(request: HttpRequest, exc: Refusal):
    """Every refusal of the house (ApiError and the apps' own), whatever operation raised it: the one handler."""
    return refusal_response(exc)


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError):
    return error_response(401, "unauthorized", "未登录或令牌无效、已过期")


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError):
    fields = []
    for err in exc.errors:
        loc = [str(part) for part in err.get("loc", []) if part not in ("body", "payload", "query", "path")]
        fields.append({"field": ".".join(loc), "message": err.get("msg", "")})
    names = "、".join(f["field"] for f in fields if f["field"]) or "请求"
    return error_response(422, "invalid", f"输入有误：{names}", fields=fields)


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig):
    # Without this, Django's HTML "Bad Request" page would answer a JSON client.
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
    return error_response(413, "too_large", f"请求内容过大（上限 {limit} MB）")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError):
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        # django-ninja's own words for a body that is not JSON: in Chinese, shaped like the other 400s (fields).
        return error_response(400, "invalid_json", "请求内容不是有效的 JSON（须为 UTF-8 编码）", fields=[])
    return error_response(exc.status_code, "http_error", str(exc))


for _label, module in app_modules("api"):
    router = getattr(module, "router", None)
    if router is not None:
        api.add_router(getattr(module, "PREFIX", "/"), router)
