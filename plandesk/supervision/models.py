"""Tracking and urging (公文跟踪督办): every change of a task's light, phone reminders, urging notices (催办通知书)
with the handler's written feedback, and the yearly gap-free numbering of the notices."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plandesk.audit.services import record
from plandesk.workdays import calendar
from plandesk.workflow.errors import Conflict
from plandesk.workflow.models import Light

# Days counted in working days: the office issues within five days after the due date; the handler answers within
# the urging deadline (three unless the office says otherwise).
URGING_WINDOW_DAYS = 5
DEFAULT_URGING_DAYS = 3


def urging_window_days() -> int:
    return int(getattr(settings, "PLANDESK_URGING_WINDOW_DAYS", URGING_WINDOW_DAYS))


def default_urging_days() -> int:
    return int(getattr(settings, "PLANDESK_URGING_DAYS", DEFAULT_URGING_DAYS))


class LightChange(models.Model):
    """One change of a task's light, written by the sweep in the same statement set that changes it.

    `handled_at` is the claim of the reminder job: a change is acted on (reminder, draft notice) exactly once."""

    task = models.ForeignKey("workflow.Task", on_delete=models.CASCADE, related_name="light_changes")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    from_light = models.CharField(_("原灯色"), max_length=6, choices=Light.choices)
    to_light = models.CharField(_("新灯色"), max_length=6, choices=Light.choices)
    at = models.DateTimeField(_("变灯时间"), default=timezone.now)
    due_at = models.DateTimeField(_("办理期限"), null=True, blank=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    retry_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("亮灯记录")
        verbose_name_plural = _("亮灯记录")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["at"], name="supervision_change_pending", condition=Q(handled_at__isnull=True)),
            models.Index(fields=["to_light", "at"], name="supervision_change_light_at"),
        ]

    def __str__(self) -> str:
        return f"{self.task_id} {self.from_light}→{self.to_light} {self.at:%Y-%m-%d %H:%M}"


class PhoneReminder(models.Model):
    """A phone reminder at a yellow light (电话催办): who called, when, whom, what was said."""

    task = models.ForeignKey("workflow.Task", on_delete=models.CASCADE, related_name="phone_reminders")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    office = models.ForeignKey("organization.Unit", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("被催办单位"))
    caller = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("催办人"))
    called_at = models.DateTimeField(_("通话时间"))
    callee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="phone_reminders_received", verbose_name=_("接听人"))
    callee_name = models.CharField(_("接听人姓名"), max_length=60)
    content = models.TextField(_("通话内容"))
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("电话催办")
        verbose_name_plural = _("电话催办")
        ordering = ["-called_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.callee_name} {self.called_at:%Y-%m-%d %H:%M}"


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", _("待签发")
    ISSUED = "issued", _("已签发")
    ANSWERED = "answered", _("已书面反馈")
    WITHDRAWN = "withdrawn", _("已撤销")


class UrgingNotice(models.Model):
    """催办通知书: drafted by the system at a red light, issued by the office, answered in writing by the handler."""

    task = models.ForeignKey("workflow.Task", on_delete=models.CASCADE, related_name="urging_notices")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="urging_notices")
    division = models.ForeignKey("organization.Unit", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="urging_notices", verbose_name=_("被催办处室"))
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="urging_notices", verbose_name=_("承办人"))
    status = models.CharField(_("状态"), max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT)
    due_at = models.DateTimeField(_("办理期限"))
    window_ends_on = models.DateField(_("签发期限"))
    drafted_at = models.DateTimeField(_("拟稿时间"), default=timezone.now)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    seq = models.PositiveIntegerField(null=True, blank=True)
    number = models.CharField(_("文号"), max_length=40, blank=True)
    urging_days = models.PositiveSmallIntegerField(_("催办期限（工作日）"), default=DEFAULT_URGING_DAYS)
    urging_deadline = models.DateField(_("催办期限"), null=True, blank=True)
    issued_at = models.DateTimeField(_("签发时间"), null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("签发人"))
    delay_reason = models.TextField(_("延误原因"), blank=True)
    handling_opinion = models.TextField(_("处理意见"), blank=True)
    answered_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("反馈人"))

    class Meta:
        verbose_name = _("催办通知书")
        verbose_name_plural = _("催办通知书")
        ordering = ["-drafted_at", "-id"]
        constraints = [
            # One notice per overdue spell of a task: a second sweep or worker cannot draft another.
            models.UniqueConstraint(fields=["task", "due_at"], name="supervision_one_notice_per_deadline"),
            models.UniqueConstraint(fields=["year", "seq"], name="supervision_notice_number_unique"),
        ]
        indexes = [models.Index(fields=["status", "window_ends_on"], name="supervision_notice_status")]

    def __str__(self) -> str:
        return self.number or f"催办通知书（草稿）{self.case_id}"

    @property
    def is_draft(self) -> bool:
        return self.status == NoticeStatus.DRAFT

    @property
    def awaits_feedback(self) -> bool:
        return self.status == NoticeStatus.ISSUED

    # --- transitions: the only way a notice's status changes ----------------------------------------------------------

    def issue(self, *, number: str, year: int, seq: int, urging_days: int, urging_deadline: date, actor) -> None:
        """签发: 草稿 → 已签发, numbered, with its urging deadline. The caller holds the row lock."""
        if self.status != NoticeStatus.DRAFT:
            raise Conflict("该催办通知书已签发")
        self.year, self.seq, self.number = year, seq, number
        self.urging_days, self.urging_deadline = urging_days, urging_deadline
        self.status = NoticeStatus.ISSUED
        self.issued_at, self.issued_by = timezone.now(), actor
        self.handler = self.task.assignee or self.handler
        self.save()
        record("supervision.notice_issued", self, before={"status": NoticeStatus.DRAFT},
               after={"status": NoticeStatus.ISSUED, "number": number, "urging_deadline": urging_deadline.isoformat()},
               summary=f"{self.case.number} 签发 {number}", actor=actor)

    def withdraw(self, reason: str) -> bool:
        """撤销草稿: 草稿 → 已撤销, claimed by compare-and-set (any number of workers). False: not a draft any more."""
        if type(self).objects.filter(pk=self.pk, status=NoticeStatus.DRAFT).update(
                status=NoticeStatus.WITHDRAWN) != 1:
            return False
        self.status = NoticeStatus.WITHDRAWN
        record("supervision.notice_withdrawn", self, before={"status": NoticeStatus.DRAFT},
               after={"status": NoticeStatus.WITHDRAWN, "reason": reason},
               summary=f"{self.case.number} {self.task.name} 催办通知书草稿撤销：{reason}")
        return True

    def window_lapses_soon(self, today: date | None = None) -> bool:
        """A draft whose issuing window ends today or on the next working day."""

        if self.status != NoticeStatus.DRAFT:
            return False
        today = today or calendar.local_date(timezone.now())
        return today >= self.window_ends_on or calendar.add_working_days(today, 1) >= self.window_ends_on

    def window_lapsed(self, today: date | None = None) -> bool:
        today = today or calendar.local_date(timezone.now())
        return self.status == NoticeStatus.DRAFT and today > self.window_ends_on
