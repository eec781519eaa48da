"""The public calendar API (shared/API.md) and the calculator page."""

import pytest

pytestmark = pytest.mark.django_db
ADD = "/api/v1/calendar/add-working-days"
BETWEEN = "/api/v1/calendar/working-days-between"


def test_it_adds_working_days_without_a_token(api):
    response = api.get(ADD, {"start": "2026-09-30", "days": "3"})
    assert response.status_code == 200
    assert response.json() == {"date": "2026-10-10"}


def test_it_counts_working_days_between(api):
    response = api.get(BETWEEN, {"start": "2026-09-30", "end": "2026-10-10"})
    assert response.status_code == 200
    assert response.json() == {"days": 3}
    assert api.get(BETWEEN, {"start": "2026-02-13", "end": "2026-02-28"}).json() == {"days": 6}


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"start": "2026-02-30", "days": "1"}, "invalid_date"),
        ({"start": "yesterday", "days": "1"}, "invalid_date"),
        ({"start": "2026-09-30", "days": "-1"}, "invalid_days"),
        ({"start": "2026-09-30", "days": "100000"}, "invalid_days"),
        ({"start": "2026-09-30", "days": "three"}, "invalid_days"),
    ],
)
def test_it_refuses_bad_input_to_add_working_days(api, params, code):
    response = api.get(ADD, params)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == code
    assert body["message"]


def test_it_refuses_missing_parameters_with_the_error_body(api):
    response = api.get(ADD, {"start": "2026-09-30"})
    assert response.status_code == 422
    assert response.json()["error"] == "invalid"


def test_it_refuses_bad_input_to_working_days_between(api):
    assert api.get(BETWEEN, {"start": "2026-09-30", "end": "2026-13-01"}).json()["error"] == "invalid_date"
    response = api.get(BETWEEN, {"start": "1000-01-01", "end": "2900-01-01"})
    assert response.status_code == 400
    assert response.json()["error"] == "span_too_long"


def test_it_publishes_the_calendar_operations_in_openapi(api):
    paths = api.get("/api/v1/openapi.json").json()["paths"]
    assert ADD in paths and BETWEEN in paths


def test_it_calculates_on_the_public_page(client):
    response = client.get("/workdays/", {"form": "add", "add-start": "2026-09-30", "add-days": "3"})
    assert response.status_code == 200
    assert "2026-10-10" in response.content.decode()
    response = client.get("/workdays/", {"form": "between", "between-start": "2026-09-30", "between-end": "2026-10-10"})
    assert "<strong class=\"big\">3</strong>" in response.content.decode()


def test_it_explains_bad_input_on_the_public_page(client):
    response = client.get("/workdays/", {"form": "add", "add-start": "2026-09-30", "add-days": "-2"})
    assert response.status_code == 400
    assert "field-error" in response.content.decode()
    assert client.get("/workdays/").status_code == 200
