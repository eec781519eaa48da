"""The window listens to the case file: a supplement pause makes the one-time complete notice, a case ready for
pick-up makes the applicant's notice. Both run in the transaction that changed the case."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import Signal, receiver

from plandesk.cases.models import CaseEvent, CasePause

# Sent inside the pick-up's transaction with `pickup` (a window.Pickup): the certificates app may record the hand-over
# of the case's certificates in its issuance register here, without the window knowing certificates.
result_picked_up = Signal()


@receiver(post_save, sender=CasePause, dispatch_uid="window.pause_created")
def _pause_created(sender, instance: CasePause, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        from plandesk.window.services import on_pause_created

        on_pause_created(instance)


@receiver(post_save, sender=CaseEvent, dispatch_uid="window.case_ready")
def _case_event(sender, instance: CaseEvent, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw and instance.kind == CaseEvent.Kind.READY:
        from plandesk.window.services import on_case_ready

        on_case_ready(instance.case)
