"""The urging notice (催办通知书) as the office prints and sends it."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from plandesk.core import pdf

from .models import UrgingNotice


def notice_pdf(notice: UrgingNotice) -> bytes:
    task, case = notice.task, notice.case
    items = "、".join(v.name for v in case.item_versions.all())
    due = timezone.localtime(notice.due_at).strftime("%Y年%m月%d日 %H:%M")
    story = [
        pdf.para(settings.PLANDESK_BUREAU_NAME, "subtitle"),
        pdf.para("催办通知书", "title"),
        pdf.para(notice.number, "subtitle"),
        pdf.para(f"{notice.division.name if notice.division_id else '承办处室'}："),
        pdf.spacer(2),
        pdf.para(f"你处承办的案件 {case.number}（{case.project_name}，{items}）“{task.name}”环节，办理期限为 {due}，"
                 f"现已超期。根据公文跟踪督办制度，请于 {notice.urging_deadline:%Y年%m月%d日} 前办结，并书面报告"
                 f"延误原因和处理意见。"),
        pdf.spacer(),
        pdf.field_table([
            ("案件编号", case.number),
            ("项目名称", case.project_name),
            ("审批事项", items),
            ("办理环节", task.name),
            ("承办人", notice.handler.display_name if notice.handler_id else ""),
            ("办理期限", due),
            ("催办期限", f"{notice.urging_deadline:%Y年%m月%d日}（{notice.urging_days} 个工作日）"),
        ]),
        pdf.spacer(8),
        pdf.para(f"办公室（督办）　签发人：{notice.issued_by.display_name if notice.issued_by_id else ''}", "right"),
        pdf.para(timezone.localtime(notice.issued_at).strftime("%Y年%m月%d日"), "right"),
    ]
    return pdf.render(story, title=f"催办通知书 {notice.number}", subject=case.number, keywords="催办通知书")
