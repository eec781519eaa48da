"""The notifications outbox: a notice is written in the same transaction as the change it reports, sent later."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    IN_APP = "in_app", _("站内消息")
    SMS = "sms", _("短信")
    EMAIL = "email", _("电子邮件")


class Status(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class NotificationQuerySet(models.QuerySet):
    def unread_for(self, user):
        return self.filter(recipient=user, channel=Channel.IN_APP, read_at__isnull=True)

    def due(self, now=None):
        now = now or timezone.now()
        return self.filter(status=Status.PENDING, next_attempt_at__lte=now).order_by("next_attempt_at", "id")


class Notification(models.Model):
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    kind = models.CharField(_("类别"), max_length=40, db_index=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications",
        verbose_name=_("接收人"),
    )
    address = models.CharField(_("地址"), max_length=200, blank=True, help_text=_("手机号或电子邮箱"))
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    url = models.CharField(_("链接"), max_length=300, blank=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    # The same key twice is the same notice: a retried sweep never sends a second copy.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    # The request that wrote the notice (none for the worker's sweeps): its delivery logs under the same id.
    # Nullable, so adding it is a plain ALTER TABLE ADD COLUMN on both backends (SQLite would rebuild the whole table
    # for a column with a default); None also says "not written during a request".
    request_id = models.CharField(_("请求编号"), max_length=64, null=True, blank=True)  # noqa: DJ001
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["next_attempt_at"], name="notif_pending_idx", condition=Q(status="pending")),
            models.Index(fields=["recipient", "channel", "read_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient__isnull=False) | ~Q(address=""), name="notif_has_recipient_or_address"
            ),
        ]

    def __str__(self) -> str:
        return f"[{self.get_channel_display()}] {self.subject}"

    @property
    def target(self) -> str:
        if self.address:
            return self.address
        if self.recipient is None:
            return ""
        if self.channel == Channel.SMS:
            return self.recipient.phone
        if self.channel == Channel.EMAIL:
            return self.recipient.email
        return self.recipient.username
