"""Publicity (规划公示、公布): plans and project schemes shown to the public, the media notice, the public's
opinions.

A publicity moves draft → scheduled → running → ended only through its transition methods; each claims the row with a
compare-and-set update (so two workers start or end it once), stamps the time and writes an audit event in the same
transaction. The rules an administrator may tune are in `rules.py`.
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta

from django.conf import settings
from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plandesk.audit.services import record
from plandesk.core.refusals import Refusal
from plandesk.publicity import rules


class PublicityError(Refusal):
    """A transition or change the publicity's state or rules do not allow; the message is for people (zh-Hans)."""

    status, code = 409, "conflict"


class Kind(models.TextChoices):
    PRE_APPROVAL = "pre_approval", _("批前公示")
    POST_APPROVAL = "post_approval", _("批后公布")


class Venue(models.TextChoices):
    EXHIBITION_HALL = "exhibition_hall", _("规划展览馆")
    CITY_SQUARE = "city_square", _("市中心广场")
    PROJECT_SITE = "project_site", _("项目现场")
    PORTAL = "portal", _("门户网站")


class Subject(models.TextChoices):
    """What is shown. The first group are plans (by level), the last two a project's scheme."""

    MASTER_PLAN = "master_plan", _("总体规划")
    DISTRICT_PLAN = "district_plan", _("分区规划")
    KEY_URBAN_DESIGN = "key_urban_design", _("重点地区城市设计")
    REGULATORY_PLAN = "regulatory_plan", _("控制性详细规划")
    SITE_PLAN = "site_plan", _("修建性详细规划")
    SPECIAL_PLAN = "special_plan", _("专项规划")
    OTHER_PLAN = "other_plan", _("其他规划成果")
    PROJECT_SCHEME = "project_scheme", _("建设项目设计方案")
    KEY_PROJECT = "key_project", _("重点建设项目")

    @property
    def is_plan(self) -> bool:
        return self not in (Subject.PROJECT_SCHEME, Subject.KEY_PROJECT)

    def default_venues(self) -> list[str]:
        """DOMAIN.md 4.4: master and district plans, key urban designs and key projects at the city-centre square;
        a project's scheme on its own site; ordinary results in the exhibition hall. Always on the portal too."""
        if self in (Subject.MASTER_PLAN, Subject.DISTRICT_PLAN, Subject.KEY_URBAN_DESIGN):
            venues = [Venue.CITY_SQUARE]
        elif self == Subject.KEY_PROJECT:
            venues = [Venue.CITY_SQUARE, Venue.PROJECT_SITE]
        elif self == Subject.PROJECT_SCHEME:
            venues = [Venue.PROJECT_SITE]
        else:
            venues = [Venue.EXHIBITION_HALL]
        return [str(v.value) for v in venues] + [Venue.PORTAL.value]


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SCHEDULED = "scheduled", _("待公示")
    RUNNING = "running", _("公示中")
    ENDED = "ended", _("已结束")


PUBLIC_STATUSES = (Status.SCHEDULED, Status.RUNNING, Status.ENDED)


class PublicityQuerySet(models.QuerySet):
    def public(self) -> PublicityQuerySet:
        """What the portal shows: announced, running or past (never drafts)."""
        return self.filter(status__in=PUBLIC_STATUSES)

    def current(self, today: date | None = None) -> PublicityQuerySet:
        """Running and inside the period (a row the worker has not ended yet is already past)."""
        today = today or timezone.localdate()
        return self.filter(status=Status.RUNNING, ends_on__gte=today)

    def past(self, today: date | None = None) -> PublicityQuerySet:
        today = today or timezone.localdate()
        return self.filter(Q(status=Status.ENDED) | Q(status=Status.RUNNING, ends_on__lt=today))

    def at_risk(self, today: date | None = None) -> PublicityQuerySet:
        """Not started yet, with the notice missing or late, and the notice's last day near or passed."""
        today = today or timezone.localdate()
        horizon = today + timedelta(days=rules.risk_days())
        notice_bad = Q(media_notice_on__isnull=True) | Q(media_notice_on__gt=F("notice_due_on"))
        return self.filter(notice_bad, status__in=(Status.DRAFT, Status.SCHEDULED), notice_due_on__lte=horizon)

    def due_to_start(self, today: date) -> PublicityQuerySet:
        return self.filter(status=Status.SCHEDULED, starts_on__lte=today, media_notice_on__isnull=False,
                           media_notice_on__lte=F("notice_due_on"))

    def due_to_end(self, today: date) -> PublicityQuerySet:
        return self.filter(status=Status.RUNNING, ends_on__lt=today)


