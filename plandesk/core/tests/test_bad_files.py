"""Bad files through the real upload paths (issue 16, item 3), with a corpus the tests generate (nothing committed).

Every upload path of the system gets its share: the window's material scans and the site file (GeoJSON, zipped
Shapefile, DXF, coordinate list), the intake API's site, the GIS keeper's layer import page, the administrator's BPMN
upload, the publicity documents and the public's opinion attachment. Each bad file must be refused with a Chinese
message naming the problem, change nothing (rows and files counted before and after), and keep memory bounded: the
peak resident size of the process while the request runs is measured (VmHWM after clearing it through
/proc/self/clear_refs, so that C parsers — GDAL, GEOS, libxml2 — count too).
"""

from __future__ import annotations

import io
import json
import math
import re
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from plandesk.accounts.models import Role
from plandesk.conftest import make_user

# The test builders: the demo bureau, an application, publicity on known dates, real PDFs and images.
from plandesk.testing.applications import SITE, application, intake_form
from plandesk.testing.fixtures import bureau, travel  # noqa: F401 (fixtures)
from plandesk.testing.publicity import answer, question_on, real_pdf, real_png, scheduled
from plandesk.workflow.engine import check_process

BPMN_HEAD = ('<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" '
             'targetNamespace="http://plandesk/x">')
MB = 1024 * 1024
# Peak RSS growth allowed while one bad file is handled. The largest file sent is ~21 MB and Django's test client
# holds the multipart body in memory twice (request and parsed copy); parsers must not add a multiple of it.
PEAK_LIMIT_MB = 150
TRIED: list[str] = []  # every corpus file sent, for docs/RELIABILITY.md (printed with -s)


def _status() -> dict[str, int]:
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _sep, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0])
    return fields


def measured(call):
    """(result, peak RSS growth in MB) of call(): VmHWM is reset to the current RSS first."""
    Path("/proc/self/clear_refs").write_text("5")
    before = _status()["VmRSS"]
    result = call()
    peak = (_status()["VmHWM"] - before) / 1024
    print(f"bad file #{len(TRIED)} {TRIED[-1] if TRIED else ''}: peak RSS +{peak:.0f} MB")
    return result, peak


# --- the corpus -------------------------------------------------------------------------------------------------------

def html_as_pdf() -> bytes:
    return "<!DOCTYPE html><html><body><script>fetch('/admin/')</script>申请表</body></html>".encode()


def truncated_pdf() -> bytes:
    whole = real_pdf("申请表")
    return whole[: len(whole) // 3]


def truncated_png() -> bytes:
    return real_png()[:40]


def truncated_jpeg() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (11, 83, 148)).save(buffer, format="JPEG")
    whole = buffer.getvalue()
    return whole[: len(whole) * 2 // 3]


def oversized_pdf(size: int) -> bytes:
    """A real PDF header followed by padding: over the limit, whatever the content."""
    return b"%PDF-1.7\n" + b"%" + b"0" * (size - 10) + b"\n"


def zip_bomb(declared_mb: int = 300) -> bytes:
    """A "Shapefile" zip whose .shp inflates to declared_mb of zeros (ratio ~1000:1), written without holding it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in ("site.shx", "site.dbf"):
            archive.writestr(name, b"\x00" * 100)
        with archive.open("site.shp", "w", force_zip64=True) as member:
            chunk = b"\x00" * MB
            for _ in range(declared_mb):
                member.write(chunk)
    return buffer.getvalue()


def garbage_dxf() -> bytes:
    """A DXF's opening (so it passes a look at its first bytes) and then noise."""
    noise = bytes((i * 7919 + 13) % 251 for i in range(200_000))
    return b"0\nSECTION\n2\nENTITIES\n0\nLWPOLYLINE\n90\nnot-a-number\n" + noise


def huge_polygon(vertices: int = 1_000_000) -> dict:
    """A valid ring of `vertices` points on a small circle inside the bureau's area (lon/lat)."""
    ring = [[round(114.29 + 0.002 * math.cos(2 * math.pi * i / vertices), 7),
             round(30.60 + 0.002 * math.sin(2 * math.pi * i / vertices), 7)] for i in range(vertices)]
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


def huge_geojson_bytes(vertices: int = 1_000_000) -> bytes:
    feature = {"type": "Feature", "properties": {"code": "X1"}, "geometry": huge_polygon(vertices)}
    return json.dumps({"type": "FeatureCollection", "features": [feature]}, separators=(",", ":")).encode()


def xxe_bpmn() -> bytes:
    return ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' + BPMN_HEAD +
            '<process id="xxe_probe" name="&xxe;" isExecutable="true"><startEvent id="s"/></process>'
            '</definitions>').encode()


