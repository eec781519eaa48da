"""The minutes (会议纪要) as a PDF: number, time and place, chair and recorder, attendance, each case on the agenda
with the meeting's decision and collective opinion, the sign-off, and any later corrections."""

from __future__ import annotations

from django.utils import timezone

from plandesk.core import pdf
from plandesk.meetings.models import Meeting, Presence
from plandesk.meetings.services import agenda


def _names(meeting: Meeting, presence: str) -> str:
    rows = meeting.attendance.filter(presence=presence).select_related("user").order_by("user__username")
    return "、".join(a.user.display_name for a in rows) or "无"


def render_minutes(meeting: Meeting) -> bytes:
    held = timezone.localtime(meeting.held_at)
    story = [pdf.para(f"{meeting.title}纪要", "title")]
    if meeting.is_signed:
        story.append(pdf.para(meeting.minutes_number, "subtitle"))
    else:
        story.append(pdf.para("（草稿，未签发）", "subtitle"))
    story.append(pdf.field_table([
        ("会议时间", f"{held:%Y-%m-%d %H:%M}"),
        ("地点", meeting.place),
        ("主持人", meeting.chair.display_name),
        ("记录人", meeting.recorder.display_name if meeting.recorder_id else ""),
        ("出席", _names(meeting, Presence.PRESENT)),
        ("请假", _names(meeting, Presence.LEAVE)),
        ("缺席", _names(meeting, Presence.ABSENT)),
        ("法定人数", f"应到 {meeting.expected_count()} 人，实到 {meeting.present_count()} 人；"
                    f"{meeting.get_quorum_rule_display()}"),
    ]))
    story.append(pdf.para("审议事项", "heading"))
    rows = agenda(meeting)
    if not rows:
        story.append(pdf.para("本次会议无议题。"))
    for index, row in enumerate(rows, start=1):
        item, case = row.item, row.case
        items = "、".join(v.name for v in case.item_versions.all())
        story.append(pdf.para(f"{index}. 案件编号 {case.number} · {case.project_name}", "heading"))
        decision = item.get_decision_display() if item.is_decided else "未审议"
        fields = [("申请事项", items), ("申请人", case.applicant_name), ("会议决定", decision)]
        if item.conditions:
            fields.append(("附加条件", item.conditions))
        fields.append(("集体意见", item.opinion))
        story.append(pdf.field_table(fields))
    story.append(pdf.spacer(6))
    if meeting.is_signed:
        signed = timezone.localtime(meeting.signed_at)
        story.append(pdf.para(f"签发：{meeting.chair.display_name}    {signed:%Y-%m-%d %H:%M}", "right"))
    corrections = list(meeting.corrections.select_related("item__case", "created_by"))
    if corrections:
        story.append(pdf.para("更正记录", "heading"))
        for c in corrections:
            about = f"（案件 {c.item.case.number}）" if c.item_id else ""
            story.append(pdf.para(f"更正{c.seq}{about}：{c.text} —— {c.created_by.display_name} "
                                  f"{timezone.localtime(c.created_at):%Y-%m-%d %H:%M}"))
    return pdf.render(story, title=f"{meeting.title}纪要 {meeting.minutes_number}".strip(),
                      subject="会议纪要", keywords=" ".join(r.case.number for r in rows))
