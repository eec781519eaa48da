"""The site compliance check at city density: p95 of the whole `gis.compliance.check` beside its ceiling.

Data (issue 10): 100,000 parcels + 1,000,000 buildings + 200,000 pipeline segments in a 30 km square. `--scale`
shrinks the counts and the square together (side × √scale), so the density — and so the rows each check touches —
stays that of the full city; only the indexes are shallower. Roads: a grid of red lines every ~300 m.

Per run, on the same 200 random sites (squares and slanted quadrilaterals of 60–250 m), one after another:
- **check**: `plandesk.gis.compliance.check(site, proposal)` — the layer catalogue and versions, five indexed look-ups
  (`gis.query.rows_in_extent`), Shapely overlaps and distances, indicator checks, the result objects;
- **ceiling**: the same look-ups as raw SQL with the spatial index (SpatiaLite: `SpatialIndex` sub-query; PostGIS:
  `&&` on GiST), WKB into Shapely, overlap areas and distances in Shapely; through the same `core.sql.cursor()` as
  the check (on PostgreSQL both are prepared on the server once per connection);
- **STRtree**: everything in memory (Shapely 2 STRtree per layer), for reference.
On PostGIS the database server's CPU time per check is read from /proc for the connection's backend process (the
process's own CPU time leaves out the work done by the server). After the timed loop, the check is run once more per
site with `with_geometry=True` (what a case's check stores: GeoJSON shapes for its map), for reference.
The query plans of the check's statements are printed (EXPLAIN QUERY PLAN / EXPLAIN).

  PLANDESK_DATABASE_URL=spatialite:////tmp/bench-compliance.sqlite3 .venv/bin/plandesk migrate
  PLANDESK_DATABASE_URL=spatialite:////tmp/bench-compliance.sqlite3 .venv/bin/python bench/compliance.py --scale 0.1
  (and with PLANDESK_DATABASE_URL=postgis://postgres@127.0.0.1:5432/<db>; `--reuse` keeps the data of a prior run)
"""

from __future__ import annotations

import argparse
import math
import os
import pathlib
import random
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plandesk.settings")
import django

django.setup()

import shapely  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.gis.geos import LineString, MultiLineString, MultiPolygon, Point, Polygon  # noqa: E402
from django.db import connection  # noqa: E402

from plandesk.core import sql as core_sql  # noqa: E402
from plandesk.gis.compliance import Proposal, check, clearances  # noqa: E402
from plandesk.gis.geometry import transformed  # noqa: E402
from plandesk.gis.models import (  # noqa: E402
    Access,
    Building,
    Family,
    Feature,
    Kind,
    Layer,
    LayerVersion,
    Parcel,
    Pipeline,
    Road,
)

FULL = {"parcels": 100_000, "buildings": 1_000_000, "pipes": 200_000}
SIDE = 30_000.0
CENTRE = (114.30, 30.60)
PREFIX = "bench-c-"
PROPOSAL = Proposal(floor_area_ratio=2.2, building_density_pct=28, height_m=60, green_ratio_pct=35,
                    land_use_class="R")
LAND_USES = [("R2", 2.5, 30, 80, 35), ("B1", 4.0, 50, 100, 20), ("A33", 1.0, 30, 24, 35), ("M1", 1.5, 50, 30, 15)]
PIPE_KINDS = ["water", "drainage", "gas", "power", "telecom", "heat"]


def origin() -> tuple[float, float]:
    return transformed(Point(*CENTRE, srid=4326), settings.PLANDESK_SRID).coords


def layer(code: str, kind: str, family: str) -> Layer:
    found, _ = Layer.objects.get_or_create(code=PREFIX + code, defaults={
        "name": code, "kind": kind, "family": family, "access": Access.STAFF})
    return found


def fill(target: Layer, rows, batch: int = 5000) -> int:
    version = LayerVersion.open_next(target, mode=LayerVersion.Mode.REPLACE, source="bench")
    model = target.feature_model
    count, chunk = 0, []
    for row in rows:
        chunk.append(model(layer=target, version=version, **row))
        if len(chunk) >= batch:
            model.objects.bulk_create(chunk)
            count += len(chunk)
            chunk = []
    model.objects.bulk_create(chunk)
    return count + len(chunk)


