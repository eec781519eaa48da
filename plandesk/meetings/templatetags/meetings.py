"""`{% load meetings %}{% case_meetings case %}`: which meetings a case is on and what they decided (for the case
workspace; renders nothing for a case never put on an agenda)."""

from django import template

from plandesk.meetings.models import AgendaItem, Status
from plandesk.meetings.services import case_meetings as items_of

register = template.Library()


@register.inclusion_tag("meetings/_case_block.html")
def case_meetings(case):
    return {"items": items_of(case) if case is not None else []}


@register.inclusion_tag("meetings/_step_link.html")
def meeting_step_link(case):
    """Where a case's waiting meeting step is decided (issue 22: the case said 请在会议中将本案列入议程 with no
    link): the open meeting whose agenda holds it undecided, else the meetings page to convene one."""
    item = None
    if case is not None:
        item = (AgendaItem.objects.filter(case=case, decision="", meeting__status=Status.OPEN)
                .select_related("meeting").order_by("meeting__held_at").first())
    return {"item": item, "case": case}
