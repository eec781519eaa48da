"""The intake page as a new clerk meets it: coordinates in either system, an example under the field, and every
error named by the field's Chinese label, never by its key."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from plandesk.cases.models import Case
from plandesk.window.intake import field_label
from plandesk.window.tests.test_pages import _form

NOW = datetime.fromisoformat("2026-11-27 10:00:00+08:00")
# Division 1's half of the centre as longitude/latitude, closed: five points.
LONLAT = "114.285,30.595\n114.288,30.595\n114.288,30.597\n114.285,30.597\n114.285,30.595"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("coords", [LONLAT, LONLAT.rsplit("\n", 1)[0], "30.595,114.285\n30.595,114.288\n"
                                    "30.597,114.288\n30.597,114.285"])
def test_it_takes_a_coordinate_list_in_longitude_and_latitude(bureau, coords):
    response = _client(bureau["intake"]).post("/window/intake/?item=land_use_permit",
                                              _form(site_geojson="", site_coords=coords, form_token="ll"))
    assert response.status_code == 302, re.findall(r'field-error[^>]*>([^<]+)', response.content.decode())
    assert Case.objects.get().handling_office.code == "div1"
    assert 60_000 < Case.objects.get().site.area < 66_000


def test_it_shows_an_example_under_the_coordinate_field(bureau):
    html = _client(bureau["intake"]).get("/window/intake/?item=land_use_permit").content.decode()
    example = re.search(r'id="site-coords-example">([^<]+)<', html).group(1)
    assert re.search(r"如 5\d{5}\.\d\d,33\d{5}\.\d\d", example) and "114.2850,30.5950" in example


BAD = {"credit_code": "91420100MA4K123456", "project_name": "", "site_geojson": "", "m.application_form": "",
       "mf.application_form": SimpleUploadedFile("x.txt", b"", content_type="text/plain"),
       "f.land_use_permit.floor_area_ratio": "abc"}


@time_machine.travel(NOW, tick=False)
def test_it_names_each_error_by_its_label_not_its_key(bureau):
    html = _client(bureau["intake"]).post("/window/intake/?item=land_use_permit", _form(**BAD)).content.decode()
    summary = re.search(r'<div class="errors card" role="alert" id="intake-errors">(.*?)</div>', html, re.S).group(1)
    shown = re.sub(r"<[^>]+>", " ", summary)
    for label in ("统一社会信用代码", "项目名称", "用地范围（用地红线）", "申请表（加盖申请单位公章）", "容积率"):
        assert label in shown, label
    for key in ("applicant.credit_code", "project.site", "project.name", "materials.application_form",
                "forms.land_use_permit"):
        assert key not in shown, key
    assert Case.objects.count() == 0


def test_the_labels_cover_the_api_keys(bureau):
    from plandesk.catalog.models import Item

    versions = [Item.objects.get(code="land_use_permit").current]
    assert field_label("applicant.phone") == "手机号码"
    assert field_label("forms.land_use_permit.floor_area_ratio", versions) == "容积率"
    assert field_label("materials.application_form", versions).startswith("申请表")
    assert field_label("materials.nonsense", versions) == "申请材料"
    assert field_label("items.0") == "审批事项"


@time_machine.travel(NOW, tick=False)
def test_the_case_page_shows_the_site_on_the_shared_map_and_materials_by_name(bureau):
    client = _client(bureau["intake"])
    assert client.post("/window/intake/?item=land_use_permit", _form()).status_code == 302
    case = Case.objects.get()
    html = client.get(f"/window/cases/{case.number}/").content.decode()
    site = re.search(r'<section class="card" id="case-site">(.*?)</section>', html, re.S).group(1)
    assert 'class="site-map"' in site and 'id="site-undo"' not in site  # shown, not drawn on
    assert '&quot;editable&quot;: false' in site and "MultiPolygon" in site
    assert "申请表（加盖申请单位公章） · form.pdf" in html and "application_form ·" not in html


def test_the_site_part_of_the_intake_page_speaks_english(bureau):
    from django.conf import settings
    from django.utils import translation

    client = _client(bureau["intake"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    try:
        html = client.get("/window/intake/?item=land_use_permit").content.decode()
    finally:
        translation.activate(settings.LANGUAGE_CODE)
    for text in ("Coordinate list (one corner a line)", "recognised by range", ">Undo<", ">Finish<",
                 "Snap to parcel edges"):
        assert text in html, text
