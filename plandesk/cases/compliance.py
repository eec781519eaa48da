"""The case's site compliance checks: run `gis.compliance.check` on a case's site and form, keep what it returned.

`gis` computes without knowing what a case is; this module stores its answer on the case (`ComplianceCheck`, one
numbered row per run, with who, when and the layer versions read), adds the site's shares of the handling offices'
jurisdictions (from the catalogue's delegation rules), renders the report PDF and drafts the handler's opinion.
The window calls `run_after_intake` once a case is registered; staff re-run it from the case workspace or the API.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Max

from plandesk.audit.services import record
from plandesk.cases.models import Case, ComplianceCheck
from plandesk.catalog.services import NoHandlingOffice, candidates
from plandesk.core import pdf
from plandesk.core.pdf import register_font
from plandesk.gis import compliance as gis_compliance
from plandesk.gis.geometry import transformed
from plandesk.gis.models import Access, Layer
from plandesk.notifications.services import notify

log = logging.getLogger(__name__)

# A site counts as split between jurisdictions when another office holds at least this share of it.
DEFAULT_SPLIT_SHARE = 0.05


class ComplianceError(Exception):
    """The check cannot run on this case; the message is for people (zh-Hans)."""


def split_share() -> float:
    return float(getattr(settings, "PLANDESK_SPLIT_JURISDICTION_SHARE", DEFAULT_SPLIT_SHARE))


def jurisdiction_shares(case: Case) -> list[dict]:
    """The offices whose delegation rules (for the case's items) cover part of the site, largest share first."""

    try:
        found = candidates(list(case.item_versions.all()), case.site)
    except NoHandlingOffice:
        return []
    return [{"unit": c.unit.code, "name": c.unit.name, "share": round(c.share, 4)} for c in found]


def is_split(shares: list[dict]) -> bool:
    return len(shares) > 1 and shares[1]["share"] >= split_share()


def run(case: Case, *, actor=None, trigger: str = ComplianceCheck.Trigger.MANUAL) -> ComplianceCheck:
    """Check the case's site against the layers in force and store the result as the case's next check."""
    if case.site is None or case.site.empty:
        raise ComplianceError("案卷没有用地范围，无法进行用地合规性审查")
    proposal = gis_compliance.Proposal.from_forms(case.forms)
    result = gis_compliance.check(case.site, proposal, with_geometry=True)
    shares = jurisdiction_shares(case)
    data = result.to_dict()
    data["proposal"] = {k: v for k, v in vars(proposal).items() if v is not None}
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).first()  # numbers handed out one at a time per case
        last = case.compliance_checks.aggregate(last=Max("number"))["last"] or 0
        check = ComplianceCheck.objects.create(
            case=case, number=last + 1, computed_by=actor if getattr(actor, "is_authenticated", False) else None,
            trigger=trigger, verdict=result.verdict, site_area_m2=result.site_area_m2,
            layer_versions=result.layer_versions, result=data, jurisdiction=shares, split_jurisdiction=is_split(shares))
        record("case.compliance_checked", check, after={
            "case": case.number, "number": check.number, "verdict": check.verdict, "trigger": trigger,
            "layer_versions": check.layer_versions, "conflicts": len(result.conflicts),
            "split_jurisdiction": check.split_jurisdiction,
        }, summary=f"{case.number} 第 {check.number} 次用地合规性审查：{check.get_verdict_display()}", actor=actor)
        if check.split_jurisdiction and trigger == ComplianceCheck.Trigger.INTAKE:
            _tell_clerk_of_split(case, check, actor)
    return check


def _tell_clerk_of_split(case: Case, check: ComplianceCheck, clerk) -> None:
    """The intake clerk learns at once that the site lies in several jurisdictions, with the shares, so that he
    confirms the handling office the largest share chose (or has it transferred)."""
    from django.urls import NoReverseMatch, reverse


    if not getattr(clerk, "is_authenticated", False):
        return
    shares = "、".join(f"{j['name']} {j['share']:.0%}" for j in check.jurisdiction)
    try:
        url = reverse("window:case", args=[case.number])
    except NoReverseMatch:
        url = ""
    notify(kind="case.split_jurisdiction", subject=f"案件 {case.number} 用地跨越多个辖区，请确认受理机关",
           body=f"“{case.project_name}”用地分属：{shares}。已按占比最大者交{case.handling_office.name}承办，"
                f"如需改由其他机关承办，请按规定转办。", recipient=clerk, url=url, obj=case,
           dedupe_key=f"case.split_jurisdiction:{case.pk}")