class Publicity(models.Model):
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("公示内容"), blank=True)
    subject = models.CharField(_("公示对象"), max_length=30, choices=Subject.choices)
    subject_name = models.CharField(_("规划或项目名称"), max_length=200)
    # A project scheme's publicity belongs to its case: the case clock stops for the period (暂停计时).
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="publicity",
                             verbose_name=_("案卷"))
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    venues = models.JSONField(_("公示地点"), default=list, blank=True)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    # The last day the media notice may appear (from starts_on and the rule); a column so "at risk" is one query.
    notice_due_on = models.DateField(_("媒体公告最迟日期"), editable=False, db_index=True)
    media_outlet = models.CharField(_("公告媒体"), max_length=200, blank=True)
    media_notice_on = models.DateField(_("媒体公告日期"), null=True, blank=True)
    media_notice_text = models.TextField(_("公告内容"), blank=True)
    site = models.MultiPolygonField(_("位置范围"), srid=settings.PLANDESK_SRID, null=True, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT,
                              editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("创建人"))
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    scheduled_at = models.DateTimeField(_("安排时间"), null=True, blank=True, editable=False)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True, editable=False)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True, editable=False)
    summary_published_at = models.DateTimeField(_("意见汇总公布时间"), null=True, blank=True, editable=False)
    # When the case's process was told that the period ended (its BPMN step waiting for it moved on), or was found
    # to have no such step: the worker's release job then leaves the row alone.
    process_released_at = models.DateTimeField(_("流程等待解除时间"), null=True, blank=True, editable=False)

    objects = PublicityQuerySet.as_manager()

    class Meta:
        verbose_name = _("规划公示")
        verbose_name_plural = _("规划公示")
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["status", "starts_on"], name="publicity_status_start"),
                   models.Index(fields=["status", "ends_on"], name="publicity_status_end")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("publicity:detail", args=[self.pk])

    # --- rules ---------------------------------------------------------------------------------------------------

    @property
    def is_plan(self) -> bool:
        return Subject(self.subject).is_plan

    @property
    def length_days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    def venue_labels(self) -> list[str]:
        return [str(Venue(v).label) for v in self.venues if v in Venue.values]

    @property
    def notice_on_time(self) -> bool:
        return self.media_notice_on is not None and self.media_notice_on <= self.notice_due_on

    def is_open_for_opinions(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status == Status.RUNNING and self.starts_on <= today <= self.ends_on

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if not self.venues and self.subject in Subject.values:
            self.venues = Subject(self.subject).default_venues()
        if self.starts_on and self.ends_on:
            if self.ends_on < self.starts_on:
                errors.setdefault("ends_on", []).append("结束日期不能早于开始日期")
            elif self.subject and self.kind:
                need = rules.min_days(self.kind, self.is_plan)
                if self.length_days < need:
                    errors.setdefault("ends_on", []).append(
                        f"{Kind(self.kind).label}期限不得少于 {need} 日（当前 {self.length_days} 日，含首尾）")
        bad = [v for v in self.venues or [] if v not in Venue.values]
        if bad:
            errors.setdefault("venues", []).append(f"未知的公示地点：{'、'.join(map(str, bad))}")
        if not self.venues:
            errors.setdefault("venues", []).append("至少选择一个公示地点")
        if self.starts_on and self.media_notice_on:
            latest = rules.latest_notice_date(self.starts_on)
            if self.media_notice_on > latest:
                errors.setdefault("media_notice_on", []).append(
                    f"媒体公告须在公示{rules.notice_rule_text()}发布：开始日期为 {self.starts_on:%Y-%m-%d}，"
                    f"公告最迟 {latest:%Y-%m-%d}，而登记的公告日期为 {self.media_notice_on:%Y-%m-%d}")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if not self.venues and self.subject:
            self.venues = Subject(self.subject).default_venues()
        if self.starts_on:
            self.notice_due_on = rules.latest_notice_date(self.starts_on)
            fields = kwargs.get("update_fields")
            if fields is not None and "starts_on" in fields:
                kwargs["update_fields"] = {*fields, "notice_due_on"}
        super().save(*args, **kwargs)

    # --- transitions -----------------------------------------------------------------------------------------

    def _claim(self, allowed: tuple[str, ...], to: str, action: str, *, actor=None, stamp: str | None = None,
               summary: str = "", **after) -> bool:
        """Move the row from one of `allowed` to `to` if nobody else did; False when another process got there."""
        now = timezone.now()
        fields = {"status": to}
        if stamp:
            fields[stamp] = now
        claimed = type(self).objects.filter(pk=self.pk, status__in=allowed).update(**fields)
        if claimed != 1:
            return False
        before = self.status
        for name, value in fields.items():
            setattr(self, name, value)
        record(action, self, before={"status": before}, after={"status": to, **after},
               summary=f"{self.title[:60]} {summary}", actor=actor)
        return True

    def _refresh_status(self) -> None:
        self.status = type(self).objects.values_list("status", flat=True).get(pk=self.pk)

    def schedule(self, *, actor=None, today: date | None = None) -> None:
        """Fix the period (draft → scheduled): it shows on the portal as coming."""
        today = today or timezone.localdate()
        self.full_clean()
        if self.starts_on < today:
            raise PublicityError(f"开始日期 {self.starts_on:%Y-%m-%d} 已过，请先修改公示期限")
        with transaction.atomic():
            if not self._claim((Status.DRAFT,), Status.SCHEDULED, "publicity.scheduled", actor=actor,
                               stamp="scheduled_at", summary="安排公示",
                               starts_on=self.starts_on, ends_on=self.ends_on):
                self._refresh_status()
                raise PublicityError(f"公示当前状态为“{self.get_status_display()}”，不能安排")

    def unschedule(self, *, actor=None) -> None:
        """Back to draft (scheduled → draft), e.g. to change a period whose notice came too late."""
        with transaction.atomic():
            if not self._claim((Status.SCHEDULED,), Status.DRAFT, "publicity.unscheduled", actor=actor,
                               summary="撤回安排"):
                self._refresh_status()
                raise PublicityError(f"公示当前状态为“{self.get_status_display()}”，不能撤回")

    def record_notice(self, *, outlet: str, notice_on: date, text: str, actor=None) -> None:
        """Register the media notice (媒体公告). A notice later than the rule allows is refused."""
        if self.status not in (Status.DRAFT, Status.SCHEDULED):
            raise PublicityError("公示已开始，不能再登记媒体公告")
        if not outlet.strip():
            raise ValidationError({"media_outlet": ["请填写公告媒体（报纸、电视台）"]})
        before = {"outlet": self.media_outlet, "notice_on": self.media_notice_on}
        self.media_outlet, self.media_notice_on, self.media_notice_text = outlet.strip(), notice_on, text
        self.clean()
        with transaction.atomic():
            self.save(update_fields=["media_outlet", "media_notice_on", "media_notice_text"])
            record("publicity.notice_recorded", self, before=before,
                   after={"outlet": self.media_outlet, "notice_on": notice_on},
                   summary=f"{self.title[:60]} 登记媒体公告 {notice_on:%Y-%m-%d}", actor=actor)

    def start(self, *, actor=None, today: date | None = None) -> bool:
        """scheduled → running, on the start date, only with a notice on time. The case's clock is paused by
        `services.start` (orchestration belongs to services: models do not call the layers above)."""
        today = today or timezone.localdate()
        if self.starts_on > today:
            raise PublicityError(f"公示尚未到开始日期（{self.starts_on:%Y-%m-%d}）")
        if not self.notice_on_time:
            raise PublicityError(f"媒体公告未按时发布（须在{rules.notice_rule_text()}），公示不能开始")
        with transaction.atomic():
            if not self._claim((Status.SCHEDULED,), Status.RUNNING, "publicity.started", actor=actor,
                               stamp="started_at", summary="公示开始"):
                return False
        return True

    def end(self, *, actor=None, today: date | None = None) -> bool:
        """running → ended, after the last day (`services.end` also resumes the case's clock)."""
        today = today or timezone.localdate()
        if self.ends_on >= today:
            raise PublicityError(f"公示期尚未结束（至 {self.ends_on:%Y-%m-%d}）")
        with transaction.atomic():
            if not self._claim((Status.RUNNING,), Status.ENDED, "publicity.ended", actor=actor,
                               stamp="ended_at", summary="公示结束"):
                return False
        return True

    def publish_summary(self, *, actor=None) -> None:
        """Publish the opinion summary with the bureau's responses (意见汇总及处理情况) on the portal (through
        `services.publish_summary`, which also tells the submitters)."""
        if self.status != Status.ENDED:
            raise PublicityError("公示期结束后才能公布意见汇总")
        if self.opinions.filter(status=OpinionStatus.PENDING).exists():
            raise PublicityError("尚有未审核的意见，不能公布汇总")
        if self.opinions.filter(status=OpinionStatus.ACCEPTED, group__isnull=True).exists():
            raise PublicityError("尚有未归类的有效意见，不能公布汇总")
        if self.groups.filter(response="").exists():
            raise PublicityError("尚有意见分类未填写答复，不能公布汇总")
        with transaction.atomic():
            now = timezone.now()
            if type(self).objects.filter(pk=self.pk, summary_published_at__isnull=True).update(
                    summary_published_at=now) != 1:
                raise PublicityError("意见汇总已经公布")
            self.summary_published_at = now
            record("publicity.summary_published", self, after={"groups": self.groups.count()},
                   summary=f"{self.title[:60]} 公布意见汇总", actor=actor)


def document_path(instance, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"publicity/{timezone.localdate():%Y/%m}/{secrets.token_hex(12)}.{ext}"


class Document(models.Model):
    """A drawing or document on show (图纸、说明书): PDF or image, checked on upload."""

    publicity = models.ForeignKey(Publicity, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("名称"), max_length=200)
    file = models.FileField(_("文件"), upload_to=document_path)
    kind = models.CharField(_("类型"), max_length=10, editable=False)
    content_type = models.CharField(max_length=60, editable=False)
    size = models.PositiveIntegerField(_("大小"), editable=False)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("公示文件")
        verbose_name_plural = _("公示文件")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("publicity:document", args=[self.publicity_id, self.pk])


class OpinionStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    ACCEPTED = "accepted", _("有效意见")
    DUPLICATE = "duplicate", _("重复意见（已合并）")
    REJECTED = "rejected", _("不予采纳（恶意或无关）")


class OpinionGroup(models.Model):
    """One class of opinions in the summary (意见汇总), with the bureau's response to it."""

    publicity = models.ForeignKey(Publicity, on_delete=models.CASCADE, related_name="groups")
    title = models.CharField(_("意见类别"), max_length=200)
    response = models.TextField(_("处理意见（答复）"), blank=True)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("意见分类")
        verbose_name_plural = _("意见分类")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["publicity", "title"], name="publicity_group_title")]

    def __str__(self) -> str:
        return self.title


