"""GET /api/v1/search exactly as shared/API.md says."""

from plandesk.handbook.models import Chapter


def test_it_answers_the_contracts_shape_best_first(api, library):
    response = api.get("/api/v1/search", {"q": "许可"})
    assert response.status_code == 200
    body = response.json()
    assert isinstance(body, list) and len(body) == 2
    for hit in body:
        assert set(hit) == {"kind", "title", "url", "snippet"}
        assert hit["kind"] in {"guide", "handbook", "regulation", "publicity", "notice"}
    assert body[0]["kind"] == "regulation" and body[0]["title"] == "中华人民共和国行政许可法"
    assert body[0]["url"] == "http://testserver/handbook/regulations/administrative-licensing-law/"
    assert body[1]["kind"] == "notice"
    assert "<mark>许可</mark>" in body[1]["snippet"]


def test_it_needs_no_token_and_shows_the_public_only(api, library):
    assert api.get("/api/v1/search", {"q": "值班"}).json() == []


def test_it_shows_staff_with_a_token_the_internal_handbook(api_as, library, member, outsider):
    assert [h["kind"] for h in api_as(member).get("/api/v1/search", {"q": "值班"}).json()] == ["handbook"]
    assert api_as(outsider).get("/api/v1/search", {"q": "值班"}).json() == []


def test_it_returns_an_empty_list_when_nothing_matches(api, library):
    response = api.get("/api/v1/search", {"q": "桥梁"})
    assert response.status_code == 200 and response.json() == []


def test_it_rejects_an_empty_or_missing_query_in_chinese(api, db):
    response = api.get("/api/v1/search", {"q": "  "})
    assert response.status_code == 400
    assert response.json() == {"error": "empty_query", "message": "请输入搜索关键词"}
    missing = api.get("/api/v1/search")
    assert missing.status_code == 422 and missing.json()["error"] == "invalid"


def test_it_filters_by_kind_and_rejects_an_unknown_kind(api, library):
    assert [h["kind"] for h in api.get("/api/v1/search", {"q": "许可", "kind": "notice"}).json()] == ["notice"]
    bad = api.get("/api/v1/search", {"q": "许可", "kind": "secret"})
    assert bad.status_code == 400 and bad.json()["error"] == "bad_kind"


def test_it_is_published_in_the_openapi_document(api, db):
    assert "/api/v1/search" in api.get("/api/v1/openapi.json").json()["paths"]
    assert Chapter.objects.count() == 0  # nothing stored by reading


def test_it_lists_published_notices_for_mobile_front_ends(api, library):
    body = api.get("/api/v1/notices").json()
    assert [n["title"] for n in body] == ["关于调整办公时间的通知"]  # the draft stays out
    assert body[0]["published_on"] == "2026-01-05" and body[0]["url"].startswith("http://testserver/notices/")
