"""Certificates listen to the case file and the output window (named signals, plandesk/core/signals.py), in the
transaction that changed them: a case ready for pick-up has its documents numbered, signed and issued; a pick-up
fills the issuance register."""

from __future__ import annotations

from django.dispatch import receiver

from plandesk.certificates.issuing import on_case_ready
from plandesk.certificates.register import on_result_picked_up
from plandesk.core.signals import case_ready, result_picked_up


@receiver(case_ready, dispatch_uid="certificates.case_ready")
def _case_ready(sender, case, **kwargs) -> None:
    on_case_ready(case)


@receiver(result_picked_up, dispatch_uid="certificates.picked_up")
def _picked_up(sender, pickup, **kwargs) -> None:
    on_result_picked_up(pickup)
