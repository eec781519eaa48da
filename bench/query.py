"""The public progress query under load, beside a bare Django view reading one row by primary key.

Same gunicorn server (4 sync workers), same run, load from a second process (wrk, 2 threads, 32 connections).
The bench fills its own database with the demo bureau and N cases (default 200) filed through the intake service,
then drives `POST /api/v1/public/query` with the right numbers and passwords in turn, and `GET /bench/bare/<pk>/`.

Run (Debian's wrk: apt-get install wrk):
    PLANDESK_DATABASE_URL=spatialite:////tmp/bench_query.sqlite3 .venv/bin/plandesk migrate
    PLANDESK_DATABASE_URL=spatialite:////tmp/bench_query.sqlite3 .venv/bin/python bench/query.py
    (and with PLANDESK_DATABASE_URL=postgis://postgres@127.0.0.1:5432/bench_query after createdb + migrate)
Environment: BENCH_CASES (200), BENCH_SECONDS (15), BENCH_CONNECTIONS (32; a list such as 32,4 runs each level),
BENCH_PORT (8771), BENCH_WORKERS (4), BENCH_CONN_MAX_AGE.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plandesk.settings")
import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

CASES = int(os.environ.get("BENCH_CASES", "200"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
# One or more concurrency levels, e.g. "32,4": the low one shows the time a request takes without queueing behind the
# others (on a loaded 2-core machine p99 at 32 clients is mostly the queue).
CONNECTION_LEVELS = [int(c) for c in os.environ.get("BENCH_CONNECTIONS", "32").split(",") if c.strip()]
PORT = int(os.environ.get("BENCH_PORT", "8771"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
KEY_PREFIX = "bench-query-"

BENCH_URLS = """
from django.http import JsonResponse
from django.urls import path

from plandesk.cases.models import Case
from plandesk.urls import urlpatterns as project


def bare(request, pk):
    row = Case.objects.filter(pk=pk).values("number", "status").first()
    return JsonResponse(row or {})


urlpatterns = [path("bench/bare/<int:pk>/", bare), *project]
"""
BENCH_SETTINGS = """
from plandesk.settings import *  # noqa: F403

ROOT_URLCONF = "bench_query_urls"
if {conn_max_age} is not None:
    DATABASES["default"]["CONN_MAX_AGE"] = {conn_max_age}  # noqa: F405
"""
# BENCH_CONN_MAX_AGE=60 keeps SpatiaLite connections open per worker (the project default reconnects, and loads
# the SpatiaLite extension, on every request).
CONN_MAX_AGE = os.environ.get("BENCH_CONN_MAX_AGE")
QUERY_LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local bodies = {%s}
local i = 0
request = function()
  i = i %% #bodies + 1
  return wrk.format(nil, "/api/v1/public/query", nil, bodies[i])
end
"""
BARE_LUA = """
local ids = {%s}
local i = 0
request = function()
  i = i %% #ids + 1
  return wrk.format("GET", "/bench/bare/" .. ids[i] .. "/")
end
"""


def prepare() -> list[tuple[int, str, str]]:
    """The demo bureau and CASES filed cases; the password of each (kept only here, for the load)."""
    from plandesk.accounts import demo as accounts_demo
    from plandesk.accounts.models import User
    from plandesk.catalog import demo as catalog_demo
    from plandesk.organization import demo as organization_demo
    from plandesk.window import services
    from plandesk.window.identity import uscc_check_char
    from plandesk.window.models import QueryFailure
    from plandesk.workflow import services as workflow

    out = io.StringIO()
    accounts_demo.load(out)
    organization_demo.load(out)
    catalog_demo.load(out)
    workflow.ensure_default_processes()
    QueryFailure.objects.all().delete()
    clerk = User.objects.get(username="intake")
    uscc = "91420100MA4K12345"
    uscc += uscc_check_char(uscc)
    cases = []
    for i in range(CASES):
        x = 114.281 + (i % 20) * 0.0008
        y = 30.581 + (i // 20) * 0.0015
        site = {"type": "Polygon", "coordinates": [[[x, y], [x + 0.0005, y], [x + 0.0005, y + 0.0005],
                                                    [x, y + 0.0005], [x, y]]]}
        data = {
            "items": ["land_use_permit"],
            "applicant": {"name": f"压测公司{i}", "credit_code": uscc, "contact": "王", "phone": "13912345678"},
            "project": {"name": f"压测项目{i}", "address": "江滨路", "site": site},
            "forms": {"land_use_permit": {"land_supply": "transfer", "land_area_m2": 1000, "land_use_class": "R",
                                          "floor_area_ratio": 2}},
            "materials": [{"code": c, "provided": True} for c in
                          ("application_form", "applicant_identity", "topographic_map")],
            "idempotency_key": f"{KEY_PREFIX}{i}",
        }
        result = services.intake(data, actor=clerk)
        if result.password is None:  # filed by an earlier run: a new password for this one
            _receipt, password = services.reprint_receipt(result.case, actor=clerk)
        else:
            password = result.password
        cases.append((result.case.pk, result.case.number, password))
    return cases


def wrk(script: str, url: str, connections: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    threads = min(2, connections)
    run = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{SECONDS}s", "--latency", "-s", f.name, url],
                         capture_output=True, text=True, check=True)
    os.unlink(f.name)
    text = run.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))

    def ms(label: str) -> float:
        value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)\b", text).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return {"rps": rps, "p50": ms("50%"), "p99": ms("99%"), "errors": int(non2xx.group(1)) if non2xx else 0}


