"""The compliance panel and the public planning information in a real browser (Leaflet maps drawn, clicks answered)."""

from __future__ import annotations

import pytest
from django.test import Client

from plandesk.cases.tests.test_compliance import crossing_road_site, intake, project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])


def test_the_handler_sees_the_panel_with_its_map_and_a_drafted_opinion_and_reruns_it(live_server, page, city, api_as):
    case = intake(city, api_as, project=project(crossing_road_site()))
    handler = city["handler1"]
    _sign_in(page, live_server, handler)
    page.goto(f"{live_server.url}/work/cases/{case.number}/")
    page.wait_for_selector("#compliance-map[data-rendered='true']")
    assert page.locator("#compliance-map path").count() >= 3  # site, parcels, conflicts
    assert "经用地合规性审查" in page.input_value("#id_opinion")
    assert page.locator("#compliance-fill").is_visible()
    page.click("#compliance-rerun")
    page.wait_for_selector("text=第 2 次审查")
    assert case.compliance_checks.count() == 2


def test_a_visitor_clicks_the_public_map_and_reads_the_plan_there(live_server, page, city):
    page.set_viewport_size({"width": 1280, "height": 1100})  # the whole map on screen
    page.goto(f"{live_server.url}/gis/planning-info/")
    page.wait_for_selector("#plan-map[data-loaded]")
    frame = page.locator("#plan-map").bounding_box()
    inside = None
    for path in page.locator("#plan-map path").all():  # a parcel whose middle is on screen
        box = path.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        if frame["x"] + 10 < x < frame["x"] + frame["width"] - 10 and frame["y"] + 10 < y < frame["y"] + frame[
                "height"] - 10:
            inside = (x, y)
            break
    assert inside is not None
    page.mouse.click(*inside)
    page.wait_for_selector("#plan-info[data-answered='true']")
    assert page.locator("#plan-info h2").count() >= 1, page.inner_text("#plan-info")
    text = page.inner_text("#plan-info")
    assert "JA" in text and "容积率上限" in text and "批准日期" in text


def test_a_visitor_clicks_the_portal_map_and_reads_the_plan_in_a_popup(live_server, page, city):
    page.set_viewport_size({"width": 1280, "height": 1100})
    page.goto(f"{live_server.url}/gis/public-map/")
    page.wait_for_selector("#map[data-loaded_regulatory_parcels]")
    page.locator("#map").scroll_into_view_if_needed()
    frame = page.locator("#map").bounding_box()
    top, bottom = max(frame["y"], 0) + 10, min(frame["y"] + frame["height"], 1100) - 10
    inside = None
    for path in page.locator("#map path.gis-layer-regulatory-parcels").all():  # a parcel whose middle is on screen
        box = path.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        if frame["x"] + 60 < x < frame["x"] + frame["width"] - 10 and top < y < bottom:
            inside = (x, y)
            break
    assert inside is not None
    page.mouse.click(*inside)
    page.wait_for_selector("#map[data-plan-info]")
    assert page.get_attribute("#map", "data-plan-info") != "0"
    text = page.inner_text(".leaflet-popup-content .plan-info")
    assert "控规地块 JA" in text and "容积率上限" in text and "批准日期" in text
