"""The monthly dashboard's queries on a large history of cases.

Fills its own database with N historical cases (default 100,000; the issue's target is 1,000,000: pass --n) spread
over five years across 11 items and 4 handling offices, ~12 % paused once, then times, for one month in the middle
of the history, each query the dashboard runs (`plandesk.reports.export.tables`: totals, the per-item table, the
durations per item, pauses by reason, implied consents, urgings, ratings) and the whole page's data, median of --runs.
Steps (workflow tasks) are not generated: the per-step table is timed on an empty task table.

Run:
    PLANDESK_DATABASE_URL=spatialite:////tmp/bench-reports.sqlite3 .venv/bin/plandesk migrate
    PLANDESK_DATABASE_URL=spatialite:////tmp/bench-reports.sqlite3 .venv/bin/python bench/reports.py [--n 100000]
    (the same with PLANDESK_DATABASE_URL=postgis://postgres@127.0.0.1:5432/bench_reports after createdb + migrate)
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plandesk.settings")
import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from plandesk.cases.models import Case, CasePause, CaseStatus  # noqa: E402
from plandesk.catalog.models import Category, Item, ItemVersion  # noqa: E402
from plandesk.organization.models import Unit  # noqa: E402
from plandesk.reports import export, stats  # noqa: E402
from plandesk.workdays.calendar import bureau_tz  # noqa: E402

PREFIX = "bench-reports-"


def fill(n: int) -> None:
    if Case.objects.filter(applicant_name=PREFIX + "applicant").exists():
        print(f"history present: {Case.objects.count()} cases")
        return
    rng = random.Random(14)
    tz = bureau_tz()
    units = [Unit.objects.get_or_create(code=f"{PREFIX}div{i}", defaults={"name": f"审批{i}处", "kind": "division"})[0]
             for i in range(4)]
    versions = []
    for i in range(11):
        item, _ = Item.objects.get_or_create(code=f"{PREFIX}item{i}")
        if item.current is None:
            ItemVersion(item=item, name=f"事项{i}", category=Category.NON_LICENCE, legal_basis="-", statutory_days=20,
                        promised_days=10, form_schema={"type": "object"}, process_id="plandesk_two_meetings").publish()
            item.refresh_from_db()
        versions.append(item.current)
    start = datetime(2021, 1, 4, 9, 0, tzinfo=tz)
    span = (datetime(2026, 1, 1, tzinfo=tz) - start).total_seconds()
    through = Case.item_versions.through
    t0 = time.perf_counter()
    batch = 10_000
    for first in range(0, n, batch):
        cases, pauses_at = [], []
        for k in range(first, min(n, first + batch)):
            received = start + timedelta(seconds=rng.random() * span)
            due = received + timedelta(days=rng.randint(10, 21))
            ready = closed = None
            status = CaseStatus.CLOSED
            fate = rng.random()
            if fate < 0.05:
                status, closed = CaseStatus.NOT_ACCEPTED, received + timedelta(hours=1)
            else:
                ready = received + timedelta(days=rng.randint(3, 25), hours=rng.randint(0, 6))
                closed = ready + timedelta(days=rng.randint(0, 4))
            cases.append(Case(number=f"9{k:011d}", status=status, applicant_name=PREFIX + "applicant",
                              project_name="基准项目", handling_office=units[k % 4], promised_days=10,
                              received_at=received, due_at=due, ready_at=ready, closed_at=closed,
                              status_changed_at=closed or received))
            pauses_at.append(rng.random() < 0.12 and ready is not None)
        with transaction.atomic():
            Case.objects.bulk_create(cases, batch_size=2000)
            created = list(Case.objects.filter(number__in=[c.number for c in cases]).values_list("pk", "number",
                                                                                             "received_at"))
            through.objects.bulk_create([through(case_id=pk, itemversion_id=versions[int(num) % 11].pk)
                                         for pk, num, _r in created], batch_size=5000)
            picks = [row for row, p in zip(created, pauses_at, strict=False) if p]
            CasePause.objects.bulk_create([
                CasePause(case_id=pk, reason=rng.choice(["supplement", "publicity", "expert_review"]),
                          started_at=r + timedelta(days=1), ended_at=r + timedelta(days=1 + rng.randint(1, 8)))
                for pk, _num, r in picks], batch_size=5000)
        print(f"  {min(n, first + batch):>9} cases, {time.perf_counter() - t0:.0f} s", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def timed(fn, runs: int) -> tuple[float, float]:
    wall = []
    cpu = []
    for _ in range(runs):
        c0, w0 = time.process_time(), time.perf_counter()
        fn()
        wall.append((time.perf_counter() - w0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    fill(args.n)
    for period in (stats.Period(date(2025, 12, 1), date(2025, 12, 31)), stats.Period(date(2023, 6, 1),
                                                                                    date(2023, 6, 30))):
        run(period, args.runs)


def run(period: stats.Period, runs: int) -> None:
    print(f"{connection.vendor}: {Case.objects.count()} cases; month {period.label}")
    checks = [
        ("summary (7 figures)", lambda: stats.summary(period)),
        ("table by item", lambda: stats.table(period, "item")),
        ("table by office", lambda: stats.table(period, "office")),
        ("durations per item", lambda: stats.item_durations(period)),
        ("durations per step", lambda: stats.step_durations(period)),
        ("pauses by reason", lambda: stats.pause_time(period)),
        ("implied consents", lambda: stats.implied_consents(period)),
        ("urgings", lambda: stats.urgings(period)),
        ("ratings", lambda: stats.ratings(period)),
        ("whole dashboard (all tables)", lambda: export.tables(period, "item", None)),
    ]
    print("| query | median wall ms | median CPU ms (this process) |\n| --- | --- | --- |")
    for name, fn in checks:
        wall, cpu = timed(fn, runs)
        print(f"| {name} | {wall:.0f} | {cpu:.0f} |", flush=True)


if __name__ == "__main__":
    main()
