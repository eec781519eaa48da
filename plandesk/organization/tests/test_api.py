"""GET /api/v1/organization/units and /posts: staff with a token only."""

from datetime import date

import pytest
import time_machine
from django.contrib.gis.geos import MultiPolygon, Polygon

from plandesk.organization.models import Substitute

pytestmark = pytest.mark.django_db

UNITS, POSTS = "/api/v1/organization/units", "/api/v1/organization/posts"


def test_it_refuses_a_call_without_a_token(api, bureau):
    for path in (UNITS, POSTS):
        response = api.get(path)
        assert response.status_code == 401
        assert response.json()["error"] == "unauthorized"


def test_it_refuses_an_outsider_with_a_token(api_as, outsider, bureau):
    client = api_as(outsider)
    for path in (UNITS, POSTS):
        response = client.get(path)
        assert response.status_code == 403
        assert "工作人员" in response.json()["message"]


def test_it_lists_units_in_tree_order_with_jurisdiction_as_geojson(api_as, bureau):
    bureau.town.jurisdiction = MultiPolygon(
        Polygon(((114.20, 30.56), (114.26, 30.56), (114.26, 30.64), (114.20, 30.64), (114.20, 30.56))), srid=4326
    )
    bureau.town.save()
    body = api_as(bureau.handler).get(UNITS).json()
    assert [unit["code"] for unit in body] == ["bureau", "div1", "town_qiao"]
    top, div1, town = body
    assert top["head"] == {"username": "boss", "name": "局长"} and top["parent"] is None
    assert div1["parent"] == "bureau" and div1["jurisdiction"] is None and div1["kind"] == "division"
    assert town["jurisdiction"]["type"] == "MultiPolygon"
    xs = [x for x, _y in town["jurisdiction"]["coordinates"][0][0]]
    assert min(xs) == pytest.approx(114.20, abs=1e-6) and max(xs) == pytest.approx(114.26, abs=1e-6)
    assert api_as(bureau.handler).get(UNITS, {"geometry": "false"}).json()[2]["jurisdiction"] is None


def test_it_filters_units_by_kind_and_refuses_an_unknown_kind(api_as, bureau):
    client = api_as(bureau.handler)
    assert [u["code"] for u in client.get(UNITS, {"kind": "town"}).json()] == ["town_qiao"]
    response = client.get(UNITS, {"kind": "castle"})
    assert response.status_code == 400 and response.json()["error"] == "invalid_kind"


def test_it_lists_posts_with_members_and_current_substitutes(api_as, bureau, other_member):
    Substitute.objects.create(post=bureau.handler_post, absent=bureau.handler, substitute=other_member,
                              starts_on=date(2026, 3, 2), ends_on=date(2026, 3, 6))
    client = api_as(bureau.head)
    with time_machine.travel("2026-03-01 10:00 +0800", tick=False):
        body = client.get(POSTS, {"unit": "div1"}).json()
    assert [post["code"] for post in body] == ["div1.handler", "div1.head"]
    handler = body[0]
    assert handler["function"] == "handler" and handler["unit"] == "div1" and handler["authority"] == "opinion"
    assert handler["members"] == [{"username": "member1", "name": "一处经办人"}]
    assert handler["substitutes"] == [
        {"absent": "member1", "substitute": "member2", "starts_on": "2026-03-02", "ends_on": "2026-03-06"}
    ]
    with time_machine.travel("2026-03-07 10:00 +0800", tick=False):
        assert client.get(POSTS, {"unit": "div1"}).json()[0]["substitutes"] == []
    assert [p["code"] for p in client.get(POSTS, {"function": "director"}).json()] == ["bureau.director"]
    response = client.get(POSTS, {"unit": "nowhere"})
    assert response.status_code == 404 and response.json()["error"] == "unknown_unit"


def test_it_is_published_in_openapi(api):
    paths = api.get("/api/v1/openapi.json").json()["paths"]
    assert "get" in paths["/api/v1/organization/units"]
    assert "get" in paths["/api/v1/organization/posts"]
