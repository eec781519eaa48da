"""The background worker's job list, gathered from each app's `jobs.py` (JOBS = [callable() -> int])."""

from __future__ import annotations

from collections.abc import Callable

from plandesk.core.registry import app_modules


def registered_jobs() -> list[tuple[str, Callable[[], int]]]:
    jobs = []
    for label, module in app_modules("jobs"):
        for job in getattr(module, "JOBS", []):
            jobs.append((f"{label}.{job.__name__}", job))
    return jobs


def purge_rate_limits() -> int:
    """Forget rate-limit windows older than a day (core.limits)."""
    from plandesk.core.limits import purge

    return purge()


# core's own job, gathered with the others (this module is core's `jobs.py`).
JOBS = [purge_rate_limits]
