"""The window's pages through Django's client: intake with uploads and a form token, receipt, case page, pick-up."""

from __future__ import annotations

import json
import re
import subprocess
import zipfile
from datetime import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from plandesk.cases.models import Case, CaseStatus
from plandesk.core.pdf import extract_text
from plandesk.gis.geometry import GeometryError, parse_site
from plandesk.testing.applications import PDF, PNG, intake_form
from plandesk.window import sites, storage
from plandesk.window.models import MaterialFile, Pickup
from plandesk.window.tests.conftest import ID_NUMBER, SITE

NOW = datetime.fromisoformat("2026-11-27 10:00:00+08:00")
# Division 1's half of the centre, in the bureau's CRS (CGCS2000 3-degree Gauss-Krüger, CM 114°E).
COORDS = "527333.1,3386108.2\n527620.8,3386108.9\n527620.3,3386330.7\n527332.6,3386329.9"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


_form = intake_form  # the intake page's POST of a valid application (plandesk.testing)


def test_it_lets_only_intake_clerks_open_the_intake_page(bureau):
    assert Client().get("/window/intake/").status_code == 302
    assert _client(bureau["handler1"]).get("/window/intake/").status_code == 403
    assert _client(bureau["output"]).get("/window/intake/").status_code == 403
    page = _client(bureau["intake"]).get("/window/intake/")
    assert page.status_code == 200 and "建设用地规划许可证核发" in page.content.decode()


def test_it_renders_the_items_form_from_its_schema(bureau):
    page = _client(bureau["intake"]).get("/window/intake/?item=land_use_permit").content.decode()
    for name in ("f.land_use_permit.land_supply", "f.land_use_permit.floor_area_ratio", "mf.application_form",
                 "form_token", "site_geojson", "site_file", "site_coords"):
        assert f'name="{name}"' in page
    assert "出让" in page  # the enum's Chinese label


@time_machine.travel(NOW, tick=False)
def test_it_registers_from_the_page_once_per_form_token(bureau, window_files):
    client = _client(bureau["intake"])
    response = client.post("/window/intake/?item=land_use_permit", _form())
    assert response.status_code == 302, response.content.decode()[:3000]
    receipt_page = client.get(response["Location"]).content.decode()
    case = Case.objects.get()
    password = re.search(r'id="query-password">(\d{8})<', receipt_page).group(1)
    assert case.check_query_password(password)
    pdf_url = re.search(r'id="receipt-link" href="([^"]+)"', receipt_page).group(1)
    text = extract_text(client.get(pdf_url).content)
    assert case.number in text and password in text and "2026年12月11日" in text
    files = MaterialFile.objects.filter(case=case).select_related("file")
    assert {f.material_code: f.file.kind for f in files} == {"application_form": "pdf", "applicant_identity": "png"}
    stored = storage.path_for(files.get(material_code="application_form").file.sha256)
    assert stored.read_bytes() == PDF and str(stored).startswith(str(window_files))
    again = client.post("/window/intake/?item=land_use_permit", _form())
    assert again.status_code == 302 and Case.objects.count() == 1
    download = client.get(f"/window/cases/{case.number}/files/{files[0].pk}/")
    assert download["Content-Type"] in ("application/pdf", "image/png")
    assert download["Content-Disposition"].startswith("attachment")
    assert _client(bureau["handler1"]).get(f"/window/cases/{case.number}/").status_code == 403


