"""The site compliance check: each finding type against layers built in the bureau's projected CRS (metres)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.gis.geos import LineString, MultiLineString, MultiPolygon, Polygon
from django.test import override_settings

from plandesk.gis.compliance import FAIL, PASS, REVIEW, Proposal, check
from plandesk.gis.models import Access, Building, Family, Feature, Kind, Layer, LayerVersion, Parcel, Pipeline, Road

X0, Y0 = 528_000.0, 3_385_000.0  # about 114.29°E 30.59°N in EPSG:4547
SRID = settings.PLANDESK_SRID


def box(x0, y0, x1, y1) -> MultiPolygon:
    return MultiPolygon(Polygon.from_bbox((X0 + x0, Y0 + y0, X0 + x1, Y0 + y1)), srid=SRID)


def line(*points) -> MultiLineString:
    return MultiLineString(LineString([(X0 + x, Y0 + y) for x, y in points]), srid=SRID)


def make_layer(code, kind, family, rows, access=Access.STAFF) -> Layer:
    layer = Layer.objects.create(code=code, name=code, kind=kind, family=family, access=access)
    fill(layer, rows)
    return layer


def fill(layer, rows, mode=LayerVersion.Mode.REPLACE) -> LayerVersion:
    version = LayerVersion.open_next(layer, mode=mode, source="test")
    layer.feature_model.objects.bulk_create([layer.feature_model(layer=layer, version=version, **row) for row in rows])
    return version


def parcel(code, geom, land_use="R2", far=2.5, density=30.0, height=80.0, green=35.0) -> dict:
    return {"code": code, "land_use": land_use, "far_max": far, "density_max": density, "height_max": height,
            "green_min": green, "geom": geom}


@pytest.fixture
def plan(db) -> dict[str, Layer]:
    """Two residential parcels side by side (FAR 2.5 and 3.0), a commercial one north of them, and the other layers
    empty so that each test adds what it needs."""
    return {
        "parcels": make_layer("plan", Kind.PARCEL, Family.PLANS, [
            parcel("A-1", box(0, 0, 200, 200), far=2.5, height=80),
            parcel("A-2", box(200, 0, 400, 200), far=3.0, height=100),
            parcel("B-1", box(0, 200, 400, 400), land_use="B1", far=4.0, density=50, height=100, green=20),
        ], access=Access.PUBLIC),
        "roads": make_layer("roads", Kind.ROAD, Family.ROADS, []),
        "pipes": make_layer("pipes", Kind.PIPELINE, Family.PIPELINES, [], access=Access.RESTRICTED),
        "buildings": make_layer("buildings", Kind.BUILDING, Family.BUILDINGS, []),
        "key": make_layer("key", Kind.FEATURE, Family.KEY_PROJECTS, []),
    }


GOOD = Proposal(floor_area_ratio=2.0, building_density_pct=25, height_m=60, green_ratio_pct=40, land_use_class="R")


def by_indicator(result) -> dict:
    return {c.indicator: c for c in result.checks}


def test_it_lists_the_parcels_with_overlap_and_share_and_passes_a_proposal_within_the_limits(plan):
    """A site inside one parcel: that parcel, its area and share 1, every indicator passes."""
    result = check(box(20, 20, 120, 120), GOOD)
    assert [(p.code, p.land_use, p.overlap_area_m2, p.share) for p in result.parcels] == [("A-1", "R2", 10000.0, 1.0)]
    assert {c.result for c in result.checks} == {PASS}
    assert result.conflicts == []
    assert result.verdict == PASS
    assert result.site_area_m2 == 10000.0
    assert result.srid == SRID


def test_it_fails_figures_beyond_the_plan(plan):
    """FAR above the limit, green ratio below the floor and a different land use each fail, with a note."""
    proposal = Proposal(total_floor_area_m2=30000, land_area_m2=10000, building_density_pct=25, height_m=90,
                        green_ratio_pct=30, land_use_class="M")
    checks = by_indicator(check(box(20, 20, 120, 120), proposal))
    assert checks["floor_area_ratio"].proposed == 3.0 and checks["floor_area_ratio"].result == FAIL
    assert checks["floor_area_ratio"].limit == 2.5
    assert checks["height_m"].result == FAIL and "80" in checks["height_m"].note
    assert checks["green_ratio_pct"].result == FAIL and "下限" in checks["green_ratio_pct"].note
    assert checks["land_use_class"].result == FAIL
    assert checks["building_density_pct"].result == PASS


def test_it_asks_for_review_when_the_form_leaves_a_figure_out(plan):
    checks = by_indicator(check(box(20, 20, 120, 120), Proposal(height_m=10)))
    assert checks["height_m"].result == PASS
    assert checks["floor_area_ratio"].result == REVIEW and "未填报" in checks["floor_area_ratio"].note


def test_it_flags_a_site_straddling_parcels_with_different_limits_for_review(plan):
    """Half on A-1 (FAR 2.5), half on A-2 (FAR 3.0): 2.8 is within one limit and not the other → review;
    2.4 passes both; 3.2 fails both."""
    site = box(150, 50, 250, 150)
    result = check(site, Proposal(floor_area_ratio=2.8, land_use_class="R"))
    assert sorted((p.code, p.overlap_area_m2, p.share) for p in result.parcels) == [
        ("A-1", 5000.0, 0.5), ("A-2", 5000.0, 0.5)]
    far = by_indicator(result)["floor_area_ratio"]
    assert far.result == REVIEW and far.limit == "2.5–3" and "2.75" in far.note
    assert by_indicator(result)["land_use_class"].result == PASS
    assert by_indicator(check(site, Proposal(floor_area_ratio=2.4)))["floor_area_ratio"].result == PASS
    assert by_indicator(check(site, Proposal(floor_area_ratio=3.2)))["floor_area_ratio"].result == FAIL


def test_it_flags_a_site_across_two_land_uses_for_review(plan):
    result = check(box(50, 150, 150, 250), Proposal(land_use_class="R"))
    assert by_indicator(result)["land_use_class"].result == REVIEW


def test_it_ignores_a_sliver_for_the_checks_but_lists_it(plan):
    """A site drawn 0.05 m over its parcel's boundary: the neighbour is listed as a sliver, the checks use A-1."""
    result = check(box(20, 20, 200.05, 120), Proposal(floor_area_ratio=2.8))
    sliver = next(p for p in result.parcels if p.code == "A-2")
    assert sliver.sliver and sliver.overlap_area_m2 == 5.0
    assert by_indicator(result)["floor_area_ratio"].result == FAIL


