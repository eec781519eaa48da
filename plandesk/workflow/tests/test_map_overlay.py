"""Case sites on the staff map, coloured by light (issue 9), through real HTTP."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from plandesk.workflow.models import Task, TaskState

BBOX = "114.27,30.58,114.33,30.63"  # around the test bureau's sites (114.28–114.285 E, 30.59–30.595 N)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def sites(client, bbox=BBOX) -> dict:
    response = client.get("/work/cases/sites.geojson", {"bbox": bbox})
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/geo+json"
    return {f["properties"]["number"]: f for f in response.json()["features"]}


def test_it_colours_each_site_by_the_worst_light_of_its_open_steps(bureau):
    green, yellow, red = (bureau.new_case("permit") for _ in range(3))
    now = timezone.now()
    Task.objects.filter(case=yellow, state=TaskState.OPEN).update(warn_at=now - timedelta(hours=1),
                                                                   due_at=now + timedelta(days=1))
    # The stored light still says green: the map must not wait for the sweep.
    Task.objects.filter(case=red, state=TaskState.OPEN).update(warn_at=now - timedelta(days=2),
                                                                due_at=now - timedelta(hours=1))
    found = sites(signed_in(bureau["director"]))
    assert {n: f["properties"]["light"] for n, f in found.items()} == {
        green.number: "green", yellow.number: "yellow", red.number: "red"}
    feature = found[red.number]
    assert feature["geometry"]["type"] == "MultiPolygon"
    lon, lat = feature["geometry"]["coordinates"][0][0][0]
    assert 114.27 < lon < 114.29 and 30.58 < lat < 30.60
    assert feature["properties"]["url"] == f"/work/cases/{red.number}/"
    assert feature["properties"]["light_name"] == "红灯"


def test_it_shows_only_the_cases_the_person_may_see_and_only_inside_the_view(bureau):
    mine = bureau.new_case("permit", office="div1")
    theirs = bureau.new_case("permit", office="div2")
    found = sites(signed_in(bureau["handler1"]))
    assert mine.number in found and theirs.number not in found
    assert sites(signed_in(bureau["director"]), bbox="100,20,100.1,20.1") == {}


def test_it_marks_a_paused_case_grey(bureau):
    case = bureau.new_case("permit")
    case.pause("supplement", note="补正材料", actor=bureau["handler1"])
    assert sites(signed_in(bureau["director"]))[case.number]["properties"]["light"] == "paused"


def test_it_refuses_people_who_do_not_read_cases_and_bad_boxes(bureau):
    assert signed_in(bureau["intake"]).get("/work/cases/sites.geojson", {"bbox": BBOX}).status_code == 403
    assert Client().get("/work/cases/sites.geojson", {"bbox": BBOX}).status_code == 302
    bad = signed_in(bureau["director"]).get("/work/cases/sites.geojson", {"bbox": "a,b"})
    assert bad.status_code == 400 and "bbox" in bad.json()["message"]


def test_the_staff_map_offers_the_overlay_to_case_readers_only(bureau):
    html = signed_in(bureau["director"]).get("/gis/map/").content.decode()
    assert "case-sites" in html and "在办案件用地" in html and "红灯" in html
    intake = signed_in(bureau["intake"]).get("/gis/map/")
    assert "case-sites" not in intake.content.decode()
    assert "case-sites" not in Client().get("/gis/public-map/").content.decode()
