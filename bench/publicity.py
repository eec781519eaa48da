"""Publicity opinions under gunicorn: does the per-address limit hold across worker processes, and how fast are the
public list and an opinion POST?

Starts gunicorn (4 sync workers) on a database that has the demo loaded, clears the quota rows of 127.0.0.1, fires
N opinion POSTs from 32 threads at a running publicity, and counts 201s (must equal the hourly limit) and 429s.
Then times GET /api/v1/publicity?current=true. Opinions it created are deleted at the end.

Run: PLANDESK_DATABASE_URL=spatialite:////tmp/bench.sqlite3 .venv/bin/plandesk migrate && \
     PLANDESK_DATABASE_URL=spatialite:////tmp/bench.sqlite3 .venv/bin/plandesk demo && \
     PLANDESK_DATABASE_URL=spatialite:////tmp/bench.sqlite3 .venv/bin/python bench/publicity.py
"""

import json
import os
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plandesk.settings")
import django

django.setup()

from plandesk.core.models import Quota  # noqa: E402
from plandesk.publicity import rules  # noqa: E402
from plandesk.publicity.models import Opinion, Publicity  # noqa: E402

PORT = int(os.environ.get("BENCH_PORT", "8712"))
N = int(os.environ.get("BENCH_REQUESTS", "200"))
BASE = f"http://127.0.0.1:{PORT}"


def post(publicity_id: int) -> tuple[int, float]:
    body = json.dumps({"name": "压测", "contact": "000", "content": "bench"}).encode()
    # BASE is our own http://127.0.0.1 server, never a URL from outside.
    request = urllib.request.Request(f"{BASE}/api/v1/publicity/{publicity_id}/opinions", data=body,  # noqa: S310
                                     headers={"Content-Type": "application/json"}, method="POST")
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    return status, time.perf_counter() - started


def get_list() -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(f"{BASE}/api/v1/publicity?current=true", timeout=30) as response:  # noqa: S310
        response.read()
    return time.perf_counter() - started


def main() -> None:
    publicity = Publicity.objects.current().first()
    if publicity is None:
        sys.exit("no running publicity: load the demo first (plandesk demo)")
    Quota.objects.filter(key="publicity.opinion:127.0.0.1").delete()
    before = set(Opinion.objects.values_list("pk", flat=True))
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "plandesk.wsgi", "-w", "4", "-b", f"127.0.0.1:{PORT}",
         "--log-level", "warning"], env=os.environ.copy())
    try:
        for _ in range(100):
            try:
                get_list()
                break
            except OSError:
                time.sleep(0.2)
        with ThreadPoolExecutor(32) as pool:
            results = list(pool.map(lambda _i: post(publicity.pk), range(N)))
        with ThreadPoolExecutor(32) as pool:
            list_times = list(pool.map(lambda _i: get_list(), range(N)))
    finally:
        server.terminate()
        server.wait()
    statuses = [s for s, _t in results]
    created = Opinion.objects.exclude(pk__in=before)
    stored = created.count()
    created.delete()
    limit = rules.opinions_per_hour()
    print(f"database: {django.db.connection.vendor}; {N} POSTs from one address through 4 gunicorn workers")
    print(f"  201: {statuses.count(201)} (limit {limit}), 429: {statuses.count(429)}, other: "
          f"{len(statuses) - statuses.count(201) - statuses.count(429)}; opinions stored: {stored}")
    times = sorted(t * 1000 for _s, t in results)
    print(f"  POST ms: median {statistics.median(times):.1f}, p95 {times[int(len(times) * 0.95)]:.1f}")
    times = sorted(t * 1000 for t in list_times)
    print(f"  GET list ms: median {statistics.median(times):.1f}, p95 {times[int(len(times) * 0.95)]:.1f}")
    assert statuses.count(201) == limit == stored, "the limit did not hold across workers"


if __name__ == "__main__":
    main()
