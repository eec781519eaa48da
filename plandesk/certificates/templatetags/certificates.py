"""`{% load certificates %}{% case_certificates case %}`: the case's certificates and the way to prepare them (for the
case workspace; renders nothing for a case with none and no certificate step open)."""

from django import template

from plandesk.certificates.drafting import owed_message, preview
from plandesk.certificates.models import Status
from plandesk.certificates.services import may_check, may_prepare, open_check_task, open_prepare_task
from plandesk.certificates.types import CHECK_STEPS, PREPARE_STEPS
from plandesk.window.models import Pickup

register = template.Library()


@register.inclusion_tag("certificates/_case_block.html")
def case_certificates(case):
    if case is None:
        return {"case": None}
    certs = list(case.certificates.select_related("type").order_by("pk"))
    step = open_prepare_task(case)
    return {"case": case, "certs": certs, "step": step, "owed": owed_message(case, step or open_check_task(case))}



@register.inclusion_tag("certificates/_step_lead.html", takes_context=True)
def certificate_step(context, case, task):
    """What a certificate step asks first, on the case workspace above the step's opinion form (issue 22: the
    制作、校核证照 link sat far down the page, and the checker had to build the URL of the document checked):
    the 制证 step's preparing action and its drafts; the 证件校核 step's documents with a preview of each PDF."""
    if case is None or task is None or task.step_id not in PREPARE_STEPS + CHECK_STEPS:
        return {"show": False}
    user = context["request"].user
    pending = list(case.certificates.pending().select_related("type").order_by("pk"))
    return {"show": True, "case": case, "task": task, "checking": task.step_id in CHECK_STEPS,
            "drafts": pending, "may_prepare": task.step_id in PREPARE_STEPS and may_prepare(user, case),
            "to_check": [c for c in pending if c.status == Status.DRAFT and may_check(user, c)],
            "preview": preview(case) if task.step_id in CHECK_STEPS else []}


@register.inclusion_tag("certificates/_pickup_documents.html")
def pickup_documents(case):
    """The output window's 领取文件: one box per kind of document the case has issued, ticked, with the numbers
    it hands over (issue 22: 批复文件 was ticked when the case had none, and no number was shown)."""
    issued = list(case.certificates.filter(status=Status.ISSUED).select_related("type").order_by("pk"))
    kinds: dict[str, list] = {}
    for cert in issued:
        kinds.setdefault(cert.pickup_document, []).append(cert)
    labels = dict(Pickup.Document.choices)
    return {"documents": [{"value": value, "label": labels.get(value, value), "certs": certs}
                          for value, certs in kinds.items()],
            "others": [(value, label) for value, label in Pickup.Document.choices if value not in kinds]}
