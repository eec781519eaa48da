"""`{% load owed_materials %}{% case_owed case %}`: the case's 容缺 materials, their due points and lights, for the
staff's case workspace (renders nothing for a case that owed none)."""

from django import template

from plandesk.window.materials import deferred, light

register = template.Library()


@register.inclusion_tag("window/_case_owed.html")
def case_owed(case):
    rows = deferred(case) if case is not None else []
    return {"case": case, "rows": [{"row": r, "light": light(r)} for r in rows]}
