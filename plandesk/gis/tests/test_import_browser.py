"""The GIS keeper's journey in a real browser: from the sign-in page by links only to the catalogue, the import page,
the mapping preview, the import, and the catalogue again with the new version's count."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.conf import settings

from plandesk.accounts.models import Role
from plandesk.conftest import PASSWORD, make_user
from plandesk.gis.models import Parcel
from plandesk.gis.tests.conftest import polygon_feature, square

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(settings.PROJECT_DIR) / "var" / "screenshots"


def test_the_gis_keeper_previews_the_mapping_then_imports(live_server, page, layers, settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    make_user("keeper", Role.GIS_KEEPER)
    features = [polygon_feature(square(114.30 + i * 0.002, 30.60), DKBH=f"K-{i}", YDXZ="R2", RJL=2.5)
                for i in range(8)]
    upload = tmp_path / "控规地块.geojson"
    upload.write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False))

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill("keeper")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.locator("nav summary", has_text="基础数据").click()  # the shell's menu of maps and reference data
    page.get_by_role("link", name="图层目录").first.click()
    page.get_by_role("link", name="导入图层数据").click()

    page.get_by_label("图层", exact=True).select_option("parcels")
    page.get_by_label("文件", exact=True).set_input_files(str(upload))
    page.get_by_label("字段映射").fill("DKBH=code")
    page.get_by_role("button", name="预览字段映射").click()
    preview = page.locator("#import-preview")
    assert "共 8 条记录" in preview.inner_text() and "3 个字段中 1 个对应到图层字段" in preview.inner_text()
    # The keeper sees YDXZ and RJL go nowhere, adds them to the mapping and previews again without re-choosing.
    page.get_by_label("字段映射").fill("DKBH=code\nYDXZ=land_use\nRJL=far_max")
    page.get_by_role("button", name="预览字段映射").click()
    assert "3 个字段中 3 个对应到图层字段" in preview.inner_text()
    assert "容积率上限（far_max）" in page.locator("#preview-fields").inner_text()
    assert page.locator("#preview-rows tbody tr").count() == 5
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "gis-import-preview.png"), full_page=True)
    assert Parcel.objects.count() == 0

    page.get_by_role("button", name="导入").click()
    page.wait_for_selector("text=第 1 版已生效")
    assert "读取 8，导入 8" in page.content()
    page.screenshot(path=str(SHOTS / "gis-import-done.png"), full_page=True)
    assert Parcel.objects.filter(land_use="R2", far_max=2.5).count() == 8
    page.get_by_role("link", name="图层目录").last.click()
    assert "现行 8 个要素" in page.locator('td[data-layer="parcels"]').inner_text()
