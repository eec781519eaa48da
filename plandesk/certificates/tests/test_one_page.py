"""A licence is one sheet: however long its conditions, the seal, the authority, the date and the QR code are on
page 1 with the text they certify (issue 22: they spilled onto a second page). Parsed back with pypdf."""

from __future__ import annotations

import io
import os
from pathlib import Path

from pypdf import PdfReader

from plandesk.certificates import pdf, services
from plandesk.certificates.models import Certificate, Status
from plandesk.certificates.tests.conftest import finish_step, to_certificate_step

LONG_CONDITIONS = "\n".join(
    f"{n}. 建筑退让用地红线不小于 10 米，沿街建筑高度不超过 45 米，地下空间开发须与周边地块统筹，"
    f"配建公共停车泊位不少于 120 个，绿地率不低于 35%，并按规定配建社区服务用房和垃圾收集站。"
    for n in range(1, 7))


def test_a_licence_with_long_conditions_keeps_seal_authority_date_and_qr_on_its_one_page(bureau):
    case = to_certificate_step(bureau)
    [draft] = services.prepare(case, bureau["handler1"])
    services.edit(draft, bureau["handler1"], {
        "conditions": LONG_CONDITIONS,
        "indicators": "\n".join(f"指标{n}：{n * 10} 米" for n in range(1, 9)),
        "attachments": "用地范围图\n审定的总平面图\n规划条件通知书\n土地出让合同",
    })
    services.check(draft, bureau["head1"])
    finish_step(bureau, case)
    cert = Certificate.objects.get(pk=draft.pk)
    assert cert.status == Status.ISSUED
    data = pdf.render(cert)
    if os.environ.get("PLANDESK_KEEP_PDF"):  # to look at it: the file named by the variable
        Path(os.environ["PLANDESK_KEEP_PDF"]).write_bytes(data)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    first = reader.pages[0].extract_text()
    for words in ("发证机关", cert.office.authority, "日期", "规划条件及要求", "6."):
        assert words in first, words
    assert "扫码核验真伪" in first and "校验码" in first and cert.number in first