def run_after_intake(case: Case, *, actor=None) -> ComplianceCheck | None:
    """The automatic check once a case is registered. It never stops an intake: a failure is logged and the
    case is left for a handler to re-run (its own savepoint keeps the intake's transaction intact)."""
    if case.site is None or case.site.empty:
        return None
    try:
        with transaction.atomic():
            return run(case, actor=actor, trigger=ComplianceCheck.Trigger.INTAKE)
    except Exception:  # the check is advisory: the intake must go on
        log.exception("compliance check after intake failed for case %s", case.number)
        return None


def latest(case: Case) -> ComplianceCheck | None:
    return case.compliance_checks.order_by("-number").first()


# --- reading it back -----------------------------------------------------------------------------------------------

RESTRICTED_FEATURE = "（受限图层要素）"


def visible_layer_codes(user) -> set[str]:
    """The layers whose features `user` may read; None is the case file's own copy (the PDF), which any reader of
    the case may see: every layer but the restricted ones."""

    if user is None:
        return set(Layer.objects.exclude(access=Access.RESTRICTED).values_list("code", flat=True))
    return set(Layer.objects.visible_to(user).values_list("code", flat=True))


def conflicts_for(check: ComplianceCheck, user) -> list[dict]:
    """The conflicts as `user` may read them: a feature of a layer he may not see keeps its kind and measure (the
    finding matters to the case) but not its name or shape."""
    visible = visible_layer_codes(user)
    rows = []
    for conflict in check.result.get("conflicts", []):
        row = dict(conflict)
        row["name"] = gis_compliance.CONFLICT_NAMES.get(row["kind"], row["kind"])
        if row["layer"] not in visible:
            row.update(feature=RESTRICTED_FEATURE, geometry=None, note="")
        rows.append(row)
    return rows


def as_api(check: ComplianceCheck, user) -> dict:
    """The contract's shape (shared/API.md, GET /api/v1/cases/{case_number}/compliance)."""
    result = check.result
    return {
        "computed_at": check.computed_at,
        "parcels": [{"code": p["code"], "land_use": p["land_use"], "overlap_area_m2": p["overlap_area_m2"],
                     "share": p["share"]} for p in result.get("parcels", [])],
        "checks": [{"indicator": c["indicator"], "limit": c["limit"], "proposed": c["proposed"],
                    "result": c["result"]} for c in result.get("checks", [])],
        "conflicts": [{"kind": c["kind"], "layer": c["layer"], "feature": c["feature"], "measure": c["measure"]}
                      for c in conflicts_for(check, user)],
    }


def checks_for_display(check: ComplianceCheck) -> list[dict]:
    return [{**c, "name": gis_compliance.INDICATOR_NAMES.get(c["indicator"], c["indicator"])}
            for c in check.result.get("checks", [])]


RESULT_WORDS = {"pass": "符合", "fail": "不符合", "review": "需核定"}


def _num(value) -> str:
    if value is None:
        return "—"
    return f"{value:g}" if isinstance(value, int | float) else str(value)


