"""Changes made in the Django admin, and an administrator's second factor, land in the audit chain too."""

from django.contrib.admin.models import LogEntry
from django.db.models.signals import post_save
from django.dispatch import receiver

from plandesk.audit.services import record
from plandesk.core.signals import second_factor_verified

_ACTIONS = {1: "admin.add", 2: "admin.change", 3: "admin.delete"}


@receiver(post_save, sender=LogEntry)
def _admin_change(sender, instance: LogEntry, created: bool, **kwargs) -> None:
    if not created:
        return
    content_type = instance.content_type
    object_type = f"{content_type.app_label}.{content_type.model}" if content_type else ""
    record(
        _ACTIONS.get(instance.action_flag, "admin.other"),
        (object_type, instance.object_id or ""),
        summary=f"{instance.object_repr}: {instance.get_change_message()}"[:300],
        after={"change": instance.change_message} if instance.change_message else None,
        actor=instance.user,
    )


@receiver(second_factor_verified, dispatch_uid="audit.second_factor_verified")
def _second_factor(sender, user, **kwargs) -> None:
    record("accounts.otp_verified", user, summary="管理员动态口令验证通过")
