"""Catalogue: routing a site to its handling office, the items API and the blank form PDF.

Run on a database with the demo loaded (your own file, not var/):
  PLANDESK_DATABASE_URL=spatialite:////tmp/bench-catalog.sqlite3 .venv/bin/plandesk migrate && \
  PLANDESK_DATABASE_URL=spatialite:////tmp/bench-catalog.sqlite3 .venv/bin/plandesk demo && \
  PLANDESK_DATABASE_URL=spatialite:////tmp/bench-catalog.sqlite3 .venv/bin/python bench/catalog.py
"""

import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plandesk.settings")
import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.gis.geos import MultiPolygon, Polygon  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from plandesk.catalog.models import Item  # noqa: E402
from plandesk.catalog.pdf import blank_form_pdf  # noqa: E402
from plandesk.catalog.services import handling_office_for  # noqa: E402


def site(west, south, east, north):
    ring = ((west, south), (east, south), (east, north), (west, north), (west, south))
    geom = MultiPolygon(Polygon(ring), srid=4326)
    geom.transform(settings.PLANDESK_SRID)
    return geom


straddling = site(114.297, 30.60, 114.307, 30.601)
client = Client()
permit = Item.objects.get(code="construction_permit").current
CASES = {
    "handling_office_for(1 item, straddling)": (lambda: handling_office_for(["construction_permit"], straddling), 500),
    "handling_office_for(2 items, parallel)": (
        lambda: handling_office_for(["site_selection", "design_scheme_review"], straddling), 500),
    "GET /api/v1/items (11 items)": (lambda: client.get("/api/v1/items"), 300),
    "GET /api/v1/items/construction_permit": (lambda: client.get("/api/v1/items/construction_permit"), 300),
    "GET /guide/construction_permit/": (lambda: client.get("/guide/construction_permit/"), 200),
    "blank_form_pdf(construction_permit)": (lambda: blank_form_pdf(permit), 30),
}

def count_queries(call) -> int:
    seen = []

    def wrapper(execute, sql, *args):
        seen.append(sql)
        return execute(sql, *args)

    with connection.execute_wrapper(wrapper):
        call()
    return len(seen)


for name, (call, rounds) in CASES.items():
    call()
    queries = count_queries(call)
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    print(f"{name:42s} median {statistics.median(times):7.2f} ms  p95 {times[int(len(times) * .95)]:7.2f} ms  "
          f"queries {queries}")
