"""/healthz: the database, the worker's heartbeat and the upload storage, each "ok" or a short English fault."""

from __future__ import annotations

import os
import shutil

from django.conf import settings
from django.db import connection
from django.utils import timezone

from plandesk.operations.models import WorkerHeartbeat

DEFAULT_MIN_FREE_MB = 512


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any failure to reach or use the database is the fault being reported
        return f"unreachable: {type(error).__name__}"
    return "ok"


def check_worker(now=None) -> str:
    now = now or timezone.now()
    try:
        freshest = WorkerHeartbeat.objects.freshest()
    except Exception as error:
        return f"unknown: {type(error).__name__}"
    if freshest is None:
        return "no heartbeat: no worker has run"
    if not freshest.is_alive(now):
        age = int((now - freshest.beat_at).total_seconds())
        return f"stopped: last heartbeat {age}s ago (rounds of {freshest.round_seconds:.0f}s)"
    return "ok"


def check_storage() -> str:
    media = settings.MEDIA_ROOT
    minimum = getattr(settings, "PLANDESK_HEALTH_MIN_FREE_MB", DEFAULT_MIN_FREE_MB)
    if not os.path.isdir(media):
        return "missing: upload directory does not exist"
    if not os.access(media, os.W_OK | os.X_OK):
        return "read-only: upload directory is not writable"
    free_mb = shutil.disk_usage(media).free // (1024 * 1024)
    if free_mb < minimum:
        return f"low disk: {free_mb} MB free (minimum {minimum} MB)"
    return "ok"


def run_checks() -> dict[str, str]:
    return {"database": check_database(), "worker": check_worker(), "storage": check_storage()}