def billion_laughs_bpmn() -> bytes:
    entities = '<!ENTITY l0 "ha">' + "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    return (f'<?xml version="1.0"?><!DOCTYPE d [{entities}]>' + BPMN_HEAD +
            '<process id="laughs" name="&l9;" isExecutable="true"><startEvent id="s"/></process></definitions>'
            ).encode()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    TRIED.append(name)
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def _files_under(folder: Path) -> int:
    return sum(1 for p in folder.rglob("*") if p.is_file()) if folder.exists() else 0


def _said(html: str) -> str:
    """The page's words without tags, for a failure message (the refusal is in the last part of the page)."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())[-800:]


def _text(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


# --- the window: material scans and the site --------------------------------------------------------------------------

NOW = "2026-11-27 10:00:00+08:00"


def _intake_form(**changes) -> dict:
    """The intake page's application with every material declared and no file yet: each test adds the bad one."""
    data = intake_form(form_token="bad-files", **{"m.applicant_identity": "1"})
    del data["mf.applicant_identity"], data["mf.application_form"]
    data.update(changes)
    return data


@pytest.fixture
def window_files(settings, tmp_path):
    settings.PLANDESK_WINDOW_FILES = tmp_path / "window-files"
    return settings.PLANDESK_WINDOW_FILES


@pytest.fixture
def intake_client(bureau, window_files):  # noqa: F811
    client = Client()
    client.force_login(bureau["intake"])
    client.session_user = bureau["intake"]
    return client


def _window_counts(window_files: Path) -> tuple:
    from plandesk.audit.models import Event as AuditEvent
    from plandesk.cases.models import Case
    from plandesk.window.models import MaterialFile, StoredFile

    return (Case.objects.count(), MaterialFile.objects.count(), StoredFile.objects.count(),
            AuditEvent.objects.count(), _files_under(window_files))


@time_machine.travel(NOW, tick=False)
def test_the_window_refuses_bad_material_scans_and_stores_nothing(intake_client, window_files):
    from plandesk.window import storage

    corpus = [
        ("form.pdf", html_as_pdf(), "不是 PDF、JPG、PNG、DWG 或 DXF 文件"),
        ("form.pdf", truncated_pdf(), "不完整或已损坏"),
        ("scan.png", truncated_png(), "不完整或已损坏"),
        ("scan.jpg", truncated_jpeg(), "不完整或已损坏"),
        ("form.pdf", oversized_pdf(storage.MAX_BYTES + MB), "过大"),
        ("form.pdf", b"", "空文件"),
    ]
    before = _window_counts(window_files)
    for name, content, message in corpus:
        response, peak = measured(lambda name=name, content=content: intake_client.post(
            "/window/intake/?item=land_use_permit", _intake_form(**{"mf.application_form": upload(name, content)})))
        page = response.content.decode()
        assert response.status_code == 200, (name, response.status_code)
        assert message in page, (name, message)
        assert peak < PEAK_LIMIT_MB, (name, peak)
        assert _window_counts(window_files) == before, name
    # The same path takes a good scan (so the refusals above are about the files, not the form).
    good = intake_client.post("/window/intake/?item=land_use_permit",
                              _intake_form(**{"mf.application_form": upload("form.pdf", real_pdf("申请表"))}))
    assert good.status_code == 302, good.content.decode()[:2000]


