"""The service rating (好差评) and the office's follow-up of a bad rating.

The statistics themselves keep no tables: they are aggregates over the case file (see `stats`).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plandesk.audit.services import record
from plandesk.cases.models import CaseStatus
from plandesk.notifications.services import notify
from plandesk.organization.models import Post
from plandesk.workdays import calendar

CONTACT_DAYS = 1  # contact the applicant within one working day of a bad rating
RECTIFY_DAYS = 15  # rectify within fifteen working days


class RatingError(Exception):
    """A rating or follow-up step that is not allowed; the message is for people (zh-Hans)."""


class Level(models.IntegerChoices):
    VERY_SATISFIED = 5, _("非常满意")
    SATISFIED = 4, _("满意")
    FAIRLY_SATISFIED = 3, _("基本满意")
    DISSATISFIED = 2, _("不满意")
    VERY_DISSATISFIED = 1, _("非常不满意")

    @classmethod
    def bad(cls) -> list[int]:
        return [cls.DISSATISFIED, cls.VERY_DISSATISFIED]


class Channel(models.TextChoices):
    PORTAL = "portal", _("门户网站（案件编号+查询密码）")
    LINK = "link", _("取件通知中的评价链接")


class Rating(models.Model):
    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="rating",
                                verbose_name=_("案卷"))
    office = models.ForeignKey("organization.Unit", on_delete=models.PROTECT, related_name="ratings",
                               verbose_name=_("承办单位"))
    level = models.PositiveSmallIntegerField(_("评价"), choices=Level.choices)
    comment = models.TextField(_("意见"), blank=True)
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    rated_at = models.DateTimeField(_("评价时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("服务评价")
        verbose_name_plural = _("服务评价")
        ordering = ["-rated_at"]
        indexes = [models.Index(fields=["office", "rated_at"], name="reports_rating_office")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_level_display()}"

    @property
    def is_bad(self) -> bool:
        return self.level in Level.bad()

    @classmethod
    def give(cls, case, level: int, comment: str, channel: str) -> Rating:
        """The applicant rates a picked-up case, once. A bad rating opens the office's follow-up."""

        if case.status != CaseStatus.CLOSED:
            raise RatingError("取件后方可评价")
        try:
            level = int(level)
        except (TypeError, ValueError):
            level = 0
        if level not in Level.values:
            raise RatingError("请选择评价等级（非常满意、满意、基本满意、不满意、非常不满意）")
        comment = (comment or "").strip()
        if len(comment) > 1000:
            raise RatingError("意见不能超过 1000 字")
        if level in Level.bad() and not comment:
            raise RatingError("请说明不满意的原因，以便我们整改")
        try:
            with transaction.atomic():
                rating = cls.objects.create(case=case, office=case.handling_office, level=level, comment=comment,
                                            channel=channel)
                record("rating.given", rating, after={"case": case.number, "level": level},
                       summary=f"{case.number} 评价：{rating.get_level_display()}")
                if rating.is_bad:
                    FollowUp.open_for(rating)
        except IntegrityError as exc:
            raise RatingError("该案件已评价，每件只能评价一次") from exc
        return rating


class FollowUpLight(models.TextChoices):
    GREEN = "green", _("绿灯")
    YELLOW = "yellow", _("黄灯")
    RED = "red", _("红灯")


class FollowUpQuerySet(models.QuerySet):
    def open(self) -> FollowUpQuerySet:
        return self.filter(rectified_at__isnull=True)