def _tracking_code() -> str:
    # Digits after a two-letter prefix: readable over the phone, and not guessable (10^12).
    return "GS" + "".join(secrets.choice("0123456789") for _ in range(12))


class Opinion(models.Model):
    """One member of the public's opinion on a publicity (公众意见)."""

    publicity = models.ForeignKey(Publicity, on_delete=models.CASCADE, related_name="opinions")
    tracking_code = models.CharField(_("查询编号"), max_length=20, unique=True, editable=False)
    name = models.CharField(_("姓名"), max_length=60)
    contact = models.CharField(_("联系方式"), max_length=100)
    content = models.TextField(_("意见内容"))
    attachment = models.FileField(_("附件"), upload_to=document_path, blank=True)
    attachment_type = models.CharField(max_length=60, blank=True, editable=False)
    client_ip = models.GenericIPAddressField(null=True, blank=True, editable=False)
    via = models.CharField(max_length=10, default="portal", editable=False)  # portal | api
    # The signed challenge answered with this opinion: unique, so one solved challenge sends one opinion only.
    challenge_nonce = models.CharField(max_length=40, null=True, blank=True, unique=True, editable=False)
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now, editable=False)
    status = models.CharField(_("审核结果"), max_length=20, choices=OpinionStatus.choices,
                              default=OpinionStatus.PENDING, editable=False)
    duplicate_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged",
                                     verbose_name=_("合并到"))
    moderation_reason = models.CharField(_("审核说明"), max_length=300, blank=True)
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    moderated_at = models.DateTimeField(null=True, blank=True)
    group = models.ForeignKey(OpinionGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="opinions",
                              verbose_name=_("意见类别"))

    class Meta:
        verbose_name = _("公众意见")
        verbose_name_plural = _("公众意见")
        ordering = ["submitted_at", "id"]
        indexes = [models.Index(fields=["publicity", "status"], name="publicity_opinion_status")]

    def __str__(self) -> str:
        return self.tracking_code

    def save(self, *args, **kwargs):
        if not self.tracking_code:
            for _attempt in range(5):
                self.tracking_code = _tracking_code()
                try:
                    with transaction.atomic():
                        return super().save(*args, **kwargs)
                except IntegrityError:
                    if not type(self).objects.filter(tracking_code=self.tracking_code).exists():
                        raise
            raise IntegrityError("no free tracking code")
        return super().save(*args, **kwargs)

    def _moderate(self, to: str, *, actor, reason: str = "", duplicate_of: Opinion | None = None) -> None:
        with transaction.atomic():
            now = timezone.now()
            claimed = type(self).objects.filter(pk=self.pk, status=OpinionStatus.PENDING).update(
                status=to, moderation_reason=reason[:300], moderated_by=actor, moderated_at=now,
                duplicate_of=duplicate_of)
            if claimed != 1:
                raise PublicityError("该意见已审核")
            self.status, self.moderation_reason, self.moderated_by, self.moderated_at = to, reason[:300], actor, now
            self.duplicate_of = duplicate_of
            record(f"publicity.opinion_{to}", self, before={"status": OpinionStatus.PENDING.value},
                   after={"status": to, "reason": reason, "duplicate_of": duplicate_of.tracking_code
                          if duplicate_of else None},
                   summary=f"{self.tracking_code} {OpinionStatus(to).label}", actor=actor)

    def accept(self, *, actor, reason: str = "") -> None:
        self._moderate(OpinionStatus.ACCEPTED, actor=actor, reason=reason)

    def merge_into(self, other: Opinion, *, actor, reason: str = "") -> None:
        """A duplicate of another opinion on the same publicity (重复意见，合并处理)."""
        if other.pk == self.pk or other.publicity_id != self.publicity_id:
            raise PublicityError("只能合并到同一公示的另一条意见")
        if other.status != OpinionStatus.ACCEPTED:
            raise PublicityError("只能合并到已确认为有效的意见")
        self._moderate(OpinionStatus.DUPLICATE, actor=actor, reason=reason or f"与 {other.tracking_code} 重复",
                       duplicate_of=other)

    def reject(self, *, actor, reason: str) -> None:
        """Rejected as abusive or irrelevant: the reason is required and kept."""
        if not reason.strip():
            raise PublicityError("不予采纳须说明理由")
        self._moderate(OpinionStatus.REJECTED, actor=actor, reason=reason.strip())

    def classify(self, group: OpinionGroup | None, *, actor) -> None:
        if group is not None and group.publicity_id != self.publicity_id:
            raise PublicityError("意见类别不属于该公示")
        if self.status != OpinionStatus.ACCEPTED:
            raise PublicityError("只有有效意见才能归类")
        if self.publicity.summary_published_at:
            raise PublicityError("意见汇总已公布，不能再修改")
        with transaction.atomic():
            before = self.group.title if self.group_id else None
            self.group = group
            self.save(update_fields=["group"])
            record("publicity.opinion_classified", self, before={"group": before},
                   after={"group": group.title if group else None}, summary=f"{self.tracking_code} 归类", actor=actor)
