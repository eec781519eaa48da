"""Site selection support and the public planning information at a map click."""

from __future__ import annotations

import io

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.test import Client

from plandesk.gis import siting
from plandesk.gis.models import Access, Family, Kind, Layer
from plandesk.gis.tests.test_compliance import SRID, X0, Y0, box, fill, line, make_layer, parcel


@pytest.fixture
def plan(db):
    """Six parcels in a row along a main road (y = -30), a branch road further north, a gas main along x = 505."""
    parcels = [parcel(f"P-{i}", box(i * 100, 0, i * 100 + 90, 90 if i % 2 == 0 else 40),
                      land_use="B1" if i < 4 else "R2") for i in range(6)]
    parcels.append(parcel("FAR-1", box(0, 1000, 300, 1300), land_use="B1"))
    layers = {
        "parcels": make_layer("plan", Kind.PARCEL, Family.PLANS, parcels, access=Access.PUBLIC),
        "roads": make_layer("roads", Kind.ROAD, Family.ROADS, [
            {"name": "解放大道", "grade": "主干路", "width": 40.0, "geom": line((-100, -30), (700, -30))},
            {"name": "支路一", "grade": "支路", "width": 12.0, "geom": line((-100, 500), (700, 500))}]),
        "pipes": make_layer("pipes", Kind.PIPELINE, Family.PIPELINES, [
            {"code": "GAS-1", "pipe_kind": "gas", "geom": line((293, -100), (293, 200))}],
            access=Access.RESTRICTED),
    }
    return layers


def codes(found) -> list[str]:
    return [c.parcel.code for c in found]


def test_it_finds_parcels_by_land_use_and_area_largest_first(plan):
    found = siting.search(siting.Criteria(land_use="B", min_area_m2=5000))
    assert codes(found) == ["FAR-1", "P-0", "P-2"]
    assert [c.rank for c in found] == [1, 2, 3]
    assert found[1].area_m2 == pytest.approx(8100)
    assert codes(siting.search(siting.Criteria(land_use="b1", max_area_m2=4000))) == ["P-1", "P-3"]


def test_it_ranks_by_distance_to_a_road_class(plan):
    """Within 50 m of a main road: the six parcels (10 m from its centre line… 30 m), nearest first; FAR-1 is not."""
    found = siting.search(siting.Criteria(road_grade="主干路", max_road_distance_m=50))
    assert set(codes(found)) == {f"P-{i}" for i in range(6)}
    assert found[0].road == "解放大道" and found[0].road_distance_m == pytest.approx(30)
    assert codes(siting.search(siting.Criteria(road_grade="支路", max_road_distance_m=50))) == []


def test_it_leaves_out_parcels_inside_a_pipelines_clearance(plan):
    """The gas main runs 3 m from P-2 (inside its 5 m) and 7 m from P-3 (outside)."""
    found = siting.search(siting.Criteria(land_use="B1", no_pipeline_conflict=True))
    assert "P-2" not in codes(found) and "P-3" in codes(found)
    assert "P-2" in codes(siting.search(siting.Criteria(land_use="B1")))


def test_it_searches_inside_a_district(plan):
    from plandesk.organization.models import Unit

    Unit.objects.create(code="east", name="东片", kind="branch", jurisdiction=MultiPolygon(
        Polygon.from_bbox((X0 + 250, Y0 - 50, X0 + 1000, Y0 + 100)), srid=SRID))
    assert codes(siting.search(siting.Criteria(district="east"))) == ["P-2", "P-4", "P-3", "P-5"]  # ties by code
    with pytest.raises(siting.SearchError):
        siting.search(siting.Criteria(district="nowhere"))


@pytest.mark.parametrize("criteria, message", [
    (siting.Criteria(min_area_m2=10, max_area_m2=5), "最小面积"),
    (siting.Criteria(max_road_distance_m=10), "道路等级"),
    (siting.Criteria(road_grade="主干路", max_road_distance_m=-1), "距离"),
    (siting.Criteria(limit=0), "结果数"),
])
def test_it_refuses_criteria_that_make_no_sense(db, criteria, message):
    with pytest.raises(siting.SearchError, match=message):
        siting.search(criteria)