def suggested_opinion(check: ComplianceCheck, user=None) -> str:
    """A draft of the handler's opinion from the findings (he edits it; nothing is decided by it)."""
    result = check.result
    versions = "、".join(f"{code} 第{number}版" for code, number in sorted(check.layer_versions.items()))
    lines = [f"经用地合规性审查（第 {check.number} 次，{check.computed_at:%Y-%m-%d}，数据：{versions or '无'}），"
             f"项目用地面积 {check.site_area_m2:,.0f} 平方米。"]
    parcels = result.get("parcels", [])
    if parcels:
        lines.append("涉及控规地块：" + "；".join(
            f"{p['code'] or '—'}（{p['land_use'] or '—'}，{p['overlap_area_m2']:,.0f} 平方米，占 {p['share']:.1%}）"
            for p in parcels if not p.get("sliver")) + "。")
    else:
        lines.append("用地不在现行控规地块内。")
    for c in result.get("checks", []):
        name = gis_compliance.INDICATOR_NAMES.get(c["indicator"], c["indicator"])
        note = f"（{c['note']}）" if c.get("note") else ""
        word = RESULT_WORDS[c["result"]]
        lines.append(f"{name}：申报 {_num(c['proposed'])}，控规 {_num(c['limit'])}，{word}{note}。")
    conflicts = conflicts_for(check, user)
    for c in conflicts:
        name = gis_compliance.CONFLICT_NAMES.get(c["kind"], c["kind"])
        lines.append(f"{name}：{c['feature']}，{_num(c['measure'])} {c['unit']}。")
    if not conflicts:
        lines.append("未发现与道路红线、管线、现状建筑、重点项目及保护区的冲突。")
    lines.append(f"审查结论：{check.get_verdict_display()}。")
    return "\n".join(lines)


# --- the report (PDF) ---------------------------------------------------------------------------------------------

def report_pdf(check: ComplianceCheck) -> bytes:
    """The report of one check, rendered once and then kept on the check (the case file's copy)."""
    if check.report_pdf:
        return bytes(check.report_pdf)
    data = render_report(check)
    ComplianceCheck.objects.filter(pk=check.pk, report_pdf__isnull=True).update(report_pdf=data)
    check.report_pdf = data
    return data


MAP_COLOURS = {"site": "#c62828", "parcel": "#d4774a", "conflict": "#7b1fa2"}


def site_map(check: ComplianceCheck, width_mm: float = 170, height_mm: float = 100):
    """The site, its parcels and the conflicts drawn to scale (the bureau's CRS), clipped to a frame around the site."""
    import json as jsonlib

    from django.contrib.gis.geos import GEOSGeometry, Polygon
    from reportlab.graphics.shapes import Drawing, PolyLine, Rect, String
    from reportlab.graphics.shapes import Polygon as Shape
    from reportlab.lib import colors
    from reportlab.lib.units import mm


    site = check.case.site
    width, height = width_mm * mm, height_mm * mm
    xmin, ymin, xmax, ymax = site.extent
    span = max(xmax - xmin, (ymax - ymin) * width / height) * 1.5 or 1.0
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    frame = Polygon.from_bbox((cx - span / 2, cy - span * height / width / 2, cx + span / 2,
                               cy + span * height / width / 2))
    frame.srid = site.srid
    scale = width / span
    fx, fy = frame.extent[:2]
    drawing = Drawing(width, height)
    drawing.add(Rect(0, 0, width, height, strokeColor=colors.grey, fillColor=None, strokeWidth=0.5))

    def points(coords):
        return [v for x, y in coords for v in ((x - fx) * scale, (y - fy) * scale)]

    def draw(geom, role):
        geom = geom.intersection(frame)
        colour = colors.HexColor(MAP_COLOURS[role])
        parts = list(geom) if geom.geom_type.startswith(("Multi", "GeometryCollection")) else [geom]
        for part in parts:
            if part.geom_type == "Polygon":
                drawing.add(Shape(points(part.exterior_ring.coords), strokeColor=colour, strokeWidth=1.5
                                  if role == "site" else 0.8, fillColor=colour, fillOpacity=0.15))
            elif part.geom_type == "LineString":
                drawing.add(PolyLine(points(part.coords), strokeColor=colour, strokeWidth=1.2))

    def shape(geojson):
        geom = GEOSGeometry(jsonlib.dumps(geojson))
        geom.srid = 4326
        return transformed(geom, site.srid)

    for parcel in check.result.get("parcels", []):
        if parcel.get("geometry"):
            draw(shape(parcel["geometry"]), "parcel")
            centre = shape(parcel["geometry"]).intersection(frame).point_on_surface
            if not centre.empty:
                drawing.add(String((centre.x - fx) * scale, (centre.y - fy) * scale, parcel["code"],
                                   fontName=register_font(), fontSize=7, fillColor=colors.HexColor("#7a3b1d")))
    for conflict in conflicts_for(check, None):
        if conflict.get("geometry"):
            draw(shape(conflict["geometry"]), "conflict")
    draw(site, "site")
    ratio = round(mm * 1000 / scale, -1)  # metres of ground per metre of paper
    drawing.add(String(4, 4, f"比例尺约 1:{ratio:,.0f}", fontName=register_font(), fontSize=7))
    return drawing


