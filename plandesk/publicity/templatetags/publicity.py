"""`{% load publicity %}{% publicity_summary case %}`: the opinion summary of a case's publicity, for the case
workspace and the meeting agenda (renders nothing when the case has had no publicity)."""

from django import template
from django.urls import reverse
from django.utils.html import format_html

from plandesk.publicity.gate import PREPARE_STEP, pre_approval
from plandesk.publicity.models import Kind, Publicity
from plandesk.publicity.services import summary_for_case

register = template.Library()


@register.inclusion_tag("publicity/_case_summary.html")
def publicity_summary(case, public_only: bool = False):
    summaries = summary_for_case(case) if case is not None else []
    if public_only:
        summaries = [s for s in summaries if s.published]
    return {"summaries": summaries}


@register.simple_tag
def publicity_step_link(task):
    """On the case workspace at the 安排批前公示 step: where the handler prepares the case's publicity (the staff desk,
    the case filled in; or its publicity when there is one)."""
    if task is None or task.step_id != PREPARE_STEP:
        return ""
    current = pre_approval(task.case_id) or Publicity.objects.filter(case_id=task.case_id,
                                                                     kind=Kind.PRE_APPROVAL).first()
    if current is not None:
        return format_html('<p class="publicity-step"><a href="{}">{}</a></p>',
                           reverse("publicity:staff_detail", args=[current.pk]), f"批前公示：{current.title}")
    return format_html('<p class="publicity-step"><a href="{}?case={}">{}</a></p>', reverse("publicity:staff_new"),
                       task.case.number, "安排本案的批前公示（公示地点、材料、期限与媒体公告）")