def test_it_sends_a_site_outside_the_plan_to_review(plan):
    result = check(box(1000, 1000, 1100, 1100), GOOD)
    assert result.parcels == [] and {c.result for c in result.checks} == {REVIEW}
    assert result.verdict == REVIEW


def test_it_measures_the_overlap_with_a_road_red_line(plan):
    """A 30 m wide road through the middle of a 100 m site: 3,000 m² of red line; the other road is 50 m away."""
    fill(plan["roads"], [
        {"name": "解放大道", "width": 30.0, "geom": line((0, 70), (400, 70))},
        {"name": "中山路", "width": 20.0, "geom": line((0, 180), (400, 180))},
    ])
    result = check(box(20, 20, 120, 120), GOOD)
    assert [(c.kind, c.layer, c.feature, c.measure, c.unit) for c in result.conflicts] == [
        ("road_red_line", "roads", "解放大道", 3000.0, "m²")]
    assert result.verdict == FAIL


def test_it_finds_a_gas_pipe_inside_its_clearance_and_not_a_water_pipe_at_the_same_distance(plan):
    """Both pipes 4 m from the site: gas needs 5 m (conflict), water 3 m (none)."""
    fill(plan["pipes"], [
        {"code": "GAS-1", "pipe_kind": "gas", "geom": line((0, 124), (400, 124))},
        {"code": "W-1", "pipe_kind": "water", "geom": line((0, 16), (400, 16))},
        {"code": "GAS-FAR", "pipe_kind": "gas", "geom": line((0, 130), (400, 130))},
    ])
    result = check(box(20, 20, 120, 120), GOOD)
    assert [(c.kind, c.feature, c.measure, c.unit) for c in result.conflicts] == [
        ("pipeline_clearance", "GAS-1", 4.0, "m")]
    assert "5" in result.conflicts[0].note


