"""Task completions through the two-meetings process, persisted, beside bare SpiffWorkflow in the same run.

Each completion is one call of plandesk.workflow.services (complete_task or complete_meeting_task): one
transaction that locks the instance, checks and bumps the task's version, runs the engine, writes the engine JSON
once, creates the next task rows with their deadlines, and writes the history and audit rows.
The bare figure is the same step in SpiffWorkflow alone, taken right before the persisted one (paired, so both see
the same load on a shared machine): deserialize SpiffWorkflow's own JSON of that state, run the task, serialize.

Run (a fresh database each time; the default is a SpatiaLite file in /tmp):
    .venv/bin/python bench/workflow.py --db spatialite [--completions 10000]
    .venv/bin/python bench/workflow.py --db postgis    [--completions 10000]
Options: --breakdown (CPU per part of a completion), --queries (the SQL of one case's five completions),
--profile (cProfile by CPU time), --no-cache (deserialize on every completion), --bare-samples N (default 2000).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
parser = argparse.ArgumentParser()
parser.add_argument("--db", choices=["spatialite", "postgis"], default="spatialite")
parser.add_argument("--completions", type=int, default=10000)
parser.add_argument("--no-cache", action="store_true", help="deserialize the engine JSON on every completion")
parser.add_argument("--profile", action="store_true", help="cProfile the completions and print the top functions")
parser.add_argument("--bare-samples", type=int, default=2000, help="bare SpiffWorkflow steps, paired")
parser.add_argument("--breakdown", action="store_true", help="CPU time per part of a completion (medians)")
parser.add_argument("--queries", action="store_true", help="print the SQL of one case's completions")
args = parser.parse_args()

STEPS = 5  # review, division meeting, director review, bureau meeting, certificate
if args.db == "spatialite":
    path = Path("/tmp/plandesk_bench_workflow.sqlite3")  # noqa: S108 - a throwaway benchmark database
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.environ["PLANDESK_DATABASE_URL"] = f"spatialite:///{path}"
else:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS plandesk_bench_workflow")
        conn.execute("CREATE DATABASE plandesk_bench_workflow")
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/plandesk_bench_workflow", autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    os.environ["PLANDESK_DATABASE_URL"] = "postgis://postgres@127.0.0.1:5432/plandesk_bench_workflow"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plandesk.settings")
os.environ.setdefault("PLANDESK_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

call_command("migrate", verbosity=0)

from plandesk.accounts.models import User  # noqa: E402
from plandesk.cases.models import Case  # noqa: E402
from plandesk.catalog.models import Category, Item, ItemVersion  # noqa: E402
from plandesk.organization.models import Post, Unit  # noqa: E402
from plandesk.workflow import engine, runtime, services  # noqa: E402
from plandesk.workflow.models import ProcessInstance, Task, TaskState  # noqa: E402

runtime.ENGINE_CACHE = not args.no_cache
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # people set-up only
# The certificate step ends here without a person preparing and a second one checking the documents (the system
# drafts them at issue, in the last completion's transaction): the benchmark times the workflow, not the paperwork.
settings.PLANDESK_CERTIFICATES_REQUIRE_CHECK = False


def bureau():
    units = {}
    for code, kind, parent in [("bureau", "bureau", None), ("div1", "division", "bureau")]:
        units[code] = Unit.objects.create(code=code, name=code, kind=kind, parent=units.get(parent))
    people = {}
    for code, function, username in [("div1.handler", "handler", "handler1"), ("div1.head", "head", "head1"),
                                     ("bureau.director", "director", "director")]:
        post = Post.objects.create(code=code, name=code, unit=units[code.split(".")[0]], function=function)
        people[username] = User.objects.create_user(username=username, password="x-Bench-2026!")  # noqa: S106
        post.members.add(people[username])
    item = Item.objects.create(code="construction_permit")
    ItemVersion(item=item, name="建设工程规划许可证", category=Category.LICENCE, legal_basis="《城乡规划法》",
                statutory_days=20, promised_days=15, form_schema={"type": "object"},
                process_id="plandesk_two_meetings").publish()
    item.refresh_from_db()
    return units, people, item.current


units, people, version = bureau()
services.ensure_default_processes()
cases_needed = -(-args.completions // STEPS)
print(f"{args.db}: creating {cases_needed} cases ...", flush=True)
cases = []
for i in range(cases_needed):
    case = Case.register(item_versions=[version], handling_office=units["div1"], applicant_name="某公司",
                         project_name=f"项目 {i}", password="12345678")  # noqa: S106
    services.start_case(case)
    cases.append(case)

FORMS = {"review": {"conformity": "符合"}, "director_review": {"submit_to_bureau_meeting": True}}
WHO = {"review": "handler1", "division_meeting": "head1", "director_review": "director",
       "bureau_meeting": "director", "prepare_certificate": "handler1"}


HOLDERS: dict[int, User] = {}


def complete_one(task: Task) -> None:
    # A step the shipped process gained since this bench was written: whoever holds its post works it (looked up
    # once, outside the timed completions that follow).
    if task.step_id in WHO:
        user = people[WHO[task.step_id]]
    else:
        if task.post_id not in HOLDERS:
            HOLDERS[task.post_id] = Post.objects.holders([task.post]).order_by("pk")[0]
        user = HOLDERS[task.post_id]
    if task.meeting_kind:
        services.complete_meeting_task(task.case, task.meeting_kind, "approve", "同意", user, "M-1")
    else:
        services.complete_task(task.pk, user, decision="approve", opinion="同意", form=FORMS.get(task.step_id),
                               version=task.version)


def bare_step(state: str, spiff_id: str, step_id: str) -> tuple[float, float]:
    started, cpu_started = time.perf_counter(), time.process_time()
    wf = engine.loads(state)
    engine.run_user_task(wf, spiff_id, {"decision": "approve", f"{step_id}_decision": "approve",
                                        f"{step_id}_opinion": "同意", f"{step_id}_form": FORMS.get(step_id)})
    engine.dumps(wf)
    return time.perf_counter() - started, time.process_time() - cpu_started


latencies, cpu, bare, bare_cpu, sizes, done = [], [], [], [], [], 0
by_step: dict[str, tuple[list[float], list[float]]] = {}  # step -> (persisted CPU, bare CPU)
load_start = os.getloadavg()[0]
print(f"{args.db}: {args.completions} completions (engine cache {'off' if args.no_cache else 'on'}) ...", flush=True)
if args.queries:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # The first case warms the caches (posts, calendar, engine), as a running server's are; the second is shown.
    for shown in (False, True):
        case = cases.pop()
        while (task := Task.objects.select_related("case").filter(case=case, state=TaskState.OPEN).first()):
            with CaptureQueriesContext(connection) as captured:
                complete_one(task)
            if shown:
                print(f"--- {task.step_id}: {len(captured.captured_queries)} statements")
                for query in captured.captured_queries:
                    print("   ", (query["sql"] or "(statement text not kept by the driver)")[:160])
parts: dict[str, list[float]] = {}
if args.breakdown:
    # Wrap the parts of a completion to see where its CPU time goes (sum per completion, medians printed below).
    import functools

    from plandesk.core import sql as rawsql

    current: dict[str, float] = {}

    from plandesk.workflow import clock, definitions, hooks, meetings, permissions, sweeps, tasks

    # The workflow's modules import each other's functions by name: wrap a function in every module holding it.
    holders = [services, definitions, runtime, permissions, meetings, tasks, clock, sweeps]

    def timed(owner, name: str, label: str) -> None:
        inner = getattr(owner, name)

        @functools.wraps(inner)
        def wrapper(*a, **kw):
            started = time.process_time()
            try:
                return inner(*a, **kw)
            finally:
                current[label] = current.get(label, 0.0) + time.process_time() - started
        for module in [owner, *holders] if owner is not engine else [owner]:
            if getattr(module, name, None) is inner:
                setattr(module, name, wrapper)

    for name in ["get_task_for", "_load_task", "_validate_form", "_lock_instance", "_load", "_sync", "_resolve_post",
                 "_deadlines", "_write_events", "_save", "_outcome", "_complete", "meeting_task", "_remember"]:
        owner = next(module for module in holders[1:] if name in vars(module))
        timed(owner, name, f"{owner.__name__.rsplit('.', 1)[-1]}.{name}")
    timed(engine, "run_user_task", "engine.run_user_task")
    timed(engine, "dumps_run", "engine.dumps_run")
    timed(rawsql, "insert", "sql.insert")
    from django.db import connections

    timed(connections["default"], "commit", "transaction commit")
    checks = list(hooks.completion_checks())  # other apps' checks, timed one by one

    def run_checks(task):
        for check in checks:
            started = time.process_time()
            check(task)
            label = f"check {check.__module__.split('.')[1]}"
            current[label] = current.get(label, 0.0) + time.process_time() - started
    hooks.completion_checks = lambda: [run_checks]
profiler = None
if args.profile:
    import cProfile

    profiler = cProfile.Profile(time.process_time)  # CPU time: the machine is shared
    profiler.enable()
parsed = services.parsed_definition(services.active_definition("plandesk_two_meetings"))
wall_start = time.perf_counter()
for case in cases:
    while done < args.completions:
        task = Task.objects.select_related("case").filter(case=case, state=TaskState.OPEN).first()
        if task is None:
            break
        if len(bare) < args.bare_samples:
            # The same step in bare SpiffWorkflow, right before it is done persisted (same load on the machine):
            # its state as SpiffWorkflow's own JSON, specs included, as bare SpiffWorkflow would store it.
            if profiler is not None:
                profiler.disable()
            state = ProcessInstance.objects.values_list("state", flat=True).get(pk=task.instance_id)
            full = engine.dumps(engine.loads(state, parsed))
            sizes.append((len(state), len(full)))
            wall_s, cpu_s = bare_step(full, task.spiff_id, task.step_id)
            bare.append(wall_s)
            bare_cpu.append(cpu_s)
            by_step.setdefault(task.step_id, ([], []))[1].append(cpu_s)
            if profiler is not None:
                profiler.enable()
        started, cpu_started = time.perf_counter(), time.process_time()
        complete_one(task)
        latencies.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
        by_step.setdefault(task.step_id, ([], []))[0].append(cpu[-1])
        done += 1
        if args.breakdown:
            for label in set(current) | set(parts):
                parts.setdefault(label, []).append(current.get(label, 0.0))
            current.clear()
wall = time.perf_counter() - wall_start
if profiler is not None:
    import pstats

    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)

if parts:
    print("CPU per completion by part (median / mean ms; parts nest: _sync holds _resolve_post, _deadlines, insert):")
    for label, values in sorted(parts.items(), key=lambda kv: -statistics.fmean(kv[1])):
        print(f"    {label:32} {statistics.median(values) * 1000:7.3f} / {statistics.fmean(values) * 1000:7.3f}")

def ms(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] * 1000 if q < 100 else max(values) * 1000


med, p95 = statistics.median(latencies) * 1000, ms(latencies, 95)
bare_med, bare_p95 = statistics.median(bare) * 1000, ms(bare, 95)
cpu_med, bare_cpu_med = statistics.median(cpu) * 1000, statistics.median(bare_cpu) * 1000
cpu_p95 = ms(cpu, 95)
run_kb = statistics.median(r for r, _f in sizes) / 1024
full_kb = statistics.median(f for _r, f in sizes) / 1024
load = f"{load_start:.1f}–{os.getloadavg()[0]:.1f}"
print(f"{args.db}: loop wall {wall:.1f} s ({done / wall:.0f}/s with the bench's own task lookups and bare samples); "
      f"completions alone {done / sum(latencies):.0f}/s; CPU p95 {cpu_p95:.2f} ms")
for step, (persisted, bare_s) in by_step.items():
    if persisted and bare_s:
        p_med, b_med = statistics.median(persisted) * 1000, statistics.median(bare_s) * 1000
        print(f"    {step:22} CPU median persisted {p_med:6.2f} ms, bare {b_med:5.2f} ms, {p_med / b_med:4.1f}×")
print("| backend | engine cache | completions | throughput | median | p95 | bare median | bare p95 | ratio (wall) "
      "| CPU median: persisted / bare | ratio (CPU) | engine JSON: stored / SpiffWorkflow's | load avg |")
print(f"| {args.db} | {'off' if args.no_cache else 'on'} | {done} | {done / sum(latencies):.0f}/s | {med:.2f} ms "
      f"| {p95:.2f} ms | {bare_med:.2f} ms | {bare_p95:.2f} ms | {med / bare_med:.1f}× "
      f"| {cpu_med:.2f} / {bare_cpu_med:.2f} ms | {cpu_med / bare_cpu_med:.1f}× | {run_kb:.1f} / {full_kb:.1f} KB "
      f"| {load} |")
