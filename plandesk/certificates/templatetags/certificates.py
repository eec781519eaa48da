"""`{% load certificates %}{% case_certificates case %}`: the case's certificates and the way to prepare them (for the
case workspace; renders nothing for a case with none and no certificate step open)."""

from django import template

from plandesk.certificates.services import open_prepare_task

register = template.Library()


@register.inclusion_tag("certificates/_case_block.html")
def case_certificates(case):
    if case is None:
        return {"case": None}
    certs = list(case.certificates.select_related("type").order_by("pk"))
    return {"case": case, "certs": certs, "step": open_prepare_task(case)}
