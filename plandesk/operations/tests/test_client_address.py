"""The client address behind a trusted proxy, as the per-address limits and the audit see it (straight to the app).

The same through a real nginx is in test_serve.py.
"""

import pytest

from plandesk.window.models import QueryFailure

pytestmark = pytest.mark.django_db

QUERY = {"case_number": "99990001", "password": "12345678"}


def failed_query_address(client, **headers) -> str:
    response = client.post("/api/v1/public/query", QUERY, content_type="application/json", **headers)
    assert response.status_code == 404
    return QueryFailure.objects.latest("pk").address


def test_a_clients_own_forwarding_headers_change_nothing(client, settings):
    settings.PLANDESK_TRUSTED_PROXIES = []
    assert failed_query_address(client, REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="198.51.100.7",
                                HTTP_X_REAL_IP="198.51.100.7") == "203.0.113.5"


def test_an_untrusted_peer_is_itself_even_when_proxies_are_configured(client, settings):
    settings.PLANDESK_TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert failed_query_address(client, REMOTE_ADDR="203.0.113.5", HTTP_X_REAL_IP="10.0.0.1") == "203.0.113.5"


def test_the_trusted_proxy_names_the_client(client, settings):
    settings.PLANDESK_TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    assert failed_query_address(client, HTTP_X_REAL_IP="198.51.100.7") == "198.51.100.7"
    # Without X-Real-IP: the nearest hop that is not one of our proxies; what the client wrote further left is not.
    assert failed_query_address(client, HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.8, 10.1.2.3") == "198.51.100.8"
    # Garbage from the proxy leaves the peer's own address.
    assert failed_query_address(client, HTTP_X_FORWARDED_FOR="not-an-address") == "127.0.0.1"


def test_the_audit_records_the_address_the_proxy_reports(client, settings, member):
    from plandesk.audit.models import Event

    settings.PLANDESK_TRUSTED_PROXIES = ["127.0.0.1"]
    client.post("/accounts/login/", {"username": member.username, "password": "wrong-password"},
                HTTP_X_REAL_IP="198.51.100.9")
    event = Event.objects.filter(action="auth.failed").order_by("-pk").first()
    assert event is not None and event.ip == "198.51.100.9"


def test_it_answers_with_a_request_id(client, settings):
    settings.PLANDESK_TRUSTED_PROXIES = ["127.0.0.1"]
    assert client.get("/healthz", HTTP_X_REQUEST_ID="abcdef0123456789")["X-Request-ID"] == "abcdef0123456789"
    settings.PLANDESK_TRUSTED_PROXIES = []
    given = client.get("/healthz", HTTP_X_REQUEST_ID="abcdef0123456789")["X-Request-ID"]
    assert given != "abcdef0123456789" and len(given) == 32