class FollowUp(models.Model):
    """差评整改: the office contacts the applicant within 1 working day and rectifies within 15 working days."""

    rating = models.OneToOneField(Rating, on_delete=models.CASCADE, related_name="follow_up")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="rating_follow_ups")
    opened_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    contact_due_at = models.DateTimeField(_("回访期限"))
    rectify_due_at = models.DateTimeField(_("整改期限"))
    rectify_warn_at = models.DateTimeField(_("整改黄灯时间"))
    contacted_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    contacted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    contact_note = models.TextField(_("回访记录"), blank=True)
    rectified_at = models.DateTimeField(_("整改完成时间"), null=True, blank=True)
    rectified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    rectify_note = models.TextField(_("整改情况"), blank=True)
    light = models.CharField(_("亮灯"), max_length=6, choices=FollowUpLight.choices, default=FollowUpLight.GREEN)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("差评整改")
        verbose_name_plural = _("差评整改")
        ordering = ["rectify_due_at", "id"]
        indexes = [
            models.Index(fields=["rectified_at", "contact_due_at"], name="reports_followup_contact"),
            models.Index(fields=["rectified_at", "rectify_warn_at"], name="reports_followup_warn"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} 差评整改"

    @classmethod
    def open_for(cls, rating: Rating) -> FollowUp:
        opened = rating.rated_at
        rectify_due = calendar.deadline(opened, RECTIFY_DAYS)
        follow_up = cls.objects.create(rating=rating, case=rating.case, opened_at=opened,
                                       contact_due_at=calendar.deadline(opened, CONTACT_DAYS),
                                       rectify_due_at=rectify_due,
                                       rectify_warn_at=calendar.warn_at(opened, rectify_due))
        record("rating.follow_up_opened", follow_up, after={"contact_due_at": follow_up.contact_due_at.isoformat(),
                                                            "rectify_due_at": rectify_due.isoformat()},
               summary=f"{rating.case.number} 差评，启动回访整改")
        for user in Post.objects.holders_of(Post.Function.SUPERVISOR):
            notify(kind="rating.bad", subject=f"差评待回访整改：{rating.case.number}",
                   body=f"案件 {rating.case.number} 收到“{rating.get_level_display()}”评价：{rating.comment}",
                   recipient=user, obj=follow_up, dedupe_key=f"rating.bad:{follow_up.pk}:{user.pk}")
        return follow_up

    def record_contact(self, note: str, *, actor) -> None:
        note = (note or "").strip()
        if not note:
            raise RatingError("请填写回访记录")
        with transaction.atomic():
            current = type(self).objects.select_for_update().get(pk=self.pk)
            if current.contacted_at is not None:
                raise RatingError("已记录回访")
            self.contacted_at, self.contacted_by, self.contact_note = timezone.now(), actor, note
            self.save(update_fields=["contacted_at", "contacted_by", "contact_note"])
            record("rating.contacted", self, after={"contacted_at": self.contacted_at.isoformat()},
                   summary=f"{self.case.number} 差评回访", actor=actor)
            self.refresh_light()

    def record_rectification(self, note: str, *, actor) -> None:
        note = (note or "").strip()
        if not note:
            raise RatingError("请填写整改情况")
        with transaction.atomic():
            current = type(self).objects.select_for_update().get(pk=self.pk)
            if current.contacted_at is None:
                raise RatingError("请先记录回访")
            if current.rectified_at is not None:
                raise RatingError("已记录整改")
            self.rectified_at, self.rectified_by, self.rectify_note = timezone.now(), actor, note
            self.save(update_fields=["rectified_at", "rectified_by", "rectify_note"])
            record("rating.rectified", self, after={"rectified_at": self.rectified_at.isoformat()},
                   summary=f"{self.case.number} 差评整改完成", actor=actor)
            self.refresh_light()

    def light_at(self, now: datetime | None = None) -> str:
        """Red when a stage is past its deadline (done late counts too); yellow near the rectify deadline."""
        now = now or timezone.now()
        if (self.contacted_at or now) > self.contact_due_at or (self.rectified_at or now) > self.rectify_due_at:
            return FollowUpLight.RED
        if self.rectified_at is None and now >= self.rectify_warn_at:
            return FollowUpLight.YELLOW
        return FollowUpLight.GREEN

    def refresh_light(self) -> None:
        self.light = self.light_at()
        type(self).objects.filter(pk=self.pk).update(light=self.light)


def sweep_follow_up_lights(now: datetime | None = None) -> int:
    """Set-based: two updates turn open follow-ups red or yellow when their deadlines pass. A second run is a no-op."""
    now = now or timezone.now()
    open_rows = FollowUp.objects.open()
    red = open_rows.exclude(light=FollowUpLight.RED).filter(
        Q(contacted_at__isnull=True, contact_due_at__lte=now) | Q(rectify_due_at__lte=now)
    ).update(light=FollowUpLight.RED)
    yellow = open_rows.filter(light=FollowUpLight.GREEN, rectify_warn_at__lte=now).update(light=FollowUpLight.YELLOW)
    return red + yellow
