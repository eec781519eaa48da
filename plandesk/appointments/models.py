"""Consultations by appointment (预约接待): reception hours, slots, bookings and the appointment card.

A slot is one consultant's time at one place. Slots exist only on working days (the workdays calendar) and are
materialised on demand inside the booking horizon. A slot holds at most one live booking: a partial unique index
on `Appointment.slot` for the live statuses enforces it in the database, so no race can double-book.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plandesk.audit.services import record

WEEKDAYS = [
    (0, _("周一")), (1, _("周二")), (2, _("周三")), (3, _("周四")), (4, _("周五")), (5, _("周六")), (6, _("周日")),
]


class Place(models.Model):
    """Where a consultation happens: a table of the hall's meeting area (洽谈区)."""

    code = models.SlugField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("接待地点")
        verbose_name_plural = _("接待地点")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class ReceptionHours(models.Model):
    """A consultant's opening hours on one weekday. An adjusted working day (调休) uses Monday's hours."""

    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("咨询人员"), on_delete=models.CASCADE, related_name="reception_hours"
    )
    post = models.ForeignKey(
        "organization.Post", verbose_name=_("岗位"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", limit_choices_to={"function": "consultant"},
    )
    place = models.ForeignKey(Place, verbose_name=_("地点"), on_delete=models.PROTECT, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("星期"), choices=WEEKDAYS)
    starts = models.TimeField(_("开始时间"))
    ends = models.TimeField(_("结束时间"))
    slot_minutes = models.PositiveSmallIntegerField(_("每次时长（分钟）"), default=30)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("接待时间")
        verbose_name_plural = _("接待时间")
        ordering = ["consultant_id", "weekday", "starts"]

    def __str__(self) -> str:
        return f"{self.consultant} {self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M}"

    def clean(self) -> None:
        if self.starts and self.ends and self.ends <= self.starts:
            raise ValidationError({"ends": _("结束时间必须晚于开始时间")})
        if self.slot_minutes is not None and not 10 <= self.slot_minutes <= 240:
            raise ValidationError({"slot_minutes": _("每次时长应在 10 到 240 分钟之间")})
        holds = self.post_id and self.post.memberships.filter(user_id=self.consultant_id).exists()
        if self.post_id and self.consultant_id and not holds:
            raise ValidationError({"post": _("该人员不在此岗位")})


class BlockedPeriod(models.Model):
    """A time when a consultant (or, with no consultant, the whole hall) takes no appointments: leave, meetings."""

    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("咨询人员"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="+", help_text=_("留空表示整个大厅"),
    )
    starts_at = models.DateTimeField(_("开始"))
    ends_at = models.DateTimeField(_("结束"))
    reason = models.CharField(_("事由"), max_length=200)

    class Meta:
        verbose_name = _("停止预约时段")
        verbose_name_plural = _("停止预约时段")
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return f"{self.reason}（{timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}～）"

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("结束时间必须晚于开始时间")})


class SlotQuerySet(models.QuerySet):
    def on(self, day) -> SlotQuerySet:
        tz = timezone.get_current_timezone()
        start = datetime.combine(day, datetime.min.time(), tzinfo=tz)
        return self.filter(starts_at__gte=start, starts_at__lt=start + timedelta(days=1))

    def with_state(self) -> SlotQuerySet:
        live = Appointment.objects.filter(slot=OuterRef("pk"), status__in=Appointment.LIVE)
        blocked = BlockedPeriod.objects.filter(
            Q(consultant__isnull=True) | Q(consultant=OuterRef("consultant")),
            starts_at__lt=OuterRef("ends_at"), ends_at__gt=OuterRef("starts_at"),
        )
        return self.annotate(is_booked=Exists(live), is_blocked=Exists(blocked))


class Slot(models.Model):
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("咨询人员"), on_delete=models.PROTECT, related_name="+"
    )
    post = models.ForeignKey(
        "organization.Post", verbose_name=_("岗位"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    place = models.ForeignKey(Place, verbose_name=_("地点"), on_delete=models.PROTECT, related_name="slots")
    starts_at = models.DateTimeField(_("开始"), db_index=True)
    ends_at = models.DateTimeField(_("结束"))

    objects = SlotQuerySet.as_manager()

    class Meta:
        verbose_name = _("预约时段")
        verbose_name_plural = _("预约时段")
        ordering = ["starts_at", "consultant_id"]
        constraints = [
            models.UniqueConstraint(fields=["consultant", "starts_at"], name="appointments_slot_unique"),
        ]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.starts_at):%Y-%m-%d %H:%M} {self.consultant}"

    @property
    def consultant_name(self) -> str:
        return getattr(self.consultant, "display_name", str(self.consultant))


