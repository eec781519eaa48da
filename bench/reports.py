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
# ruff: noqa: S608 - the SQL below is built from constants and integers of this script, no outside input

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plandesk.settings")
import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from plandesk.cases.models import Case  # noqa: E402
from plandesk.catalog.models import Category, Item, ItemVersion  # noqa: E402
from plandesk.organization.models import Unit  # noqa: E402
from plandesk.reports import export, stats  # noqa: E402

PREFIX = "bench-reports-"


SPAN_DAYS = 1823  # 2021-01-04 .. 2025-12-31
BASE = "2021-01-04 01:00:00"  # 09:00 in the bureau's zone, as UTC
TABLES = ("cases_case", "cases_case_item_versions", "cases_casepause", "reports_rating")


def _r(salt: int, col: str = "k") -> str:
    """A deterministic pseudo-random fraction in [0, 1) of the integer `col`, the same SQL on both databases (so
    both hold the same history). Three rounds below 2**31 (no overflow in 64-bit integers): a per-salt multiplier,
    a nonlinear square-ish step (so that draws of different salts are not shifted copies of one another), an LCG."""
    x1 = f"(CAST({col} AS BIGINT) * {1103515245 + 2 * salt * 7919} + {salt * 12345 + 1}) % 2147483648"
    x2 = f"(({x1}) * (({x1}) % 65521 + 1)) % 2147483648"
    return f"((({x2}) * 69069 + {salt}) % 2147483648 / 2147483648.0)"


def _plus(expr: str, seconds: str) -> str:
    if connection.vendor == "postgresql":
        return f"({expr} + ({seconds}) * interval '1 second')"
    return f"datetime({expr}, '+' || CAST({seconds} AS INTEGER) || ' seconds')"


def _base() -> str:
    return f"timestamptz '{BASE}+00'" if connection.vendor == "postgresql" else f"'{BASE}'"


def _series(n: int) -> str:
    if connection.vendor == "postgresql":
        return f"(SELECT k FROM generate_series(0, {n - 1}) AS k) AS s"
    return (f"(WITH RECURSIVE s(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM s WHERE k < {n - 1}) "
            f"SELECT k FROM s) AS s")


