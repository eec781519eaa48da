"""One row per telephone call: who called (as the platform says), where the dialogue went, how it ended.

The row is also the call's server-side state (`step`, `data`): the platform only carries the call's token and the
digits just typed, so it cannot skip the password or name an appointment it never proved to own.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_token() -> str:
    return secrets.token_urlsafe(18)


class Outcome(models.TextChoices):
    IN_PROGRESS = "in_progress", _("通话中")
    CASE_HEARD = "case_heard", _("已播报案件进度")
    APPOINTMENT_HEARD = "appointment_heard", _("已播报预约")
    CANCELLED = "cancelled", _("已取消预约")
    TRANSFERRED = "transferred", _("已转人工")
    TRANSFER_FAILED = "transfer_failed", _("转人工未接通")
    WRONG_INPUT = "wrong_input", _("多次输入无效")
    WRONG_PASSWORD = "wrong_password", _("多次密码错误")
    NOT_FOUND = "not_found", _("多次未找到预约")
    LOCKED = "locked", _("查询已锁定")
    THROTTLED = "throttled", _("操作过于频繁")
    HANGUP = "hangup", _("来电挂断")
    DONE = "done", _("正常结束")


class CallLog(models.Model):
    token = models.CharField(max_length=32, unique=True, default=new_token)
    started_at = models.DateTimeField(_("来电时间"), default=timezone.now, db_index=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    caller = models.CharField(_("来电号码"), max_length=64, blank=True)
    platform_address = models.CharField(_("平台地址"), max_length=64, blank=True)
    channel = models.CharField(_("接口"), max_length=10, default="vxml")
    step = models.CharField(max_length=30, default="menu")
    data = models.JSONField(default=dict, blank=True)
    path = models.JSONField(_("菜单路径"), default=list, blank=True)
    lookups = models.PositiveIntegerField(default=0)
    outcome = models.CharField(_("结果"), max_length=20, choices=Outcome.choices, default=Outcome.IN_PROGRESS)

    class Meta:
        verbose_name = _("来电记录")
        verbose_name_plural = _("来电记录")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["caller", "started_at"], name="phone_call_caller_at")]

    def __str__(self) -> str:
        return f"{self.caller or '-'} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_finished(self) -> bool:
        return self.outcome != Outcome.IN_PROGRESS

    def path_display(self) -> str:
        return " › ".join(self.path)

    # --- transitions: the dialogue moves the call only through these ---

    def move_to(self, step: str, mark: str | None = None, **data) -> None:
        if self.is_finished:
            raise ValueError("call already finished")
        self.step = step
        self.data.update(data)
        if mark:
            self.path.append(mark)
        self.save(update_fields=["step", "data", "path", "lookups"])

    def finish(self, outcome: str, mark: str | None = None) -> None:
        if self.is_finished:
            return
        if mark:
            self.path.append(mark)
        self.outcome, self.ended_at, self.step, self.data = outcome, timezone.now(), "end", {}
        self.save(update_fields=["outcome", "ended_at", "step", "data", "path", "lookups"])