def render_report(check: ComplianceCheck) -> bytes:
    from reportlab.lib.units import mm
    from reportlab.platypus import Table, TableStyle


    case = check.case
    result = check.result
    srid = result.get("srid") or settings.PLANDESK_SRID

    def grid(header: list[str], rows: list[list], widths: list[float]) -> Table:
        table = Table([[pdf.para(h, "small") for h in header]] + [[pdf.para(_num(v), "small") for v in row]
                                                                   for row in rows], colWidths=[w * mm for w in widths])
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black"), ("BACKGROUND", (0, 0), (-1, 0), "#f0f0f0"),
                                   ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
        return table

    story = [
        pdf.para("用地合规性审查报告", "title"),
        pdf.para(f"案件编号 {case.number} · 第 {check.number} 次审查", "subtitle"),
        pdf.field_table([
            ("项目名称", case.project_name), ("项目地址", case.project_address),
            ("审查时间", f"{check.computed_at:%Y-%m-%d %H:%M}"),
            ("审查人", check.computed_by.display_name if check.computed_by else check.get_trigger_display()),
            ("用地面积", f"{check.site_area_m2:,.2f} 平方米（坐标系 EPSG:{srid}）"),
            ("所用数据版本", "、".join(f"{k} 第 {v} 版" for k, v in sorted(check.layer_versions.items())) or "—"),
            ("结论", check.get_verdict_display()),
        ]),
        pdf.spacer(),
        site_map(check),
        pdf.para("红：用地范围；橙：控规地块；紫：冲突（受限图层要素不绘出）。", "small"),
        pdf.para("一、涉及的控规地块", "heading"),
        grid(["地块编号", "用地性质", "重叠面积（㎡）", "占用地比例"],
             [[p["code"], f"{p['land_use']} {p['land_use_name']}", f"{p['overlap_area_m2']:,.2f}", f"{p['share']:.2%}"]
              for p in result.get("parcels", [])] or [["—", "用地不在现行控规地块内", "", ""]], [35, 55, 40, 40]),
        pdf.para("二、规划指标核对", "heading"),
        grid(["指标", "控规限值", "申报值", "结果", "说明"],
             [[c["name"], c["limit"], c["proposed"], RESULT_WORDS[c["result"]], c.get("note", "")]
              for c in checks_for_display(check)], [30, 25, 22, 18, 75]),
        pdf.para("三、冲突", "heading"),
        grid(["类型", "图层", "要素", "量值", "说明"],
             [[gis_compliance.CONFLICT_NAMES.get(c["kind"], c["kind"]), c["layer"], c["feature"],
               f"{_num(c['measure'])} {c['unit']}", c.get("note", "")] for c in conflicts_for(check, None)]
             or [["无", "", "", "", ""]], [30, 30, 40, 25, 45]),
    ]
    if check.jurisdiction:
        story += [pdf.para("四、辖区", "heading"),
                  grid(["受理机关", "占用地比例"], [[j["name"], f"{j['share']:.2%}"] for j in check.jurisdiction],
                       [90, 40])]
        if check.split_jurisdiction:
            story.append(pdf.para("用地跨越多个辖区，受理机关须由接件窗口确认。"))
    story += [pdf.spacer(), pdf.para("审查意见（草拟）", "heading"), pdf.para(suggested_opinion(check))]
    return pdf.render(story, title=f"用地合规性审查报告 {case.number}-{check.number}", subject=case.project_name)