def test_the_page_lists_maps_and_exports_to_excel(plan, member):
    from openpyxl import load_workbook

    client = Client()
    client.force_login(member)
    page = client.get("/gis/site-selection/", {"search": "1", "land_use": "B", "min_area": "5000"})
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="siting-map"' in text and "FAR-1" in text and "P-1" not in text
    export = client.get("/gis/site-selection/", {"land_use": "B", "min_area": "5000", "format": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(export.content))["选址候选地块"]
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["FAR-1", "P-0", "P-2"]
    bad = client.get("/gis/site-selection/", {"search": "1", "min_area": "很大"})
    assert bad.status_code == 400 and "最小面积须为数字" in bad.content.decode()


def test_the_page_is_for_staff_only(plan, outsider):
    client = Client()
    assert client.get("/gis/site-selection/").status_code == 302
    client.force_login(outsider)
    assert client.get("/gis/site-selection/", {"search": "1"}).status_code == 403


def test_it_gives_the_public_planning_information_at_a_point(plan):
    point = box(10, 10, 11, 11).centroid.transform(4326, clone=True)
    response = Client().get("/gis/planning-info.json", {"lon": point.x, "lat": point.y})
    assert response.status_code == 200
    [info] = response.json()["parcels"]
    assert info["code"] == "P-0" and info["land_use"] == "B1" and info["indicators"]["far_max"] == 2.5
    assert info["plan"] == "plan" and info["approved_on"] and info["geometry"]["type"] == "MultiPolygon"


def test_the_public_endpoint_never_reads_internal_or_restricted_layers(plan, member):
    """Parcels of a staff layer and a restricted layer at the same point stay on the server, signed in or not."""
    make_layer("secret-plan", Kind.PARCEL, Family.PLANS, [parcel("SECRET-1", box(0, 0, 50, 50))],
               access=Access.RESTRICTED)
    make_layer("draft-plan", Kind.PARCEL, Family.PLANS, [parcel("DRAFT-1", box(0, 0, 50, 50))], access=Access.STAFF)
    Layer.objects.filter(code="plan").update(access=Access.STAFF)
    point = box(10, 10, 11, 11).centroid.transform(4326, clone=True)
    signed_in = Client()
    signed_in.force_login(member)
    for client in (Client(), signed_in):
        body = client.get("/gis/planning-info.json", {"lon": point.x, "lat": point.y}).content.decode()
        assert "SECRET-1" not in body and "DRAFT-1" not in body and "P-0" not in body
    Layer.objects.filter(code="plan").update(access=Access.PUBLIC)
    body = Client().get("/gis/planning-info.json", {"lon": point.x, "lat": point.y}).json()
    assert [p["code"] for p in body["parcels"]] == ["P-0"]
    page = Client().get("/gis/planning-info/").content.decode()
    assert "secret-plan" not in page and "draft-plan" not in page and "/gis/layers/plan/features.geojson" in page


@pytest.mark.parametrize("params", [{}, {"lon": "x", "lat": "30"}, {"lon": "200", "lat": "30"}])
def test_the_public_endpoint_refuses_a_bad_point(db, params):
    response = Client().get("/gis/planning-info.json", params)
    assert response.status_code == 400 and response.json()["message"]


def test_a_retired_parcel_is_not_public_information(plan):
    fill(plan["parcels"], [parcel("NEW-0", box(0, 0, 90, 90), land_use="G1")])
    point = box(10, 10, 11, 11).centroid.transform(4326, clone=True)
    body = Client().get("/gis/planning-info.json", {"lon": point.x, "lat": point.y}).json()
    assert [p["code"] for p in body["parcels"]] == ["NEW-0"]
