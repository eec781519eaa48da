"""/metrics: django-prometheus's request, latency and database counters, plus the bureau's own gauges.

The bureau's gauges are read from the database at scrape time with a few aggregate queries (a scrape every 15-60 s
costs a handful of indexed counts), so every web process reports the same figures and no worker has to push them.
Each gauge family is read on its own: a failing one is left out and counted in plandesk_metrics_errors, rather than
failing the whole scrape.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from functools import lru_cache

import prometheus_client
from django.apps import apps
from django.conf import settings
from django.db.models import Count, Q, Sum
from django.utils import timezone
from prometheus_client import multiprocess
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric, SummaryMetricFamily
from prometheus_client.registry import Collector

log = logging.getLogger("plandesk.operations")

# --- database statement counts (installed on each connection by OperationsConfig.ready) -------------------------


def _statement_counter(execute, sql, params, many, context):
    from django_prometheus.db import execute_total, query_duration_seconds

    connection = context["connection"]
    execute_total.labels(connection.alias, connection.vendor).inc()
    started = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        query_duration_seconds.labels(connection.alias, connection.vendor).observe(time.perf_counter() - started)


def count_queries(sender, connection, **kwargs) -> None:
    # First in the list: a test's own `with connection.execute_wrapper(...)` pops the last one, never this.
    if _statement_counter not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, _statement_counter)


# --- who may scrape ----------------------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def address_in(address: str | None, spec) -> bool:
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return any(ip in network for network in _networks(tuple(spec)))


def may_scrape(address: str | None) -> bool:
    return address_in(address, settings.PLANDESK_METRICS_ADDRESSES)


# --- the bureau's gauges -----------------------------------------------------------------------------------------


def _open_tasks_by_light(now) -> Iterator[Metric]:
    Task = apps.get_model("workflow", "Task")
    # The light as the worklist shows it now: red past due_at, yellow past warn_at, the stored light without a due.
    red = Q(due_at__isnull=False, due_at__lte=now)
    yellow = Q(due_at__isnull=False, due_at__gt=now, warn_at__isnull=False, warn_at__lte=now)
    undated = Q(due_at__isnull=True)
    counts = Task.objects.filter(state="open").aggregate(
        red=Count("pk", filter=red | (undated & Q(light="red"))),
        yellow=Count("pk", filter=yellow | (undated & Q(light="yellow"))),
        total=Count("pk"),
    )
    family = GaugeMetricFamily("plandesk_open_tasks", "Open tasks by deadline light", labels=["light"])
    family.add_metric(["red"], counts["red"])
    family.add_metric(["yellow"], counts["yellow"])
    family.add_metric(["green"], counts["total"] - counts["red"] - counts["yellow"])
    yield family


def _cases_by_status(now) -> Iterator[Metric]:
    Case = apps.get_model("cases", "Case")
    family = GaugeMetricFamily("plandesk_cases", "Cases by status", labels=["status"])
    for row in Case.objects.order_by().values("status").annotate(n=Count("pk")):
        family.add_metric([row["status"]], row["n"])
    yield family


def _outbox(now) -> Iterator[Metric]:
    Notification = apps.get_model("notifications", "Notification")
    counts = Notification.objects.aggregate(
        pending=Count("pk", filter=Q(status="pending")),
        due=Count("pk", filter=Q(status="pending", next_attempt_at__lte=now)),
        sending=Count("pk", filter=Q(status="sending")),
        failed=Count("pk", filter=Q(status="failed")),
    )
    family = GaugeMetricFamily("plandesk_outbox", "Notices in the outbox by state (due: pending and due now)",
                               labels=["state"])
    for state, n in counts.items():
        family.add_metric([state], n)
    yield family


def _logins(now) -> Iterator[Metric]:
    LoginThrottle = apps.get_model("accounts", "LoginThrottle")
    counts = LoginThrottle.objects.aggregate(
        failures=Sum("failures", filter=Q(last_failure_at__gte=now - timedelta(hours=1))),
        locked=Count("pk", filter=Q(locked_until__gt=now)),
    )
    failures = GaugeMetricFamily("plandesk_failed_logins_last_hour",
                                 "Failed sign-ins counted against usernames that failed in the last hour")
    failures.add_metric([], counts["failures"] or 0)
    yield failures
    locked = GaugeMetricFamily("plandesk_locked_usernames", "Usernames locked out of signing in now")
    locked.add_metric([], counts["locked"])
    yield locked


def _query_lockouts(now) -> Iterator[Metric]:
    QueryFailure = apps.get_model("window", "QueryFailure")
    case_limit = getattr(settings, "PLANDESK_QUERY_CASE_FAILURES", 5)
    recent = QueryFailure.objects.filter(at__gte=now - timedelta(hours=1)).order_by()
    failures = GaugeMetricFamily("plandesk_query_failures_last_hour", "Failed public case queries in the last hour")
    failures.add_metric([], recent.count())
    yield failures
    locked = recent.values("case_number").annotate(n=Count("pk")).filter(n__gte=case_limit).count()
    lockouts = GaugeMetricFamily("plandesk_query_lockouts", "Cases whose public query is locked after failures")
    lockouts.add_metric([], locked)
    yield lockouts


def _workers(now) -> Iterator[Metric]:
    from plandesk.operations.models import WorkerHeartbeat

    age = GaugeMetricFamily("plandesk_worker_heartbeat_age_seconds", "Seconds since each worker's last round ended",
                            labels=["worker"])
    round_seconds = GaugeMetricFamily("plandesk_worker_round_seconds",
                                      "Seconds between each worker's last two rounds (round plus pause)",
                                      labels=["worker"])
    rounds = CounterMetricFamily("plandesk_worker_rounds", "Rounds each worker has run", labels=["worker"])
    alive = 0
    for beat in WorkerHeartbeat.objects.filter(beat_at__gte=now - timedelta(days=1)).order_by("worker")[:100]:
        age.add_metric([beat.worker], max((now - beat.beat_at).total_seconds(), 0.0))
        round_seconds.add_metric([beat.worker], beat.round_seconds)
        rounds.add_metric([beat.worker], beat.rounds)
        alive += beat.is_alive(now)
    yield from (age, round_seconds, rounds)
    up = GaugeMetricFamily("plandesk_workers_alive", "Workers whose last heartbeat is within three of their rounds")
    up.add_metric([], alive)
    yield up


def _jobs(now) -> Iterator[Metric]:
    """Job durations summed over the workers seen in the last day (a summary: rate(_sum)/rate(_count) per job)."""
    from plandesk.operations.models import JobTiming

    rows = (JobTiming.objects.filter(last_at__gte=now - timedelta(days=1)).values("job")
            .annotate(runs=Sum("runs"), failures=Sum("failures"), total=Sum("total_seconds")).order_by("job")[:200])
    duration = SummaryMetricFamily("plandesk_worker_job_seconds", "Wall time of the worker's jobs", labels=["job"])
    failures = CounterMetricFamily("plandesk_worker_job_failures", "Worker job runs that raised", labels=["job"])
    for row in rows:
        duration.add_metric([row["job"]], count_value=row["runs"], sum_value=row["total"])
        failures.add_metric([row["job"]], row["failures"])
    yield from (duration, failures)
    last = GaugeMetricFamily("plandesk_worker_job_last_seconds", "Wall time of each worker's latest run of a job",
                             labels=["worker", "job"])
    for worker, job, seconds in (JobTiming.objects.filter(last_at__gte=now - timedelta(days=1))
                                 .order_by("worker", "job").values_list("worker", "job", "last_seconds")[:500]):
        last.add_metric([worker, job], seconds)
    yield last


GAUGES: list[Callable] = [_open_tasks_by_light, _cases_by_status, _outbox, _logins, _query_lockouts, _workers, _jobs]


class BureauCollector(Collector):
    def collect(self) -> Iterator[Metric]:
        now = timezone.now()
        errors = GaugeMetricFamily("plandesk_metrics_errors", "Gauge families that could not be read in this scrape")
        failed = 0
        for gauge in GAUGES:
            try:
                families = list(gauge(now))
            except Exception:  # a broken gauge must not hide the others
                log.exception("metrics: %s could not be read", gauge.__name__)
                failed += 1
                continue
            yield from families
        errors.add_metric([], failed)
        yield errors


def exposition() -> bytes:
    """The whole text: this process's (or, under gunicorn, all processes') counters, then the bureau's gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        process_registry = prometheus_client.CollectorRegistry()
        multiprocess.MultiProcessCollector(process_registry)
    else:
        process_registry = prometheus_client.REGISTRY
    bureau = prometheus_client.CollectorRegistry(auto_describe=False)
    bureau.register(BureauCollector())
    return prometheus_client.generate_latest(process_registry) + prometheus_client.generate_latest(bureau)
