"""The public portal: home page, search, news and notices, the case query's front door."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods

from plandesk.core.contact import contact
from plandesk.handbook.models import Regulation, RegulationKind
from plandesk.portal.models import Notice
from plandesk.portal.search import KINDS, MAX_QUERY_LENGTH, normalize_query, search_all
from plandesk.portal.sections import case_query_url, sections

KIND_LABELS = {
    "guide": _lazy("办事指南"), "handbook": _lazy("行政管理手册"), "regulation": _lazy("政策法规"),
    "publicity": _lazy("规划公示"), "notice": _lazy("新闻公告"),
}

def _regulation_order(regulation: Regulation):
    """Laws first, then regulations, rules, documents and standards (the order of RegulationKind)."""
    return (RegulationKind.values.index(regulation.kind), regulation.title)


def home(request):
    notices = list(Notice.objects.published()[:6])
    regulations = sorted(Regulation.objects.visible_to(request.user).in_force(), key=_regulation_order)[:8]
    return render(request, "portal/home.html", {
        "sections": sections(request), "notices": notices, "regulations": regulations,
        "case_query_url": case_query_url(), "contact": contact(),
    })


def search(request):
    query = normalize_query(request.GET.get("q"))
    kind = request.GET.get("kind", "")
    if kind not in KINDS:
        kind = ""
    hits = search_all(query, request.user, kinds={kind} if kind else None) if query else []
    counts: dict[str, int] = {}
    for hit in hits:
        counts[hit.kind] = counts.get(hit.kind, 0) + 1
    return render(request, "portal/search.html", {
        "query": query, "kind": kind, "hits": [(h, KIND_LABELS.get(h.kind, h.kind)) for h in hits],
        "kinds": [(k, KIND_LABELS[k]) for k in KINDS], "max_length": MAX_QUERY_LENGTH,
        "too_long": len(" ".join((request.GET.get("q") or "").split())) > MAX_QUERY_LENGTH,
    })


def notices(request):
    return render(request, "portal/notices.html", {"notices": Notice.objects.published()})


def notice(request, pk: int):
    obj = get_object_or_404(Notice.objects.published(), pk=pk)
    return render(request, "portal/notice.html", {"notice": obj})


@require_http_methods(["GET", "POST"])
def case_query(request):
    """The case query's front door until the window's public query exists: it says 即将开放, and how to phone."""
    real = case_query_url()
    return render(request, "portal/case_query.html", {
        "contact": contact(), "real_url": real if real != request.path else None,
    })