def test_it_reads_the_clearances_from_the_settings(plan):
    fill(plan["pipes"], [{"code": "GAS-1", "pipe_kind": "gas", "geom": line((0, 124), (400, 124))},
                         {"code": "W-1", "pipe_kind": "water", "geom": line((0, 16), (400, 16))}])
    with override_settings(PLANDESK_PIPELINE_CLEARANCE_M={"gas": 3.0, "water": 6.0}):
        result = check(box(20, 20, 120, 120), GOOD)
    assert [c.feature for c in result.conflicts] == ["W-1"]


def test_it_reports_a_pipe_crossing_the_site_at_distance_zero(plan):
    fill(plan["pipes"], [{"code": "T-1", "pipe_kind": "telecom", "geom": line((50, 0), (50, 400))}])
    [conflict] = check(box(20, 20, 120, 120), GOOD).conflicts
    assert conflict.measure == 0 and "穿越" in conflict.note


def test_it_measures_overlapped_buildings_and_key_project_areas(plan):
    fill(plan["buildings"], [{"code": "B-1", "geom": box(100, 100, 140, 140)},
                             {"code": "B-2", "geom": box(121, 20, 140, 40)}])  # beside the site: no conflict
    fill(plan["key"], [{"code": "ZD-1", "name": "滨江商务区", "geom": box(0, 0, 60, 60).union(box(0, 0, 1, 1))}])
    result = check(box(20, 20, 120, 120), GOOD)
    assert [(c.kind, c.feature, c.measure) for c in result.conflicts] == [
        ("building", "B-1", 400.0), ("key_project", "滨江商务区", 1600.0)]


def test_it_checks_protected_areas_named_in_the_settings(plan):
    heritage = make_layer("heritage", Kind.FEATURE, Family.PLANS, [{"name": "历史文化街区", "geom": box(0, 0, 30, 30)}])
    assert check(box(20, 20, 120, 120), GOOD).conflicts == []
    with override_settings(PLANDESK_PROTECTED_LAYERS=[heritage.code]):
        [conflict] = check(box(20, 20, 120, 120), GOOD).conflicts
    assert (conflict.kind, conflict.layer, conflict.feature, conflict.measure) == (
        "protected_area", "heritage", "历史文化街区", 100.0)


def test_it_reads_only_the_features_in_force_and_names_the_versions(plan):
    """After a replace, the retired parcel no longer counts; the result names the version it read."""
    fill(plan["parcels"], [parcel("A-1-NEW", box(0, 0, 400, 400), far=1.0)])
    result = check(box(20, 20, 120, 120), GOOD)
    assert [p.code for p in result.parcels] == ["A-1-NEW"]
    assert result.layer_versions == {"buildings": 1, "key": 1, "pipes": 1, "plan": 2, "roads": 1}
    assert by_indicator(result)["floor_area_ratio"].result == FAIL


def test_it_takes_a_site_in_lon_lat_and_an_inactive_layer_is_not_read(plan):
    site = box(20, 20, 120, 120)
    lonlat = site.transform(4326, clone=True)
    assert check(lonlat, GOOD).parcels[0].overlap_area_m2 == pytest.approx(10000.0, rel=1e-6)
    Layer.objects.filter(pk=plan["parcels"].pk).update(is_active=False)
    assert check(site, GOOD).parcels == []


def test_it_gives_geometries_for_a_map_when_asked(plan):
    fill(plan["roads"], [{"name": "解放大道", "width": 30.0, "geom": line((0, 70), (400, 70))}])
    result = check(box(20, 20, 120, 120), GOOD, with_geometry=True)
    assert result.parcels[0].geometry["type"] == "MultiPolygon"
    assert result.conflicts[0].geometry["type"] in ("Polygon", "MultiPolygon")
    lon, lat = result.parcels[0].geometry["coordinates"][0][0][0]
    assert 114 < lon < 115 and 30 < lat < 31
    data = result.to_dict()
    assert data["verdict"] == FAIL and data["parcels"][0]["code"] == "A-1"


