"""The certificate as a PDF in the national layout (title, number, body table, authority, seal, date, QR code),
carrying its signed payload as an embedded file (`certificate.json`) so that anyone can check it offline."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Image, Paragraph, Table, TableStyle

from plandesk.certificates import signing
from plandesk.certificates.models import Certificate, CommitmentCheck, Kind
from plandesk.certificates.services import verify_url
from plandesk.core import pdf as core_pdf
from plandesk.workdays.calendar import bureau_tz

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


class RedRule(Flowable):
    """The red separator line under the issuing authority's mark (版头分隔线, GB/T 9704)."""

    def __init__(self, width: float = 170 * mm, thickness: float = 1.2):
        super().__init__()
        self.width, self.height, self.thickness = width, 3 * mm, thickness

    def draw(self) -> None:
        self.canv.saveState()
        self.canv.setStrokeColor(RED)
        self.canv.setLineWidth(self.thickness)
        self.canv.line(0, self.height / 2, self.width, self.height / 2)
        self.canv.restoreState()


RED = colors.Color(0.85, 0, 0)


def _style(name: str, **changes) -> ParagraphStyle:
    return ParagraphStyle(name, parent=core_pdf.styles()["body"], **changes)


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    from xml.sax.saxutils import escape

    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _cn_date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "　　年　　月　　日"


def decision_body(cert: Certificate) -> tuple[str, list[str]]:
    """(title, body paragraphs) of a decision document: the approval letter (批复) or the refusal decision
    (不予行政许可决定书), written from the signed payload (or the draft's content)."""
    c = cert.payload or cert.content
    items = "、".join(c.get("items", [])) or cert.type.name
    project = c.get("project", "")
    case_number = c.get("case_number", cert.case.number)
    received = cert.case.received_at
    received_on = _cn_date(received.astimezone(timezone_for()).date()) if received else ""
    if cert.type.kind == Kind.REFUSAL:
        title = cert.type.name
        body = [f"你（单位）于{received_on}提出的{project}{items}申请（案件编号 {case_number}），本机关依法受理并进行了"
                f"审查。",
                f"经审查，{c.get('reasons', '') or '申请不符合法定条件'}。",
                "根据《中华人民共和国行政许可法》第三十八条第二款的规定，本机关决定不予行政许可。",
                c.get("remedies", "")]
        return title, [b for b in body if b]
    title = f"关于{project}{items}的批复"
    body = [f"你（单位）于{received_on}报来的{project}{items}申请（案件编号 {case_number}）收悉。经审查，现批复如下："]
    n = 0
    numerals = "一二三四五六七八九十"

    def point(text: str) -> None:
        nonlocal n
        body.append(f"{numerals[n] if n < len(numerals) else n + 1}、{text}")
        n += 1

    point(f"同意{project}{items}。建设位置：{c.get('location', '')}。")
    areas = []
    if c.get("land_area_m2"):
        areas.append(f"用地面积 {c['land_area_m2']} 平方米")
    if c.get("building_area_m2"):
        areas.append(f"建设规模 {c['building_area_m2']} 平方米")
    indicators = areas + [f"{label} {value}" for label, value in c.get("indicators", [])]
    if indicators:
        point("主要规划指标：" + "；".join(indicators) + "。")
    point("规划条件及要求：" + (c.get("conditions", "") or "按审定的附图及规划条件执行") + "。")
    attachments = "、".join(c.get("attachments", [])) or "图件"
    point(f"本批复所附{attachments}与本批复具有同等效力；未经本机关同意，不得擅自变更。")
    if c.get("replaces"):
        point(f"本文件替换原文件 {c['replaces']}，原文件作废。")
    body.append("此复。")
    return title, body


def timezone_for():
    return bureau_tz()


