"""The portal's search provider for publicity (kind "publicity"): announced, running and past ones."""

from __future__ import annotations

from django.db.models import Q

from plandesk.core.search import SearchHit, highlight, normalize_query, query_terms
from plandesk.publicity.models import Publicity, Status

LIMIT = 20


def search(query: str, user) -> list[SearchHit]:
    terms = query_terms(normalize_query(query))
    if not terms:
        return []
    match = Q()
    for term in terms:
        match |= Q(title__icontains=term) | Q(subject_name__icontains=term) | Q(description__icontains=term)
    hits = []
    for p in Publicity.objects.public().filter(match).order_by("-starts_on")[:LIMIT]:
        in_title = sum(term.lower() in p.title.lower() for term in terms)
        score = 10.0 * in_title + 2.0 * sum(term.lower() in p.subject_name.lower() for term in terms) + 1.0
        if p.status == Status.RUNNING:
            score += 0.5  # what can still be commented on comes first among equals
        period = f"{p.starts_on:%Y-%m-%d}—{p.ends_on:%Y-%m-%d}"
        body = f"{p.subject_name} · {p.get_kind_display()} · {period} · {p.description}"
        hits.append(SearchHit(kind="publicity", title=p.title, url=p.get_absolute_url(),
                              snippet=highlight(body, query), score=score))
    return hits
