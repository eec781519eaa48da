"""`{% load publicity %}{% publicity_summary case %}`: the opinion summary of a case's publicity, for the case
workspace and the meeting agenda (renders nothing when the case has had no publicity)."""

from django import template

from plandesk.publicity.services import summary_for_case

register = template.Library()


@register.inclusion_tag("publicity/_case_summary.html")
def publicity_summary(case, public_only: bool = False):
    summaries = summary_for_case(case) if case is not None else []
    if public_only:
        summaries = [s for s in summaries if s.published]
    return {"summaries": summaries}
