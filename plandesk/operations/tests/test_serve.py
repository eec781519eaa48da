"""`plandesk serve` as `make run` starts it: nginx in front of gunicorn, on the test database."""

import http.client
import json
import socket
import time

import pytest

from plandesk.window.models import QueryFailure

QUERY = json.dumps({"case_number": "99990001", "password": "12345678"})


def post_query(port: int, source: str = "127.0.0.1", **headers) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(source, 0))
    connection.request("POST", "/api/v1/public/query", QUERY, {"Content-Type": "application/json", **headers})
    status = connection.getresponse().status
    connection.close()
    return status


def last_failure_address() -> str:
    return QueryFailure.objects.latest("pk").address


@pytest.mark.django_db(transaction=True)
def test_the_client_address_is_the_proxys_word_only(served):
    served, _data = served
    spoof = {"X-Forwarded-For": "198.51.100.7", "X-Real-IP": "198.51.100.7"}
    # Through nginx: the address nginx saw, whatever the client wrote.
    assert post_query(served, source="127.0.0.3", **spoof) == 404
    assert last_failure_address() == "127.0.0.3"
    # Straight to gunicorn: the headers of a peer that is not the proxy are dropped.
    assert post_query(served + 1, source="127.0.0.3", **spoof) == 404
    assert last_failure_address() == "127.0.0.3"


@pytest.mark.django_db(transaction=True)
def test_idle_connections_do_not_stall_it(served):
    """More idle connections than gunicorn has workers: nginx holds them, a normal request is answered at once."""
    served, _data = served
    idle = [socket.create_connection(("127.0.0.1", served)) for _ in range(8)]
    trickling = socket.create_connection(("127.0.0.1", served))
    trickling.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # headers never finished
    try:
        started = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", served, timeout=5)
        connection.request("GET", "/healthz")
        response = connection.getresponse()
        body = json.loads(response.read())
        assert body["checks"]["database"] == "ok"
        assert time.monotonic() - started < 3
        # The same idle connections straight at gunicorn would hold both of its workers (not asserted: 30 s).
    finally:
        for sock in [*idle, trickling]:
            sock.close()


@pytest.mark.django_db(transaction=True)
def test_nginx_serves_static_files_and_never_uploads_from_disk(served):
    served, tmp_path = served
    (tmp_path / "static").mkdir(exist_ok=True)
    (tmp_path / "static" / "probe.css").write_text("body{}")
    (tmp_path / "media").mkdir(exist_ok=True)
    (tmp_path / "media" / "secret.pdf").write_text("%PDF-")
    connection = http.client.HTTPConnection("127.0.0.1", served, timeout=5)
    connection.request("GET", "/static/probe.css")
    response = connection.getresponse()
    assert (response.status, response.read()) == (200, b"body{}")
    assert "X-Request-ID" not in response.headers  # nginx answered; Django was not asked
    connection.request("GET", "/media/secret.pdf")
    response = connection.getresponse()
    assert response.status == 404 and b"PDF" not in response.read()


@pytest.mark.django_db(transaction=True)
def test_nginx_logs_paths_without_tokens_numbers_or_query_strings(served):
    served, tmp_path = served
    token = "eyJjYXNlIjo0Mn0:1vQk3x:AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
    paths = [f"/window/receipts/{token}/receipt.pdf", "/appointments/13912345678/", "/search/?q=420102199001011234"]
    for path in paths:
        connection = http.client.HTTPConnection("127.0.0.1", served, timeout=10)
        connection.request("GET", path)
        connection.getresponse().read()
        connection.close()
    time.sleep(0.5)
    log = (tmp_path / "serve.log").read_text()
    assert "/window/receipts/[hidden]/receipt.pdf" in log and "/appointments/[hidden]/" in log
    for secret in (token, "1vQk3x", "13912345678", "420102199001011234", "q="):
        assert secret not in log