def render_decision(cert: Certificate, issued: bool) -> list[Flowable]:
    """A decision document in the national style for official documents (GB/T 9704): the issuing authority's
    mark in red, the document number (发文字号) under it, the red separator line, the title, the addressee
    (主送), the body, then the authority and the date under the seal; the QR code and key at the foot."""

    c = cert.payload or cert.content
    font = core_pdf.register_font()
    mark = _style("mark", fontName=font, fontSize=26, leading=34, alignment=TA_CENTER, textColor=RED,
                  spaceAfter=5 * mm)
    number = _style("docno", fontSize=12, alignment=TA_CENTER, spaceAfter=1 * mm)
    title = _style("doctitle", fontSize=18, leading=28, alignment=TA_CENTER, spaceBefore=5 * mm, spaceAfter=5 * mm)
    body = _style("docbody", fontSize=12, leading=22, firstLineIndent=24)
    addressee = _style("addressee", fontSize=12, leading=22)
    signed = _style("signature", fontSize=12, leading=22, alignment=TA_CENTER)
    heading, paragraphs = decision_body(cert)
    story: list[Flowable] = [
        _p(cert.office.authority, mark),
        _p(cert.number if issued else "（样稿，未签发，无效）", number),
        RedRule(),
        _p(heading, title),
        _p(f"{c.get('holder', '')}：", addressee),
    ]
    story += [_p(text, body) for text in paragraphs]
    story.append(core_pdf.spacer(8))
    issued_on = _cn_date(cert.issued_on)
    seal = _seal(cert)
    signature = Table([[[_p(cert.office.authority, signed), _p(issued_on, signed)]]], colWidths=[80 * mm],
                      rowHeights=[42 * mm])
    signature.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    sealed = Table([[seal]], colWidths=[80 * mm], rowHeights=[42 * mm])
    sealed.setStyle(TableStyle([("ALIGN", (0, 0), (-1, -1), "CENTER"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    if issued:
        left = [core_pdf.qr_code(verify_url(cert), 28 * mm), core_pdf.para("扫码核验真伪", "small"),
                # printed too: typed on the verification page, it shows holder and project (issue 27)
                core_pdf.para(f"校验码：{signing.check_code(cert.signature)}", "small"),
                core_pdf.para(f"签名密钥 {cert.key_id}", "small")]
    else:
        left = [core_pdf.para("未签发", "small")]
    # The seal is stamped over the authority and the date (压字盖印): both drawn at one place on the page.
    foot = Table([[left, _Overlay(signature, sealed)]], colWidths=[90 * mm, 80 * mm])
    foot.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "BOTTOM")]))
    story.append(foot)
    return story


class _Overlay(Flowable):
    """Two flowables drawn at the same place, the second on top (the seal over the signature)."""

    def __init__(self, under: Flowable, over: Flowable):
        super().__init__()
        self.under, self.over = under, over

    def wrap(self, available_width, available_height):
        self.sizes = [self.under.wrap(available_width, available_height),
                      self.over.wrap(available_width, available_height)]
        self.width = max(w for w, _h in self.sizes)
        self.height = max(h for _w, h in self.sizes)
        return self.width, self.height

    def draw(self) -> None:
        for part, (_w, h) in zip((self.under, self.over), self.sizes, strict=True):
            part.drawOn(self.canv, 0, self.height - h)


def render(cert: Certificate) -> bytes:
    """The PDF of an issued certificate or decision document (or a marked preview of a draft)."""

    issued = bool(cert.number and cert.signature)
    if cert.type.kind in (Kind.APPROVAL_LETTER, Kind.REFUSAL):
        data = core_pdf.render(render_decision(cert, issued),
                               title=f"{cert.type.name} {cert.number or ''}".strip(), subject=cert.type.name,
                               keywords=cert.number or "")
        return embed(data, cert) if issued else data
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
                # printed too: typed on the verification page, it shows holder and project (issue 27)
                core_pdf.para(f"校验码：{signing.check_code(cert.signature)}", "small"),
                core_pdf.para(f"签名密钥 {cert.key_id}", "small")]
    else:
        left = [core_pdf.para("未签发", "small")]
    footer = Table([[left, right]], colWidths=[60 * mm, 110 * mm])
    footer.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("ALIGN", (1, 0), (1, 0), "RIGHT")]))
    story.append(footer)
    # a licence is one sheet: its seal, authority, date and QR code never spill onto a second page (issue 22)
    data = core_pdf.render(story, title=f"{cert.type.name} {cert.number or ''}".strip(), subject=cert.type.name,
                           keywords=cert.number or "", one_page=True)
    return embed(data, cert) if issued else data


