"""operations' receivers of core's named signals (core.signals), connected in OperationsConfig.ready()."""

from __future__ import annotations

from django.dispatch import receiver

from plandesk.core.signals import job_finished


@receiver(job_finished, dispatch_uid="plandesk.operations.job_timing")
def record_job_timing(sender, job: str, seconds: float, failed: bool = False, **kwargs) -> None:
    from plandesk.operations.models import JobTiming

    JobTiming.add(job, seconds, failed=failed)
