"""Every path to the public query's data counts against ONE per-address allowance of failures, and it holds under
concurrency (issue 27): the web form (`/window/query/`), `POST /api/v1/public/query`, the portal rating (which asks
the query password) and the phone line (phone/tests/test_calls.py, which drives the VoiceXML) all reach
`window.query.public_query`, which takes a unit of the `window.query.address_failures` policy (core.limits) before
it checks a password and gives it back when the password holds. A count of failure rows followed by an insert, as
before, let simultaneous wrong guesses from one address all through."""

from __future__ import annotations

import pytest
from django.test import Client

from plandesk.testing.fixtures import bureau, window_files  # noqa: F401 (fixtures used by name)
from plandesk.testing.races import race
from plandesk.window import query
from plandesk.window.models import QueryFailure
from plandesk.window.query import QueryRefused, public_query

ADDRESS = "10.27.0.1"


def _web(client: Client, number: str, password: str) -> int:
    return client.post("/window/query/", {"case_number": number, "password": password}).status_code


def _api(client: Client, number: str, password: str) -> int:
    return client.post("/api/v1/public/query", {"case_number": number, "password": password},
                       content_type="application/json").status_code


def _rating(client: Client, number: str, password: str) -> int:
    return client.post("/reports/rate/", {"case_number": number, "password": password, "level": "satisfied"}
                       ).status_code


PATHS = (_web, _api, _rating)


@pytest.mark.django_db
def test_the_web_form_the_api_and_the_rating_spend_one_allowance(settings):
    settings.PLANDESK_QUERY_ADDRESS_FAILURES = 4
    client = Client(REMOTE_ADDR=ADDRESS)
    codes = [path(client, f"2026{900000 + i:06d}", "wrongpass") for i, path in enumerate(PATHS * 2)]
    assert codes == [404, 404, 404, 404, 429, 429]
    assert query.QUERY_FAILURES.used(ADDRESS) == 4 and QueryFailure.objects.filter(address=ADDRESS).count() == 4
    # Another address is not held back by this one.
    assert _api(Client(REMOTE_ADDR="10.27.0.2"), "2026900009", "wrongpass") == 404


@pytest.mark.django_db
def test_a_right_password_spends_nothing(settings, bureau):  # noqa: F811 (the fixture imported above)
    from plandesk.testing.applications import application
    from plandesk.window import services

    filed = services.intake(application(), actor=bureau["intake"])
    settings.PLANDESK_QUERY_ADDRESS_FAILURES = 2
    for _ in range(5):
        view = public_query(filed.case.number, filed.password, address=ADDRESS)
        assert view["case_number"] == filed.case.number
    assert query.QUERY_FAILURES.used(ADDRESS) == 0


@pytest.mark.django_db(transaction=True)
def test_simultaneous_wrong_guesses_from_one_address_get_exactly_the_allowance(settings):
    """A barrier race of 24 wrong guesses from one address over the three web paths, with an allowance of 5:
    exactly 5 are checked (404) and 19 refused (429) on SpatiaLite and PostGIS alike."""
    settings.PLANDESK_QUERY_ADDRESS_FAILURES = 5

    def guess(i: int) -> int:
        return PATHS[i % 3](Client(REMOTE_ADDR=ADDRESS), f"2026{800000 + i:06d}", "wrongpass")

    codes = race(24, guess)
    assert sorted(codes) == [404] * 5 + [429] * 19, codes
    assert QueryFailure.objects.filter(address=ADDRESS).count() == 5


@pytest.mark.django_db(transaction=True)
def test_simultaneous_guesses_through_the_service_hold_the_limit_too(settings):
    """The same through the one function every path (the phone line's too) calls, with the channels mixed."""
    settings.PLANDESK_QUERY_ADDRESS_FAILURES = 3

    def guess(i: int):
        try:
            public_query(f"2026{700000 + i:06d}", "wrongpass", address=ADDRESS,
                         channel=("web", "api", "phone", "rating")[i % 4])
        except QueryRefused as refused:
            return refused.status
        return 200

    codes = race(16, guess)
    assert sorted(codes) == [404] * 3 + [429] * 13, codes


def test_every_caller_of_the_query_passes_the_real_client_address():
    """The next path to the query must count against the same allowance: each call of `public_query` outside the
    tests gives `address=` the request's client address (`client_ip(request)`, the phone line's `_address(call)`,
    which is the platform's), never a value from the request body such as a caller number."""
    import ast
    from pathlib import Path

    import plandesk

    root = Path(plandesk.__file__).parent
    calls = []
    for path in root.rglob("*.py"):
        if "tests" in path.parts or (path.name == "query.py" and path.parent.name == "window"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = getattr(node, "func", None) and getattr(node.func, "id", getattr(node.func, "attr", ""))
            if isinstance(node, ast.Call) and name == "public_query":
                address = next((k.value for k in node.keywords if k.arg == "address"), None)
                given = ast.unparse(address) if address is not None else None
                calls.append((str(path.relative_to(root)), given))
    assert len(calls) >= 4, calls  # the web form, the API, the rating, the phone line
    for where, given in calls:
        assert given in ("client_ip(request)", "_address(call)"), (where, given)
