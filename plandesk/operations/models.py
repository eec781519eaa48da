"""The worker's heartbeat: one row per running worker process, stamped at the end of each of its rounds.

Operational telemetry rather than a record of the bureau: rows are upserted by the worker itself and not audited.
"""

from __future__ import annotations

import os
import socket
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Rows of workers that stopped beating this long ago are dropped (hosts come and go; their pids never return).
FORGET_AFTER = timedelta(days=7)


def this_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:200]


class HeartbeatQuerySet(models.QuerySet):
    def freshest(self) -> WorkerHeartbeat | None:
        return self.order_by("-beat_at").first()


class WorkerHeartbeat(models.Model):
    worker = models.CharField(_("后台进程"), max_length=200, unique=True)
    started_at = models.DateTimeField(_("首次心跳"), default=timezone.now)
    beat_at = models.DateTimeField(_("最近心跳"), default=timezone.now, db_index=True)
    # Seconds between this worker's last two heartbeats: one round plus its pause. "Three of its rounds" in the
    # health check is three of these, so a worker started with a short --interval is missed as quickly.
    round_seconds = models.FloatField(_("每轮间隔（秒）"))
    rounds = models.PositiveBigIntegerField(_("轮数"), default=0)

    objects = HeartbeatQuerySet.as_manager()

    class Meta:
        verbose_name = _("后台进程心跳")
        verbose_name_plural = _("后台进程心跳")

    def __str__(self) -> str:
        return f"{self.worker} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"

    @classmethod
    def beat(cls, worker: str | None = None, now=None) -> WorkerHeartbeat:
        """Stamp this worker's round; the first beat of a worker assumes the configured interval."""
        now = now or timezone.now()
        worker = worker or this_worker()
        row = cls.objects.filter(worker=worker).first()
        if row is None:
            row, _created = cls.objects.get_or_create(
                worker=worker,
                defaults={"started_at": now, "beat_at": now, "rounds": 1,
                          "round_seconds": float(settings.PLANDESK_WORKER_INTERVAL)},
            )
            return row
        gap = max((now - row.beat_at).total_seconds(), 0.001)
        cls.objects.filter(pk=row.pk).update(beat_at=now, round_seconds=gap, rounds=models.F("rounds") + 1)
        cls.objects.filter(beat_at__lt=now - FORGET_AFTER).delete()
        row.refresh_from_db()
        return row

    def overdue_at(self):
        return self.beat_at + timedelta(seconds=3 * self.round_seconds)

    def is_alive(self, now=None) -> bool:
        return (now or timezone.now()) <= self.overdue_at()


class JobTiming(models.Model):
    """Each worker's running totals per job, for the /metrics summary of job durations.

    Kept in the database like the heartbeat: workers run on other hosts than the web processes that serve /metrics.
    One row per (worker, job), updated in place after each run; rows of forgotten workers go with their heartbeat.
    """

    worker = models.CharField(_("后台进程"), max_length=200)
    job = models.CharField(_("任务"), max_length=200)
    runs = models.PositiveBigIntegerField(_("运行次数"), default=0)
    failures = models.PositiveBigIntegerField(_("失败次数"), default=0)
    total_seconds = models.FloatField(_("累计耗时（秒）"), default=0.0)
    last_seconds = models.FloatField(_("最近耗时（秒）"), default=0.0)
    last_at = models.DateTimeField(_("最近运行"), default=timezone.now)

    class Meta:
        verbose_name = _("后台任务耗时")
        verbose_name_plural = _("后台任务耗时")
        constraints = [models.UniqueConstraint(fields=["worker", "job"], name="operations_jobtiming_worker_job")]

    def __str__(self) -> str:
        return f"{self.worker} {self.job}"

    @classmethod
    def add(cls, job: str, seconds: float, failed: bool = False, worker: str | None = None, now=None) -> None:
        now = now or timezone.now()
        worker = worker or this_worker()
        seconds = max(float(seconds), 0.0)
        changes = {"runs": models.F("runs") + 1, "failures": models.F("failures") + int(failed),
                   "total_seconds": models.F("total_seconds") + seconds, "last_seconds": seconds, "last_at": now}
        if not cls.objects.filter(worker=worker, job=job).update(**changes):
            _row, created = cls.objects.get_or_create(
                worker=worker, job=job[:200],
                defaults={"runs": 1, "failures": int(failed), "total_seconds": seconds, "last_seconds": seconds,
                          "last_at": now})
            if not created:  # another writer of the same worker name won the insert: count on it
                cls.objects.filter(worker=worker, job=job).update(**changes)
        cls.objects.filter(last_at__lt=now - FORGET_AFTER).delete()
