"""The certificate as a PDF in the national layout (title, number, body table, authority, seal, date, QR code),
carrying its signed payload as an embedded file (`certificate.json`) so that anyone can check it offline."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Image, Table, TableStyle

from plandesk.certificates import signing
from plandesk.certificates.models import Certificate, Kind
from plandesk.core import pdf as core_pdf

ATTACHMENT = "certificate.json"
ALGORITHM = "Ed25519"


class DrawnSeal(Flowable):
    """A red round seal drawn when no seal image is configured (the real seal is an image: settings or office)."""

    def __init__(self, text: str, size: float = 40 * mm):
        super().__init__()
        self.text, self.width, self.height = text, size, size

    def draw(self) -> None:
        c = self.canv
        r = self.width / 2
        c.saveState()
        c.setStrokeColor(colors.red)
        c.setFillColor(colors.red)
        c.setLineWidth(2)
        c.circle(r, r, r - 2, stroke=1, fill=0)
        c.setFont(core_pdf.register_font(), 9)
        c.drawCentredString(r, r + 2, self.text[:12])
        c.setFont(core_pdf.register_font(), 14)
        c.drawCentredString(r, r - 16, "★")
        c.restoreState()


def _seal(cert: Certificate) -> Flowable:
    path = cert.office.seal_image or getattr(settings, "PLANDESK_CERTIFICATE_SEAL", "")
    if path and Path(path).is_file():
        return Image(str(path), width=40 * mm, height=40 * mm)
    return DrawnSeal(cert.office.authority)


def _rows(cert: Certificate) -> list[tuple[str, str]]:
    c = cert.payload or cert.content
    kind = cert.type.kind
    if kind == Kind.REFUSAL:
        return [("申请人", c.get("holder", "")), ("项目名称", c.get("project", "")),
                ("建设位置", c.get("location", "")), ("申请事项", "、".join(c.get("items", []))),
                ("案件编号", c.get("case_number", cert.case.number)),
                ("不予许可的理由", c.get("reasons", "")), ("申请人的权利", c.get("remedies", ""))]
    rows = [("用地单位" if cert.type.code == "land_use_permit" else "建设单位（个人）", c.get("holder", "")),
            ("项目名称", c.get("project", "")), ("建设位置", c.get("location", ""))]
    if kind == Kind.APPROVAL_LETTER:
        rows.append(("批复事项", "、".join(c.get("items", []))))
    if c.get("land_area_m2"):
        rows.append(("用地面积", f"{c['land_area_m2']} 平方米"))
    if c.get("building_area_m2"):
        rows.append(("建设规模", f"{c['building_area_m2']} 平方米"))
    for label, value in c.get("indicators", []):
        rows.append((label, value))
    rows.append(("规划条件及要求", c.get("conditions", "") or "按审定的附图及规划条件执行"))
    rows.append(("附图及附件", "、".join(c.get("attachments", [])) or "无"))
    rows.append(("案件编号", c.get("case_number", cert.case.number)))
    if c.get("replaces"):
        rows.append(("补证说明", f"本证替换原证 {c['replaces']}，原证作废"))
    return rows


def render(cert: Certificate) -> bytes:
    """The PDF of an issued certificate (or a marked preview of a draft)."""
    from plandesk.certificates.services import verify_url

    issued = bool(cert.number and cert.signature)
    story = [core_pdf.para("中华人民共和国", "subtitle"), core_pdf.para(cert.type.name, "title")]
    story.append(core_pdf.para(cert.number if issued else "（样稿，未签发，无效）", "subtitle"))
    if cert.type.preamble:
        story += [core_pdf.para(cert.type.preamble), core_pdf.spacer(3)]
    story.append(core_pdf.field_table(_rows(cert)))
    if cert.type.notes:
        story += [core_pdf.spacer(3), core_pdf.para("遵守事项", "heading"), core_pdf.para(cert.type.notes, "small")]
    story.append(core_pdf.spacer(6))
    issued_on = cert.issued_on.strftime("%Y年%m月%d日") if cert.issued_on else "年　月　日"
    right = [core_pdf.para(f"发证机关：{cert.office.authority}", "right"), _seal(cert),
             core_pdf.para(f"日期：{issued_on}", "right")]
    if issued:
        left = [core_pdf.qr_code(verify_url(cert), 32 * mm), core_pdf.para("扫码核验真伪", "small"),
                core_pdf.para(f"签名密钥 {cert.key_id}", "small")]
    else:
        left = [core_pdf.para("未签发", "small")]
    footer = Table([[left, right]], colWidths=[60 * mm, 110 * mm])
    footer.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("ALIGN", (1, 0), (1, 0), "RIGHT")]))
    story.append(footer)
    data = core_pdf.render(story, title=f"{cert.type.name} {cert.number or ''}".strip(), subject=cert.type.name,
                           keywords=cert.number or "")
    return embed(data, cert) if issued else data


def signed_document(cert: Certificate) -> dict:
    return {"algorithm": ALGORITHM, "key_id": cert.key_id, "payload": cert.payload, "signature": cert.signature,
            "public_key": signing.public_pem(), "verify_url": None}


def embed(data: bytes, cert: Certificate) -> bytes:
    """Attach the signed payload to the PDF and note the number and signature in its metadata."""
    from pypdf import PdfWriter

    from plandesk.certificates.services import verify_url

    document = signed_document(cert)
    document["verify_url"] = verify_url(cert)
    writer = PdfWriter(clone_from=io.BytesIO(data))
    writer.add_attachment(ATTACHMENT, json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8"))
    writer.add_metadata({"/PlandeskNumber": cert.number, "/PlandeskSignature": cert.signature,
                         "/PlandeskKeyId": cert.key_id})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@dataclass
class FileCheck:
    ok: bool
    message: str
    payload: dict | None = None
    signature_ok: bool = False
    number_in_text: bool = False


def read_signed(data: bytes) -> dict | None:
    """The embedded signed document of a PDF, or None."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        attachments = reader.attachments
    except (PdfReadError, ValueError, KeyError, TypeError, OSError):
        return None
    blobs = attachments.get(ATTACHMENT) or []
    if not blobs:
        return None
    try:
        document = json.loads(blobs[0].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return document if isinstance(document, dict) else None


def check_file(data: bytes, public_key=None) -> FileCheck:
    """Check a certificate PDF offline: its embedded payload must carry a valid signature under the published key,
    and its printed text must show the signed number."""
    document = read_signed(data)
    if document is None:
        return FileCheck(False, "文件中没有找到证照签名数据：不是本系统签发的电子证照，或文件已损坏")
    payload = document.get("payload")
    signature = document.get("signature", "")
    if not isinstance(payload, dict):
        return FileCheck(False, "签名数据格式错误")
    signature_ok = signing.verify(payload, signature, public_key)
    number = str(payload.get("number") or "")
    try:
        text = core_pdf.extract_text(data)
    except Exception:  # an unreadable page is reported, not raised
        text = ""
    in_text = bool(number) and number in text.replace(" ", "").replace("\n", "")
    if not signature_ok:
        return FileCheck(False, "签名校验失败：证照数据已被篡改，或并非由所公布的密钥签发", payload, False, in_text)
    if not in_text:
        return FileCheck(False, "签名有效，但页面上印的证号与签名数据不一致：页面可能被篡改", payload, True, False)
    return FileCheck(True, f"签名有效：{payload.get('type_name', '')} {number}，持证人 {payload.get('holder', '')}",
                     payload, True, True)
