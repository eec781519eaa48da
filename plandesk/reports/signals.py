"""At pick-up the applicant gets an SMS with the signed rating link, in the pick-up's transaction (outbox)."""

from __future__ import annotations

from django.dispatch import receiver

from plandesk.core.signals import result_picked_up
from plandesk.notifications.services import notify


@receiver(result_picked_up, dispatch_uid="reports.invite_rating")
def invite_rating(sender, pickup, **kwargs) -> None:
    from .links import rating_path

    case = pickup.case
    if not case.applicant_phone:
        return
    from django.conf import settings

    link = settings.PLANDESK_SITE_URL.rstrip("/") + rating_path(case.number)
    notify(kind="rating.invite", subject=f"请评价本次服务：{case.number}",
           body=f"您的案件 {case.number} 已取件。欢迎对本次服务作出评价（非常满意至非常不满意）：{link}",
           channel="sms", address=case.applicant_phone, url=link, obj=case,
           dedupe_key=f"rating.invite:{case.pk}")
