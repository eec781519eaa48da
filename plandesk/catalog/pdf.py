"""The blank application form of an item version as a printable PDF (embedded CJK font, see plandesk.core.pdf)."""

from __future__ import annotations

from django.conf import settings
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Table, TableStyle

from plandesk.catalog.codes import CERTIFICATE_TYPES
from plandesk.catalog.models import ItemVersion
from plandesk.catalog.schemas import FormField, form_fields
from plandesk.core import pdf

WIDTH = 170 * mm
APPLICANT_ROWS = [
    "申请单位（申请人）",
    "统一社会信用代码 / 身份证号",
    "法定代表人",
    "联系人",
    "联系电话",
    "通讯地址",
]
PROJECT_ROWS = ["项目名称", "建设地址", "用地范围", "受托人（委托办理时）"]
PLEDGE = (
    "本单位（本人）承诺：所填内容和所交材料真实、有效，与原件一致；选择容缺受理的材料将在规定期限内补交，"
    "选择告知承诺的事项将按承诺履行。如有不实，愿承担相应法律责任。"
)

_GRID = TableStyle([
    ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
    ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f0f0f0")),
    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ("TOPPADDING", (0, 0), (-1, -1), 5),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
])


def _blank_rows(labels: list[str]) -> Table:
    table = Table([[pdf.para(label), ""] for label in labels], colWidths=[70 * mm, WIDTH - 70 * mm])
    table.setStyle(_GRID)
    return table


GAP = "\u00a0" * 8  # Paragraphs collapse ordinary and ideographic spaces; no-break spaces hold a blank to write in


def _answer_space(field: FormField) -> str:
    if field.options:
        return "\u00a0\u00a0".join(f"□ {option}" for option in field.options)
    if field.hint == "date":
        return f"{GAP}年{GAP}月{GAP}日"
    return ""


def _signature_line(*parts: str) -> Table:
    """Labels followed by an underlined blank, on one line."""
    cells, widths = [], []
    for label in parts:
        cells += [pdf.para(label), ""]
        widths += [len(label) * 4.2 * mm + 6 * mm, 0]
    free = (WIDTH - sum(widths)) / len(parts)
    widths = [w if w else free for w in widths]
    table = Table([cells], colWidths=widths)
    table.setStyle(TableStyle([
        *[("LINEBELOW", (i, 0), (i, 0), 0.5, colors.black) for i in range(1, len(cells), 2)],
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
    ]))
    return table


def _form_rows(fields: list[FormField]) -> Table:
    rows = []
    for field in fields:
        label = f"{field.title}{' *' if field.required else ''}"
        rows.append([pdf.para(label), pdf.para(_answer_space(field)) if _answer_space(field) else ""])
    table = Table(rows, colWidths=[70 * mm, WIDTH - 70 * mm])
    table.setStyle(_GRID)
    return table


def _materials(version: ItemVersion) -> Table:
    header = ["序号", "材料名称", "原件/复印件", "份数", "提交要求", "已交"]
    rows = [[pdf.para(h, "small") for h in header]]
    for index, material in enumerate(version.materials_list, start=1):
        name = material.name + (f"（{material.note}）" if material.note else "")
        rows.append([
            pdf.para(str(index), "small"),
            pdf.para(name, "small"),
            pdf.para("原件" if material.original else "复印件", "small"),
            pdf.para(str(material.copies), "small"),
            pdf.para(material.get_requirement_display(), "small"),
            pdf.para("□", "small"),
        ])
    table = Table(rows, colWidths=[12 * mm, 82 * mm, 22 * mm, 12 * mm, 28 * mm, 14 * mm], repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f0f0f0")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))
    return table


def blank_form_pdf(version: ItemVersion) -> bytes:
    """The item's application form, blank, with its materials checklist and the applicant's pledge."""
    fields = form_fields(version.form_schema)
    title = version.form_schema.get("title") or f"{version.name}申请表"
    certificate = CERTIFICATE_TYPES.get(version.certificate_type, "")
    story = [
        pdf.para(title, "title"),
        pdf.para(f"{settings.PLANDESK_BUREAU_NAME} · 审批事项：{version.name}", "subtitle"),
        pdf.para(
            f"事项编码 {version.item.code} · 第 {version.number} 版 · 法定时限 {version.statutory_days} 个工作日 · "
            f"承诺时限 {version.promised_days} 个工作日" + (f" · 办理结果：{certificate}" if certificate else ""),
            "small",
        ),
        pdf.spacer(3),
        pdf.para("一、申请人信息", "heading"),
        _blank_rows(APPLICANT_ROWS),
        pdf.para("二、项目信息", "heading"),
        _blank_rows(PROJECT_ROWS),
        pdf.para("用地范围请附 1:500 或 1:1000 地形图标示的红线图，或提交坐标文件。", "small"),
    ]
    if fields:
        story += [
            pdf.para("三、申请事项信息（标 * 者为必填）", "heading"),
            _form_rows(fields),
        ]
    story += [
        pdf.para("四、申请材料清单", "heading"),
        _materials(version),
        pdf.para("容缺受理：主要材料齐全、次要材料欠缺的，可先行受理，在约定期限内补交；"
                 "告知承诺：签署承诺书即视为提交，事后核查。", "small"),
        KeepTogether([
            pdf.para("五、申请人承诺", "heading"),
            pdf.para(PLEDGE),
            pdf.spacer(6),
            _signature_line("申请人（签章）：", "日期："),
            pdf.spacer(8),
            pdf.para("以下由接件窗口填写", "small"),
            _signature_line("案件编号：", "受理人：", "受理日期："),
        ]),
    ]
    return pdf.render(story, title=title, subject=version.name, keywords=version.item.code)
