"""The dashboard's tables as data: the same rows feed the page, the Excel workbook and the monthly PDF."""

from __future__ import annotations

from io import BytesIO

from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from plandesk.core import pdf

from . import stats

TABLES = {
    "figures": _("办件统计"),
    "items": _("各事项用时（工作日）"),
    "steps": _("各环节用时（工作日）"),
    "pauses": _("暂停计时（按原因）"),
    "consents": _("超时默许"),
    "urgings": _("书面催办"),
    "ratings": _("服务评价"),
    "staff_ratings": _("服务评价（按经办人员）"),
}


def tables(period: stats.Period, by: str, scope: Q | None) -> dict[str, dict]:
    """{name: {"title", "columns": [(key, label)], "rows": [dict]}} for every table of the dashboard."""
    figures = stats.table(period, by, scope)
    total = {"key": "", "name": gettext("合计"), **stats.summary(period, scope)}
    return {
        "figures": {"title": f"{TABLES['figures']}（{stats.DIMENSIONS[by]}）",
                    "columns": [("name", _("分组")), *stats.METRICS], "rows": figures, "total": total},
        "items": {"title": TABLES["items"], "columns": [("name", _("事项")), ("count", _("办结件数")),
                                                         ("avg_days", _("平均")), ("p90_days", "P90")],
                  "rows": stats.item_durations(period, scope)},
        "steps": {"title": TABLES["steps"], "columns": [("name", _("环节")), ("count", _("办结次数")),
                                                         ("avg_days", _("平均")), ("p90_days", "P90"),
                                                         ("late", _("超时"))],
                  "rows": stats.step_durations(period, scope and Q(case__handling_office__in=_units(scope)))},
        "pauses": {"title": TABLES["pauses"], "columns": [("name", _("原因")), ("count", _("次数")),
                                                           ("total_days", _("合计工作日")), ("avg_days", _("平均")),
                                                           ("p90_days", "P90")],
                   "rows": stats.pause_time(period, scope)},
        "consents": {"title": TABLES["consents"], "columns": [("name", _("办理单位")), ("count", _("次数"))],
                     "rows": stats.implied_consents(period, scope)},
        "urgings": {"title": TABLES["urgings"], "columns": [("name", _("被催办处室")), ("count", _("签发")),
                                                             ("answered", _("已书面反馈"))],
                    "rows": stats.urgings(period, scope)},
        "ratings": {"title": TABLES["ratings"], "columns": [("name", _("承办单位")), ("count", _("评价数")),
                                                             ("level_5", _("非常满意")), ("level_4", _("满意")),
                                                             ("level_3", _("基本满意")), ("level_2", _("不满意")),
                                                             ("level_1", _("非常不满意")),
                                                             ("satisfaction", _("满意率（%）"))],
                    "rows": stats.ratings(period, scope)},
        "staff_ratings": {"title": TABLES["staff_ratings"], "columns": [("name", _("人员")), ("count", _("评价数")),
                                                                         ("bad", _("差评"))],
                          "rows": stats.staff_ratings(period, scope)},
    }


def _units(scope: Q):
    return dict(scope.children)["handling_office__in"]


def workbook(data: dict[str, dict], period: stats.Period) -> bytes:
    """One sheet per table, headed by the period; numbers stay numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for name, table in data.items():
        sheet = book.create_sheet(str(TABLES[name])[:31])
        sheet.append([str(table["title"]), period.label])
        sheet["A1"].font = Font(bold=True)
        # openpyxl accepts only real str, not lazy translations
        sheet.append([str(label) for _key, label in table["columns"]])
        for row in table["rows"]:
            sheet.append([row.get(key) for key, _label in table["columns"]])
        if table.get("total"):
            sheet.append([table["total"].get(key) for key, _label in table["columns"]])
        sheet.column_dimensions["A"].width = 28
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def monthly_pdf(data: dict[str, dict], period: stats.Period) -> bytes:
    """The monthly report for the city government: the totals, then every table."""
    from reportlab.lib.units import mm


    total = data["figures"]["total"]
    story = [pdf.para("城乡规划局行政审批月度统计报告", "title"), pdf.para(f"统计期间：{period.label}"), pdf.spacer(),
             pdf.field_table([(label, str(total[key])) for key, label in stats.METRICS]), pdf.spacer()]
    for table in data.values():
        story.append(pdf.para(table["title"], "heading"))
        rows = [[label for _k, label in table["columns"]]]
        rows += [["" if row.get(key) is None else str(row.get(key)) for key, _l in table["columns"]]
                 for row in table["rows"]] or [["（无）"] + [""] * (len(table["columns"]) - 1)]
        story.append(_grid(rows, 170 * mm))
        story.append(pdf.spacer())
    story.append(pdf.para("口径：收件为期间内立案的案件；办结为期间内办结待取的案件；按时办结为不晚于承诺办结时间"
                          "（暂停计时的工作日已顺延）；超期为期间内超时办结的案件，加上期末（期末在今天之后的，以今天为准）仍未办结且已过承诺办结时间的案件。"))
    return pdf.render(story, title=f"月度统计报告 {period.start:%Y-%m}", subject="城乡规划局行政审批统计")


def _grid(rows, width):
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle


    font = pdf.register_font()
    cols = len(rows[0])
    first = width * 0.3 if cols > 1 else width
    widths = [first] + [(width - first) / (cols - 1)] * (cols - 1) if cols > 1 else [width]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 8),
                               ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke)]))
    return table
