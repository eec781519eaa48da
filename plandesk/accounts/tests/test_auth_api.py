from datetime import timedelta

import pytest
from django.utils import timezone

from plandesk.accounts.models import ApiToken
from plandesk.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_it_issues_a_token_for_right_credentials(api, member):
    response = api.post("/api/v1/auth/token", {"username": "member1", "password": PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expires_at"}
    assert body["expires_at"].endswith("+08:00")  # the bureau's zone, with its offset
    assert ApiToken.user_for(body["token"]) == member
    # Only the digest is stored.
    assert not ApiToken.objects.filter(digest=body["token"]).exists()


def test_it_rejects_a_wrong_password_with_401(api, member):
    response = api.post("/api/v1/auth/token", {"username": "member1", "password": "wrong"})
    assert response.status_code == 401
    assert response.json()["error"] == "bad_credentials"
    assert response.json()["message"]


def test_it_rejects_an_unknown_user_with_401(api, db):
    response = api.post("/api/v1/auth/token", {"username": "nobody", "password": "whatever"})
    assert response.status_code == 401


def test_it_locks_out_after_five_failures_even_for_the_right_password(api, member):
    for _ in range(5):
        assert api.post("/api/v1/auth/token", {"username": "member1", "password": "wrong"}).status_code == 401
    assert api.post("/api/v1/auth/token", {"username": "member1", "password": PASSWORD}).status_code == 429
    assert api.post("/api/v1/auth/token", {"username": "member1", "password": "wrong"}).status_code == 429


def test_it_counts_failures_in_a_row_only(api, member):
    for _ in range(4):
        api.post("/api/v1/auth/token", {"username": "member1", "password": "wrong"})
    assert api.post("/api/v1/auth/token", {"username": "member1", "password": PASSWORD}).status_code == 200
    for _ in range(4):
        api.post("/api/v1/auth/token", {"username": "member1", "password": "wrong"})
    assert api.post("/api/v1/auth/token", {"username": "member1", "password": PASSWORD}).status_code == 200


def test_the_lockout_ends(api, member, time_machine):
    time_machine.move_to(timezone.now())
    for _ in range(5):
        api.post("/api/v1/auth/token", {"username": "member1", "password": "wrong"})
    assert api.post("/api/v1/auth/token", {"username": "member1", "password": PASSWORD}).status_code == 429
    time_machine.shift(timedelta(minutes=16))
    assert api.post("/api/v1/auth/token", {"username": "member1", "password": PASSWORD}).status_code == 200


def test_an_expired_token_is_refused(api_as, member, time_machine):
    time_machine.move_to(timezone.now())
    client = api_as(member)
    assert client.get("/api/v1/me").status_code == 200
    time_machine.shift(timedelta(hours=13))
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"


def test_a_request_without_token_is_refused(api, db):
    assert api.get("/api/v1/me").status_code == 401


def test_the_openapi_document_is_published(api, db):
    response = api.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert "/api/v1/auth/token" in response.json()["paths"]


def test_there_is_no_swagger_page_only_the_document(client, db, member):
    """The docs page loaded Swagger from a CDN with an inline script the CSP blocks: it is gone, for everyone."""
    assert client.get("/api/v1/docs").status_code == 404
    client.force_login(member)
    assert client.get("/api/v1/docs").status_code == 404
    assert client.get("/api/v1/openapi.json").status_code == 200