def signed_document(cert: Certificate) -> dict:
    return {"algorithm": ALGORITHM, "key_id": cert.key_id, "payload": cert.payload, "signature": cert.signature,
            "public_key": signing.public_pem(), "verify_url": None}


def embed(data: bytes, cert: Certificate) -> bytes:
    """Attach the signed payload to the PDF and note the number and signature in its metadata."""
    from pypdf import PdfWriter


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


def revocation_pdf(check: CommitmentCheck, certificates: list[Certificate]) -> bytes:
    """撤销行政许可决定书 (GB/T 9704 style like the other decisions): the authority's mark, the decision's number,
    the red line, the addressee, the facts (the commitment found false), the legal basis (行政许可法第六十九条第二款),
    the licences revoked by number, the remedies, the authority and the date under the seal."""
    case = check.case
    first = certificates[0] if certificates else check.certificate
    font = core_pdf.register_font()
    mark = _style("mark", fontName=font, fontSize=26, leading=34, alignment=TA_CENTER, textColor=RED,
                  spaceAfter=5 * mm)
    number = _style("docno", fontSize=12, alignment=TA_CENTER, spaceAfter=1 * mm)
    title = _style("doctitle", fontSize=18, leading=28, alignment=TA_CENTER, spaceBefore=5 * mm, spaceAfter=5 * mm)
    body = _style("docbody", fontSize=12, leading=22, firstLineIndent=24)
    addressee = _style("addressee", fontSize=12, leading=22)
    signed = _style("signature", fontSize=12, leading=22, alignment=TA_CENTER)
    numbers = "、".join(f"{c.type.name}（{c.number}）" for c in certificates) or "相关行政许可"
    decided_on = timezone.localtime(check.checked_at).date() if check.checked_at else None
    paragraphs = [
        f"你单位（人）于{_cn_date(timezone.localtime(case.received_at).date())}申请的“{case.project_name}”"
        f"（案件编号 {case.number}），以告知承诺方式承诺已具备“{check.material_name}”，本机关据此核发了{numbers}。",
        f"经事后核查，你单位（人）的承诺与事实不符：{check.finding}",
        "根据《中华人民共和国行政许可法》第六十九条第二款“被许可人以欺骗、贿赂等不正当手段取得行政许可的，"
        "应当予以撤销”的规定，本机关决定：撤销上述行政许可，原证照自本决定送达之日起作废。",
        f"如不服本决定，可以自收到本决定书之日起六十日内向{settings.PLANDESK_REVIEW_AUTHORITY}申请行政复议，"
        f"或者在六个月内向{settings.PLANDESK_COURT}提起行政诉讼。",
    ]
    story: list[Flowable] = [
        _p(first.office.authority, mark),
        _p(check.decision_number or "", number),
        RedRule(),
        _p("撤销行政许可决定书", title),
        _p(f"{case.applicant_name}：", addressee),
        *[_p(text, body) for text in paragraphs],
        core_pdf.spacer(8),
    ]
    signature = Table([[[_p(first.office.authority, signed), _p(_cn_date(decided_on), signed)]]],
                      colWidths=[80 * mm], rowHeights=[42 * mm])
    signature.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    sealed = Table([[_seal(first)]], colWidths=[80 * mm], rowHeights=[42 * mm])
    sealed.setStyle(TableStyle([("ALIGN", (0, 0), (-1, -1), "CENTER"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    foot = Table([[[], _Overlay(signature, sealed)]], colWidths=[90 * mm, 80 * mm])
    story.append(foot)
    return core_pdf.render(story, title=f"撤销行政许可决定书 {check.decision_number}", subject="撤销行政许可决定书",
                           keywords=check.decision_number or "")
