"""GIS at city scale: N buildings (default 1,000,000) in a 30 km square around the demo city.

Generates the buildings as a GeoPackage in the bureau's CRS (CSV with WKT → ogr2ogr), times `import_layer` on it,
then times map viewport requests (the staff map's GeoJSON endpoint, through Django's full request path) at city
zoom (z12, the whole city in view: bounded to the feature limit) and street zoom (z17, about 1.3 × 0.8 km).

`--baseline` also times each view as written before the bulk writer (issue 9, second pass): features read and written
one by one (`features.rows` + `feature_text`, one OGR geometry and one `json.dumps` each), interleaved view by view
with the current path, and prints the ratio. It also times OGC API items pages of a city box (limit 100) as now
(`numberMatched` only when cheap) and as before (a full count with PostgreSQL's default planner settings).

Wall times move with the machine's load (shared by several engineers when measured): the CPU time of this process
(the view runs in it) is printed alongside. With PostGIS the server's own CPU is not in that figure.

Run on a database of your own (it creates a layer `bench-buildings` and replaces its features):
  PLANDESK_DATABASE_URL=spatialite:////tmp/bench-gis.sqlite3 .venv/bin/plandesk migrate
  PLANDESK_DATABASE_URL=spatialite:////tmp/bench-gis.sqlite3 .venv/bin/python bench/gis.py [--n 1000000]
  (and the same with PLANDESK_DATABASE_URL=postgis://postgres@127.0.0.1:5432/<db>)
  then `--views-only [--baseline]` for the views of that import.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import random
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from unittest import mock

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plandesk.settings")
import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.gis.geos import Point  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import RequestFactory  # noqa: E402

from plandesk.accounts.models import Role, User  # noqa: E402
from plandesk.gis import features, ogcapi, views  # noqa: E402
from plandesk.gis.geometry import transformed  # noqa: E402
from plandesk.gis.importer import import_layer  # noqa: E402
from plandesk.gis.models import Access, Family, Kind, Layer  # noqa: E402

SIDE = 30_000.0  # metres
CENTRE = (114.30, 30.60)
VIEW_PX = (1280, 800)


def make_gpkg(n: int, folder: Path, seed: int = 7) -> Path:
    """n rectangles 8–30 m wide on a jittered grid filling a SIDE × SIDE square, as a GeoPackage in PLANDESK_SRID."""
    rng = random.Random(seed)
    centre = Point(*CENTRE, srid=4326)
    cx, cy = transformed(centre, settings.PLANDESK_SRID).coords
    per_row = math.ceil(math.sqrt(n))
    step = SIDE / per_row
    csv_path = folder / "buildings.csv"
    with csv_path.open("w") as out:
        out.write("code,floors,height,WKT\n")
        for k in range(n):
            i, j = divmod(k, per_row)
            w, h = rng.uniform(8, min(30, step * 0.8)), rng.uniform(8, min(30, step * 0.8))
            x = cx - SIDE / 2 + j * step + rng.uniform(0, step - w)
            y = cy - SIDE / 2 + i * step + rng.uniform(0, step - h)
            floors = rng.randint(1, 30)
            out.write(f'B{k},{floors},{floors * 3.1:.1f},"POLYGON (({x:.2f} {y:.2f},{x + w:.2f} {y:.2f},'
                      f'{x + w:.2f} {y + h:.2f},{x:.2f} {y + h:.2f},{x:.2f} {y:.2f}))"\n')
    gpkg = folder / "buildings.gpkg"
    subprocess.run(["ogr2ogr", "-f", "GPKG", str(gpkg), str(csv_path), "-nln", "buildings",
                    "-oo", "GEOM_POSSIBLE_NAMES=WKT", "-oo", "KEEP_GEOM_COLUMNS=NO", "-a_srs",
                    f"EPSG:{settings.PLANDESK_SRID}", "-oo", "AUTODETECT_TYPE=YES", "-gt", "100000"], check=True)
    csv_path.unlink()
    return gpkg


def viewport(zoom: int, rng: random.Random) -> tuple[str, int]:
    """A random lon/lat box of VIEW_PX pixels at `zoom` (Web Mercator) inside the square."""
    lat_scale = math.cos(math.radians(CENTRE[1]))
    metres_per_px = 156_543.03 * lat_scale / 2**zoom
    half_w, half_h = VIEW_PX[0] * metres_per_px / 2, VIEW_PX[1] * metres_per_px / 2
    span = max(0.0, SIDE / 2 - max(half_w, half_h))
    dx, dy = rng.uniform(-span, span), rng.uniform(-span, span)
    lon = CENTRE[0] + (dx / (111_320 * lat_scale))
    lat = CENTRE[1] + dy / 110_574
    dlon, dlat = half_w / (111_320 * lat_scale), half_h / 110_574
    return f"{lon - dlon:.6f},{lat - dlat:.6f},{lon + dlon:.6f},{lat + dlat:.6f}", zoom


def time_viewports(get, layer: Layer, zoom: int, runs: int, baseline: bool = False) -> list[dict]:
    """Timings of `runs` random views at `zoom`; with `baseline`, each view also with the planner's defaults.

    The two paths alternate view by view, so both see the same machine load.
    """
    rng = random.Random(zoom)
    paths = [("now", None)]
    if baseline:
        paths.insert(0, ("row by row", row_by_row))
    samples = {label: ([], [], [], []) for label, _ in paths}
    for _ in range(runs):
        bbox, z = viewport(zoom, rng)
        for label, replacement in paths:
            times, cpu, sizes, counts = samples[label]
            patch = contextlib.nullcontext() if replacement is None else replacement()
            with patch:
                started, cpu_started = time.perf_counter(), time.process_time()
                response = get(layer, {"bbox": bbox, "zoom": z})
                body = response.content
                times.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - cpu_started) * 1000)
            assert response.status_code == 200, body[:200]
            sizes.append(len(body))
            counts.append(body.count(b'"Feature"'))
    results = []
    for label, (times, cpu, sizes, counts) in samples.items():
        times.sort()
        cpu.sort()
        results.append({"path": label, "zoom": zoom, "runs": runs, "median_ms": statistics.median(times),
                        "p95_ms": times[int(len(times) * 0.95) - 1], "cpu_p95_ms": cpu[int(len(cpu) * 0.95) - 1],
                        "features": statistics.median(counts), "kb": statistics.median(sizes) / 1024})
    return results


@contextlib.contextmanager
def row_by_row():
    """The writer before the bulk one: one row, one OGR geometry, one `json.dumps` at a time."""
    def features_text(qs, layer, tolerance=0.0, *, with_layer=False):
        tagged = layer if with_layer else None
        return [features.feature_text(pk, props, geom, tagged)
                for pk, props, geom in features.rows(qs, layer, tolerance)]

    def dumps(value):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)

    with mock.patch.object(features, "features_text", features_text), mock.patch.object(features, "_dumps", dumps):
        yield


@contextlib.contextmanager
def full_count():
    """`numberMatched` as before: every match counted, with the planner's default settings."""
    def matched(qs, offset, page, more):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL max_parallel_workers_per_gather TO DEFAULT; SET LOCAL jit TO DEFAULT")
        return qs.count()

    with row_by_row(), mock.patch.object(ogcapi, "_matched", matched):
        yield