def test_a_map_gets_every_shape_even_a_mixed_one(plan):
    """A red line of unknown width that crosses the site and, with another part, touches its corner meets it in a
    line and a point: that shape goes to the map as a collection, the others in their places."""
    road = MultiLineString(LineString([(X0, Y0 + 50), (X0 + 200, Y0 + 50)]),
                           LineString([(X0 + 110, Y0 + 130), (X0 + 130, Y0 + 110)]), srid=SRID)
    fill(plan["roads"], [{"name": "无宽度路", "width": None, "geom": road}])
    fill(plan["pipes"], [{"code": "GAS-1", "pipe_kind": "gas", "geom": line((0, 122), (400, 122))}])
    result = check(box(20, 20, 120, 120), GOOD, with_geometry=True)
    shapes = {c.kind: c.geometry for c in result.conflicts}
    assert shapes["road_red_line"]["type"] == "GeometryCollection"
    assert {g["type"] for g in shapes["road_red_line"]["geometries"]} == {"Point", "LineString"}
    assert shapes["pipeline_clearance"]["type"] == "MultiLineString"
    assert result.parcels[0].geometry["type"] == "MultiPolygon"
    assert [c.measure for c in result.conflicts if c.kind == "road_red_line"] == [100.0]  # metres of crossing


def test_it_reads_the_proposal_from_the_application_forms():
    proposal = Proposal.from_forms({"a": {"land_area_m2": 5000, "total_floor_area_m2": "12500", "height_m": None,
                                          "land_use_class": " r "},
                                    "b": {"height_m": 45, "floor_area_ratio": "x"}, "c": "not a form"})
    assert proposal == Proposal(land_area_m2=5000.0, total_floor_area_m2=12500.0, height_m=45.0, land_use_class="R")
    assert proposal.ratio(9999) == 2.5
    assert Proposal(total_floor_area_m2=100).ratio(50) == 2.0


def test_it_agrees_with_shapely_on_momepy_bubenec_plots(db):
    """Real plots (Prague) as parcels: each overlap area and share agrees with Shapely on the same stored shapes
    to 0.1 %; the site's area too."""
    import shapely

    from plandesk.gis.importer import import_layer
    from plandesk.gis.tests.test_import import bubenec_path

    layer = Layer.objects.create(code="plots", name="plots", kind=Kind.PARCEL, family=Family.PLANS)
    import_layer(bubenec_path(), layer, source_layer="plots", allow_outside_area=True, field_map={"ID": "code"})
    xmin, ymin, xmax, ymax = MultiPolygon(*[g for mp in Parcel.objects.values_list("geom", flat=True) for g in mp],
                                          srid=SRID).extent
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    site_poly = Polygon([(cx - 180, cy - 120), (cx + 150, cy - 160), (cx + 210, cy + 140), (cx - 90, cy + 190),
                         (cx - 180, cy - 120)], srid=SRID)
    result = check(site_poly, Proposal())
    assert len(result.parcels) > 10

    site = shapely.from_wkb(bytes(site_poly.wkb))
    expected = []
    for wkb in Parcel.objects.filter(layer=layer).values_list("geom", flat=True):
        area = shapely.intersection(site, shapely.from_wkb(bytes(wkb.wkb))).area
        if area > 0:
            expected.append(area)
    assert result.site_area_m2 == pytest.approx(site.area, rel=1e-3)
    got = sorted(p.overlap_area_m2 for p in result.parcels)
    assert len(got) == len(expected)
    for mine, theirs in zip(got, sorted(expected), strict=True):
        assert mine == pytest.approx(theirs, rel=1e-3, abs=0.01)  # stored to the hundredth of a m²
    assert sum(p.share for p in result.parcels) == pytest.approx(sum(expected) / site.area, rel=1e-3)
    # The check computes in Shapely itself: the system's GEOS through GeoDjango gives a second opinion.
    by_geos = [site_poly.intersection(geom).area for geom in Parcel.objects.filter(layer=layer).values_list(
        "geom", flat=True)]
    for mine, theirs in zip(got, sorted(a for a in by_geos if a > 0), strict=True):
        assert mine == pytest.approx(theirs, rel=1e-3, abs=0.01)


def test_it_does_not_see_features_of_other_tables_by_kind(plan):
    """A pipeline layer's rows are never read as roads: kinds map to their own tables."""
    fill(plan["pipes"], [{"code": "GAS-1", "pipe_kind": "gas", "geom": line((0, 70), (400, 70))}])
    kinds = {c.kind for c in check(box(20, 20, 120, 120), GOOD).conflicts}
    assert kinds == {"pipeline_clearance"}
    assert Road.objects.count() == 0 and Pipeline.objects.count() == 1
    assert Building.objects.count() == 0 and Feature.objects.count() == 0