def main() -> None:
    cases = prepare()
    backend = connection.vendor
    connection.close()
    tmp = Path(tempfile.mkdtemp(prefix="bench-query-"))
    (tmp / "bench_query_urls.py").write_text(textwrap.dedent(BENCH_URLS))
    (tmp / "bench_query_settings.py").write_text(
        textwrap.dedent(BENCH_SETTINGS).format(conn_max_age=int(CONN_MAX_AGE) if CONN_MAX_AGE else None))
    env = {**os.environ, "PYTHONPATH": f"{tmp}:{ROOT}", "DJANGO_SETTINGS_MODULE": "bench_query_settings",
           "PLANDESK_LOG_LEVEL": "ERROR"}
    server = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "-w", str(WORKERS), "-b", f"127.0.0.1:{PORT}",
                               "--log-level", "error", "plandesk.wsgi:application"], env=env)
    base = f"http://127.0.0.1:{PORT}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/bench/bare/{cases[0][0]}/", timeout=1)  # noqa: S310 - local
                break
            except OSError:
                time.sleep(0.2)
        bodies = ", ".join(json.dumps(json.dumps({"case_number": n, "password": p})) for _pk, n, p in cases)
        ids = ", ".join(str(pk) for pk, _n, _p in cases)
        first = json.dumps({"case_number": cases[0][1], "password": cases[0][2]}).encode()
        check = urllib.request.Request(f"{base}/api/v1/public/query", method="POST", data=first,  # noqa: S310
                                       headers={"Content-Type": "application/json"})
        assert json.load(urllib.request.urlopen(check))["case_number"] == cases[0][1]  # noqa: S310 - local
        load_before = os.getloadavg()
        wrk(BARE_LUA % ids, base, CONNECTION_LEVELS[0])  # warm-up of both paths
        wrk(QUERY_LUA % bodies, base, CONNECTION_LEVELS[0])
        runs = []
        for connections in CONNECTION_LEVELS:
            # alternate the two so that a change in the machine's load hits both alike
            runs.append((connections, wrk(BARE_LUA % ids, base, connections), wrk(QUERY_LUA % bodies, base,
                                                                                connections)))
        load_after = os.getloadavg()
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"{backend}: {CASES} cases, gunicorn {WORKERS} sync workers, wrk {SECONDS}s per run, "
          f"CONN_MAX_AGE {CONN_MAX_AGE or 'as configured'}, load average (1/5/15 min) before "
          f"{'/'.join(f'{x:.1f}' for x in load_before)}, after {'/'.join(f'{x:.1f}' for x in load_after)}")
    for connections, bare, query in runs:
        ratio = query["rps"] / bare["rps"]
        print(f"  {connections} connections")
        for name, r in (("bare view (one row by pk)", bare), ("public query", query)):
            print(f"    {name:28s} {r['rps']:8.0f} req/s  p50 {r['p50']:6.2f} ms  p99 {r['p99']:6.2f} ms  "
                  f"non-2xx {r['errors']}")
        verdict = "met" if ratio >= 0.70 and query["p99"] < 50 else "NOT met"
        print(f"    query / bare = {ratio:.0%}; target ≥ 70 % and p99 < 50 ms: {verdict}")


if __name__ == "__main__":
    main()