def _shapefile_zip(tmp_path: Path) -> bytes:
    source = tmp_path / "site.geojson"
    source.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": SITE}]}))
    folder = tmp_path / "shp"
    folder.mkdir()
    subprocess.run(["ogr2ogr", "-f", "ESRI Shapefile", "-t_srs", "EPSG:4547", str(folder / "site.shp"),
                    str(source)], check=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in folder.iterdir():
            archive.write(part, part.name)
    return buffer.getvalue()


@time_machine.travel(NOW, tick=False)
def test_the_window_refuses_bad_site_files_and_coordinates_and_stores_nothing(intake_client, window_files, tmp_path):
    from plandesk.window import sites

    good_zip = _shapefile_zip(tmp_path)
    corpus = [
        ("site.zip", zip_bomb(), "解压后过大"),
        ("site.zip", good_zip[: len(good_zip) // 2], "压缩包已损坏"),
        ("site.dxf", garbage_dxf(), "文件中没有找到面"),
        ("site.geojson", huge_geojson_bytes(), "用地文件过大"),
        ("site.geojson", b'{"type": "Polygon", "coordinates": [[[114.28, 30.59], [114.29', "不是有效的 GeoJSON"),
        ("site.geojson", b"\xff\xfe<html>", "不是有效的 GeoJSON"),
        ("site.pdf", real_pdf(), "用地文件须为"),
    ]
    assert len(huge_geojson_bytes()) > sites.MAX_SITE_FILE
    before = _window_counts(window_files)
    for name, content, message in corpus:
        response, peak = measured(lambda name=name, content=content: intake_client.post(
            "/window/intake/?item=land_use_permit", _intake_form(site_geojson="", site_file=upload(name, content))))
        assert response.status_code == 200, (name, response.status_code)
        assert message in response.content.decode(), (name, message)
        assert peak < PEAK_LIMIT_MB, (name, peak)
        assert _window_counts(window_files) == before, name
    # A GeoJSON of 50,000 vertices (under the size cap) is refused by the vertex cap; so is a coordinate list of 10⁵
    # points; garbage coordinates name their line.
    angles = [2 * math.pi * i / 1e5 for i in range(100_000)]
    ring = [f"{527333 + 200 * math.cos(a):.2f},{3386108 + 200 * math.sin(a):.2f}" for a in angles]
    for changes, message in (
        ({"site_file": upload("dense.geojson", huge_geojson_bytes(50_000))}, "点数过多"),
        ({"site_coords": "\n".join(ring)}, "点数过多"),
        ({"site_coords": "527333.1,3386108.2\n<script>alert(1)</script>\n527620.3,3386330.7"}, "第 2 行"),
    ):
        TRIED.append(next(iter(changes)))
        response, peak = measured(lambda changes=changes: intake_client.post(
            "/window/intake/?item=land_use_permit", _intake_form(site_geojson="", **changes)))
        assert message in response.content.decode(), message
        assert peak < PEAK_LIMIT_MB, (message, peak)
        assert _window_counts(window_files) == before
    # The intake API: a site of 10⁶ vertices in the JSON body (20 MB) is refused in JSON, in Chinese.
    from plandesk.accounts.models import ApiToken
    from plandesk.conftest import ApiClient

    api = ApiClient(ApiToken.issue(intake_client.session_user)[1])
    body = application(project={"name": "江滨花园", "address": "江滨路 1 号", "site": huge_polygon()})
    TRIED.append("api-site-1e6")
    response, peak = measured(lambda: api.post("/api/v1/cases", body))
    assert 400 <= response.status_code < 500, response.status_code
    assert re.search(r"[\u4e00-\u9fff]", response.json()["message"]), response.json()
    assert peak < 2 * PEAK_LIMIT_MB, peak  # the test's own 20 MB JSON and its copy in the request are the floor
    assert _window_counts(window_files) == before
    # A body that is not JSON at all (a PDF sent to the JSON API).
    TRIED.append("api-body-pdf")
    response = Client().post("/api/v1/cases", real_pdf(), content_type="application/json",
                             headers={"Authorization": f"Bearer {api.token}"})
    assert response.status_code == 400 and response.json()["message"].startswith("请求内容不是有效的 JSON")
    assert _window_counts(window_files) == before
    # The good Shapefile passes the same page.
    good = intake_client.post("/window/intake/?item=land_use_permit",
                              _intake_form(site_geojson="", site_file=upload("site.zip", good_zip)))
    assert good.status_code == 302, good.content.decode()[:2000]


# --- the GIS keeper's layer import ------------------------------------------------------------------------------------

def test_the_layer_import_page_refuses_bad_files_and_changes_no_layer(db, tmp_path):
    from plandesk.gis.models import Access, Family, Feature, Kind, Layer, LayerVersion

    Layer.objects.create(code="parcels", name="控规地块", family=Family.PLANS, kind=Kind.PARCEL, access=Access.PUBLIC)
    client = Client()
    client.force_login(make_user("gis", Role.GIS_KEEPER))
    good_zip = _shapefile_zip(tmp_path)
    corpus = [
        ("parcels.zip", zip_bomb(), "解压后过大"),
        ("parcels.zip", good_zip[: len(good_zip) // 2], "已损坏或不完整"),
        ("parcels.zip", b"PK\x03\x04" + b"\x00" * 64, "已损坏或不完整"),
        ("parcels.dxf", garbage_dxf(), "没有可导入的要素"),
        ("parcels.geojson", huge_geojson_bytes(), "点数过多"),
        ("parcels.geojson", b'{"type": "FeatureCollection", "features": [{"type": "Feat', "无法读取"),
        ("parcels.gpkg", html_as_pdf(), "无法读取"),
    ]

    def counts():
        return LayerVersion.objects.count(), Feature.objects.count()

    before = counts()
    for name, content, message in corpus:
        response, peak = measured(lambda name=name, content=content: _text(client.post(
            "/gis/layers/import/", {"layer": "parcels", "file": upload(name, content), "srs": "EPSG:4490",
                             "mode": LayerVersion.Mode.REPLACE})))
        assert "导入被拒绝，图层未改变" in response and message in response, (name, message, _said(response))
        # GDAL's GeoJSON reader holds the whole document as a tree, ~20 times the file (476 MB for the 23 MB file
        # of 10⁶ vertices): bounded by the file, not by what it declares. A page for staff of the GIS keeper only.
        assert peak < 4 * PEAK_LIMIT_MB + 25 * len(content) / MB, (name, peak)
        assert counts() == before, name


# --- the administrator's BPMN upload ----------------------------------------------------------------------------------

def test_the_bpmn_upload_refuses_entities_bombs_garbage_and_oversize(administrator):
    from plandesk.workflow.models import ProcessDefinition

    client = Client()
    client.force_login(administrator)
    corpus = [
        ("xxe.bpmn", xxe_bpmn(), None),
        ("laughs.bpmn", billion_laughs_bpmn(), None),
        ("garbage.bpmn", b"\x00\xff%PDF-1.7 not xml at all", "不是 UTF-8 编码的文本"),
        ("truncated.bpmn", (BPMN_HEAD + '<process id="p" isExecutable="true"><startEv').encode(), "XML 格式错误"),
        ("big.bpmn", b"<definitions>" + b" " * (3 * MB) + b"</definitions>", "文件过大"),
    ]
    before = ProcessDefinition.objects.count()
    for name, content, message in corpus:
        response, peak = measured(lambda name=name, content=content: client.post(
            "/admin/workflow/processdefinition/upload/", {"file": upload(name, content), "note": ""}))
        page = response.content.decode()
        assert response.status_code == 200, (name, response.status_code)
        assert "root:" not in page, name  # /etc/passwd never read into the page
        assert "文件未保存，问题如下" in page, name
        if message:
            assert message in page, (name, message, _said(page))
        assert peak < PEAK_LIMIT_MB, (name, peak)  # 10⁹ "ha" expanded would need gigabytes
        assert ProcessDefinition.objects.count() == before, name
    # And the parser itself leaves the external entity unresolved.
    _parsed, problems = check_process(xxe_bpmn())
    assert "root:" not in " ".join(problems)


# --- publicity: staff documents and the public's opinion attachment ---------------------------------------------------

def test_publicity_refuses_bad_documents_and_attachments_and_stores_nothing(db, settings, tmp_path, travel):  # noqa: F811
    from plandesk.publicity.models import Document, Opinion
    from plandesk.publicity.rules import attachment_max_bytes, document_max_bytes

    settings.MEDIA_ROOT = tmp_path / "media"
    publicity = scheduled()
    travel(date(2026, 12, 7))
    assert publicity.start()
    staff = Client()
    staff.force_login(make_user("member1", Role.HANDLER))
    public = Client(REMOTE_ADDR="10.9.9.9")
    corpus = [
        ("plan.pdf", html_as_pdf(), "内容与扩展名不符"),
        ("plan.pdf", truncated_pdf(), "已损坏"),
        ("photo.png", truncated_png(), "已损坏"),
        ("photo.jpg", real_png(), "内容与扩展名不符"),
        ("plan.html", b"<html></html>", "不支持的文件类型"),
    ]

    def counts():
        return Document.objects.count(), Opinion.objects.count(), _files_under(tmp_path / "media")

    before = counts()
    for name, content, message in [*corpus, ("plan.pdf", oversized_pdf(document_max_bytes() + MB), "文件过大")]:
        response, peak = measured(lambda name=name, content=content: staff.post(
            f"/publicity/staff/{publicity.pk}/documents/", {"title": "总平面图", "file": upload(name, content)}))
        assert response.status_code == 400 and message in response.content.decode(), (name, message)
        assert peak < PEAK_LIMIT_MB, (name, peak)
        assert counts() == before, name
    for name, content, message in [*corpus, ("photo.pdf", oversized_pdf(attachment_max_bytes() + MB), "文件过大")]:
        page = public.get(publicity.get_absolute_url())
        token = page.context["form"]["token"].value()
        data = {"name": "李四", "contact": "lisi@example.com", "content": "建议保留河边的老樟树。", "token": token,
                "answer": answer(question_on(page)), "website": "", "attachment": upload(name, content)}
        response, peak = measured(lambda data=data: public.post(f"/publicity/{publicity.pk}/opinion/", data))
        assert response.status_code == 400 and message in response.content.decode(), (name, message)
        assert peak < PEAK_LIMIT_MB, (name, peak)
        assert counts() == before, name