def time_ogc_pages(user, layer: Layer, runs: int) -> None:
    """OGC API items pages (limit 100) of random city boxes, now and as before, alternating."""
    rng = random.Random(99)
    factory = RequestFactory()
    samples = {"before (full count, row by row)": [], "now": []}
    matched = []
    for _ in range(runs):
        bbox, _zoom = viewport(12, rng)
        for label, patch in (("before (full count, row by row)", full_count), ("now", contextlib.nullcontext)):
            request = factory.get(f"/ogcapi/collections/{layer.code}/items", {"bbox": bbox, "limit": 100})
            request.user = user
            with patch():
                started = time.perf_counter()
                response = ogcapi.items(request, layer.code)
                samples[label].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.content[:200]
            matched.append(json.loads(response.content).get("numberMatched"))
    for label, times in samples.items():
        times.sort()
        print(f"OGC items city box, limit 100 [{label}]: median {statistics.median(times):.1f} ms, "
              f"p95 {times[int(len(times) * 0.95) - 1]:.1f} ms ({runs} boxes)")
    before, now = (statistics.median(t) for t in samples.values())
    print(f"OGC items: before / now = {before / now:.2f}x median; numberMatched given: "
          f"{sorted({m is not None for m in matched[1::2]})}, before: up to {max(m for m in matched[0::2]):,}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--gpkg", help="reuse a GeoPackage made by an earlier run")
    parser.add_argument("--views-only", action="store_true", help="time the map views of an earlier import")
    parser.add_argument("--baseline", action="store_true",
                        help="also time each view written row by row (before the bulk writer), and OGC pages")
    args = parser.parse_args()
    backend = connection.vendor.replace("sqlite", "SpatiaLite").replace("postgresql", "PostGIS")
    print(f"backend {backend}, {args.n:,} buildings in a {SIDE / 1000:.0f} km square")

    with tempfile.TemporaryDirectory() as folder:
        if args.views_only:
            layer = Layer.objects.get(code="bench-buildings")
            print(f"views only: {layer.features().count():,} features in force")
        elif args.gpkg:
            gpkg = Path(args.gpkg)
        else:
            started = time.perf_counter()
            gpkg = make_gpkg(args.n, Path(folder))
            print(f"generated {gpkg.stat().st_size / 2**20:.0f} MB GeoPackage in {time.perf_counter() - started:.1f} s")
        if not args.views_only:
            layer = load(gpkg)

    user, _ = User.objects.get_or_create(username="bench-gis", defaults={"full_name": "bench"})
    user.add_roles(Role.GIS_KEEPER)
    factory = RequestFactory()

    def get(layer, params):
        # The view itself (URL resolution and middleware are a constant few tenths of a millisecond).
        request = factory.get(f"/gis/layers/{layer.code}/features.geojson", params)
        request.user = user
        return views.layer_geojson(request, layer.code)

    get(layer, {"bbox": viewport(17, random.Random(0))[0]})  # warm up
    for zoom, label in ((12, "city"), (17, "street")):
        results = time_viewports(get, layer, zoom, args.runs, args.baseline)
        for r in results:
            print(f"viewport {label} z{zoom} [{r['path']}]: median {r['median_ms']:.1f} ms, p95 {r['p95_ms']:.1f} ms "
                  f"(CPU p95 {r['cpu_p95_ms']:.1f} ms), "
                  f"{r['features']:.0f} features, {r['kb']:.0f} KB ({r['runs']} random views)")
        if len(results) == 2:
            before, now = results
            print(f"viewport {label} z{zoom}: row by row / now = {before['median_ms'] / now['median_ms']:.2f}x "
                  f"median, {before['p95_ms'] / now['p95_ms']:.2f}x p95")
    if args.baseline:
        time_ogc_pages(user, layer, max(5, args.runs // 5))


def load(gpkg: Path) -> Layer:
    layer, _ = Layer.objects.update_or_create(
        code="bench-buildings", defaults={"name": "基准测试建筑", "family": Family.BUILDINGS,
                                          "kind": Kind.BUILDING, "access": Access.STAFF, "style": {}})
    started, cpu_started = time.perf_counter(), time.process_time()
    version = import_layer(gpkg, layer)
    elapsed, cpu_used = time.perf_counter() - started, time.process_time() - cpu_started
    print(f"import_layer: {version.report['imported']:,} features in {elapsed:.1f} s "
          f"({version.report['imported'] / elapsed:,.0f}/s; this process used {cpu_used:.1f} s CPU)")
    return layer


if __name__ == "__main__":
    main()
