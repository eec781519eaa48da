"""One gate for request text, before any view runs: lone surrogates, text that is not UTF-8, deep JSON nesting.

Python's `json` turns `"\\ud800"` (and raw surrogate bytes, which it decodes with "surrogatepass") into a str that no
database driver can encode: SQLite raised UnicodeEncodeError as a 500 after the view had already spent a rate-limit
unit. A JSON document nested thousands deep makes the parser itself raise RecursionError. Django decodes form fields
with errors="replace", so a form never carries a surrogate, but it silently turns bytes that are not UTF-8 into
U+FFFD and stores them. `InputGuardMiddleware` refuses all of these with 400 and a Chinese message for every
endpoint at once (pages, the API, the phone line), so no view needs its own check.

Cheap on the common path: a JSON body is only parsed here when it contains a surrogate escape (`\\ud8..`-`\\udf..`),
and its depth is only measured when it has more brackets than the limit allows (a site's GeoJSON does).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils.http import parse_header_parameters

from plandesk.core.api_errors import error_response

log = logging.getLogger("plandesk.core.input_guard")

MAX_DEPTH = 64  # PLANDESK_INPUT_MAX_DEPTH: a site's GeoJSON (FeatureCollection of MultiPolygons) is about 9 deep

_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")

NOT_UTF8 = ("invalid_json", "请求内容不是有效的 JSON（须为 UTF-8 编码）")
LONE_SURROGATE = ("invalid_text", "请求内容含有无法识别的字符（不成对的代理码位或非 UTF-8 编码），请检查后重新提交")
TOO_DEEP = ("too_deep", "请求内容嵌套层数过多（最多 {limit} 层）")


class Refused(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def max_depth() -> int:
    return int(getattr(settings, "PLANDESK_INPUT_MAX_DEPTH", MAX_DEPTH))


def deeper_than(body: bytes, limit: int) -> bool:
    """True when the JSON text nests arrays/objects more than `limit` deep (strings do not count)."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    skeleton = _JSON_STRING.sub(b"", body).translate(None, _NOT_BRACKETS)
    # Each pass takes away the innermost level (siblings go together): the text is `limit` deep at most when
    # `limit` passes leave nothing. No recursion, so 10 MB of "[" costs a few C-speed passes, not a stack.
    for _ in range(limit):
        shorter = skeleton.replace(b"[]", b"").replace(b"{}", b"")
        if shorter == skeleton:
            # Empty, or brackets that do not pair (invalid JSON): a parser would still descend into every opener
            # before finding out, so many unclosed ones count as too deep.
            return skeleton.count(b"[") + skeleton.count(b"{") > limit
        skeleton = shorter
    return bool(skeleton)


def _has_lone_surrogate(value) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")  # json pairs valid surrogates into one code point: what is left is lone
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def check_json(body: bytes) -> None:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(*NOT_UTF8) from None
    limit = max_depth()
    if deeper_than(body, limit):
        raise Refused(TOO_DEEP[0], TOO_DEEP[1].format(limit=limit))
    if _SURROGATE_ESCAPE.search(body):
        try:
            parsed = json.loads(body)
        except (ValueError, RecursionError):
            return  # not JSON at all: the endpoint answers that in its own words
        if _has_lone_surrogate(parsed):
            raise Refused(*LONE_SURROGATE)


def check_urlencoded(text: bytes) -> None:
    """Form fields and query strings: every percent-decoded name and value must be UTF-8."""
    for pair in text.split(b"&"):
        if b"%" in pair or any(b > 0x7F for b in pair):
            try:
                unquote_to_bytes(pair).decode("utf-8")
            except UnicodeDecodeError:
                raise Refused(*LONE_SURROGATE) from None


def check_multipart(body: bytes, boundary: bytes) -> None:
    """The text fields of a multipart form must be UTF-8 (file contents are the files' own business)."""
    for part in body.split(b"--" + boundary):
        head, sep, value = part.partition(b"\r\n\r\n")
        if not sep or b"filename=" in head.lower():
            continue
        try:
            head.decode("utf-8")
            value.removesuffix(b"\r\n").decode("utf-8")
        except UnicodeDecodeError:
            raise Refused(*LONE_SURROGATE) from None


def _looks_like_json(content_type: str, body: bytes) -> bool:
    if "json" in content_type:
        return True
    if content_type.startswith(("multipart/", "application/x-www-form-urlencoded")):
        return False
    return body.lstrip()[:1] in (b"[", b"{")  # some endpoints read any body as JSON (the phone line's webhook)


def check(request: HttpRequest) -> None:
    query = request.META.get("QUERY_STRING", "")
    if query:
        check_urlencoded(query.encode("latin-1", "replace"))  # WSGI hands the raw bytes over as latin-1
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    content_type, params = parse_header_parameters(request.META.get("CONTENT_TYPE", ""))
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return
    if length <= 0 or length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        return  # nothing to read, or too big: the endpoint refuses that with 413 before reading it
    try:
        body = request.body  # kept on the request: the view and request.POST read it again from memory
    except RequestDataTooBig:
        return
    if content_type.startswith("multipart/"):
        boundary = params.get("boundary", "")
        if boundary:
            check_multipart(body, boundary.encode("latin-1", "replace"))
    elif content_type == "application/x-www-form-urlencoded":
        check_urlencoded(body)
    elif _looks_like_json(content_type, body):
        check_json(body)


class InputGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            check(request)
        except Refused as refused:
            log.warning("refused %s %s: %s", request.method, request.path, refused.code)
            if request.path.startswith("/api/") or "json" in request.META.get("CONTENT_TYPE", ""):
                return error_response(400, refused.code, refused.message, fields=[])
            return HttpResponse(refused.message, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
