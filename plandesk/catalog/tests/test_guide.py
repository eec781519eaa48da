"""The public guide (报建须知): item list, item pages, blank forms as PDF and JSON Schema, no sign-in."""

import json
import shutil
import subprocess

import pytest
from django.urls import reverse

from plandesk.catalog import codes
from plandesk.catalog.schemas import DRAFT
from plandesk.core.nav import NavEntry
from plandesk.core.pdf import extract_text

pytestmark = pytest.mark.django_db


def test_it_lists_the_items_by_category_for_visitors(client, catalogue):
    response = client.get(reverse("catalog:index"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("行政许可") < page.index("建设用地规划许可证核发") < page.index("非行政许可审批")
    assert page.index("非行政许可审批") < page.index("乡村建设规划许可证核发")
    for item in catalogue.values():
        assert item.current.name in page


def test_an_item_page_shows_materials_limits_procedure_and_legal_basis(client, catalogue):
    page = client.get(reverse("catalog:item", args=[codes.CONSTRUCTION_PERMIT])).content.decode()
    assert "建设工程规划许可证核发" in page
    assert "经审定的建设工程设计方案总平面图" in page
    assert "可容缺受理" in page and "可告知承诺" in page
    assert "15 个工作日" in page and "20 个工作日" in page
    assert "第四十条" in page
    assert "处务会审议" in page and "批前公示" in page
    assert "容积率" in page
    assert reverse("catalog:form_pdf", args=[codes.CONSTRUCTION_PERMIT]) in page


def test_a_parallel_item_links_its_partner(client, catalogue):
    page = client.get(reverse("catalog:item", args=[codes.SITE_SELECTION])).content.decode()
    assert "规划选址与设计方案并联审批" in page
    assert reverse("catalog:item", args=[codes.DESIGN_SCHEME_REVIEW]) in page


def test_an_unknown_item_is_404(client, catalogue):
    assert client.get(reverse("catalog:item", args=["nope"])).status_code == 404
    assert client.get(reverse("catalog:form_pdf", args=["nope"])).status_code == 404


@pytest.mark.parametrize("code", [codes.LAND_USE_PERMIT, codes.RURAL_PERMIT, codes.PIPELINE_APPROVAL])
def test_the_blank_form_pdf_reads_back_with_the_item_name(client, catalogue, code):
    response = client.get(reverse("catalog:form_pdf", args=[code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content) if response.streaming else response.content
    assert data.startswith(b"%PDF")
    assert b"/FontFile2" in data  # the CJK font travels with the document
    text = extract_text(data)
    version = catalogue[code].current
    assert version.name in text
    assert "申请人承诺" in text
    assert version.materials_list[0].name[:6] in text


def test_pdftotext_reads_the_form_fields_too(client, catalogue, tmp_path):
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils not installed")
    path = tmp_path / "form.pdf"
    path.write_bytes(client.get(reverse("catalog:form_pdf", args=[codes.CONSTRUCTION_PERMIT])).content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "建设工程规划许可证核发" in text
    assert "容积率" in text and "绿地率" in text


def test_the_form_schema_downloads_as_json(client, catalogue):
    response = client.get(reverse("catalog:form_schema", args=[codes.LAND_USE_PERMIT]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/schema+json")
    schema = json.loads(response.content)
    assert schema["$schema"] == DRAFT
    assert schema == catalogue[codes.LAND_USE_PERMIT].current.form_schema


def test_the_guide_is_in_the_public_navigation(client, catalogue):
    from plandesk.catalog.nav import NAV

    entry: NavEntry = NAV[0]
    assert entry.public and entry.url() == reverse("catalog:index")
    page = client.get(reverse("catalog:index")).content.decode()
    assert f'href="{reverse("catalog:index")}"' in page


def test_the_guide_accepts_only_get(client, catalogue):
    assert client.post(reverse("catalog:index")).status_code == 405


def test_the_guide_speaks_english_on_request(client, catalogue):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("catalog:item", args=[codes.CONSTRUCTION_PERMIT])).content.decode()
    assert "Legal basis" in page and "Materials" in page and "working days" in page


def test_the_legal_basis_links_the_regulations_library(client, catalogue):
    from plandesk.handbook.models import Regulation

    law = Regulation.objects.create(
        code="urban-rural-planning-law", title="中华人民共和国城乡规划法", short_title="城乡规划法", kind="law",
        issuing_body="全国人民代表大会常务委员会", summary="城乡规划的制定、实施、修改和监督。",
    )
    page = client.get(reverse("catalog:item", args=[codes.RURAL_PERMIT])).content.decode()
    assert f'<a href="{law.get_absolute_url()}">《中华人民共和国城乡规划法》</a>第四十一条' in page
