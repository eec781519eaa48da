"""GET /api/v1/regulations[/{code}]: the public library for integrators."""

from plandesk.handbook.models import Regulation


def test_it_lists_public_regulations_with_their_status(api, regulation):
    body = api.get("/api/v1/regulations").json()
    assert [r["code"] for r in body] == ["urban-rural-planning-law"]
    assert body[0]["status"] == "amended" and body[0]["effective_on"] == "2008-01-01"
    assert body[0]["url"] == "http://testserver/handbook/regulations/urban-rural-planning-law/"
    assert api.get("/api/v1/regulations", {"status": "repealed"}).json() == []
    assert len(api.get("/api/v1/regulations", {"kind": "law"}).json()) == 1


def test_it_gives_one_regulation_in_detail(api, regulation):
    body = api.get("/api/v1/regulations/urban-rural-planning-law").json()
    assert body["summary"].startswith("为了加强城乡规划管理") and body["replaced_by"] is None


def test_it_answers_in_chinese_for_unknown_or_hidden_regulations_and_bad_filters(api, regulation):
    Regulation.objects.filter(pk=regulation.pk).update(is_public=False)
    assert api.get("/api/v1/regulations").json() == []
    missing = api.get("/api/v1/regulations/urban-rural-planning-law")
    assert missing.status_code == 404 and missing.json() == {"error": "not_found", "message": "没有这部法规"}
    assert api.get("/api/v1/regulations", {"kind": "poem"}).json()["error"] == "bad_kind"
    assert api.get("/api/v1/regulations", {"status": "maybe"}).status_code == 400
