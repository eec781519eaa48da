"""The demo city's base databases, generated here: a few thousand features around 114.30°E 30.60°N.

Central jurisdiction 114.26–114.34°E × 30.56–30.64°N (CONTRACTS.md): a grid of main roads with red lines, blocks of
regulatory-plan parcels with indicators, buildings on them, pipelines under the roads (gas among them), land use, a
master-plan zoning, contour lines and one key-project area. Idempotent: a layer that already has a version is left
alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.gis.geos import LineString, MultiLineString, MultiPolygon, Point, Polygon

from plandesk.gis.geometry import transformed
from plandesk.gis.models import Access, Family, Kind, Layer, LayerVersion
from plandesk.organization.models import Post

WEST, SOUTH, EAST, NORTH = 114.26, 30.56, 114.34, 30.64
BLOCKS = 8  # blocks per side: main roads every ~1 km

ROADS_EW = ["沿江大道", "解放大道", "中山大道", "建设大道", "发展大道", "京汉大道", "友谊大道", "和平大道", "园林路"]
ROADS_NS = ["黄浦路", "三阳路", "江汉路", "航空路", "青年路", "新华路", "常青路", "姑嫂树路", "长丰大道"]

# GB 50137-2011 land-use classes with typical indicators: FAR, density %, height m, green %.
LAND_USES = [
    ("R2", "二类居住用地", 2.5, 30, 80, 35),
    ("B1", "商业用地", 4.0, 50, 100, 20),
    ("R2", "二类居住用地", 2.8, 28, 100, 35),
    ("A33", "中小学用地", 1.0, 30, 24, 35),
    ("B2", "商务用地", 5.0, 45, 150, 20),
    ("G1", "公园绿地", 0.1, 5, 12, 70),
    ("R2", "二类居住用地", 2.2, 25, 60, 35),
    ("M1", "一类工业用地", 1.5, 50, 30, 15),
    ("A1", "行政办公用地", 2.0, 30, 50, 30),
    ("U1", "供应设施用地", 0.8, 40, 20, 25),
]

# Layer catalogue: code, name, family, kind, access, order, style, description.
LAYERS = [
    ("master-plan", "城市总体规划（用地布局）", Family.PLANS, Kind.FEATURE, Access.PUBLIC, 10,
     {"color": "#b5a642", "fill": 0.15, "on": False}, "总体规划确定的城市用地布局（演示）"),
    ("regulatory-parcels", "控制性详细规划地块", Family.PLANS, Kind.PARCEL, Access.PUBLIC, 20,
     {"color": "#d4774a", "fill": 0.25}, "控规地块：用地性质、容积率、建筑密度、限高、绿地率"),
    ("road-red-lines", "道路红线", Family.ROADS, Kind.ROAD, Access.PUBLIC, 30,
     {"color": "#d62728", "weight": 2}, "城市道路红线及红线宽度"),
    ("land-use", "城市用地现状", Family.LAND_USE, Kind.FEATURE, Access.STAFF, 40,
     {"color": "#7f7f7f", "fill": 0.1, "on": False}, "现状用地（演示）"),
    ("buildings", "建筑", Family.BUILDINGS, Kind.BUILDING, Access.STAFF, 50,
     {"color": "#444444", "fill": 0.4, "min_zoom": 15}, "现状建筑：高度、层数、用途、建成年份"),
    ("pipelines", "地下管线", Family.PIPELINES, Kind.PIPELINE, Access.RESTRICTED, 60,
     {"color": "#1f77b4", "weight": 2}, "给水、排水、燃气、电力、通信管线（受限：仅授权岗位可见）"),
    ("topography", "地形图（等高线）", Family.TOPOGRAPHY, Kind.FEATURE, Access.STAFF, 70,
     {"color": "#8c564b", "weight": 1, "on": False}, "1:2000 地形图等高线（演示）"),
    ("key-projects", "重点项目评审资料", Family.KEY_PROJECTS, Kind.FEATURE, Access.STAFF, 80,
     {"color": "#9467bd", "fill": 0.2}, "重点项目用地范围及评审资料"),
]
# Posts whose work needs the pipelines (approvals check conflicts; the municipal division co-reviews them).
PIPELINE_POSTS = ["div1.handler", "div1.head", "div2.handler", "div2.head", "div3.handler", "div3.head",
                  "bureau.director", "municipal.co_reviewer", "info.gis_keeper"]

SRID = settings.PLANDESK_SRID


def _frame() -> tuple[float, float, float, float]:
    """The central jurisdiction as a box in the bureau's CRS (covering the lon/lat square)."""
    square = Polygon.from_bbox((WEST, SOUTH, EAST, NORTH))
    square.srid = 4326
    return transformed(square, SRID).extent


