"""The bureau's administrative handbook (行政管理手册) and its regulations library (法规库).

The handbook is chapters → sections → articles; an article's text lives in versions, each in force from its
`effective_on` date until the next version's (or the article's repeal). Staff read everything; the public reads
what is marked public at every level (chapter, section and article).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plandesk.handbook import catalogue
from plandesk.handbook.markdown import render_markdown


def is_staff_reader(user) -> bool:
    """Bureau staff (anyone holding a role, and administrators) read the whole handbook."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_active and (user.is_staff or user.role_codes()))


def today() -> date:
    return timezone.localdate()


class ChapterQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self if is_staff_reader(user) else self.filter(is_public=True)


class Chapter(models.Model):
    number = models.PositiveSmallIntegerField(_("章序号"), unique=True)
    title = models.CharField(_("章名"), max_length=100)
    is_public = models.BooleanField(_("向公众公开"), default=True)

    objects = ChapterQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        verbose_name = _("手册章")
        verbose_name_plural = _("手册章")

    def __str__(self) -> str:
        return f"第{self.number}章 {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("handbook:chapter", args=[self.number])


class SectionQuerySet(models.QuerySet):
    def visible_to(self, user):
        if is_staff_reader(user):
            return self
        return self.filter(is_public=True, chapter__is_public=True)


class Section(models.Model):
    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="sections", verbose_name=_("章"))
    number = models.PositiveSmallIntegerField(_("节序号"))
    title = models.CharField(_("节名"), max_length=100)
    is_public = models.BooleanField(_("向公众公开"), default=True)

    objects = SectionQuerySet.as_manager()

    class Meta:
        ordering = ["chapter__number", "number"]
        constraints = [models.UniqueConstraint(fields=["chapter", "number"], name="handbook_section_number")]
        verbose_name = _("手册节")
        verbose_name_plural = _("手册节")

    def __str__(self) -> str:
        return f"{self.chapter.number}.{self.number} {self.title}"


class ArticleQuerySet(models.QuerySet):
    def visible_to(self, user):
        if is_staff_reader(user):
            return self
        return self.filter(is_public=True, section__is_public=True, section__chapter__is_public=True)

    def in_force(self, on: date | None = None):
        """Articles that have a version in force on the date and are not repealed by then."""
        on = on or today()
        return self.filter(versions__effective_on__lte=on).filter(
            Q(repealed_on__isnull=True) | Q(repealed_on__gt=on)
        ).distinct()

    def with_versions_up_to(self, on: date):
        """Prefetch only the versions already effective on the date, newest first (see Article.version_on)."""
        versions = ArticleVersion.objects.filter(effective_on__lte=on).order_by("-effective_on")
        return self.prefetch_related(Prefetch("versions", queryset=versions, to_attr="_versions_up_to"))


