"""GET /metrics: Prometheus text for the allowed addresses, 404 for the others."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from plandesk.accounts.models import LoginThrottle
from plandesk.operations.models import WorkerHeartbeat
from plandesk.window.models import QueryFailure

pytestmark = pytest.mark.django_db


def value(text: str, sample: str) -> float:
    match = re.search(rf"^{re.escape(sample)} (\S+)$", text, re.MULTILINE)
    assert match, f"{sample} not in the exposition"
    return float(match.group(1))


def test_it_serves_request_database_and_bureau_figures_to_loopback(client, settings):
    settings.PLANDESK_QUERY_CASE_FAILURES = 5
    client.get("/healthz")
    now = timezone.now()
    QueryFailure.objects.bulk_create(
        [QueryFailure(case_number="20260001", address="198.51.100.1", at=now) for _ in range(5)]
        + [QueryFailure(case_number="20260002", address="198.51.100.1", at=now)]
        + [QueryFailure(case_number="20260003", address="198.51.100.1", at=now - timedelta(hours=2))]
    )
    LoginThrottle.objects.create(username="someone", failures=2, last_failure_at=now)
    LoginThrottle.objects.create(username="earlier", failures=3, last_failure_at=now - timedelta(hours=3))
    WorkerHeartbeat.beat("host-a:1")

    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    text = response.content.decode()
    # django-prometheus: requests by view and status, latency histograms; statements by backend.
    assert ('django_http_responses_total_by_status_view_method_total'
            '{method="GET",status="503",view="operations:healthz"}') in text
    assert "django_http_requests_latency_seconds_by_view_method_bucket{" in text
    assert re.search(r'^django_db_execute_total\{alias="default",vendor="\w+"\} [1-9]', text, re.MULTILINE)
    # The bureau's gauges, read from the database now.
    assert value(text, "plandesk_query_failures_last_hour") == 6
    assert value(text, "plandesk_query_lockouts") == 1
    assert value(text, "plandesk_failed_logins_last_hour") == 2
    assert value(text, "plandesk_locked_usernames") == 0
    assert value(text, 'plandesk_workers_alive') == 1
    assert value(text, 'plandesk_worker_rounds_total{worker="host-a:1"}') == 1
    for light in ("red", "yellow", "green"):
        assert value(text, f'plandesk_open_tasks{{light="{light}"}}') >= 0
    assert value(text, 'plandesk_outbox{state="pending"}') >= 0
    assert "# TYPE plandesk_cases gauge" in text
    assert value(text, "plandesk_metrics_errors") == 0


def test_it_hides_from_other_addresses(client, settings):
    settings.PLANDESK_TRUSTED_PROXIES = []
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 404
    # A client naming loopback in its own header is still that client.
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="127.0.0.1",
                      HTTP_X_REAL_IP="127.0.0.1").status_code == 404


def test_it_judges_the_client_the_trusted_proxy_names(client, settings):
    settings.PLANDESK_TRUSTED_PROXIES = ["127.0.0.1"]
    assert client.get("/metrics", HTTP_X_REAL_IP="203.0.113.9").status_code == 404
    assert client.get("/metrics", HTTP_X_REAL_IP="127.0.0.1").status_code == 200
    settings.PLANDESK_METRICS_ADDRESSES = ["10.8.0.0/16"]
    assert client.get("/metrics", HTTP_X_REAL_IP="10.8.3.4").status_code == 200


@pytest.mark.django_db(transaction=True)  # the worker closes old connections between rounds, as in production
def test_it_shows_each_worker_jobs_duration_after_a_round(client, settings, tmp_path):
    from django.core.management import call_command

    from plandesk.core.jobs import registered_jobs

    settings.MEDIA_ROOT = str(tmp_path)
    call_command("worker", once=True)
    call_command("worker", once=True)

    text = client.get("/metrics").content.decode()
    assert "# TYPE plandesk_worker_job_seconds summary" in text
    jobs = [name for name, _job in registered_jobs()]
    assert "operations.heartbeat" in jobs
    for job in jobs:  # every job of the round, timed twice (two rounds of one worker)
        assert value(text, f'plandesk_worker_job_seconds_count{{job="{job}"}}') == 2
        assert value(text, f'plandesk_worker_job_seconds_sum{{job="{job}"}}') >= 0
        assert value(text, f'plandesk_worker_job_failures_total{{job="{job}"}}') == 0
    assert re.search(r'^plandesk_worker_job_last_seconds\{job="operations.heartbeat",worker="[^"]+"\} [0-9.e-]+$',
                     text, re.MULTILINE)


@pytest.mark.django_db(transaction=True)
def test_a_failing_job_is_timed_and_counted_and_the_round_goes_on(client):
    from plandesk.core.management.commands.worker import Command

    ran = []

    def broken():
        raise RuntimeError("boom")

    def fine():
        ran.append(1)
        return 0

    command = Command()
    command.stopping = False
    command.run_round([("test.broken", broken), ("test.fine", fine)])
    assert ran == [1]
    text = client.get("/metrics").content.decode()
    assert value(text, 'plandesk_worker_job_failures_total{job="test.broken"}') == 1
    assert value(text, 'plandesk_worker_job_seconds_count{job="test.broken"}') == 1
    assert value(text, 'plandesk_worker_job_failures_total{job="test.fine"}') == 0
