"""The input gate (core/input_guard.py): lone surrogates, non-UTF-8 form text and deep JSON get 400 before any view.

Every JSON operation of the OpenAPI document and every page route is probed, so an endpoint added tomorrow is
covered without a test of its own; nothing may change in the database while they are refused.
"""

from __future__ import annotations

import json
import re
import time

import pytest
from django.apps import apps
from django.test import Client

from plandesk.core.access import api_operations, url_patterns
from plandesk.core.input_guard import MAX_DEPTH, deeper_than

LONE = '{"x": "\\ud800"}'
BAD_FORM_BYTES = "%ED%A0%80"  # the UTF-8-style encoding of U+D800, which is no UTF-8
BOUNDARY = "plandeskboundary"
MULTIPART = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"ok\"\r\n\r\n1\r\n"
             f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\n\r\n").encode() + (
    b"\xff\xfe binary is fine in a file\r\n"
    + f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n".encode() + b"\xed\xa0\x80\r\n"
    + f"--{BOUNDARY}--\r\n".encode())


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()
            if not model._meta.proxy and model._meta.managed}


def _json_operations() -> list[tuple[str, dict]]:
    found = []
    for key, operation in api_operations():
        content = (operation.get("requestBody") or {}).get("content", {})
        if "application/json" in content:
            path = re.sub(r"\{[^}]+\}", "1", key.split(" ", 1)[1])
            found.append((path, operation))
    return found


def _field_names(operation) -> list[str]:
    from plandesk.api import api

    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = api.get_openapi_schema()["components"]["schemas"][name]
    return list(schema.get("properties", {})) or ["x"]


@pytest.mark.django_db
def test_it_refuses_a_lone_surrogate_and_deep_nesting_in_every_json_operation_before_anything_runs():
    client = Client(raise_request_exception=True)
    operations = _json_operations()
    assert len(operations) >= 20, operations
    before = _row_counts()
    deep = "[" * 5000 + "]" * 5000
    for path, operation in operations:
        for field in _field_names(operation):
            for body, code in ((json.dumps({field: "\ud800"}), "invalid_text"),
                               (f'{{"{field}": {deep}}}', "too_deep"),
                               (json.dumps({field: ["ok", {"deeper": "a\udfffb"}]}), "invalid_text")):
                response = client.post(path, body, content_type="application/json")
                assert response.status_code == 400, (path, field, code, response.content[:300])
                answer = response.json()
                assert answer["error"] == code and answer["fields"] == [], (path, answer)
                assert "嵌套层数过多" in answer["message"] or "无法识别的字符" in answer["message"]
        # raw surrogate bytes, which json.loads would decode with "surrogatepass"
        raw = client.post(path, b'{"x": "\xed\xa0\x80"}', content_type="application/json")
        assert raw.status_code == 400 and raw.json()["error"] == "invalid_json", path
    assert _row_counts() == before  # no rate-limit unit, audit event or row spent by a refused request


def _filled(route: str) -> str:
    return "/" + re.sub(r"<(?:(\w+):)?\w+>", lambda m: "1" if m.group(1) == "int" else "x", route)


@pytest.mark.django_db
def test_it_refuses_non_utf8_form_text_on_every_page_route():
    client = Client(raise_request_exception=True)
    routes = [route for key, route in url_patterns() if not key.startswith(("admin:", "api:")) and "^" not in route]
    assert len(routes) > 100
    before = _row_counts()
    for route in routes:
        path = _filled(route)
        form = client.post(path, f"name={BAD_FORM_BYTES}&ok=1", content_type="application/x-www-form-urlencoded")
        assert form.status_code == 400 and "无法识别的字符" in form.content.decode(), (path, form.status_code)
        multipart = client.post(path, MULTIPART, content_type=f"multipart/form-data; boundary={BOUNDARY}")
        assert multipart.status_code == 400, (path, multipart.status_code)
        query = client.get(f"{path}?q={BAD_FORM_BYTES}")
        assert query.status_code == 400, (path, query.status_code)
    assert _row_counts() == before


@pytest.mark.django_db
def test_it_refuses_bad_text_in_the_sign_in_form_and_a_query_string(client):
    login = client.post("/accounts/login/", f"username={BAD_FORM_BYTES}&password=x",
                        content_type="application/x-www-form-urlencoded")
    assert login.status_code == 400 and login["Content-Security-Policy"]  # the security headers still come
    search = client.get(f"/api/v1/search?q=a{BAD_FORM_BYTES}")
    assert search.status_code == 400 and search.json()["error"] == "invalid_text"


@pytest.mark.django_db
def test_it_lets_good_text_through(client, api):
    # a surrogate pair escaped in JSON is one emoji, and Chinese in a form is UTF-8: neither is refused
    emoji = client.post("/api/v1/public/query", '{"case_number": "\\ud83d\\ude00", "password": "x"}',
                        content_type="application/json")
    assert emoji.status_code == 404
    form = client.post("/accounts/login/", {"username": "张三😀", "password": "x"})
    assert form.status_code == 401
    assert client.get("/api/v1/search", {"q": "规划"}).status_code == 200
    # brackets inside strings are text, not nesting
    text = client.post("/api/v1/public/query", json.dumps({"case_number": "[" * 200, "password": "{" * 200}),
                       content_type="application/json")
    assert text.status_code == 404


def test_it_measures_depth_without_recursion():
    assert not deeper_than(b'{"type": "FeatureCollection", "features": [{"geometry": {"coordinates": '
                           b'[[[[114.3, 30.6], [114.31, 30.6], [114.3, 30.61]]]]}}]}', MAX_DEPTH)
    assert deeper_than(b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1), MAX_DEPTH)
    assert not deeper_than(b"[" * MAX_DEPTH + b"]" * MAX_DEPTH, MAX_DEPTH)
    assert not deeper_than(b"[" + b"[1]," * 100_000 + b"[2]]", MAX_DEPTH)  # wide is fine
    assert deeper_than(b'{"a": ' * 70 + b"1" + b"}" * 70, MAX_DEPTH)
    assert not deeper_than(b'["' + b"[" * 500 + b'"]', MAX_DEPTH)
    started = time.perf_counter()
    assert deeper_than(b"[" * 10_000_000, MAX_DEPTH)  # 10 MB of "[": no RecursionError, no stack
    assert time.perf_counter() - started < 5