class Article(models.Model):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="articles", verbose_name=_("节"))
    number = models.PositiveSmallIntegerField(_("条序号"))
    title = models.CharField(_("条标题"), max_length=200)
    is_public = models.BooleanField(_("向公众公开"), default=True)
    repealed_on = models.DateField(_("废止日期"), null=True, blank=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["section__chapter__number", "section__number", "number"]
        constraints = [models.UniqueConstraint(fields=["section", "number"], name="handbook_article_number")]
        verbose_name = _("手册条目")
        verbose_name_plural = _("手册条目")

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("handbook:article", args=[self.pk])

    @property
    def reference(self) -> str:
        """The article's place in the handbook, e.g. 3.2.1."""
        return f"{self.section.chapter.number}.{self.section.number}.{self.number}"

    def is_public_everywhere(self) -> bool:
        return self.is_public and self.section.is_public and self.section.chapter.is_public

    def visible_to(self, user) -> bool:
        return is_staff_reader(user) or self.is_public_everywhere()

    def version_on(self, on: date | None = None) -> ArticleVersion | None:
        """The version in force on the date: the newest one effective by then; none once the article is repealed."""
        on = on or today()
        if self.repealed_on is not None and self.repealed_on <= on:
            return None
        prefetched = getattr(self, "_versions_up_to", None)
        if prefetched is not None:
            return next((v for v in prefetched if v.effective_on <= on), None)
        return self.versions.filter(effective_on__lte=on).order_by("-effective_on").first()

    def version_periods(self) -> list[tuple[ArticleVersion, date | None]]:
        """Every version with the day its force ends (exclusive; None while open-ended)."""
        versions = list(self.versions.order_by("effective_on"))
        periods = []
        for i, version in enumerate(versions):
            until = versions[i + 1].effective_on if i + 1 < len(versions) else None
            if self.repealed_on is not None and (until is None or self.repealed_on < until):
                until = self.repealed_on
            periods.append((version, until))
        return periods


class ArticleVersion(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions", verbose_name=_("条目"))
    effective_on = models.DateField(_("施行日期"))
    body = models.TextField(_("正文（Markdown）"))
    change_note = models.CharField(_("修订说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        ordering = ["article_id", "-effective_on"]
        constraints = [models.UniqueConstraint(fields=["article", "effective_on"], name="handbook_version_date")]
        verbose_name = _("条目版本")
        verbose_name_plural = _("条目版本")

    def __str__(self) -> str:
        return f"{self.article.reference} · {self.effective_on:%Y-%m-%d}"

    def html(self):
        return render_markdown(catalogue.expand(self.body))

    def text(self) -> str:
        """The body with the catalogue's facts filled in (the search index, snippets)."""
        return catalogue.expand(self.body)

    def clean(self) -> None:
        unknown = catalogue.unknown_items(self.body)
        if unknown:
            raise ValidationError({"body": "目录中没有这些事项：" + "、".join(unknown)})


class RegulationKind(models.TextChoices):
    LAW = "law", _("法律")
    ADMINISTRATIVE_REGULATION = "administrative_regulation", _("行政法规")
    DEPARTMENTAL_RULE = "departmental_rule", _("部门规章")
    LOCAL_REGULATION = "local_regulation", _("地方性法规")
    LOCAL_RULE = "local_rule", _("地方政府规章")
    NORMATIVE_DOCUMENT = "normative_document", _("规范性文件")
    NATIONAL_STANDARD = "national_standard", _("国家标准")
    INDUSTRY_STANDARD = "industry_standard", _("行业标准")


class RegulationStatus(models.TextChoices):
    """Derived from a regulation's dates on the day asked about, so it never goes stale."""

    NOT_YET = "not_yet", _("尚未施行")
    IN_FORCE = "in_force", _("现行有效")
    AMENDED = "amended", _("已修订（现行）")
    REPEALED = "repealed", _("已废止")


class RegulationQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self if is_staff_reader(user) else self.filter(is_public=True)

    def in_force(self, on: date | None = None):
        """In force or in force as amended on the date."""
        on = on or today()
        return self.filter(Q(effective_on__isnull=True) | Q(effective_on__lte=on)).filter(
            Q(repealed_on__isnull=True) | Q(repealed_on__gt=on)
        )

    def with_status(self, status: str, on: date | None = None):
        on = on or today()
        repealed = Q(repealed_on__isnull=False, repealed_on__lte=on)
        started = Q(effective_on__isnull=True) | Q(effective_on__lte=on)
        if status == RegulationStatus.REPEALED:
            return self.filter(repealed)
        if status == RegulationStatus.NOT_YET:
            return self.exclude(repealed).exclude(started)
        live = self.exclude(repealed).filter(started)
        amended = Q(amended_on__isnull=False, amended_on__lte=on)
        if status == RegulationStatus.AMENDED:
            return live.filter(amended)
        if status == RegulationStatus.IN_FORCE:
            return live.exclude(amended)
        return self.none()

    def cited(self, codes):
        """The regulations an item cites by code, in the order given (unknown codes are skipped)."""
        codes = list(codes)
        found = {r.code: r for r in self.filter(code__in=codes)}
        return [found[c] for c in codes if c in found]


class Regulation(models.Model):
    """A law, regulation, rule or standard. Other apps cite it by `code`, a stable slug."""

    code = models.SlugField(_("引用代码"), max_length=80, unique=True,
                            help_text=_("稳定的英文短代码，供办事指南等引用，如 urban-rural-planning-law"))
    title = models.CharField(_("名称"), max_length=200)
    short_title = models.CharField(_("简称"), max_length=100, blank=True)
    kind = models.CharField(_("类别"), max_length=40, choices=RegulationKind.choices)
    issuing_body = models.CharField(_("制定机关"), max_length=200)
    document_number = models.CharField(_("文号/标准号"), max_length=100, blank=True)
    promulgated_on = models.DateField(_("公布日期"), null=True, blank=True)
    effective_on = models.DateField(_("施行日期"), null=True, blank=True)
    amended_on = models.DateField(_("最近修订/修正日期"), null=True, blank=True)
    repealed_on = models.DateField(_("废止日期"), null=True, blank=True)
    replaced_by = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="replaces", verbose_name=_("被下列法规替代"))
    summary = models.TextField(_("内容提要（Markdown）"))
    key_articles = models.TextField(_("重点条款（Markdown）"), blank=True)
    is_public = models.BooleanField(_("向公众公开"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = RegulationQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "title"]
        verbose_name = _("法规")
        verbose_name_plural = _("法规库")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("handbook:regulation", args=[self.code])

    def status(self, on: date | None = None) -> RegulationStatus:
        on = on or today()
        if self.repealed_on is not None and self.repealed_on <= on:
            return RegulationStatus.REPEALED
        if self.effective_on is not None and self.effective_on > on:
            return RegulationStatus.NOT_YET
        if self.amended_on is not None and self.amended_on <= on:
            return RegulationStatus.AMENDED
        return RegulationStatus.IN_FORCE

    @property
    def current_status(self) -> RegulationStatus:
        return self.status()

    def summary_html(self):
        return render_markdown(self.summary)

    def key_articles_html(self):
        return render_markdown(self.key_articles)
