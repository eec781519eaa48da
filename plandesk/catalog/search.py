"""The guide in the portal's search (kind "guide"): the published items, matched in memory (there are a dozen)."""

from __future__ import annotations

from django.urls import reverse

from plandesk.catalog.models import Item, ItemVersion
from plandesk.core.search import SearchHit, highlight, normalize_text, query_grams, query_terms


def _body(version: ItemVersion) -> str:
    materials = "；".join(m.name for m in version.materials.all())
    return " ".join([version.summary, f"申请材料：{materials}", f"设定依据：{version.legal_basis}"])


def _score(title: str, body: str, terms: list[str], grams: list[str]) -> float:
    """The portal index's scale: a title holding every word of the query outranks any body-only match."""
    title_n, body_n = normalize_text(title), normalize_text(body)
    score = 0.0
    if terms and all(t in title_n for t in terms):
        score += 1000
    score += 300 * sum(1 for g in grams if g in title_n) / len(grams)
    score += 100 * sum(1 for t in terms if t in body_n) / max(1, len(terms))
    matched = sum(1 for g in grams if g in title_n or g in body_n)
    score += 50 * matched / len(grams)
    return round(score, 3)


def search(query: str, user) -> list[SearchHit]:
    grams = query_grams(query)
    if not grams:
        return []
    terms = [normalize_text(t) for t in query_terms(query)]
    needed = max(1, round(len(grams) * 0.6))
    hits = []
    for item in Item.objects.published().prefetch_related("current__materials"):
        version = item.current
        title, body = version.name, _body(version)
        text = normalize_text(f"{title} {body}")
        if sum(1 for g in grams if g in text) < needed:
            continue
        hits.append(SearchHit(
            kind="guide",
            title=f"报建须知：{title}",
            url=reverse("catalog:item", args=[item.code]),
            snippet=highlight(body, query),
            score=_score(title, body, terms, grams),
        ))
    hits.sort(key=lambda h: (-h.score, h.title))
    return hits
