"""The intake clerk draws the site on the map in a real browser: the bureau's own layers as background, the area in
m² and 亩, the parcels covered, a warning against the declared land area, undo and vertex editing, then filing."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from plandesk.cases.models import Case
from plandesk.window.tests.conftest import USCC

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SHOTS = Path(settings.PROJECT_DIR) / "var" / "screenshots"


def _sign_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])


def _summarized(page) -> None:
    """The map's summary (area, parcels, warning) is for the drawing as it is now (CSP forbids wait_for_function)."""
    page.wait_for_selector('#site-map[data-summary="ready"]', state="attached")


def _area(page) -> float:
    text = page.locator("#site-area").inner_text()
    return float(re.search(r"([\d,]+) 平方米", text).group(1).replace(",", ""))


def test_it_draws_the_site_on_the_bureaus_layers_and_warns_of_a_declared_area_that_differs(live_server, page, bureau):
    from plandesk.gis import demo as gis_demo

    gis_demo.load(io.StringIO())
    missing = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    _sign_in(page, live_server, bureau["intake"])
    page.goto(f"{live_server.url}/window/intake/")
    page.locator('input[name="item"][value="land_use_permit"]').check()
    page.get_by_role("button", name="下一步").click()

    page.get_by_label("申请单位或申请人姓名").fill("江城置业有限公司")
    page.get_by_label("统一社会信用代码（单位）").fill(USCC)
    page.get_by_label("联系人").fill("王经理")
    page.get_by_label("手机号码").fill("13912345678")
    page.get_by_label("项目名称").fill("江滨花园")
    page.get_by_label("项目地址").fill("江滨路 1 号")
    page.locator('[name="f.land_use_permit.land_supply"]').select_option("transfer")
    page.locator('[name="f.land_use_permit.land_area_m2"]').fill("10000")
    page.locator('[name="f.land_use_permit.land_use_class"]').select_option("R")
    page.locator('[name="f.land_use_permit.floor_area_ratio"]').fill("2.5")

    # The background: the bureau's parcels and road red lines, drawn from the database for this view.
    site_map = page.locator("#site-map")
    site_map.scroll_into_view_if_needed()
    page.wait_for_selector("#site-map[data-loaded_regulatory_parcels]:not([data-loaded_regulatory_parcels='0'])",
                           state="attached")
    page.wait_for_selector("#site-map[data-loaded_road_red_lines]:not([data-loaded_road_red_lines='0'])",
                           state="attached")
    assert page.locator("#site-map path.gis-layer-regulatory-parcels").count() > 0
    assert page.locator("#site-map .leaflet-control-scale").is_visible()

    # Four corners west of the centre (Division 1's half); a wrong fifth one taken back with 撤销.
    box = site_map.bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    for dx, dy in ((-240, -60), (-90, -60), (-90, 60), (-40, 150)):
        page.mouse.click(cx + dx, cy + dy)
    page.get_by_role("button", name="撤销").click()
    page.mouse.click(cx - 240, cy + 60)
    page.get_by_role("button", name="完成").click()
    assert page.locator("#site-map .site-vertex").count() == 4
    _summarized(page)
    drawn = _area(page)
    assert "亩" in page.locator("#site-area").inner_text()
    assert page.locator(".site-parcel").count() >= 1
    first = page.locator(".site-parcel").first.inner_text()
    assert re.search(r"JA\d{4}-\d \S+（[A-Z]\d*）：重叠 [\d,]+ 平方米，占用地的 \d+%", first)
    warning = page.locator("#site-area-warning")
    assert warning.is_visible() and "10,000 平方米" in warning.inner_text() and "5%" in warning.inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#site-map").screenshot(path=str(SHOTS / "intake-map-warning.png"))
    page.locator(".site-map-tool").screenshot(path=str(SHOTS / "intake-map-tool.png"))

    # Vertex editing: a corner dragged outwards makes the site larger.
    corner = page.locator("#site-map .site-vertex").nth(1).bounding_box()
    page.mouse.move(corner["x"] + 6, corner["y"] + 6)
    page.mouse.down()
    page.mouse.move(corner["x"] + 46, corner["y"] + 6, steps=5)
    page.mouse.up()
    _summarized(page)
    larger = _area(page)
    assert larger > drawn
    # A corner added by dragging an edge's middle mark, deleted again by a right click, and both steps undone.
    vertices = page.locator("#site-map .site-vertex")
    middle = page.locator("#site-map .site-midpoint").first.bounding_box()
    page.mouse.move(middle["x"] + 5, middle["y"] + 5)
    page.mouse.down()
    page.mouse.move(middle["x"] + 5, middle["y"] - 25, steps=5)
    page.mouse.up()
    assert vertices.count() == 5
    vertices.nth(1).click(button="right")
    assert vertices.count() == 4
    page.get_by_role("button", name="撤销").click()
    page.get_by_role("button", name="撤销").click()
    assert vertices.count() == 4
    _summarized(page)
    assert _area(page) == larger

    # The declared area corrected to what was drawn: the warning goes.
    page.locator('[name="f.land_use_permit.land_area_m2"]').fill(str(round(larger)))
    _summarized(page)
    assert not warning.is_visible()

    page.locator('[name="m.application_form"]').check()
    page.locator('[name="m.applicant_identity"]').check()
    page.locator('[name="m.topographic_map"]').check()
    page.locator('[name="mf.application_form"]').set_input_files(
        {"name": "申请表.pdf", "mimeType": "application/pdf", "buffer": PDF})
    page.screenshot(path=str(SHOTS / "intake-form-filled.png"), full_page=True)
    page.get_by_role("button", name="受理并出具立案回执").click()
    page.wait_for_url("**/window/receipts/*/")
    case = Case.objects.get()
    assert abs(case.site.area - larger) / larger < 0.001
    assert [url for url in missing if "favicon" in url] == []