def _box(x0, y0, x1, y1) -> Polygon:
    return Polygon.from_bbox((x0, y0, x1, y1))


def _road_width(index: int) -> float:
    return 50.0 if index % 4 == 0 else (40.0 if index % 2 == 0 else 30.0)


def _grid():
    x0, y0, x1, y1 = _frame()
    xs = [x0 + (x1 - x0) * i / BLOCKS for i in range(BLOCKS + 1)]
    ys = [y0 + (y1 - y0) * j / BLOCKS for j in range(BLOCKS + 1)]
    return xs, ys


def _road(code: str, name: str, width: float, start, end) -> dict:
    return {"code": code, "name": name, "width": width, "grade": "主干路" if width >= 40 else "次干路",
            "geom": MultiLineString(LineString(start, end))}


def _roads() -> Iterable[dict]:
    xs, ys = _grid()
    for j, y in enumerate(ys):
        yield _road(f"EW{j:02d}", ROADS_EW[j], _road_width(j), (xs[0], y), (xs[-1], y))
    for i, x in enumerate(xs):
        yield _road(f"NS{i:02d}", ROADS_NS[i], _road_width(i), (x, ys[0]), (x, ys[-1]))


def _blocks():
    """(row, col, inner box) of each block between the red lines."""
    xs, ys = _grid()
    for row in range(BLOCKS):
        for col in range(BLOCKS):
            yield row, col, (xs[col] + _road_width(col) / 2, ys[row] + _road_width(row) / 2,
                             xs[col + 1] - _road_width(col + 1) / 2, ys[row + 1] - _road_width(row + 1) / 2)


def _parcels() -> Iterable[dict]:
    for row, col, (bx0, by0, bx1, by1) in _blocks():
        midx, midy = (bx0 + bx1) / 2, (by0 + by1) / 2
        quarters = [(bx0, by0, midx - 10, midy - 10), (midx + 10, by0, bx1, midy - 10),
                    (bx0, midy + 10, midx - 10, by1), (midx + 10, midy + 10, bx1, by1)]
        for k, quarter in enumerate(quarters):
            code, name, far, density, height, green = LAND_USES[(row * 7 + col * 3 + k * 5) % len(LAND_USES)]
            yield {"code": f"JA{row + 1:02d}{col + 1:02d}-{k + 1}", "name": name, "land_use": code,
                   "land_use_name": name, "far_max": far, "density_max": density, "height_max": height,
                   "green_min": green, "geom": MultiPolygon(_box(*quarter)),
                   "attrs": {"plan": "中心城区控制性详细规划（2024）", "block": f"JA{row + 1:02d}{col + 1:02d}"}}


