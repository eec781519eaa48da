"""The issuance register (发证登记): which issued certificate left the output window, to whom."""

from __future__ import annotations

from django.db import transaction

from plandesk.audit.services import record
from plandesk.certificates.errors import CertificateError, _conflict, _forbidden
from plandesk.certificates.models import (
    Certificate,
    Handover,
    Status,
)
from plandesk.certificates.rules import is_output_clerk
from plandesk.window.identity import clean_collector

# --- the issuance register --------------------------------------------------------------------------------------

def hand_over(cert: Certificate, *, clerk, collector_name: str, collector_id_number: str, on_behalf_of: str = ""
              ) -> Handover:
    """Record that an issued certificate left the output window (on its own, not in a pick-up)."""
    if not is_output_clerk(clerk):
        raise _forbidden("只有出件窗口可以登记发证")
    name, id_number, fields = clean_collector(collector_name, collector_id_number)
    if fields:
        raise CertificateError(400, "invalid", "发证登记有误：" + "；".join(f["message"] for f in fields),
                               fields=fields)
    return _register(cert, clerk=clerk, name=name, id_number=id_number, on_behalf_of=on_behalf_of)


def _register(cert: Certificate, *, clerk, name: str, id_number: str, on_behalf_of: str,
              pickup_id: int | None = None) -> Handover:
    with transaction.atomic():
        current = Certificate.objects.select_for_update().get(pk=cert.pk)
        if current.status != Status.ISSUED:
            raise _conflict(f"证照当前为“{current.get_status_display()}”，不能发放")
        if Handover.objects.filter(certificate=current).exists():
            raise _conflict("这份证照已经发放过")
        row = Handover.objects.create(certificate=current, collector_name=name, collector_id_number=id_number,
                                      on_behalf_of=(on_behalf_of or current.content.get("holder", ""))[:200],
                                      clerk=clerk, pickup_id=pickup_id)
        record("certificates.handed_over", row, after={"number": current.number, "collector": name},
               summary=f"发放 {current.number}，领取人 {name}", actor=clerk)
    return row


def on_result_picked_up(pickup) -> list[Handover]:
    """The window's pick-up: every issued, not yet handed over document of the case that was collected."""
    wanted = set(pickup.documents or [])
    rows = []
    certs = (Certificate.objects.filter(case_id=pickup.case_id, status=Status.ISSUED, handovers__isnull=True)
             .select_related("type").order_by("pk"))
    for cert in certs:
        if wanted and cert.pickup_document not in wanted:
            continue
        # The pick-up checked its collector already (window.identity.clean_collector), in this transaction.
        rows.append(_register(cert, clerk=pickup.clerk, name=pickup.collector_name,
                              id_number=pickup.collector_id_number, on_behalf_of=pickup.on_behalf_of,
                              pickup_id=pickup.pk))
    return rows