def _secondary_indexes(cursor) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the indexes and SpatiaLite triggers on the loaded tables that a bulk load would
    maintain row by row: dropped before the load, created again after it (primary keys and unique constraints stay)."""
    if connection.vendor == "postgresql":
        cursor.execute("""SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i
                          JOIN pg_class c ON c.oid = i.indexrelid
                          WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisprimary
                            AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)""",
                       [list(TABLES)])
        return [(f"INDEX {name}", sql) for name, sql in cursor.fetchall()]
    marks = ",".join("?" * len(TABLES))
    cursor.execute(f"SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND sql IS NOT NULL"
                   f" AND tbl_name IN ({marks})", list(TABLES))
    return [(f"{kind.upper()} \"{name}\"", sql) for kind, name, sql in cursor.fetchall()]


def fill(n: int) -> None:
    """Raw INSERT … SELECT over a generated series (PostgreSQL generate_series, SQLite a recursive CTE), the
    secondary indexes dropped during the load and created after it, then ANALYZE."""
    if Case.objects.filter(applicant_name=PREFIX + "applicant").exists():
        print(f"history present: {Case.objects.count()} cases")
        return
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
    office = "CASE k % 4 " + " ".join(f"WHEN {i} THEN {u.pk}" for i, u in enumerate(units)) + " END"
    item_of = "CASE c.id % 11 " + " ".join(f"WHEN {i} THEN {v.pk}" for i, v in enumerate(versions)) + " END"
    # cases are registered in time order, as at the window: ids (and numbers) grow with receipt, jittered within a
    # slot; the item and pause rows of a month's cases then sit together, as they do in a real history
    position = f"((k + {_r(1)}) / {n}.0)"
    received = _plus(_base(), f"{position} * {SPAN_DAYS * 86400}")
    # fates: 5 % refused (closed an hour after receipt); of the rest, those received in the last 30 days of the
    # history are still open half of the time; the others are ready 3-25 days (+0-6 h) after receipt and closed
    # 0-4 days later. Due 10-21 days after receipt (so ~45 % are late: a harsh history for "overdue").
    refused, recent = f"{_r(2)} < 0.05", f"{position} * {SPAN_DAYS} > {SPAN_DAYS - 30} AND {_r(3)} < 0.5"
    ready_s = f"(3 + CAST({_r(4)} * 23 AS INTEGER)) * 86400 + CAST({_r(5)} * 7 AS INTEGER) * 3600"
    closed_s = f"{ready_s} + CAST({_r(6)} * 5 AS INTEGER) * 86400"
    t_sql = f"""
        INSERT INTO cases_case (number, status, outcome, applicant_name, applicant_credit_code, applicant_id_number,
            applicant_contact, applicant_phone, project_name, project_address, forms, materials, promised_days,
            received_at, due_at, query_password_hash, ready_at, closed_at, status_changed_at, status_reason,
            handling_office_id)
        SELECT number, status, '', '{PREFIX}applicant', '', '', '', '', '基准项目', '', '{{}}', '[]', 10,
               received_at, due_at, '', ready_at, closed_at, COALESCE(closed_at, received_at), '', office
        FROM (SELECT '9' || {"lpad(k::text, 11, '0')" if connection.vendor == "postgresql" else "printf('%011d', k)"}
                     AS number, {office} AS office, received_at,
                     {_plus('received_at', f"(10 + CAST({_r(7)} * 12 AS INTEGER)) * 86400")} AS due_at,
                     CASE WHEN {refused} THEN 'not_accepted' WHEN {recent} THEN 'in_progress' ELSE 'closed' END
                         AS status,
                     CASE WHEN {refused} OR ({recent}) THEN NULL ELSE {_plus('received_at', ready_s)} END AS ready_at,
                     CASE WHEN {refused} THEN {_plus('received_at', '3600')} WHEN {recent} THEN NULL
                          ELSE {_plus('received_at', closed_s)} END AS closed_at
              FROM (SELECT k, {received} AS received_at FROM {_series(n)}) AS g) AS rows"""
    level_draw = " * ".join([f"({_r(11, 'c.id')})"] * 4)  # r**4: mostly satisfied
    steps = [
        ("cases", t_sql),
        ("items", f"INSERT INTO cases_case_item_versions (case_id, itemversion_id) SELECT c.id, {item_of} "
                  f"FROM cases_case c WHERE c.applicant_name = '{PREFIX}applicant'"),
        # ~12 % of the completed cases paused once, 1-8 days, a day after receipt
        ("pauses", f"""INSERT INTO cases_casepause (case_id, reason, note, started_at, ended_at)
                       SELECT c.id, CASE CAST({_r(8, 'c.id')} * 3 AS INTEGER) WHEN 0 THEN 'supplement'
                                    WHEN 1 THEN 'publicity' ELSE 'expert_review' END, '',
                              {_plus('c.received_at', '86400')},
                              {_plus('c.received_at', f"(2 + CAST({_r(9, 'c.id')} * 8 AS INTEGER)) * 86400")}
                       FROM cases_case c WHERE c.applicant_name = '{PREFIX}applicant' AND c.ready_at IS NOT NULL
                         AND {_r(10, 'c.id')} < 0.12"""),
        # ~30 % of the closed cases rated a day after closing; ~12 % of the ratings bad (levels 1-2)
        ("ratings", f"""INSERT INTO reports_rating (case_id, office_id, level, comment, channel, rated_at)
                        SELECT c.id, c.handling_office_id, 5 - CAST({level_draw} * 5 AS INTEGER),
                               '', 'link', {_plus('c.closed_at', '86400')}
                        FROM cases_case c WHERE c.applicant_name = '{PREFIX}applicant' AND c.status = 'closed'
                          AND {_r(12, 'c.id')} < 0.3"""),
    ]
    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # Django's deferred foreign keys would forbid CREATE INDEX after
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        dropped = _secondary_indexes(cursor)
        for name, _sql in dropped:
            cursor.execute(f"DROP {name}")
        for label, sql in steps:
            cursor.execute(sql)
            print(f"  {label}: {cursor.rowcount} rows, {time.perf_counter() - t0:.1f} s", flush=True)
        for _name, sql in dropped:
            cursor.execute(sql)
        print(f"  {len(dropped)} indexes/triggers created again, {time.perf_counter() - t0:.1f} s", flush=True)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")  # also the visibility map, for index-only scans
        else:
            cursor.execute("ANALYZE")
    print(f"  analyzed, {time.perf_counter() - t0:.1f} s", flush=True)


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


def _drill(period: stats.Period, metric: str) -> int:
    rows = stats.cases_for(period, metric).order_by("-received_at", "-id")
    list(rows[:50])
    return rows.count()


def run(period: stats.Period, runs: int) -> None:
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{connection.vendor}: {Case.objects.count()} cases; month {period.label}; load average {load}")
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
        ("drill-down: overdue, count + first 50", lambda: _drill(period, "overdue")),
        ("drill-down: paused, count + first 50", lambda: _drill(period, "paused")),
    ]
    print("| query | median wall ms | median CPU ms (this process) |\n| --- | --- | --- |")
    for name, fn in checks:
        wall, cpu = timed(fn, runs)
        print(f"| {name} | {wall:.0f} | {cpu:.0f} |", flush=True)


if __name__ == "__main__":
    main()