def _buildings() -> Iterable[dict]:
    """Rows of slab buildings on the residential, commercial and office parcels: about 1,500 in all."""
    for parcel in _parcels():
        if parcel["land_use"] not in {"R2", "B1", "B2", "A1"}:
            continue
        x0, y0, x1, y1 = parcel["geom"].extent
        floors = max(3, int(parcel["height_max"] // 3.2) // 2)
        use = {"R2": "住宅", "B1": "商业", "B2": "办公", "A1": "办公"}[parcel["land_use"]]
        n = 0
        y = y0 + 25
        while y + 15 < y1 - 20:
            x = x0 + 20
            while x + 60 < x1 - 20 and n < 8:
                n += 1
                yield {"code": f"{parcel['code']}-B{n}", "name": "", "floors": floors, "height": round(floors * 3.1, 1),
                       "use": use, "year": 1995 + (n * 7 + len(parcel["code"])) % 28,
                       "geom": MultiPolygon(_box(x, y, x + 60, y + 15))}
                x += 90
            y += 70


PIPE_KINDS = [("water", "给水", 600.0, 1.6, "球墨铸铁", "市水务集团"),
              ("drainage", "排水", 1200.0, 3.0, "钢筋混凝土", "市排水公司"),
              ("gas", "燃气", 300.0, 1.2, "PE", "市燃气集团"),
              ("power", "电力", 0.0, 1.0, "电缆排管", "市供电公司"),
              ("telecom", "通信", 0.0, 0.8, "PVC 管群", "市通信管道公司")]


def _pipelines() -> Iterable[dict]:
    for road in _roads():
        line = road["geom"][0]
        (ax, ay), (bx, by) = line.coords[0], line.coords[-1]
        horizontal = abs(by - ay) < abs(bx - ax)
        for k, (kind, name, diameter, depth, material, owner) in enumerate(PIPE_KINDS):
            if kind == "gas" and road["width"] < 40:
                continue  # gas mains follow the main roads only
            offset = -road["width"] / 2 + 4 + k * (road["width"] - 8) / len(PIPE_KINDS)
            dx, dy = (0, offset) if horizontal else (offset, 0)
            yield {"code": f"{road['code']}-{kind}", "name": f"{road['name']}{name}管", "pipe_kind": kind,
                   "diameter": diameter or None, "depth": depth, "material": material, "owner": owner,
                   "geom": MultiLineString(LineString((ax + dx, ay + dy), (bx + dx, by + dy)))}


def _master_plan() -> Iterable[dict]:
    x0, y0, x1, y1 = _frame()
    midx, midy = (x0 + x1) / 2, (y0 + y1) / 2
    zones = [("居住", (x0, y0, midx, midy)), ("商业商务", (midx, y0, x1, midy)), ("居住", (x0, midy, midx, y1)),
             ("工业", (midx, midy, x1, y1))]
    for k, (name, box) in enumerate(zones):
        yield {"code": f"ZT-{k + 1}", "name": f"{name}片区", "geom": _box(*box), "attrs": {"zone": name}}


def _land_use() -> Iterable[dict]:
    for parcel in _parcels():
        built = parcel["land_use"] not in {"G1"}
        yield {"code": parcel["code"], "name": "已建" if built else "未建", "geom": parcel["geom"],
               "attrs": {"status": "已建" if built else "未建", "class": parcel["land_use"]}}


def _topography() -> Iterable[dict]:
    """Contour lines every 5 m on a gentle hill east of the centre (circles around one point)."""
    x0, y0, x1, y1 = _frame()
    centre = Point((x0 + x1) / 2 + 2000, (y0 + y1) / 2 + 1000)
    for k, elevation in enumerate(range(25, 60, 5)):
        ring = centre.buffer(2400 - k * 320, quadsegs=16).exterior_ring
        yield {"code": f"DGX-{elevation}", "name": f"{elevation} 米等高线", "geom": LineString(ring.coords),
               "attrs": {"elevation": elevation}}


def _key_projects() -> Iterable[dict]:
    blocks = {(row, col): box for row, col, box in _blocks()}
    a, b = blocks[(3, 4)], blocks[(4, 5)]
    yield {"code": "ZD-2026-01", "name": "滨江商务区核心区", "geom": _box(a[0], a[1], b[2], b[3]),
           "attrs": {"investment": "86 亿元", "review": "2026 年第 3 次局务会审议通过", "status": "已评审"}}


MAKERS: dict[str, Callable[[], Iterable[dict]]] = {
    "master-plan": _master_plan, "regulatory-parcels": _parcels, "road-red-lines": _roads, "land-use": _land_use,
    "buildings": _buildings, "pipelines": _pipelines, "topography": _topography, "key-projects": _key_projects,
}


def _fill(layer: Layer, rows: Iterable[dict]) -> int:
    version = LayerVersion.open_next(layer, mode=LayerVersion.Mode.REPLACE, source="plandesk demo")
    model = layer.feature_model
    objects = []
    for row in rows:
        geom = row.pop("geom")
        geom.srid = SRID
        objects.append(model(layer=layer, version=version, geom=geom, **row))
    model.objects.bulk_create(objects, batch_size=1000)
    version.finish({"source": "plandesk demo", "read": len(objects), "imported": len(objects), "repaired": 0,
                    "refused": 0, "messages": []})
    layer.refresh_extent()
    return len(objects)


def load(out) -> None:
    created = 0
    for code, name, family, kind, access, order, style, description in LAYERS:
        # Created once: an administrator's later changes (access, grants, style) survive another `plandesk demo`.
        layer, _new = Layer.objects.get_or_create(
            code=code, defaults={"name": name, "family": family, "kind": kind, "access": access, "order": order,
                                 "style": style, "description": description, "source": "演示数据（程序生成）"})
        if not layer.versions.exists():
            created += _fill(layer, MAKERS[code]())
    pipelines = Layer.objects.get(code="pipelines")
    pipelines.granted_posts.add(*Post.objects.filter(code__in=PIPELINE_POSTS))
    out.write(f"    基础信息数据库：{len(LAYERS)} 个图层，新增 {created} 个要素")
