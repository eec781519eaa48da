"""GET /healthz: the database, the worker's heartbeat and the upload storage (API.md "Operations")."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from plandesk.operations.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)  # the worker closes old connections between rounds, as in production
def test_it_answers_ok_after_a_worker_round(client, settings, tmp_path):
    """A real worker round (every registered job, the heartbeat last) makes the service healthy."""
    settings.MEDIA_ROOT = tmp_path
    settings.PLANDESK_HEALTH_MIN_FREE_MB = 1
    call_command("worker", once=True)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "worker": "ok", "storage": "ok"}}
    assert response["Cache-Control"].startswith("max-age=0")


def test_it_names_the_worker_when_none_has_run(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PLANDESK_HEALTH_MIN_FREE_MB = 1
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["database"] == "ok" and body["checks"]["storage"] == "ok"
    assert body["checks"]["worker"].startswith("no heartbeat")


def test_it_shows_a_stopped_worker_within_three_of_its_rounds(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PLANDESK_HEALTH_MIN_FREE_MB = 1
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        WorkerHeartbeat.beat("host-a:1")
        clock.shift(timedelta(seconds=10))
        WorkerHeartbeat.beat("host-a:1")  # rounds of 10 s now
        clock.shift(timedelta(seconds=29))
        assert client.get("/healthz").status_code == 200
        clock.shift(timedelta(seconds=2))  # 31 s: more than three rounds without a beat
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == "stopped: last heartbeat 31s ago (rounds of 10s)"


def test_it_keeps_the_freshest_of_several_workers(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PLANDESK_HEALTH_MIN_FREE_MB = 1
    settings.PLANDESK_WORKER_INTERVAL = 15
    with time_machine.travel(timezone.now() - timedelta(hours=2), tick=False):
        WorkerHeartbeat.beat("host-a:1")  # a worker that stopped long ago
    WorkerHeartbeat.beat("host-b:2")
    assert client.get("/healthz").json()["checks"]["worker"] == "ok"


def test_it_names_low_disk_and_a_missing_upload_directory(client, settings, tmp_path):
    WorkerHeartbeat.beat()
    settings.MEDIA_ROOT = tmp_path
    settings.PLANDESK_HEALTH_MIN_FREE_MB = 10**12  # more than any disk here has free
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"].startswith("low disk: ")
    settings.MEDIA_ROOT = tmp_path / "gone"
    assert client.get("/healthz").json()["checks"]["storage"] == "missing: upload directory does not exist"


def test_it_refuses_other_methods(client):
    assert client.post("/healthz").status_code == 405
