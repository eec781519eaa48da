"""The filing receipt is one sheet (its QR code and the window's signature line stayed behind on page 2 of a long
one, issue 22) and prints the bureau's public address and query phone from their settings (core/contact.py), never
the development server's address or a number of its own. Parsed back with pypdf."""

from __future__ import annotations

import io

from pypdf import PdfReader

from plandesk.catalog.models import Item
from plandesk.window import pdf, services
from plandesk.window.tests.conftest import application

PHONES = [["咨询电话", "0571-8888 0001"], ["案件查询电话", "0571-8888 0002"], ["预约电话", "0571-8888 0003"]]


def _everything(*codes: str) -> dict:
    """Several items at once, each with the catalogue's example form and every material it lists: a long receipt."""
    forms, materials = {}, {}
    for code in codes:
        version = Item.objects.get(code=code).current
        forms[code] = version.form_schema["examples"][0]
        materials.update({m.code: {"code": m.code, "provided": True} for m in version.materials.all()})
    return {"items": list(codes), "forms": forms, "materials": list(materials.values())}


def test_a_long_receipt_is_one_page_with_its_qr_code_signature_address_and_phone(bureau, settings):
    settings.PLANDESK_SITE_URL = "https://ghj.example.gov.cn/"
    settings.PLANDESK_BUREAU_CONTACT = {"address": "某路 1 号", "hours": "工作日", "phones": PHONES}
    long_name = "江城国际商务中心及配套商业、住宅、幼儿园、社区服务中心、地下停车库和人防工程一期项目" * 2
    filed = services.intake(application(
        **_everything("site_selection", "design_scheme_review"), idempotency_key="long-receipt",
        project={"name": long_name[:200], "address": "江滨路 1 号至 99 号（江滨路以东、人民大道以南、黄河路以西）",
                 "site": application()["project"]["site"]}), actor=bureau["intake"])
    reader = PdfReader(io.BytesIO(pdf.receipt_pdf(filed.case, "12345678")))
    assert len(reader.pages) == 1
    first = "".join(reader.pages[0].extract_text().split())
    for words in ("立案回执", filed.case.number, "扫码进入案件查询", "接件窗口", "https://ghj.example.gov.cn/window/query/",
                  "0571-88880002"):
        assert words in first, words
    assert "127.0.0.1" not in first and "12345，" not in first and "查询电话12345" not in first


def test_the_query_page_gives_the_same_query_phone_as_the_receipt(bureau, client, settings):
    settings.PLANDESK_BUREAU_CONTACT = {"address": "某路 1 号", "hours": "工作日", "phones": PHONES}
    html = client.get("/window/query/").content.decode()
    assert "0571-8888 0002" in html and "12345" not in html
