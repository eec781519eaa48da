"""The background worker's job list, gathered from each app's `jobs.py` (JOBS = [callable() -> int])."""

from __future__ import annotations

from collections.abc import Callable

from plandesk.core.registry import app_modules


def registered_jobs() -> list[tuple[str, Callable[[], int]]]:
    jobs = []
    for label, module in app_modules("jobs"):
        if module.__name__ == __name__:
            continue
        for job in getattr(module, "JOBS", []):
            jobs.append((f"{label}.{job.__name__}", job))
    return jobs
