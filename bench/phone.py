"""The phone line in-process: whole case-progress calls through the VoiceXML documents, timed per document.

No server, no network: Django's test client plays the IVR platform (as the tests do), so the figure is the
server's own work per document (dialogue step, query, rendering, one or two writes to the call log).
The bench fills its own database with the demo bureau and one case filed through the intake service.

Run:
    PLANDESK_DATABASE_URL=spatialite:////tmp/bench_phone.sqlite3 .venv/bin/plandesk migrate
    PLANDESK_DATABASE_URL=spatialite:////tmp/bench_phone.sqlite3 .venv/bin/python bench/phone.py
Environment: BENCH_CALLS (200).
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plandesk.settings")
import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402
from lxml import etree  # noqa: E402

CALLS = int(os.environ.get("BENCH_CALLS", "200"))


def _filed():
    from plandesk.accounts import demo as accounts_demo
    from plandesk.accounts.models import User
    from plandesk.catalog import demo as catalog_demo
    from plandesk.organization import demo as organization_demo
    from plandesk.window import services
    from plandesk.window.tests.conftest import application
    from plandesk.workflow import services as workflow

    out = io.StringIO()
    accounts_demo.load(out)
    organization_demo.load(out)
    catalog_demo.load(out)
    workflow.ensure_default_processes()
    return services.intake(application(idempotency_key=f"bench-phone-{time.time()}"),
                           actor=User.objects.get(username="intake"))


def _var(body: bytes, name: str) -> str:
    root = etree.fromstring(body)
    return root.find(f".//{{http://www.w3.org/2001/vxml}}var[@name='{name}']").get("expr").strip("'")


def main() -> None:
    filed = _filed()
    client = Client()
    timings: dict[str, list[float]] = {}

    def timed(label, method, url, data=None):
        started = time.perf_counter()
        response = client.post(url, data) if method == "post" else client.get(url)
        timings.setdefault(label, []).append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
        return response.content

    for i in range(CALLS):
        timed("entry", "get", "/ivr/")
        # a distinct caller each time: one caller may fail only so often an hour
        body = timed("start", "post", "/ivr/start/", {"caller": f"tel:139{i:08d}"})
        call = _var(body, "call")
        for label, digits in (("menu", "1"), ("case_number", filed.case.number), ("password", filed.password),
                              ("more", "2")):
            timed(label, "post", "/ivr/step/", {"call": call, "step": label, "digits": digits})
    print(f"{CALLS} whole calls (entry, start, menu, case number, password, goodbye), ms per document:")
    for label, values in timings.items():
        values.sort()
        print(f"  {label:12s} median {statistics.median(values):6.2f}  p95 {values[int(len(values) * 0.95) - 1]:6.2f}")


if __name__ == "__main__":
    main()