@time_machine.travel(NOW, tick=False)
def test_it_refuses_a_file_whose_content_is_not_what_its_name_says(bureau):
    client = _client(bureau["intake"])
    fake = SimpleUploadedFile("form.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    page = client.post("/window/intake/?item=land_use_permit", _form(**{"mf.application_form": fake}))
    assert page.status_code == 200
    assert "按文件内容判断" in page.content.decode()
    assert Case.objects.count() == 0 and MaterialFile.objects.count() == 0


@time_machine.travel(NOW, tick=False)
def test_it_refuses_a_file_over_the_size_limit(bureau, monkeypatch):
    monkeypatch.setattr(storage, "MAX_BYTES", 10)
    page = _client(bureau["intake"]).post("/window/intake/?item=land_use_permit", _form())
    assert "过大" in page.content.decode() and Case.objects.count() == 0


@time_machine.travel(NOW, tick=False)
def test_it_shows_each_error_beside_the_form(bureau):
    page = _client(bureau["intake"]).post("/window/intake/?item=land_use_permit", _form(
        phone="123", site_geojson="", **{"f.land_use_permit.floor_area_ratio": "abc", "m.application_form": ""},
        **{"mf.application_form": SimpleUploadedFile("x.txt", b"", content_type="text/plain")}))
    html = page.content.decode()
    assert page.status_code == 200
    for message in ("手机号码应为 11 位数字", "须绘制或上传项目用地范围", "须为数字", "是空文件"):
        assert message in html, message
    assert Case.objects.count() == 0


@time_machine.travel(NOW, tick=False)
def test_it_takes_the_site_as_a_coordinate_list_in_the_bureaus_crs(bureau):
    response = _client(bureau["intake"]).post("/window/intake/?item=land_use_permit",
                                              _form(site_geojson="", site_coords=COORDS, form_token="c"))
    assert response.status_code == 302
    assert Case.objects.get().handling_office.code == "div1"


def test_it_reads_a_site_from_geojson_zipped_shapefile_and_dxf(tmp_path):
    source = tmp_path / "site.geojson"
    source.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": SITE}]}))
    shp_dir = tmp_path / "shp"
    shp_dir.mkdir()
    subprocess.run(["ogr2ogr", "-f", "ESRI Shapefile", "-t_srs", "EPSG:4547", str(shp_dir / "site.shp"),
                    str(source)], check=True)
    archive = tmp_path / "site.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for part in shp_dir.iterdir():
            z.write(part, part.name)
    dxf = tmp_path / "site.dxf"
    subprocess.run(["ogr2ogr", "-f", "DXF", "-t_srs", "EPSG:4547", str(dxf), str(source)], check=True)
    expected = parse_site(SITE)
    for name, data in (("site.geojson", source.read_bytes()), ("site.zip", archive.read_bytes()),
                       ("site.dxf", dxf.read_bytes())):
        geojson = sites.from_upload(SimpleUploadedFile(name, data))
        site = parse_site(geojson)
        assert abs(site.area - expected.area) / expected.area < 0.001, name


def test_it_names_what_is_wrong_with_a_coordinate_list():
    with pytest.raises(GeometryError, match="第 2 行"):
        sites.from_coordinates("527333.1,3386108.2\nabc\n527620.3,3386330.7")
    with pytest.raises(GeometryError, match="至少需要 3 个点"):
        sites.from_coordinates("527333.1,3386108.2")
    with pytest.raises(GeometryError, match="GeoJSON"):
        sites.from_upload(SimpleUploadedFile("site.json", b"{not json"))


def test_it_detects_file_kinds_by_content():
    assert storage.detect_kind(PDF) == "pdf"
    assert storage.detect_kind(PNG) == "png"
    assert storage.detect_kind(b"\xff\xd8\xff\xe0rest") == "jpg"
    assert storage.detect_kind(b"AC1027\x00\x00") == "dwg"
    assert storage.detect_kind(b"  0\nSECTION\n  2\nHEADER\n") == "dxf"
    assert storage.detect_kind(b"<html>") is None
    assert storage.detect_kind(b"MZ\x90\x00") is None


@time_machine.travel(NOW, tick=False)
def test_it_records_a_pickup_on_the_output_page(bureau):
    from plandesk.window import services
    from plandesk.window.tests.conftest import application

    case = services.intake(application(), actor=bureau["intake"]).case
    case.mark_ready_for_pickup("approved")
    output = _client(bureau["output"])
    page = output.get(f"/window/cases/{case.number}/").content.decode()
    assert "登记取件并结案" in page
    assert _client(bureau["intake"]).post(f"/window/cases/{case.number}/pickup/", {}).status_code == 403
    output.post(f"/window/cases/{case.number}/pickup/", {
        "collector_name": "李四", "collector_id_number": ID_NUMBER, "on_behalf_of": "江城置业有限公司",
        "documents": ["certificate"]})
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert Pickup.objects.get(case=case).documents == ["certificate"]
    desk = output.get("/window/").content.decode()
    assert "待取件" in desk


@time_machine.travel(NOW, tick=False)
def test_it_reprints_the_receipt_with_a_new_password(bureau):
    from plandesk.window import services
    from plandesk.window.tests.conftest import application

    first = services.intake(application(), actor=bureau["intake"])
    client = _client(bureau["intake"])
    response = client.post(f"/window/cases/{first.case.number}/reprint/")
    page = client.get(response["Location"]).content.decode()
    password = re.search(r'id="query-password">(\d{8})<', page).group(1)
    first.case.refresh_from_db()
    assert first.case.check_query_password(password)
    assert password == first.password or not first.case.check_query_password(first.password)


@time_machine.travel(NOW, tick=False)
def test_it_opens_a_case_by_number_from_the_desk_without_javascript(bureau):
    from plandesk.window import services
    from plandesk.window.tests.conftest import application

    case = services.intake(application(), actor=bureau["intake"]).case
    client = _client(bureau["intake"])
    assert client.get(f"/window/?n={case.number}")["Location"] == f"/window/cases/{case.number}/"
    assert "没有编号为" in client.get("/window/?n=1", follow=True).content.decode()
    assert Client().get("/window/").status_code == 302
    assert _client(bureau["handler1"]).get("/window/").status_code == 403


def test_it_offers_the_parallel_group_as_one_intake(bureau):
    client = _client(bureau["intake"])
    page = client.get("/window/intake/?group=site_and_scheme").content.decode()
    assert 'name="f.site_selection.' in page and 'name="f.design_scheme_review.' in page


def test_it_wipes_the_sealed_password_when_the_link_expires(bureau):
    from datetime import timedelta

    from plandesk.window import services
    from plandesk.window.models import Receipt
    from plandesk.window.tests.conftest import application

    with time_machine.travel(NOW, tick=False):
        services.intake(application(), actor=bureau["intake"])
        assert services.wipe_expired_receipts() == 0
    with time_machine.travel(NOW + timedelta(minutes=16), tick=False):
        assert services.wipe_expired_receipts() == 1
        assert services.wipe_expired_receipts() == 0
    assert Receipt.objects.get().sealed_password == ""


@time_machine.travel(NOW, tick=False)
def test_it_records_supplements_with_scans_on_the_case_page(bureau):
    from plandesk.window import services
    from plandesk.window.models import SupplementNotice
    from plandesk.window.tests.conftest import application
    from plandesk.workflow import services as workflow

    case = services.intake(application(), actor=bureau["intake"]).case
    task = case.tasks.get(state="open")
    workflow.request_supplement(task.pk, bureau["handler1"], "土地勘测定界图")
    notice = SupplementNotice.objects.get(case=case)
    client = _client(bureau["intake"])
    page = client.get(f"/window/cases/{case.number}/").content.decode()
    assert "土地勘测定界图" in page and "补正已收齐，恢复计时" in page
    notice_pdf = client.get(f"/window/cases/{case.number}/supplements/{notice.pk}.pdf").content
    assert "一次性告知书" in extract_text(notice_pdf)
    url = f"/window/cases/{case.number}/supplements/{notice.pk}/"
    assert _client(bureau["output"]).post(url, {}).status_code == 403
    client.post(url, {"note": "已补交", "mf.land_survey_map": SimpleUploadedFile("map.pdf", PDF)})
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    assert {m["code"]: m["state"] for m in case.materials}["land_survey_map"] == "received"
    assert MaterialFile.objects.get(case=case, material_code="land_survey_map").supplement == notice


@time_machine.travel(NOW, tick=False)
def test_it_refuses_to_accept_on_the_case_page(bureau):
    from plandesk.window import services
    from plandesk.window.tests.conftest import application

    case = services.intake(application(), actor=bureau["intake"]).case
    assert _client(bureau["output"]).post(f"/window/cases/{case.number}/refuse/", {"reason": "x"}).status_code == 403
    client = _client(bureau["intake"])
    client.post(f"/window/cases/{case.number}/refuse/", {"reason": "不属于本机关职权范围"})
    case.refresh_from_db()
    assert case.status == CaseStatus.NOT_ACCEPTED
    text = extract_text(client.get(f"/window/cases/{case.number}/refusal.pdf").content)
    assert "不予受理通知书" in text and "不属于本机关职权范围" in text
