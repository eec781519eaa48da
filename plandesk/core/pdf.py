"""Chinese PDFs with an embedded font: the shared parts of receipts, cards, notices, minutes and certificates.

ReportLab's built-in CID fonts are not embedded (empty boxes on machines without a CJK font), so a TrueType font is
registered and subsetted into every document (NOTES.md: wqy-zenhei, about 70 ms a page).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from django.conf import settings
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Image, KeepInFrame, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "PlandeskCJK"
DEFAULT_FONT_FILE = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"


def register_font() -> str:
    """Register the CJK font once per process; return its name."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        path = getattr(settings, "PLANDESK_CJK_FONT", DEFAULT_FONT_FILE)
        pdfmetrics.registerFont(TTFont(FONT, path, subfontIndex=0))
    return FONT


def styles() -> dict[str, ParagraphStyle]:
    font = register_font()
    base = ParagraphStyle("body", fontName=font, fontSize=11, leading=17, wordWrap="CJK")
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=9, leading=13),
        "title": ParagraphStyle("title", parent=base, fontSize=20, leading=28, alignment=TA_CENTER, spaceAfter=4 * mm),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=12, alignment=TA_CENTER, spaceAfter=4 * mm),
        "heading": ParagraphStyle("heading", parent=base, fontSize=13, leading=19, spaceBefore=3 * mm,
                                  spaceAfter=2 * mm),
        "right": ParagraphStyle("right", parent=base, alignment=2),
    }


def para(text: str, style: str = "body") -> Paragraph:
    """A paragraph of plain text (escaped: whatever an applicant typed cannot inject markup)."""
    from xml.sax.saxutils import escape

    return Paragraph(escape(str(text)).replace("\n", "<br/>"), styles()[style])


def field_table(rows: Iterable[tuple[str, str]], widths: Sequence[float] = (40 * mm, 130 * mm)) -> Table:
    """A two-column table of labels and values with grid lines, as on the bureau's forms."""
    data = [[para(label), para(value if value not in (None, "") else "—")] for label, value in rows]
    table = Table(data, colWidths=list(widths))
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f0f0f0")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    return table


def qr_code(data: str, size: float = 30 * mm) -> Image:
    import qrcode

    image = qrcode.make(data, border=1)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    return Image(buffer, width=size, height=size)


def spacer(height_mm: float = 4) -> Spacer:
    return Spacer(1, height_mm * mm)


def render(story: list[Flowable], *, title: str, subject: str = "", keywords: str = "",
           one_page: bool = False) -> bytes:
    """Lay out the story on A4 with page numbers; return the PDF's bytes.

    `one_page`: a document that is one sheet by nature (a certificate, a receipt, a card) is never split: when its
    story is taller than the page it is scaled down as a whole, so the seal, the date, the signature line and the
    QR code stay on the sheet with the text they certify (issue 22: they spilled onto a second page)."""
    font = register_font()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm, bottomMargin=20 * mm,
        title=title, author=settings.PLANDESK_BUREAU_NAME, subject=subject, keywords=keywords, creator="plandesk",
    )
    if one_page:
        # The frame pads 6 points on each side; a little slack more keeps rounding from pushing it over.
        story = [KeepInFrame(doc.width - 12, doc.height - 14, story, mode="shrink")]

    def footer(canvas, document):
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.drawCentredString(A4[0] / 2, 10 * mm, f"{settings.PLANDESK_BUREAU_NAME} · 第 {document.page} 页")
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def extract_text(data: bytes) -> str:
    """The text of a PDF, as a reader (or a test) gets it back."""
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
