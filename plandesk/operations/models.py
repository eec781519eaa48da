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
