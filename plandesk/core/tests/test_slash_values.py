"""The next `/certificates/verify/?number=a%2Fb` (issue 27: a typed value holding `/` sent to `reverse()` gave 500
NoReverseMatch): every public page's GET forms submitted with every text field holding `/` and `..`, and every
API operation's path parameters holding an encoded `/`, answer without a server error."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from django.test import Client

from plandesk.core.access import api_operations, declarations, rule_for, url_patterns

VALUES = ("a/b", "建字第1/2号", "../..", "/")


class _GetForms(HTMLParser):
    """(action, [text field names]) of each `<form method="get">` on a page."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, list[str]]] = []
        self._open = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._open = (a.get("method") or "get").lower() == "get"
            if self._open:
                self.forms.append((a.get("action") or "", []))
        elif self._open and a.get("name") and (tag in ("textarea", "select") or (tag == "input" and (
                a.get("type") or "text") in ("text", "search", "tel", "number", "hidden"))):
            self.forms[-1][1].append(a["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = False


def _public_pages() -> list[str]:
    pages, _operations = declarations()
    found = []
    for key, route in url_patterns():
        rule = rule_for(key, pages)
        if rule is None or not rule.public or "<" in route or "^" in route or key.startswith(("admin:", "api:")):
            continue
        found.append("/" + route)
    return found


@pytest.mark.django_db
def test_every_public_get_form_takes_a_slash_in_every_field_without_a_server_error():
    client = Client()
    pages = _public_pages()
    assert len(pages) > 20
    submitted = 0
    for path in pages:
        page = client.get(path)
        if page.status_code != 200 or "html" not in page.get("Content-Type", ""):
            continue
        parser = _GetForms()
        parser.feed(page.content.decode())
        for action, names in parser.forms:
            if not names:
                continue
            for value in VALUES:
                answer = client.get(action or path, dict.fromkeys(names, value))
                submitted += 1
                assert answer.status_code < 500, (action or path, names, value, answer.status_code)
    assert submitted >= 8  # the verification form, the search, the query pages… (a guard against finding none)


@pytest.mark.django_db
def test_every_api_path_parameter_takes_an_encoded_slash_without_a_server_error():
    client = Client()
    checked = 0
    for key, _operation in api_operations():
        method, path = key.split(" ", 1)
        if "{" not in path or method != "GET":
            continue
        for value in VALUES:
            url = re.sub(r"\{\w+\}", quote(value, safe=""), path)
            answer = client.get(url)
            checked += 1
            assert answer.status_code < 500, (url, answer.status_code)
    assert checked >= 8