class Appointment(models.Model):
    """A booking of one slot; its card number and the applicant's phone let the applicant cancel or move it."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("已预约")
        CHECKED_IN = "checked_in", _("已签到")
        COMPLETED = "completed", _("已接待")
        NO_SHOW = "no_show", _("未到")
        CANCELLED = "cancelled", _("已取消")

    class Channel(models.TextChoices):
        ONLINE = "online", _("网上预约")
        WINDOW = "window", _("窗口预约")
        PHONE = "phone", _("电话预约")

    LIVE = (Status.BOOKED, Status.CHECKED_IN, Status.COMPLETED, Status.NO_SHOW)

    card_number = models.CharField(_("预约卡号"), max_length=20, unique=True)
    slot = models.ForeignKey(Slot, verbose_name=_("时段"), on_delete=models.PROTECT, related_name="appointments")
    name = models.CharField(_("姓名"), max_length=60)
    organization = models.CharField(_("单位"), max_length=120, blank=True)
    phone = models.CharField(_("手机号码"), max_length=20, db_index=True)
    topic = models.CharField(_("咨询事项"), max_length=500)
    case_number = models.CharField(_("相关案件编号"), max_length=40, blank=True)
    channel = models.CharField(_("预约方式"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("代为预约人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.BOOKED)
    booked_at = models.DateTimeField(_("预约时间"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("接待完成时间"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)
    outcome = models.TextField(_("接待记录"), blank=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("预约")
        verbose_name_plural = _("预约")
        ordering = ["-booked_at"]
        constraints = [
            # The guarantee against double booking, whatever the interleaving of requests.
            models.UniqueConstraint(
                fields=["slot"], condition=Q(status__in=["booked", "checked_in", "completed", "no_show"]),
                name="appointments_one_live_booking_per_slot",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.card_number} {self.name}"

    def summary(self) -> dict:
        return {
            "card_number": self.card_number, "slot": self.slot_id, "status": self.status, "name": self.name,
            "phone": self.masked_phone, "topic": self.topic[:100], "case_number": self.case_number,
        }

    @property
    def masked_phone(self) -> str:
        return f"{self.phone[:3]}****{self.phone[-4:]}" if len(self.phone) >= 7 else "****"

    @property
    def is_upcoming(self) -> bool:
        return self.status == self.Status.BOOKED and self.slot.starts_at > timezone.now()

    # --- transitions: each checks the from-state, stamps the time and writes the audit event in one transaction ---

    def _transition(self, allowed: tuple[str, ...], to: str, action: str, summary: str, ip=None, **stamps) -> None:
        from django.db import transaction


        if self.status not in allowed:
            raise InvalidTransition(self.status, to)
        before = self.summary()
        with transaction.atomic():
            updated = Appointment.objects.filter(pk=self.pk, status=self.status).update(status=to, **stamps)
            if updated != 1:  # someone else changed it first
                raise InvalidTransition(self.status, to)
            self.status = to
            for field, value in stamps.items():
                setattr(self, field, value)
            record(action, self, before=before, after=self.summary(), summary=summary, ip=ip)

    def cancel(self, ip=None) -> None:
        if self.slot.starts_at <= timezone.now():
            raise InvalidTransition(self.status, self.Status.CANCELLED, "预约时间已过，不能取消")
        self._transition((self.Status.BOOKED,), self.Status.CANCELLED, "appointments.cancelled",
                         f"取消预约 {self.card_number}", ip=ip, cancelled_at=timezone.now())

    def move_to(self, slot: Slot, ip=None) -> None:
        """Keep the card, change the time. The partial unique index refuses a slot already taken."""
        from django.db import transaction


        if not self.is_upcoming:
            raise InvalidTransition(self.status, self.status, "只有尚未开始的预约可以改期")
        before = self.summary()
        old = self.slot
        with transaction.atomic():
            Appointment.objects.filter(pk=self.pk).update(slot=slot, reminded_at=None)
            self.slot, self.reminded_at = slot, None
            record("appointments.moved", self, before=before, after=self.summary(), ip=ip,
                   summary=f"预约 {self.card_number} 改期：{old} → {slot}")

    def check_in(self) -> None:
        self._transition((self.Status.BOOKED, self.Status.NO_SHOW), self.Status.CHECKED_IN,
                         "appointments.checked_in", f"签到 {self.card_number}", checked_in_at=timezone.now())

    def complete(self, outcome: str, case_number: str = "") -> None:
        self._transition((self.Status.CHECKED_IN,), self.Status.COMPLETED, "appointments.completed",
                         f"接待完成 {self.card_number}", finished_at=timezone.now(), outcome=outcome.strip(),
                         case_number=(case_number or self.case_number).strip())

    def mark_no_show(self) -> None:
        self._transition((self.Status.BOOKED,), self.Status.NO_SHOW, "appointments.no_show",
                         f"预约未到 {self.card_number}", finished_at=timezone.now())


class InvalidTransition(Exception):
    def __init__(self, current: str, target: str, message: str = ""):
        super().__init__(message or f"{current} → {target}")
        self.message = message or "预约当前状态不允许此操作"
