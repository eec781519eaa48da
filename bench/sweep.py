"""The light sweep (plandesk.supervision.services.sweep_lights) over a large table of open tasks.

Open tasks get deadlines spread evenly over 60 days around the day boundary D (10 days before it to 50 after), and
the lights a pass at D − 1 day would have left. Then:
  * the pass after the day boundary (at D): recolours the steps whose yellow or red time passed during the day, and
    writes one LightChange row per change;
  * steady passes (at D again, five times): nothing to do.
Reported: rows changed, wall time and CPU time of this process (the database's own work on PostgreSQL is in the
wall time only).

Run (a fresh database each time; SpatiaLite file in /tmp, or a database of the local PostgreSQL):
    .venv/bin/python bench/sweep.py --db spatialite [--tasks 1000000]
    .venv/bin/python bench/sweep.py --db postgis    [--tasks 1000000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
parser = argparse.ArgumentParser()
parser.add_argument("--db", choices=["spatialite", "postgis"], default="spatialite")
parser.add_argument("--tasks", type=int, default=1_000_000)
args = parser.parse_args()

if args.db == "spatialite":
    path = Path("/tmp/plandesk_bench_sweep.sqlite3")  # noqa: S108 - a throwaway benchmark database
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.environ["PLANDESK_DATABASE_URL"] = f"spatialite:///{path}"
else:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS plandesk_bench_sweep")
        conn.execute("CREATE DATABASE plandesk_bench_sweep")
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/plandesk_bench_sweep", autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    os.environ["PLANDESK_DATABASE_URL"] = "postgis://postgres@127.0.0.1:5432/plandesk_bench_sweep"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plandesk.settings")
os.environ.setdefault("PLANDESK_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

call_command("migrate", verbosity=0)

from plandesk.accounts.models import User  # noqa: E402
from plandesk.cases.models import Case  # noqa: E402
from plandesk.catalog.models import Category, Item, ItemVersion  # noqa: E402
from plandesk.organization.models import Post, Unit  # noqa: E402
from plandesk.supervision.models import LightChange  # noqa: E402
from plandesk.supervision.services import sweep_lights  # noqa: E402
from plandesk.workflow import services  # noqa: E402
from plandesk.workflow.models import Task  # noqa: E402

settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
UTC = ZoneInfo("UTC")
BOUNDARY = datetime(2026, 12, 1, 0, 5, tzinfo=ZoneInfo("Asia/Shanghai"))  # just after midnight, bureau time
SPREAD_MINUTES = 60 * 24 * 60
FIRST_DUE = BOUNDARY - timedelta(days=10)


def template_task() -> Task:
    units = {}
    for code, kind, parent in [("bureau", "bureau", None), ("div1", "division", "bureau")]:
        units[code] = Unit.objects.create(code=code, name=code, kind=kind, parent=units.get(parent))
    post = Post.objects.create(code="div1.handler", name="div1.handler", unit=units["div1"], function="handler")
    post.members.add(User.objects.create_user(username="handler1", password="x-Bench-2026!"))  # noqa: S106
    item = Item.objects.create(code="construction_permit")
    ItemVersion(item=item, name="建设工程规划许可证", category=Category.LICENCE, legal_basis="《城乡规划法》",
                statutory_days=20, promised_days=15, form_schema={"type": "object"},
                process_id="plandesk_two_meetings").publish()
    item.refresh_from_db()
    services.ensure_default_processes()
    case = Case.register(item_versions=[item.current], handling_office=units["div1"], applicant_name="某公司",
                         project_name="基准项目", password="12345678")  # noqa: S106
    services.start_case(case)
    return Task.objects.get(case=case)


def fill(template: Task, n: int) -> None:
    """n open tasks copied from the template, deadlines spread over 60 days, lights as of the day before D."""
    columns = [f.column for f in Task._meta.concrete_fields if f.column not in ("id", "due_at", "warn_at", "light")]
    cols = ", ".join(columns)
    picked = ", ".join(f"t.{c}" for c in columns)
    before = (BOUNDARY - timedelta(days=1)).astimezone(UTC)
    first = FIRST_DUE.astimezone(UTC)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            due = "(%(first)s::timestamptz + make_interval(mins => ((s.i::bigint * 7919) %% %(spread)s)::int))"
            series = "generate_series(0, %(n)s - 1) AS s(i)"
            cursor.execute(
                f"INSERT INTO workflow_task ({cols}, due_at, warn_at, light)"  # noqa: S608
                f" SELECT {picked}, {due}, {due} - interval '1 day',"
                f" CASE WHEN {due} <= %(before)s THEN 'red' WHEN {due} - interval '1 day' <= %(before)s"
                f" THEN 'yellow' ELSE 'green' END FROM workflow_task t, {series} WHERE t.id = %(template)s",
                {"first": first, "spread": SPREAD_MINUTES, "n": n, "before": before, "template": template.pk})
            cursor.execute("ANALYZE workflow_task")
        else:
            first_text = first.strftime("%Y-%m-%d %H:%M:%S")
            before_text = before.strftime("%Y-%m-%d %H:%M:%S")
            due = f"datetime('{first_text}', '+' || ((s.i * 7919) % {SPREAD_MINUTES}) || ' minutes')"
            warn = f"datetime({due}, '-1 day')"
            cursor.execute(
                f"WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < {n - 1})"  # noqa: S608
                f" INSERT INTO workflow_task ({cols}, due_at, warn_at, light)"
                f" SELECT {picked}, {due}, {warn},"
                f" CASE WHEN {due} <= '{before_text}' THEN 'red' WHEN {warn} <= '{before_text}' THEN 'yellow'"
                f" ELSE 'green' END FROM workflow_task t, s WHERE t.id = {template.pk}")
            cursor.execute("ANALYZE")


def timed(now: datetime) -> tuple[int, float, float]:
    started, cpu = time.perf_counter(), time.process_time()
    changed = sweep_lights(now)
    return changed, time.perf_counter() - started, time.process_time() - cpu


template = template_task()
print(f"{args.db}: inserting {args.tasks:,} open tasks ...", flush=True)
started = time.perf_counter()
fill(template, args.tasks)
print(f"{args.db}: inserted in {time.perf_counter() - started:.1f} s", flush=True)
counts = dict(Task.objects.open().values_list("light").annotate(n=django.db.models.Count("id")))
print(f"{args.db}: lights before the pass: {counts}")

changed, wall, cpu = timed(BOUNDARY)
changes = dict(LightChange.objects.values_list("to_light").annotate(n=django.db.models.Count("id")))
print(f"{args.db}: day-boundary pass: {changed:,} changes {changes} in {wall * 1000:.0f} ms (CPU {cpu * 1000:.0f} ms)")


def steady(label: str) -> None:
    runs = [timed(BOUNDARY) for _ in range(5)]
    assert all(c == 0 for c, _w, _cpu in runs), runs
    walls = [w * 1000 for _c, w, _cpu in runs]
    cpus = [c * 1000 for _c, _w, c in runs]
    print(f"{args.db}: steady pass (nothing to do){label}: median {statistics.median(walls):.1f} ms,"
          f" max {max(walls):.1f} ms (CPU median {statistics.median(cpus):.1f} ms)")


steady("")
if connection.vendor == "postgresql":
    # PostgreSQL keeps the index entries of the rows the pass changed until the table is vacuumed; migration
    # supervision 0003 has autovacuum do that once 1 % of the table changed. Here: what the passes cost after it.
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE workflow_task")
    print(f"{args.db}: VACUUM ANALYZE workflow_task (autovacuum's work) took {time.perf_counter() - started:.1f} s")
    steady(" after the vacuum")