def generate(scale: float, seed: int = 11) -> dict[str, int]:
    rng = random.Random(seed)
    side = SIDE * math.sqrt(scale)
    cx, cy = origin()
    x0, y0 = cx - side / 2, cy - side / 2
    srid = settings.PLANDESK_SRID
    n_parcels = int(FULL["parcels"] * scale)
    n_buildings = int(FULL["buildings"] * scale)
    n_pipes = int(FULL["pipes"] * scale)
    counts = {}

    def grid_boxes(n, fill_ratio):
        per_row = math.ceil(math.sqrt(n))
        step = side / per_row
        for k in range(n):
            i, j = divmod(k, per_row)
            w = rng.uniform(0.5, fill_ratio) * step
            h = rng.uniform(0.5, fill_ratio) * step
            x = x0 + j * step + rng.uniform(0, step - w)
            y = y0 + i * step + rng.uniform(0, step - h)
            yield k, MultiPolygon(Polygon.from_bbox((x, y, x + w, y + h)), srid=srid)

    def parcels():
        # Parcels tile the square with 8 m gaps (roads between blocks are in the road layer).
        per_row = math.ceil(math.sqrt(n_parcels))
        step = side / per_row
        for k in range(n_parcels):
            i, j = divmod(k, per_row)
            use, far, density, height, green = LAND_USES[(i * 7 + j * 3) % len(LAND_USES)]
            geom = MultiPolygon(Polygon.from_bbox((x0 + j * step + 4, y0 + i * step + 4, x0 + (j + 1) * step - 4,
                                                   y0 + (i + 1) * step - 4)), srid=srid)
            yield {"code": f"P{k}", "land_use": use, "far_max": far, "density_max": density, "height_max": height,
                   "green_min": green, "geom": geom}

    def buildings():
        for k, geom in grid_boxes(n_buildings, 0.8):
            yield {"code": f"B{k}", "floors": 6, "height": 18.6, "geom": geom}

    def pipes():
        for k in range(n_pipes):
            x, y = x0 + rng.uniform(0, side), y0 + rng.uniform(0, side)
            length = rng.uniform(20, 120)
            angle = rng.choice((0, math.pi / 2)) + rng.uniform(-0.05, 0.05)
            end = (x + length * math.cos(angle), y + length * math.sin(angle))
            yield {"code": f"G{k}", "pipe_kind": PIPE_KINDS[k % len(PIPE_KINDS)],
                   "geom": MultiLineString(LineString((x, y), end), srid=srid)}

    def roads():
        k = 0
        for t in range(int(side // 300) + 1):
            width = 40.0 if t % 3 == 0 else 24.0
            for start, end in (((x0, y0 + t * 300), (x0 + side, y0 + t * 300)),
                               ((x0 + t * 300, y0), (x0 + t * 300, y0 + side))):
                k += 1
                grade = "主干路" if width >= 40 else "次干路"
                yield {"code": f"R{k}", "name": f"路{k}", "width": width, "grade": grade,
                       "geom": MultiLineString(LineString(start, end), srid=srid)}

    def key_areas():
        for k in range(max(1, int(50 * scale))):
            x, y = x0 + rng.uniform(0, side - 800), y0 + rng.uniform(0, side - 800)
            yield {"code": f"K{k}", "name": f"重点项目{k}", "geom": Polygon.from_bbox((x, y, x + 800, y + 600))}

    for code, kind, family, rows in [
        ("parcels", Kind.PARCEL, Family.PLANS, parcels()), ("roads", Kind.ROAD, Family.ROADS, roads()),
        ("pipes", Kind.PIPELINE, Family.PIPELINES, pipes()), ("buildings", Kind.BUILDING, Family.BUILDINGS,
                                                              buildings()),
        ("key", Kind.FEATURE, Family.KEY_PROJECTS, key_areas()),
    ]:
        started = time.perf_counter()
        counts[code] = fill(layer(code, kind, family), rows)
        print(f"  loaded {counts[code]:>9,} {code} in {time.perf_counter() - started:.0f} s", flush=True)
    return counts


def sites(scale: float, n: int = 200, seed: int = 5) -> list[Polygon]:
    rng = random.Random(seed)
    side = SIDE * math.sqrt(scale)
    cx, cy = origin()
    found = []
    for _ in range(n):
        x = cx + rng.uniform(-side / 2 + 300, side / 2 - 300)
        y = cy + rng.uniform(-side / 2 + 300, side / 2 - 300)
        a, b = rng.uniform(60, 250), rng.uniform(60, 250)
        skew = rng.uniform(-0.2, 0.2) * a
        found.append(Polygon(((x, y), (x + a, y + skew), (x + a + skew, y + b), (x + skew, y + b), (x, y)),
                             srid=settings.PLANDESK_SRID))
    return found


# --- the ceiling: raw SQL with the index, Shapely for the geometry ------------------------------------------------

def raw_candidates(cursor, model, extent, layer_ids) -> list:
    table = model._meta.db_table
    ids = ",".join(str(int(i)) for i in layer_ids)
    xmin, ymin, xmax, ymax = extent
    # The table comes from the model and the layer ids are ints: nothing of the caller's is spliced in.
    where = f"layer_id IN ({ids}) AND retired_in_id IS NULL"
    if connection.vendor == "sqlite":
        index = ("SELECT ROWID FROM SpatialIndex WHERE f_table_name = %s AND f_geometry_column = 'geom' "
                 "AND search_frame = BuildMbr(%s, %s, %s, %s, %s)")
        sql = f"SELECT AsBinary(geom) FROM {table} WHERE ROWID IN ({index}) AND {where}"  # noqa: S608
        cursor.execute(sql, [table, xmin, ymin, xmax, ymax, settings.PLANDESK_SRID])
    else:
        sql = f"SELECT ST_AsBinary(geom) FROM {table} WHERE geom && ST_MakeEnvelope(%s, %s, %s, %s, %s) AND {where}"  # noqa: S608
        cursor.execute(sql, [xmin, ymin, xmax, ymax, settings.PLANDESK_SRID])
    return shapely.from_wkb([bytes(row[0]) for row in cursor.fetchall()])


def ceiling(site, layers, reach_road, reach_pipe) -> int:
    s = shapely.from_wkb(bytes(site.wkb))
    found = 0
    with core_sql.cursor() as cursor:
        for model, reach, polygonal in ((Parcel, 0, True), (Road, reach_road, False), (Pipeline, reach_pipe, False),
                                        (Building, 0, True), (Feature, 0, True)):
            xmin, ymin, xmax, ymax = s.bounds
            geoms = raw_candidates(cursor, model, (xmin - reach, ymin - reach, xmax + reach, ymax + reach),
                                   layers[model])
            if polygonal:
                found += int((shapely.area(shapely.intersection(s, geoms)) > 0).sum())
            else:
                found += int((shapely.distance(s, geoms) <= reach).sum())
    return found


def strtree_reference(sites_, layers):
    trees = {}
    for model in (Parcel, Road, Pipeline, Building, Feature):
        geoms = shapely.from_wkb([bytes(g.wkb) for g in model.objects.filter(
            layer_id__in=layers[model], retired_in__isnull=True).values_list("geom", flat=True).iterator(5000)])
        trees[model] = (shapely.STRtree(geoms), geoms)
    times = []
    for site in sites_:
        s = shapely.from_wkb(bytes(site.wkb))
        started = time.perf_counter()
        for model, (tree, geoms) in trees.items():
            reach = 60 if model is Road else 5 if model is Pipeline else 0
            hits = geoms[tree.query(s.buffer(reach) if reach else s)]
            if model in (Road, Pipeline):
                shapely.distance(s, hits)
            else:
                shapely.area(shapely.intersection(s, hits))
        times.append(time.perf_counter() - started)
    return times


def server_cpu() -> float:
    """CPU seconds used so far by this connection's PostgreSQL backend process (0 on SQLite: it runs in ours)."""
    if connection.vendor == "sqlite":
        return 0.0
    global _backend_pid
    if _backend_pid is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            _backend_pid = cursor.fetchone()[0]
    # schedstat's first field is the time on a CPU in ns (stat's utime/stime count 10 ms ticks: too coarse here).
    return int(pathlib.Path(f"/proc/{_backend_pid}/schedstat").read_text().split()[0]) / 1e9


_backend_pid = None


def stats(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.95) - 1] * 1000


def plans(site) -> list[str]:
    statements = []

    def keep(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    # The statements as sent (on PostgreSQL they are bound on the server, so the logged text has no values).
    with connection.execute_wrapper(keep):
        check(site, PROPOSAL)
    out = []
    with connection.cursor() as cursor:
        for sql, params in statements:
            if not sql.lstrip().upper().startswith("SELECT") or "geo_" not in sql:
                continue
            if connection.vendor == "sqlite":
                cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
                plan = " / ".join(row[-1] for row in cursor.fetchall())
            else:
                # What runs once psycopg has prepared the statement: PostgreSQL's generic plan for it.
                numbered = sql.split("%s")
                text = numbered[0] + "".join(f"${i}{part}" for i, part in enumerate(numbered[1:], 1))
                cursor.execute("SET plan_cache_mode = force_generic_plan")
                cursor.execute(f"PREPARE bench_plan AS {text}")
                cursor.execute(f"EXPLAIN EXECUTE bench_plan({', '.join(['%s'] * len(params))})", params)
                plan = " / ".join(row[0].strip() for row in cursor.fetchall())
                cursor.execute("DEALLOCATE bench_plan")
                cursor.execute("RESET plan_cache_mode")
            out.append(f"{sql[:160]}…\n    → {plan}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--sites", type=int, default=200)
    parser.add_argument("--reuse", action="store_true", help="keep the bench layers of an earlier run")
    parser.add_argument("--load-only", action="store_true", help="load the data (and ANALYZE) and stop: measure later "
                        "with --reuse, so that loading and measuring are separate runs on a shared machine")
    args = parser.parse_args()
    print(f"backend: {connection.vendor}; scale {args.scale} (side {SIDE * math.sqrt(args.scale) / 1000:.1f} km)")
    if Layer.objects.exclude(code__startswith=PREFIX).exists():
        raise SystemExit("run on a database of its own: other layers would take part in the check")
    if not args.reuse or not Layer.objects.filter(code=PREFIX + "parcels").exists():
        generate(args.scale)
    layers = {m: list(Layer.objects.filter(code__startswith=PREFIX, kind=k).values_list("pk", flat=True))
              for m, k in ((Parcel, Kind.PARCEL), (Road, Kind.ROAD), (Pipeline, Kind.PIPELINE),
                           (Building, Kind.BUILDING), (Feature, Kind.FEATURE))}
    print("rows in force:", {m.__name__: m.objects.filter(layer_id__in=layers[m], retired_in__isnull=True).count()
                             for m in layers})
    if connection.vendor != "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    if args.load_only:
        return
    targets = sites(args.scale, args.sites)
    reach_road, reach_pipe = 60.0, max(clearances().values())
    for site in targets[:10]:  # warm caches on both paths
        check(site, PROPOSAL)
        ceiling(site, layers, reach_road, reach_pipe)
    wall, cpu, ceil_wall, ceil_cpu, findings = [], [], [], [], 0
    server = {"check": 0.0, "ceiling": 0.0}
    load_before = os.getloadavg()
    for site in targets:
        # Alternate the two so that load on the shared machine falls on both alike.
        s, w, c = server_cpu(), time.perf_counter(), time.process_time()
        result = check(site, PROPOSAL)
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
        server["check"] += server_cpu() - s
        findings += len(result.parcels) + len(result.conflicts)
        s, w, c = server_cpu(), time.perf_counter(), time.process_time()
        ceiling(site, layers, reach_road, reach_pipe)
        ceil_wall.append(time.perf_counter() - w)
        ceil_cpu.append(time.process_time() - c)
        server["ceiling"] += server_cpu() - s
    load_after = os.getloadavg()
    geo_wall, geo_cpu = [], []
    for site in targets:
        w, c = time.perf_counter(), time.process_time()
        check(site, PROPOSAL, with_geometry=True)
        geo_wall.append(time.perf_counter() - w)
        geo_cpu.append(time.process_time() - c)
    tree = strtree_reference(targets, layers)
    rows = [("check (gis.compliance.check)", wall, cpu), ("ceiling (raw SQL + Shapely)", ceil_wall, ceil_cpu),
            ("STRtree in memory", tree, tree), ("check with_geometry=True (not alternated)", geo_wall, geo_cpu)]
    print(f"load average before the timed loop {load_before[0]:.2f} / after {load_after[0]:.2f}")
    print(f"{len(targets)} sites, {findings / len(targets):.1f} parcels + conflicts per site on average")
    if connection.vendor != "sqlite":
        print(f"database server CPU per site (mean, from /proc): check {server['check'] / len(targets) * 1000:.2f} ms, "
              f"ceiling {server['ceiling'] / len(targets) * 1000:.2f} ms")
    print("| path | wall median | wall p95 | CPU median | CPU p95 |")
    print("| --- | --- | --- | --- | --- |")
    for name, w, c in rows:
        (wm, wp), (cm, cp) = stats(w), stats(c)
        print(f"| {name} | {wm:.2f} ms | {wp:.2f} ms | {cm:.2f} ms | {cp:.2f} ms |")
    print(f"p95 ratio check / ceiling: wall {stats(wall)[1] / stats(ceil_wall)[1]:.2f}×, "
          f"CPU {stats(cpu)[1] / stats(ceil_cpu)[1]:.2f}×")
    print("\nquery plans of one check:")
    for line in plans(targets[0]):
        print(line)


if __name__ == "__main__":
    main()
