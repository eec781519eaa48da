"""Reading the handbook and the regulations library: public pages, staff see more."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from plandesk.handbook.models import (
    Article,
    Chapter,
    Regulation,
    RegulationKind,
    RegulationStatus,
    Section,
    is_staff_reader,
    today,
)
from plandesk.handbook.services import citing_items, item_procedures


def _reading_date(request) -> date:
    """The day the reader asks about (?on=YYYY-MM-DD), today if absent or unreadable."""
    raw = request.GET.get("on", "").strip()
    if not raw:
        return today()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        messages.error(request, _("日期格式应为 年-月-日，例如 2026-01-01；已按今天显示。"))
        return today()


def _tree(user, on: date, chapters=None) -> list[dict]:
    """Chapters → sections → (article, version in force) that the user may read, as of the day."""
    chapters = list(chapters if chapters is not None else Chapter.objects.visible_to(user))
    sections = Section.objects.visible_to(user).filter(chapter__in=chapters).select_related("chapter")
    articles = (
        Article.objects.visible_to(user).in_force(on).filter(section__in=sections)
        .select_related("section__chapter").with_versions_up_to(on)
    )
    by_section: dict[int, list] = {}
    for article in articles:
        version = article.version_on(on)
        if version is not None:
            by_section.setdefault(article.section_id, []).append({"article": article, "version": version})
    by_chapter: dict[int, list] = {}
    for section in sections:
        by_chapter.setdefault(section.chapter_id, []).append(
            {"section": section, "articles": sorted(by_section.get(section.pk, []), key=lambda a: a["article"].number)}
        )
    return [{"chapter": c, "sections": by_chapter.get(c.pk, [])} for c in chapters]


def index(request):
    on = _reading_date(request)
    return render(request, "handbook/index.html", {
        "tree": _tree(request.user, on), "on": on, "is_today": on == today(),
        "staff": is_staff_reader(request.user), "procedures": item_procedures(),
    })


def chapter(request, number: int):
    on = _reading_date(request)
    obj = get_object_or_404(Chapter.objects.visible_to(request.user), number=number)
    tree = _tree(request.user, on, [obj])
    return render(request, "handbook/chapter.html", {"chapter": obj, "node": tree[0], "on": on,
                                                     "is_today": on == today()})


def article(request, pk: int):
    on = _reading_date(request)
    obj = get_object_or_404(Article.objects.select_related("section__chapter"), pk=pk)
    if not obj.visible_to(request.user):
        raise Http404
    return render(request, "handbook/article.html", {
        "article": obj, "version": obj.version_on(on), "on": on, "is_today": on == today(),
        "periods": obj.version_periods(),
    })


def regulations(request):
    qs = Regulation.objects.visible_to(request.user)
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    if kind in RegulationKind.values:
        qs = qs.filter(kind=kind)
    else:
        kind = ""
    if status in RegulationStatus.values:
        qs = qs.with_status(status)
    else:
        status = ""
    groups = []
    for value, label in RegulationKind.choices:
        rows = [r for r in qs if r.kind == value]
        if rows:
            groups.append({"label": label, "regulations": rows})
    return render(request, "handbook/regulations.html", {
        "groups": groups, "kind": kind, "status": status,
        "kinds": RegulationKind.choices, "statuses": RegulationStatus.choices,
    })


def regulation(request, code: str):
    obj = get_object_or_404(Regulation.objects.visible_to(request.user).select_related("replaced_by"), code=code)
    items = []
    for item in citing_items(obj):
        try:
            url = reverse("catalog:item", args=[item.code])
        except NoReverseMatch:
            url = None
        items.append({"name": item.name, "url": url})
    return render(request, "handbook/regulation.html", {"regulation": obj, "status": obj.status(), "items": items})
