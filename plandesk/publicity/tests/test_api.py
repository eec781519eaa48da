"""GET /api/v1/publicity and POST /api/v1/publicity/{id}/opinions exactly as shared/API.md says."""

from datetime import date

import pytest

from plandesk.publicity.models import Opinion
from plandesk.publicity.tests.conftest import make_publicity, scheduled

pytestmark = pytest.mark.django_db

OPINION = {"name": "张三", "contact": "13800000000", "content": "建议增加小区南侧的绿化。"}


def test_it_lists_current_publicity_in_the_contract_shape(api, running):
    make_publicity(title="草稿不公开")
    response = api.get("/api/v1/publicity", {"current": "true"})
    assert response.status_code == 200
    assert response.json() == [{
        "id": running.pk, "title": running.title, "kind": "pre_approval", "venues": ["project_site", "portal"],
        "starts_on": "2026-12-07", "ends_on": "2026-12-16", "media_notice_on": "2026-12-01",
    }]


def test_it_separates_current_from_coming_and_past(api, running, travel):
    coming = scheduled(title="下月公示", starts_on=date(2027, 1, 6), ends_on=date(2027, 1, 15))
    assert [p["id"] for p in api.get("/api/v1/publicity?current=true").json()] == [running.pk]
    assert [p["id"] for p in api.get("/api/v1/publicity?current=false").json()] == []
    assert {p["id"] for p in api.get("/api/v1/publicity").json()} == {running.pk, coming.pk}


def test_it_takes_an_opinion_and_answers_with_a_tracking_code(api, running):
    response = api.post(f"/api/v1/publicity/{running.pk}/opinions", OPINION)
    assert response.status_code == 201
    body = response.json()
    assert list(body) == ["tracking_code"]
    opinion = Opinion.objects.get(tracking_code=body["tracking_code"])
    assert opinion.content == OPINION["content"] and opinion.via == "api" and opinion.client_ip == "127.0.0.1"
    assert body["tracking_code"].startswith("GS") and body["tracking_code"][2:].isdigit()


def test_it_refuses_an_opinion_outside_the_period(api, running, travel):
    coming = scheduled(title="下月公示", starts_on=date(2027, 1, 6), ends_on=date(2027, 1, 15))
    response = api.post(f"/api/v1/publicity/{coming.pk}/opinions", OPINION)
    assert response.status_code == 409
    assert response.json()["error"] == "outside_period"
    assert "不在公示期内" in response.json()["message"]
    travel(date(2026, 12, 17))  # the day after the last day, before the worker has ended it
    assert api.post(f"/api/v1/publicity/{running.pk}/opinions", OPINION).status_code == 409
    assert not Opinion.objects.exists()


def test_it_throttles_one_client_address(settings, running, client_from):
    settings.PLANDESK_PUBLICITY_OPINIONS_PER_HOUR = 3
    noisy, quiet = client_from("10.0.0.9"), client_from("10.0.0.10")
    url = f"/api/v1/publicity/{running.pk}/opinions"
    codes = [noisy.post(url, OPINION, content_type="application/json").status_code for _ in range(4)]
    assert codes == [201, 201, 201, 429]
    refused = noisy.post(url, OPINION, content_type="application/json")
    assert refused.status_code == 429 and refused.json()["error"] == "too_many_requests"
    assert quiet.post(url, OPINION, content_type="application/json").status_code == 201
    assert Opinion.objects.count() == 4


def test_it_names_the_bad_fields(api, running):
    response = api.post(f"/api/v1/publicity/{running.pk}/opinions", {**OPINION, "content": "  "})
    assert response.status_code == 400
    assert response.json()["fields"] == [{"field": "content", "message": "请填写意见内容"}]
    assert api.post(f"/api/v1/publicity/{running.pk}/opinions", {"name": "张三"}).status_code == 422
    assert not Opinion.objects.exists()


def test_it_does_not_show_a_draft(api, draft):
    assert api.post(f"/api/v1/publicity/{draft.pk}/opinions", OPINION).status_code == 404
    assert api.get("/api/v1/publicity").json() == []


def test_it_publishes_the_operations_in_the_openapi_document(api):
    paths = api.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/publicity" in paths and "/api/v1/publicity/{publicity_id}/opinions" in paths


def test_it_counts_a_publicity_past_its_last_day_as_past_before_the_worker_ends_it(api, running, travel):
    travel(date(2026, 12, 17))
    assert api.get("/api/v1/publicity?current=true").json() == []
    assert [p["id"] for p in api.get("/api/v1/publicity?current=false").json()] == [running.pk]
