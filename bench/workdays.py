"""Working-day arithmetic: time per call and queries per call, cache warm.

Run: PLANDESK_DATABASE_URL=spatialite:////tmp/bench.sqlite3 .venv/bin/plandesk migrate && \
     PLANDESK_DATABASE_URL=spatialite:////tmp/bench.sqlite3 .venv/bin/python bench/workdays.py
"""

import os
import statistics
import time
from datetime import date, datetime
from zoneinfo import ZoneInfo

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plandesk.settings")
import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from plandesk.workdays import calendar  # noqa: E402

SH = ZoneInfo("Asia/Shanghai")
CASES = {
    "add_working_days(+248, a year)": lambda: calendar.add_working_days(date(2025, 12, 31), 248),
    "working_days_between(20 years)": lambda: calendar.working_days_between(date(2006, 1, 1), date(2026, 12, 31)),
    "deadline(20 days, 2 pauses)": lambda: calendar.deadline(
        datetime(2026, 9, 1, 10, tzinfo=SH), 20,
        [(datetime(2026, 9, 10, tzinfo=SH), datetime(2026, 9, 15, tzinfo=SH)),
         (datetime(2026, 9, 28, tzinfo=SH), datetime(2026, 10, 9, tzinfo=SH))]),
    "is_working_day": lambda: calendar.is_working_day(date(2026, 10, 10)),
}

calendar.is_working_day(date(2026, 1, 1))  # warm the cache
for name, call in CASES.items():
    with CaptureQueriesContext(connection) as queries:
        call()
    times = []
    for _ in range(2000):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1e6)
    times.sort()
    print(f"{name:36s} median {statistics.median(times):7.1f} µs  p95 {times[int(len(times) * .95)]:7.1f} µs  "
          f"queries/call {len(queries)}")

calendar.invalidate()
start = time.perf_counter()
calendar.is_working_day(date(2026, 1, 1))
print(f"cold cache load (all exceptions 2004–2026): {(time.perf_counter() - start) * 1000:.1f} ms")
