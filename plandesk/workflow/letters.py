"""The extension letter (延长审批期限告知书) the applicant receives when the head approves an extension."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from plandesk.cases.models import CaseExtension
from plandesk.core import pdf


def extension_letter_pdf(extension: CaseExtension) -> bytes:
    case = extension.case
    items = "、".join(v.name for v in case.item_versions.all())

    def day(moment) -> str:
        return timezone.localtime(moment).strftime("%Y年%m月%d日") if moment else ""

    story = [
        pdf.para(settings.PLANDESK_BUREAU_NAME, "subtitle"),
        pdf.para("延长审批期限告知书", "title"),
        pdf.para(f"{case.applicant_name}："),
        pdf.spacer(2),
        pdf.para(f"你（单位）申请的 {items}（案件编号 {case.number}，项目：{case.project_name}），"
                 f"因{extension.reason}，在承诺时限内不能作出决定。根据《中华人民共和国行政许可法》第四十二条，经本机关负责人批准，"
                 f"审批期限延长 {extension.days} 个工作日，承诺办结日期由 {day(extension.due_before)} 调整为 "
                 f"{day(extension.due_after)}。"),
        pdf.spacer(),
        pdf.field_table([
            ("案件编号", case.number),
            ("项目名称", case.project_name),
            ("申请事项", items),
            ("延长期限", f"{extension.days} 个工作日"),
            ("原承诺办结日期", day(extension.due_before)),
            ("调整后承诺办结日期", day(extension.due_after)),
        ]),
        pdf.spacer(8),
        pdf.para(settings.PLANDESK_BUREAU_NAME, "right"),
        pdf.para(day(extension.decided_at), "right"),
    ]
    return pdf.render(story, title=f"延长审批期限告知书 {case.number}", subject=case.number, keywords="延期")
