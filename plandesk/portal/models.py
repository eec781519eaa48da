"""The portal's own records: the bureau's news and notices, and the search index of the public site."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plandesk.handbook.markdown import render_markdown


class NoticeKind(models.TextChoices):
    NOTICE = "notice", _("通知公告")
    NEWS = "news", _("新闻动态")


class NoticeQuerySet(models.QuerySet):
    def published(self, on=None):
        """Notices the public may read: published on or before the day."""
        on = on or timezone.localdate()
        return self.filter(published_on__isnull=False, published_on__lte=on)


class Notice(models.Model):
    """A piece of bureau news or a notice to the public. Without a publication date it is a draft."""

    kind = models.CharField(_("类别"), max_length=20, choices=NoticeKind.choices, default=NoticeKind.NOTICE)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文（Markdown）"))
    published_on = models.DateField(_("发布日期"), null=True, blank=True, help_text=_("留空为草稿，不对外显示"))
    pinned = models.BooleanField(_("置顶"), default=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-pinned", "-published_on", "-id"]
        verbose_name = _("新闻公告")
        verbose_name_plural = _("新闻公告")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("portal:notice", args=[self.pk])

    def is_published(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.published_on is not None and self.published_on <= on

    def html(self):
        return render_markdown(self.body)


class SearchEntry(models.Model):
    """One searchable document (an article version, a regulation, a notice, ...), as its provider described it."""

    source = models.CharField(max_length=120, db_index=True)  # "<app_label.model>:<pk>" of the indexed object
    kind = models.CharField(max_length=20)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)  # plain text
    url = models.CharField(max_length=300)
    is_public = models.BooleanField(default=True)
    valid_from = models.DateField(null=True, blank=True)  # searchable from this day (inclusive)
    valid_until = models.DateField(null=True, blank=True)  # ... until this day (exclusive)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("搜索索引条目")
        verbose_name_plural = _("搜索索引")

    def __str__(self) -> str:
        return f"{self.kind}: {self.title}"


class SearchGram(models.Model):
    """A character bigram (or a single character) of an entry: how often it occurs in the title and in the body.

    One row per (entry, gram), so a query counts matched grams with a plain COUNT (no DISTINCT).
    """

    entry = models.ForeignKey(SearchEntry, on_delete=models.CASCADE, related_name="grams")
    gram = models.CharField(max_length=2)
    title_count = models.PositiveIntegerField(default=0)
    body_count = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["gram", "entry"], name="portal_gram_lookup")]

    def __str__(self) -> str:
        return self.gram
