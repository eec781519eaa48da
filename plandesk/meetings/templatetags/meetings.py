"""`{% load meetings %}{% case_meetings case %}`: which meetings a case is on and what they decided (for the case
workspace; renders nothing for a case never put on an agenda)."""

from django import template

from plandesk.meetings.services import case_meetings as items_of

register = template.Library()


@register.inclusion_tag("meetings/_case_block.html")
def case_meetings(case):
    return {"items": items_of(case) if case is not None else []}
