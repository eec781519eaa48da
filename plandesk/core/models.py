"""The two tables every app shares: rate-limit windows (`Quota`, see core/limits.py) and gap-free counters
(`Counter`, see core/counters.py)."""

from __future__ import annotations

from django.db import models


class Quota(models.Model):
    """How many times a key (a policy and, say, a client address) was taken in one fixed window."""

    key = models.CharField(max_length=160)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "限流计数"
        verbose_name_plural = "限流计数"
        constraints = [models.UniqueConstraint(fields=["key", "window_start"], name="core_quota_window")]
        indexes = [models.Index(fields=["window_start"], name="core_quota_start")]

    def __str__(self) -> str:
        return f"{self.key}@{self.window_start:%Y-%m-%d %H:%M}: {self.count}"


class Counter(models.Model):
    """The last value handed out in a scope (e.g. a certificate type, office and year). Moved on by one upsert that
    keeps the row locked until the caller's transaction ends: a rollback gives the value back, so no gaps."""

    scope = models.CharField(max_length=160, unique=True)
    last = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "编号计数器"
        verbose_name_plural = "编号计数器"

    def __str__(self) -> str:
        return f"{self.scope}: {self.last}"
