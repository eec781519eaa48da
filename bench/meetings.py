"""A division meeting with many cases: building the agenda, recording each decision (which completes the case's
workflow step in the same transaction), signing, and rendering the minutes PDF.

Run (a fresh database each time, loaded with the demo bureau):
    .venv/bin/python bench/meetings.py --db spatialite [--cases 40]
    .venv/bin/python bench/meetings.py --db postgis    [--cases 40]
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
parser = argparse.ArgumentParser()
parser.add_argument("--db", choices=["spatialite", "postgis"], default="spatialite")
parser.add_argument("--cases", type=int, default=40)
args = parser.parse_args()

if args.db == "spatialite":
    path = Path("/tmp/plandesk_bench_meetings.sqlite3")  # noqa: S108 - a throwaway benchmark database
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.environ["PLANDESK_DATABASE_URL"] = f"spatialite:///{path}"
else:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS plandesk_bench_meetings")
        conn.execute("CREATE DATABASE plandesk_bench_meetings")
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/plandesk_bench_meetings", autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    os.environ["PLANDESK_DATABASE_URL"] = "postgis://postgres@127.0.0.1:5432/plandesk_bench_meetings"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plandesk.settings")
os.environ.setdefault("PLANDESK_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.gis.geos import MultiPolygon, Polygon  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

call_command("migrate", verbosity=0)
call_command("demo", stdout=io.StringIO())

from plandesk.accounts.models import User  # noqa: E402
from plandesk.cases.models import Case  # noqa: E402
from plandesk.catalog.models import Item  # noqa: E402
from plandesk.meetings import services  # noqa: E402
from plandesk.meetings.minutes import render_minutes  # noqa: E402
from plandesk.organization.models import Unit  # noqa: E402
from plandesk.workflow import services as workflow  # noqa: E402
from plandesk.workflow.models import TaskState  # noqa: E402


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


div1 = Unit.objects.get(code="div1")
handler, head = User.objects.get(username="handler1"), User.objects.get(username="head1")
item = Item.objects.get(code="construction_permit")
ring = ((114.285, 30.595), (114.288, 30.595), (114.288, 30.597), (114.285, 30.597), (114.285, 30.595))
site = MultiPolygon(Polygon(ring), srid=4326)
site.transform(settings.PLANDESK_SRID)
numbers = []
for i in range(args.cases):
    case = Case.register(item_versions=[item.current], handling_office=div1, applicant_name="压测公司",
                         project_name=f"压测项目{i}", site=site, forms={item.code: {}})
    workflow.start_case(case)
    task = case.tasks.get(state=TaskState.OPEN)
    workflow.complete_task(task.pk, handler, decision="approve", form={"conformity": "符合"})
    numbers.append(case.number)

members = [u.username for u in services.expected_members("division", div1)]
t0 = time.perf_counter()
meeting = services.create_meeting(chair=head, kind="division", division=div1, held_at=timezone.now(),
                                  present=members)
convene = time.perf_counter() - t0
t0 = time.perf_counter()
rows = services.agenda(meeting)
agenda_time = time.perf_counter() - t0
assert len(rows) == args.cases, len(rows)
latencies = []
for n, number in enumerate(numbers):
    decision = "defer" if n % 4 == 3 else "approve"
    t0 = time.perf_counter()
    services.decide(meeting, head, number, decision, "同意上报局务会" if decision == "approve" else "下次再议")
    latencies.append(time.perf_counter() - t0)
t0 = time.perf_counter()
services.sign(meeting, head)
sign_time = time.perf_counter() - t0
t0 = time.perf_counter()
pdf = render_minutes(meeting)
pdf_time = time.perf_counter() - t0
latencies.sort()
print(f"backend {args.db}, {args.cases} cases on one division meeting ({len(members)} members)")
print(f"convene (agenda filled): {ms(convene)}; agenda page data: {ms(agenda_time)}")
print(f"decide: median {ms(statistics.median(latencies))}, p95 {ms(latencies[int(len(latencies) * 0.95) - 1])}, "
      f"max {ms(latencies[-1])}")
print(f"sign: {ms(sign_time)}; minutes PDF: {ms(pdf_time)} ({len(pdf) // 1024} KB)")
