"""The window's documents as PDFs: filing receipt (立案回执), refusal to accept (不予受理通知书), one-time complete
notice (一次性告知书). Chinese with the embedded font of `plandesk.core.pdf`."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from plandesk.cases.models import Case
from plandesk.core import contact, pdf
from plandesk.window.intake import MaterialState
from plandesk.window.models import DeferredMaterial, RefusalNotice, SupplementNotice
from plandesk.workflow.clock import supplement_lapse


def query_url() -> str:
    return contact.site_url(reverse("window:public_query"))


def query_phone() -> str:
    return contact.phone("query")


def _items(case: Case) -> str:
    return "、".join(v.name for v in case.item_versions.order_by("item__code"))


def _applicant(case: Case) -> str:
    code = case.applicant_credit_code or case.applicant_id_number
    return f"{case.applicant_name}（{code}）" if code else case.applicant_name


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y年%m月%d日 %H:%M")


def _date(value) -> str:
    return value.strftime("%Y年%m月%d日") if value else "—"


def _materials(case: Case, states: tuple[str, ...]) -> str:
    # The owed rows say what is still owed today (a reprint after a material was supplied says so).
    owed = {r.code: r for r in DeferredMaterial.objects.filter(case=case)}
    lines = []
    for m in case.materials or []:
        if m.get("state") not in states:
            continue
        line = f"{m['name']}（{'原件' if m.get('original') else '复印件'} {m.get('copies', 1)} 份）"
        row = owed.get(m["code"])
        if row is not None and row.supplied_at is not None:
            line += f"：容缺受理，已于 {timezone.localtime(row.supplied_at):%Y年%m月%d日} 补交"
        elif row is not None:
            line += f"：容缺受理，请于{row.due_display}补交" + ("（缺少时不予发证）" if row.before_issue else "")
        elif m.get("state") == MaterialState.DEFERRED:
            line += f"：容缺受理，请于 {m.get('due_date') or '发证'} 前补交"
        elif m.get("state") == MaterialState.COMMITTED:
            line += "：已签署告知承诺书"
        lines.append(line)
    return "\n".join(f"{i}. {line}" for i, line in enumerate(lines, start=1)) or "—"


def receipt_pdf(case: Case, password: str) -> bytes:
    """立案回执: what the applicant takes home to follow the case."""
    story = [
        pdf.para(settings.PLANDESK_BUREAU_NAME, "subtitle"),
        pdf.para("立案回执", "title"),
        pdf.field_table([
            ("案件编号", case.number),
            ("查询密码", password),
            ("申请事项", _items(case)),
            ("申请人", _applicant(case)),
            ("联系人及电话", f"{case.applicant_contact} {case.applicant_phone}".strip()),
            ("项目名称", case.project_name),
            ("项目地址", case.project_address),
            ("承办单位", case.handling_office.name),
            ("受理时间", _local(case.received_at)),
            ("承诺时限", f"{case.promised_days} 个工作日"
                         + (f"，批准延期 {case.extension_days} 个工作日" if case.extension_days else "")),
            ("预取件日期", f"{_date(case.expected_pickup_date)}（{case.expected_pickup_date or '—'}）"),
        ]),
        pdf.para("已收材料", "heading"),
        pdf.para(_materials(case, (MaterialState.RECEIVED,))),
    ]
    pending = _materials(case, (MaterialState.DEFERRED, MaterialState.COMMITTED))
    if pending != "—":
        story += [pdf.para("容缺及告知承诺材料", "heading"), pdf.para(pending)]
    story += [
        pdf.para("进度查询", "heading"),
        pdf.para(f"凭案件编号和查询密码在本局门户网站查询办理进度：{query_url()}\n"
                 f"或拨打查询电话 {query_phone()}，按语音提示输入案件编号和查询密码。\n"
                 "查询密码仅在本回执上出现一次，请妥善保管；遗失可凭身份证件到接件窗口重新打印（原密码随即作废）。"),
        pdf.spacer(2),
        pdf.qr_code(query_url()),
        pdf.para("扫码进入案件查询", "small"),
        pdf.spacer(4),
        pdf.para(f"{settings.PLANDESK_BUREAU_NAME}接件窗口　{_local(timezone.now())}", "right"),
    ]
    return pdf.render(story, title=f"立案回执 {case.number}", subject="立案回执", keywords=case.number,
                      one_page=True)


def refusal_pdf(notice: RefusalNotice) -> bytes:
    """不予受理通知书: of a registered case, or of an application refused before registration (no case number)."""
    case = notice.case
    items = "、".join(notice.items) or (_items(case) if case else "")
    applicant = notice.applicant_name or (case.applicant_name if case else "")
    project = notice.project_name or (case.project_name if case else "")
    code = notice.applicant_code or ((case.applicant_credit_code or case.applicant_id_number) if case else "")
    handed_in = notice.issued_at if case is None else case.received_at
    reference = f"登记编号 {case.number}" if case else "未予登记立案"
    rows = [("通知书编号", notice.number or "—"), ("申请人", f"{applicant}（{code}）" if code else applicant),
            ("申请事项", items), ("项目名称", project)]
    if notice.project_address or case:
        rows.append(("项目地址", notice.project_address or case.project_address))
    if case:
        rows.append(("案件编号", case.number))
    rows.append(("收到的材料", "、".join(notice.materials) or "无"))
    story = [
        pdf.para(settings.PLANDESK_BUREAU_NAME, "subtitle"),
        pdf.para("不予受理通知书", "title"),
        pdf.para(notice.number or "", "subtitle"),
        pdf.para(f"{applicant}：", "body"),
        pdf.para(f"你（单位）于 {_local(handed_in)} 提出的“{items}”申请（项目：{project}，{reference}），"
                 f"经审查，根据《中华人民共和国行政许可法》第三十二条第一款的规定，决定不予受理。"),
        pdf.spacer(2),
        pdf.field_table(rows),
        pdf.para("不予受理的理由", "heading"),
        pdf.para(notice.reason),
        pdf.spacer(2),
        pdf.para(("申请材料已当场退还。" if case is None else "")
                 + "如不服本决定，可以自收到本通知书之日起六十日内依法申请行政复议，或者在六个月内依法提起行政诉讼。"),
        pdf.spacer(6),
        pdf.para(f"{settings.PLANDESK_BUREAU_NAME}\n{_date(timezone.localdate(notice.issued_at))}", "right"),
    ]
    key = notice.number or (case.number if case else "")
    return pdf.render(story, title=f"不予受理通知书 {key}", subject="不予受理通知书", keywords=key)


def supplement_pdf(notice: SupplementNotice) -> bytes:
    """一次性告知书: everything to supplement, at once."""
    case = notice.case
    lines = "\n".join(f"{i}. {line}" for i, line in enumerate(notice.missing_lines, start=1))
    story = [
        pdf.para(settings.PLANDESK_BUREAU_NAME, "subtitle"),
        pdf.para("补正材料一次性告知书", "title"),
        pdf.field_table([
            ("告知书编号", notice.number),
            ("案件编号", case.number),
            ("申请事项", _items(case)),
            ("申请人", _applicant(case)),
            ("项目名称", case.project_name),
            ("告知时间", _local(notice.issued_at)),
            ("补正期限", _date(notice.pause.ends_on) if notice.pause.ends_on else "—"),
        ]),
        pdf.para("须补正的材料和事项", "heading"),
        pdf.para(lines or "—"),
        pdf.spacer(2),
        pdf.para("以上为须补正的全部内容。请备齐后到接件窗口一次提交；补正期间办理时限暂停计时，"
                 "补正材料收齐之日起恢复计时。"
                 + (f"请于 {_date(notice.pause.ends_on)} 前补正；逾期未补正的，"
                    f"{'视为撤回申请' if supplement_lapse() == 'withdrawn' else '不予受理'}。"
                    if notice.pause.ends_on else "")),
        pdf.spacer(6),
        pdf.para(f"{settings.PLANDESK_BUREAU_NAME}\n{_date(timezone.localdate(notice.issued_at))}", "right"),
    ]
    return pdf.render(story, title=f"一次性告知书 {notice.number}", subject="一次性告知书", keywords=case.number)
