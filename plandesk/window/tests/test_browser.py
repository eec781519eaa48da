"""A whole intake at the window in a real browser, the receipt read back, then the case queried on the portal."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from plandesk.cases.models import Case
from plandesk.core.pdf import extract_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32 + b"\x00\x00\x00\x00IEND\xaeB`\x82"  # header + end chunk


def _sign_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])


def test_it_takes_an_application_at_the_window_and_the_applicant_queries_it(live_server, page, bureau):
    _sign_in(page, live_server, bureau["intake"])
    page.goto(f"{live_server.url}/window/intake/")
    page.locator('input[name="item"][value="land_use_permit"]').check()
    page.get_by_role("button", name="下一步").click()

    page.get_by_label("申请单位或申请人姓名").fill("江城置业有限公司")
    from plandesk.window.tests.conftest import USCC

    page.get_by_label("统一社会信用代码（单位）").fill(USCC)
    page.get_by_label("联系人").fill("王经理")
    page.get_by_label("手机号码").fill("13912345678")
    page.get_by_label("项目名称").fill("江滨花园")
    page.get_by_label("项目地址").fill("江滨路 1 号")

    # Draw the site: four corners west of the map's centre (Division 1's half), then close the ring.
    page.locator("#site-map").scroll_into_view_if_needed()
    box = page.locator("#site-map").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    for dx, dy in ((-160, -40), (-60, -40), (-60, 40), (-160, 40)):
        page.mouse.click(cx + dx, cy + dy)
    page.get_by_role("button", name="完成").click()
    assert '"Polygon"' in page.locator("#site_geojson").input_value()

    page.locator('[name="f.land_use_permit.land_supply"]').select_option("transfer")
    page.locator('[name="f.land_use_permit.land_area_m2"]').fill("12000")
    page.locator('[name="f.land_use_permit.land_use_class"]').select_option("R")
    page.locator('[name="f.land_use_permit.floor_area_ratio"]').fill("2.5")

    page.locator('[name="m.application_form"]').check()
    page.locator('[name="m.topographic_map"]').check()
    page.locator('[name="mf.application_form"]').set_input_files(
        {"name": "申请表.pdf", "mimeType": "application/pdf", "buffer": PDF})
    page.locator('[name="mf.applicant_identity"]').set_input_files(
        {"name": "营业执照.png", "mimeType": "image/png", "buffer": PNG})
    page.get_by_role("button", name="受理并出具立案回执").click()
    page.wait_for_url("**/window/receipts/*/")

    href = page.locator("#receipt-link").get_attribute("href")
    response = page.context.request.get(live_server.url + href)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    text = extract_text(response.body())
    number = re.search(r"案件编号\s*(\d{10})", text).group(1)
    password = re.search(r"查询密码\s*(\d{8})", text).group(1)
    year, month, day = re.search(r"预取件日期\s*(\d{4})年(\d{2})月(\d{2})日", text).groups()
    case = Case.objects.get(number=number)
    assert case.expected_pickup_date.isoformat() == f"{year}-{month}-{day}"
    assert case.material_files.count() == 2

    # The applicant, on the portal's home page, with nothing but the receipt.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/")
    page.locator("#case_number").fill(number)
    page.locator("#password").fill(password)
    page.get_by_role("button", name="查询进度").first.click()
    page.wait_for_selector("#query-result")
    assert page.locator("#result-number").inner_text() == number
    assert page.locator("#result-pickup").inner_text() == f"{year}-{month}-{day}"
