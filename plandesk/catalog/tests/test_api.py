"""GET /api/v1/items and /api/v1/items/{code}, exactly as shared/API.md says."""

import pytest
from jsonschema import Draft202012Validator

from plandesk.catalog import codes

pytestmark = pytest.mark.django_db

ITEM_KEYS = {"code", "name", "category", "time_limit_days", "materials", "parallel_group"}


def test_it_lists_the_items_without_a_token(api, catalogue):
    response = api.get("/api/v1/items")
    assert response.status_code == 200
    body = response.json()
    assert [row["code"] for row in body] == list(codes.ALL_ITEMS)
    for row in body:
        assert set(row) == ITEM_KEYS
        assert row["category"] in {"licence", "non_licence"}
        assert isinstance(row["time_limit_days"], int)
        assert row["parallel_group"] is None or isinstance(row["parallel_group"], str)
        for material in row["materials"]:
            assert set(material) == {"code", "name", "required"}
            assert isinstance(material["required"], bool)
    permit = body[1]
    assert permit == {
        "code": "construction_permit",
        "name": "建设工程规划许可证核发",
        "category": "licence",
        "time_limit_days": 15,
        "materials": permit["materials"],
        "parallel_group": None,
    }
    required = {m["code"]: m["required"] for m in permit["materials"]}
    assert required["application_form"] is True
    assert required["land_title"] is False  # 容缺
    assert required["civil_defence_commitment"] is False  # 告知承诺
    by_code = {row["code"]: row for row in body}
    assert by_code["site_selection"]["parallel_group"] == "site_and_scheme"
    assert by_code["design_scheme_review"]["parallel_group"] == "site_and_scheme"
    assert sum(row["category"] == "licence" for row in body) == 2


def test_it_shows_one_item_with_its_form_schema(api, catalogue):
    response = api.get("/api/v1/items/construction_permit")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == ITEM_KEYS | {"form_schema"}
    assert body["form_schema"]["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert body["form_schema"]["properties"]["floor_area_ratio"]["title"] == "容积率"
    Draft202012Validator.check_schema(body["form_schema"])
    listed = next(row for row in api.get("/api/v1/items").json() if row["code"] == "construction_permit")
    assert {k: v for k, v in body.items() if k != "form_schema"} == listed


def test_the_list_costs_the_same_few_queries_for_any_number_of_items(api, catalogue, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        assert len(api.get("/api/v1/items").json()) == 11


def test_the_detail_follows_the_current_version(api, catalogue):
    catalogue["verification"].current.revise(promised_days=8)
    assert api.get("/api/v1/items/verification").json()["time_limit_days"] == 8


def test_it_answers_404_with_the_error_body_for_an_unknown_code(api, catalogue):
    response = api.get("/api/v1/items/no_such_item")
    assert response.status_code == 404
    body = response.json()
    assert body["error"] == "not_found"
    assert "no_such_item" in body["message"]


def test_an_inactive_item_is_not_published(api, catalogue):
    catalogue["historic_building"].is_active = False
    catalogue["historic_building"].save()
    assert "historic_building" not in [row["code"] for row in api.get("/api/v1/items").json()]
    assert api.get("/api/v1/items/historic_building").status_code == 404


def test_the_operations_are_in_the_openapi_document(api, db):
    paths = api.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/items" in paths
    assert "/api/v1/items/{code}" in paths
