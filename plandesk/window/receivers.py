"""The window listens to the case file (named signals, plandesk/core/signals.py): a supplement pause makes the
one-time complete notice, a case ready for pick-up makes the applicant's notice. Both run in the transaction that
changed the case."""

from __future__ import annotations

from django.dispatch import receiver

from plandesk.core.signals import case_paused, case_ready
from plandesk.window.services import on_case_ready, on_pause_created


@receiver(case_paused, dispatch_uid="window.case_paused")
def _case_paused(sender, case, pause, **kwargs) -> None:
    on_pause_created(pause)


@receiver(case_ready, dispatch_uid="window.case_ready")
def _case_ready(sender, case, **kwargs) -> None:
    on_case_ready(case)
