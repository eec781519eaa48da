"""The appointment card (预约接待卡) as a printable PDF with the embedded CJK font."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from plandesk.appointments.models import Appointment
from plandesk.core import contact, pdf


def card_pdf(appointment: Appointment) -> bytes:
    slot = appointment.slot
    starts, ends = timezone.localtime(slot.starts_at), timezone.localtime(slot.ends_at)
    weekday = "一二三四五六日"[starts.weekday()]
    rows = [
        ("预约卡号", appointment.card_number),
        ("接待时间", f"{starts:%Y年%m月%d日} 星期{weekday} {starts:%H:%M}–{ends:%H:%M}"),
        ("接待地点", slot.place.name),
        ("咨询人员", slot.consultant_name),
        ("咨询事项", appointment.topic),
        ("预约人", appointment.name),
        ("单位", appointment.organization),
        ("手机号码", appointment.masked_phone),
        ("相关案件编号", appointment.case_number),
        ("状态", appointment.get_status_display()),
    ]
    url = contact.site_url(reverse("appointments:find"))
    story = [
        pdf.para(settings.PLANDESK_BUREAU_NAME, "subtitle"),
        pdf.para("预约接待卡", "title"),
        pdf.field_table(rows),
        pdf.spacer(6),
        pdf.para("请于预约时间前 10 分钟到办事大厅洽谈区，凭本卡签到。", "body"),
        pdf.para(f"如需取消或改期，请凭预约卡号和手机号码登录 {url} 办理，"
                 f"或拨打预约电话 {contact.phone('booking')}。", "body"),
        pdf.spacer(4),
        pdf.qr_code(url),
    ]
    return pdf.render(story, title=f"预约接待卡 {appointment.card_number}", subject="预约接待卡",
                      keywords=appointment.card_number, one_page=True)
