"""Certificates listen to the case file and the output window, in the transaction that changed them:
a case ready for pick-up has its documents numbered, signed and issued; a pick-up fills the issuance register."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from plandesk.cases.models import CaseEvent
from plandesk.window.signals import result_picked_up


@receiver(post_save, sender=CaseEvent, dispatch_uid="certificates.case_ready")
def _case_event(sender, instance: CaseEvent, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw and instance.kind == CaseEvent.Kind.READY:
        from plandesk.certificates.services import on_case_ready

        on_case_ready(instance.case)


@receiver(result_picked_up, dispatch_uid="certificates.picked_up")
def _picked_up(sender, pickup, **kwargs) -> None:
    from plandesk.certificates.services import on_result_picked_up

    on_result_picked_up(pickup)