def test_it_snaps_corners_to_parcel_corners_so_a_site_drawn_on_a_parcel_is_that_parcel(live_server, page, bureau):
    from plandesk.gis import demo as gis_demo

    gis_demo.load(io.StringIO())
    _sign_in(page, live_server, bureau["intake"])
    page.goto(f"{live_server.url}/window/intake/?item=land_use_permit")
    page.wait_for_selector("#site-map[data-loaded_regulatory_parcels]:not([data-loaded_regulatory_parcels='0'])",
                           state="attached")
    site_map = page.locator("#site-map")
    site_map.scroll_into_view_if_needed()
    frame = site_map.bounding_box()
    # A parcel whose top corners are in view; a triangle of its top corners and a point of its left edge, each
    # clicked 4 px outside it (in the road or the gap between parcels).
    parcels = page.locator("#site-map path.gis-layer-regulatory-parcels")
    box = next(b for b in (parcels.nth(i).bounding_box() for i in range(parcels.count()))
               if b["x"] > frame["x"] + 20 and b["x"] + b["width"] < frame["x"] + frame["width"] - 20
               and frame["y"] + 20 < b["y"] < frame["y"] + frame["height"] - 140)
    corners = [(box["x"] - 4, box["y"] - 4), (box["x"] + box["width"] + 4, box["y"] - 4),
               (box["x"] - 4, box["y"] + 100)]
    page.locator("#site-snap").uncheck()
    for x, y in corners:
        page.mouse.click(x, y)
    _summarized(page)
    assert page.locator(".site-outside").count() == 1  # unsnapped, part of the triangle is road
    page.get_by_role("button", name="清除").click()
    page.locator("#site-snap").check()
    for x, y in corners:
        page.mouse.click(x, y)
    _summarized(page)
    assert page.locator(".site-parcel").count() == 1 and "占用地的 100%" in page.locator(".site-parcel").inner_text()
    assert page.locator(".site-outside").count() == 0
    # A coordinate list typed instead: what it was recognised as is said under the field, and the map shows it.
    page.get_by_label("坐标串（每行一个拐点）").fill(
        "30.595,114.285\n30.595,114.288\n30.597,114.288\n30.597,114.285\n30.595,114.285")
    page.wait_for_selector("#site-coords-crs:has-text('纬度在前')")
    assert "识别为：经纬度（CGCS2000/WGS84）" in page.locator("#site-coords-crs").inner_text()
    assert page.locator("#site-map .site-vertex").count() == 4
    _summarized(page)
    assert 60_000 < _area(page) < 66_000
