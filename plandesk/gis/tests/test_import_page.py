"""The GIS keeper's import as a new keeper meets it: the mapping previewed before anything is written, a file whose
fields map to nothing refused, the rest of a file imported on request with the refused rows in the report, counts
on the catalogue that agree with the OGC API, and words rather than codes on the gis pages."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from plandesk.accounts.models import Role
from plandesk.conftest import make_user
from plandesk.gis.importer import ImportRefused, import_layer
from plandesk.gis.models import LayerVersion, Parcel
from plandesk.gis.tests.conftest import polygon_feature, square, write_geojson
from plandesk.gis.tests.test_map import streamed

pytestmark = pytest.mark.django_db

BOWTIE = [[114.31, 30.61], [114.311, 30.611], [114.311, 30.61], [114.31, 30.611], [114.31, 30.61]]


@pytest.fixture
def keeper(client, settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"  # staged uploads land here
    client.force_login(make_user("keeper", Role.GIS_KEEPER))
    return client


def _file(tmp_path, features, name="p.geojson"):
    path = write_geojson(tmp_path / name, features)
    return SimpleUploadedFile(name, path.read_bytes())


def test_it_previews_the_fields_and_first_rows_before_importing(keeper, layers, tmp_path, settings):
    features = [polygon_feature(square(114.30 + i * 0.002, 30.60), DKBH=f"K-{i}", YDXZ="R2", BZ="备注")
                for i in range(7)]
    page = keeper.post("/gis/layers/import/", {"layer": "parcels", "mode": "replace", "action": "preview",
                                               "fields": "DKBH=code\nYDXZ=land_use",
                                               "file": _file(tmp_path, features)})
    html = page.content.decode()
    assert page.status_code == 200 and 'id="import-preview"' in html
    assert "共 7 条记录" in html and "3 个字段中 2 个对应到图层字段" in html
    fields = re.search(r'id="preview-fields">(.*?)</table>', html, re.S).group(1)
    assert "编号（code）" in fields and "用地性质代码（land_use）" in fields and "其他属性" in fields
    rows = re.search(r'id="preview-rows">(.*?)</table>', html, re.S).group(1)
    assert rows.count("<tr>") == 1 + 5 and "K-4" in rows and "K-5" not in rows and "BZ=备注" in rows
    assert Parcel.objects.count() == 0 and LayerVersion.objects.count() == 0  # nothing written by a preview
    # The import after the preview uses the file kept on the server: no second upload.
    staged = re.search(r'name="staged" value="([0-9a-f]{32})"', html).group(1)
    other = Client()
    other.force_login(make_user("keeper2", Role.GIS_KEEPER))
    taken = other.post("/gis/layers/import/", {"layer": "parcels", "mode": "replace", "staged": staged})
    assert taken.status_code == 400 and "预览的文件已过期" in taken.content.decode()  # staged files are per keeper
    text = streamed(keeper.post("/gis/layers/import/", {"layer": "parcels", "mode": "replace", "action": "import",
                                                        "fields": "DKBH=code\nYDXZ=land_use", "staged": staged}))
    assert "第 1 版已生效" in text and Parcel.objects.filter(code="K-6", land_use="R2").exists()
    assert not any((settings.DATA_DIR / "gis" / "staged").rglob("*.geojson"))


def test_the_preview_warns_of_and_the_import_refuses_fields_that_map_to_nothing(keeper, layers, tmp_path):
    features = [polygon_feature(square(114.30, 30.60), DKBH="K-1", FOO="x")]
    html = keeper.post("/gis/layers/import/", {"layer": "parcels", "mode": "replace", "action": "preview",
                                               "file": _file(tmp_path, features)}).content.decode()
    assert 'id="preview-refused"' in html and "2 个字段中 0 个对应到图层字段" in html
    with pytest.raises(ImportRefused, match=r"DKBH、FOO.*没有一个对应到图层的字段"):
        import_layer(tmp_path / "p.geojson", layers["parcels"])
    assert Parcel.objects.count() == 0 and LayerVersion.objects.count() == 0


def test_it_imports_the_rest_of_a_file_when_asked_and_lists_the_refused_rows(keeper, layers, tmp_path):
    features = [polygon_feature(square(114.30 + i * 0.002, 30.60), code=f"K-{i}") for i in range(4)]
    features.insert(2, polygon_feature(BOWTIE, code="BAD"))  # record 3 cannot be repaired safely
    path = write_geojson(tmp_path / "p.geojson", features)
    with pytest.raises(ImportRefused, match="跳过无效记录"):
        import_layer(path, layers["parcels"])  # the default stays all or nothing
    assert Parcel.objects.count() == 0
    text = streamed(keeper.post("/gis/layers/import/", {"layer": "parcels", "mode": "replace", "action": "import",
                                                        "skip_invalid": "on", "file": _file(tmp_path, features)}))
    assert "读取 5，导入 4" in text and "拒绝 1" in text
    assert re.search(r'id="refused-rows">[^<]*3<', text)
    version = layers["parcels"].current_version
    assert version.report["refused_rows"] == [3] and version.feature_count == 4
    assert sorted(Parcel.objects.values_list("code", flat=True)) == ["K-0", "K-1", "K-2", "K-3"]


def test_the_command_skips_invalid_records_when_told(layers, tmp_path, capsys):
    features = [polygon_feature(square(114.30, 30.60), code="K-0"), polygon_feature(BOWTIE, code="BAD")]
    path = write_geojson(tmp_path / "p.geojson", features)
    call_command("import-layer", str(path), "--layer", "parcels", "--skip-invalid")
    out = capsys.readouterr().out
    assert "导入 1" in out and "被拒绝的记录（第几条）：2" in out


def test_the_catalogue_counts_what_the_ogc_api_serves(keeper, layers, tmp_path):
    first = [polygon_feature(square(114.30, 30.60), code="A")]
    second = [polygon_feature(square(114.302, 30.60), code="B")]
    import_layer(write_geojson(tmp_path / "a.geojson", first), layers["parcels"])
    import_layer(write_geojson(tmp_path / "b.geojson", second), layers["parcels"], mode=LayerVersion.Mode.APPEND)
    served = keeper.get("/ogcapi/collections/parcels/items", {"limit": 100}).json()
    html = keeper.get("/gis/layers/").content.decode()
    row = re.search(r'data-layer="parcels">.*?</tr>', html, re.S).group(0)
    assert f"现行 {len(served['features'])} 个要素" in row and len(served["features"]) == 2
    assert "本版载入 1 个要素" in row


CODES = ("road-red-lines", "regulatory-parcels", "telecom", ">R2<", "far_max", "land_use")


def test_gis_pages_show_words_not_codes(keeper, client, tmp_path):
    import io

    from plandesk.gis import demo

    demo.load(io.StringIO())
    pages = [keeper.get("/gis/layers/").content.decode(),
             keeper.get("/gis/map/", {"q": "JA0101"}).content.decode().split("<aside", 1)[1]]
    for html in pages:
        visible = re.sub(r"<[^>]+>", " ", re.sub(r"<script.*?</script>", "", html, flags=re.S))
        for code in CODES:
            assert code.strip("<>") not in visible.split(), code
            assert code not in visible or code.startswith(">"), code
    search = pages[1]
    assert re.search(r"<dt>用地性质</dt><dd>[^<]+用地（[A-Z]\d*）</dd>", search) and "<dt>容积率上限</dt>" in search


def test_the_map_popups_get_words_for_coded_values(keeper, filled):
    html = keeper.get("/gis/map/").content.decode()
    assert "通信" in html and "二类居住用地（R2）" in html  # in the layers' config, for the popups


def test_a_preview_left_without_its_import_is_cleared_a_day_later(keeper, layers, tmp_path, settings):
    import os

    features = [polygon_feature(square(114.30, 30.60), DKBH="K-1")]
    for _ in range(2):
        keeper.post("/gis/layers/import/", {"layer": "parcels", "mode": "replace", "action": "preview",
                                            "fields": "DKBH=code", "file": _file(tmp_path, features)})
    folders = list((settings.DATA_DIR / "gis" / "staged").glob("*/*"))
    assert len(folders) == 2
    os.utime(folders[0], (0, 0))  # a day and more ago
    keeper.post("/gis/layers/import/", {"layer": "parcels", "mode": "replace", "action": "preview",
                                        "fields": "DKBH=code", "file": _file(tmp_path, features)})
    left = list((settings.DATA_DIR / "gis" / "staged").glob("*/*"))
    assert len(left) == 2 and folders[0] not in left
