"""The working-day calendar: the State Council's exceptions to the Monday–Friday week, kept as data.

A date not in `CalendarDay` follows the week (Monday–Friday work, Saturday–Sunday off). A year whose schedule has
not been entered (`CalendarYear`) therefore falls back to weekends only, and administrators are warned.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("法定节假日（休息）")
    WORKING_DAY = "working_day", _("调休上班日")


class CalendarDay(models.Model):
    """One date that differs from the ordinary week: a holiday, or a weekend day worked in lieu (调休)."""

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类别"), max_length=20, choices=DayKind.choices)
    name = models.CharField(_("名称"), max_length=60, help_text=_("例如：春节、国庆节"))
    source = models.CharField(_("来源"), max_length=20, default="admin", editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("日历例外日")
        verbose_name_plural = _("日历例外日（节假日与调休）")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}（{self.get_kind_display()}）"

    def clean(self) -> None:
        if self.kind == DayKind.WORKING_DAY and self.date and self.date.weekday() < 5:
            raise ValidationError({"kind": _("调休上班日必须是周六或周日：工作日本来就上班。")})
        if not (self.name or "").strip():
            raise ValidationError({"name": _("请填写名称（例如：春节）。")})

    def as_dict(self) -> dict:
        return {"date": self.date.isoformat(), "kind": self.kind, "name": self.name}


class CalendarYear(models.Model):
    """A year whose holiday schedule has been entered completely. Years without a row fall back to weekends only."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source = models.CharField(_("来源"), max_length=20, default="admin", editable=False)
    entered_at = models.DateTimeField(_("录入时间"), default=timezone.now, editable=False)
    note = models.CharField(_("说明"), max_length=200, blank=True, help_text=_("例如：国务院办公厅通知文号"))

    class Meta:
        verbose_name = _("已录入年度安排")
        verbose_name_plural = _("已录入年度安排")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}"

    def clean(self) -> None:
        if self.year is not None and not 1990 <= self.year <= 2200:
            raise ValidationError({"year": _("年份不合理。")})


class CalendarVersion(models.Model):
    """One row whose token changes with every calendar change, so every process knows when to reload its cache.

    A random token rather than a counter: a rolled-back change must never leave a cache that looks current.
    """

    token = models.CharField(max_length=32, default="")
    changed_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return self.token

    @classmethod
    def current(cls) -> str:
        return cls.objects.filter(pk=1).values_list("token", flat=True).first() or ""

    @classmethod
    def bump(cls) -> str:
        token = uuid.uuid4().hex
        with transaction.atomic():
            updated = cls.objects.filter(pk=1).update(token=token, changed_at=timezone.now())
            if not updated:
                cls.objects.create(pk=1, token=token, changed_at=timezone.now())
        return token


def years_without_schedule(years: list[int]) -> list[int]:
    entered = set(CalendarYear.objects.filter(year__in=years).values_list("year", flat=True))
    return [year for year in years if year not in entered]


def schedule_warning_years(today: date | None = None) -> list[int]:
    """The years an administrator must enter now: this year and the next (deadlines run across New Year)."""
    today = today or timezone.localdate()
    return years_without_schedule([today.year, today.year + 1])
