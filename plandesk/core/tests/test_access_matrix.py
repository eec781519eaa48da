"""The access matrix: every page and API operation declares who may use it, and answers accordingly.

The demo data is loaded once per test (plandesk demo); each GET page and each API operation is then tried as every
demo role, an outsider with no role and an anonymous visitor, and the answer's class compared with the declaration.
"""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client

from plandesk.accounts.models import ApiToken, User
from plandesk.core.access import Rule, api_operations, declarations, rule_for, url_patterns
from plandesk.operations.models import WorkerHeartbeat

DEMO_PEOPLE = ["admin", "intake", "output", "consultant", "handler1", "head1", "handler2", "director", "office", "gis"]


def test_it_declares_every_page_and_every_api_operation():
    pages, operations = declarations()
    undeclared = [key for key, _route in url_patterns() if rule_for(key, pages) is None]
    assert undeclared == [], f"pages without an access rule: {undeclared}"
    undeclared_ops = [key for key, _op in api_operations() if key not in operations]
    assert undeclared_ops == [], f"API operations without an access rule: {undeclared_ops}"
    stale = sorted(set(operations) - {key for key, _op in api_operations()})
    assert stale == [], f"rules for API operations that do not exist: {stale}"


def test_it_declares_public_api_operations_exactly_where_the_api_asks_no_token():
    _pages, operations = declarations()
    for key, operation in api_operations():
        assert operations[key].public == (not operation.get("security")), key


def _allowed(user: User | None, rule: Rule) -> bool:
    from plandesk.organization.models import Post, Unit

    if rule.public:
        return True
    if user is None:
        return False
    if rule.signed_in or any(user.has_role(code) for code in rule.roles):
        return True
    if "head" in rule.posts and Unit.objects.filter(head=user).exists():
        return True
    return any(Post.objects.holds_function(user, function) for function in rule.posts)


def _answer(response) -> str:
    if response.status_code in (301, 302, 303):
        return "login" if "/accounts/login" in response.get("Location", "") else "redirect"
    return str(response.status_code)


def _examples() -> dict[str, str]:
    from plandesk.appointments.models import Appointment
    from plandesk.catalog.models import Item
    from plandesk.certificates.models import Certificate
    from plandesk.handbook.models import Regulation

    first = {
        "code": Item.objects.order_by("pk").values_list("code", flat=True).first(),
        "card_number": Appointment.objects.order_by("pk").values_list("card_number", flat=True).first(),
    }
    return {
        "number": "2026000001", "case_number": "2026000001", **{k: v or "x" for k, v in first.items()},
        "handbook:code": Regulation.objects.order_by("pk").values_list("code", flat=True).first() or "x",
        "certificates:number": Certificate.objects.order_by("pk").values_list("number", flat=True).first() or "x",
    }


def _fill(route: str, namespace: str, examples: dict[str, str]) -> str:
    def value(match):
        name = match.group(1).split(":")[-1]
        return str(examples.get(f"{namespace}:{name}", examples.get(name, "1")))

    return "/" + re.sub(r"<([^>]+)>", value, route)


def _judge(user, rule: Rule, answer: str) -> str | None:
    if answer.startswith("5"):
        return "server error"
    if user is None:
        if rule.public and answer in ("login", "401", "403"):
            return "public but refused"
        if not rule.public and answer.startswith("2"):
            return "open to anonymous visitors"
        return None
    if _allowed(user, rule):
        if answer in ("login", "401") or (answer == "403" and not rule.objects):
            return "refused though declared allowed"
        return None  # a 403 or 404 where the rule narrows by object: not one of his
    if answer.startswith("2"):
        return "open though not declared"
    return None


@pytest.fixture
def demo(db, settings, tmp_path):
    call_command("demo", stdout=io.StringIO())
    # A bureau with its worker running and its upload folder in place: /healthz answers 200 as it does in service,
    # not 503 for a missing heartbeat or a fresh clone's missing var/media.
    WorkerHeartbeat.beat()
    settings.MEDIA_ROOT = tmp_path
    User.objects.create_user(username="nobody", password="Demo-2026!x", full_name="无角色用户")
    return {name: User.objects.get(username=name) for name in [*DEMO_PEOPLE, "nobody"]}


def test_it_answers_every_page_and_api_operation_as_declared(demo):
    pages, operations = declarations()
    examples = _examples()
    people = {None: None, **demo}
    clients = {}
    for name, user in people.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        clients[name] = client
    failures = []
    tried = 0
    for key, route in url_patterns():
        namespace = key.split(":")[0]
        if key == "/admin/login/":
            continue  # a redirect to the one sign-in page, for everyone
        if namespace == "admin" and key != "admin:index":
            continue  # the admin's ~300 pages share one rule; its index stands for them (see test_admin_otp)
        rule = rule_for(key, pages)
        assert rule is not None, key
        path = _fill(route, namespace, examples)
        anonymous = _answer(clients[None].get(path))
        for name, user in people.items():
            answer = anonymous if user is None else _answer(clients[name].get(path))
            tried += 1
            if problem := _judge(user, rule, answer):
                failures.append(f"{key} {path} as {name or 'anonymous'}: {answer} — {problem}")
    tokens = {name: ApiToken.issue(user)[1] for name, user in demo.items()}
    for key, _operation in api_operations():
        method, path = key.split(" ", 1)
        rule = operations[key]
        url = _fill(re.sub(r"\{(\w+)\}", r"<\1>", path).lstrip("/"), "", examples)
        for name, user in people.items():
            if method != "GET" and user is not None and _allowed(user, rule):
                continue  # no state changes by those allowed: the apps' own tests cover them
            headers = {"Authorization": f"Bearer {tokens[name]}"} if user is not None else {}
            client = Client()
            response = (client.get(url, headers=headers) if method == "GET"
                        else client.post(url, "{}", content_type="application/json", headers=headers))
            answer = str(response.status_code)
            tried += 1
            if answer.startswith("5"):
                failures.append(f"{key} as {name or 'anonymous'}: {answer} — server error")
            elif user is None and not rule.public and answer != "401":
                failures.append(f"{key} as anonymous: {answer} — expected 401")
            elif user is not None and _allowed(user, rule) and (
                    answer == "401" or (answer == "403" and not rule.objects)):
                failures.append(f"{key} as {name}: {answer} — refused though declared allowed")
            elif user is not None and not _allowed(user, rule) and answer.startswith("2"):
                failures.append(f"{key} as {name}: {answer} — open though not declared")
    assert tried > 1000
    assert failures == [], "\n".join(failures)
