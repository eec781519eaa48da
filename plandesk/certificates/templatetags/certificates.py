"""`{% load certificates %}{% case_certificates case %}`: the case's certificates and the way to prepare them (for the
case workspace; renders nothing for a case with none and no certificate step open)."""

from django import template

from plandesk.certificates.drafting import owed_message
from plandesk.certificates.services import open_check_task, open_prepare_task

register = template.Library()


@register.inclusion_tag("certificates/_case_block.html")
def case_certificates(case):
    if case is None:
        return {"case": None}
    certs = list(case.certificates.select_related("type").order_by("pk"))
    step = open_prepare_task(case)
    return {"case": case, "certs": certs, "step": step, "owed": owed_message(case, step or open_check_task(case))}

