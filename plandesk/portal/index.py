"""The portal's search index: character bigrams in two tables of our own, the same on SpatiaLite and PostGIS.

An app makes its records searchable by declaring `INDEXED` and `REINDEX_ON` in `plandesk/<app>/search.py`
(the contract: plandesk/core/search.py). The portal connects post_save/post_delete of those models at start-up,
so the index follows every save; `plandesk reindex-search` rebuilds it from scratch. Chinese needs no tokenizer
here: every bigram of the text (and every single character, for one-character queries) is a row of SearchGram.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from datetime import date

from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from plandesk.core.registry import app_modules
from plandesk.core.search import Document, SearchHit, highlight, normalize_text, query_grams, query_terms, text_grams
from plandesk.handbook.models import is_staff_reader
from plandesk.portal.models import SearchEntry, SearchGram

MATCH_SHARE = 0.6  # share of a query's bigrams an entry must contain


def source_of(obj) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}"


def index_object(obj, documents: list[Document]) -> None:
    """Replace whatever the index holds for the object by these documents."""
    source = source_of(obj)
    with transaction.atomic():
        SearchEntry.objects.filter(source=source).delete()
        for doc in documents:
            entry = SearchEntry.objects.create(
                source=source, kind=doc.kind, title=doc.title[:300], body=doc.body, url=doc.url,
                is_public=doc.is_public, valid_from=doc.valid_from, valid_until=doc.valid_until,
            )
            SearchGram.objects.bulk_create(_gram_rows(entry, doc))


def remove_object(obj) -> None:
    SearchEntry.objects.filter(source=source_of(obj)).delete()


def _gram_rows(entry: SearchEntry, doc: Document) -> list[SearchGram]:
    counts: dict[str, list[int]] = {}
    for slot, text in ((0, doc.title), (1, doc.body)):
        pairs, singles = text_grams(text)
        for gram, count in (*pairs.items(), *singles.items()):
            counts.setdefault(gram, [0, 0])[slot] += count
    return [SearchGram(entry=entry, gram=gram, title_count=t, body_count=b) for gram, (t, b) in counts.items()]


# --- registration -------------------------------------------------------------------------------------------

def indexed_models() -> dict[type, Callable]:
    found: dict[type, Callable] = {}
    for _label, module in app_modules("search"):
        found.update(getattr(module, "INDEXED", {}) or {})
    return found


def dependent_models() -> dict[type, Callable]:
    found: dict[type, Callable] = {}
    for _label, module in app_modules("search"):
        found.update(getattr(module, "REINDEX_ON", {}) or {})
    return found


def reindex(obj) -> None:
    documents = indexed_models()[type(obj)]
    index_object(obj, list(documents(obj)))


def reindex_all(out=None) -> int:
    """Rebuild the whole index from the records. Returns the number of entries."""
    with transaction.atomic():
        SearchEntry.objects.all().delete()
        for model, documents in indexed_models().items():
            count = 0
            for obj in model._default_manager.all().iterator():
                index_object(obj, list(documents(obj)))
                count += 1
            if out is not None:
                out.write(f"  {model._meta.label}: {count}")
    return SearchEntry.objects.count()


def _on_indexed_save(sender, instance, raw=False, **kwargs):
    if not raw:
        reindex(instance)


def _on_indexed_delete(sender, instance, **kwargs):
    remove_object(instance)


def _on_dependent_change(sender, instance, raw=False, **kwargs):
    if raw:
        return
    affected = dependent_models()[sender]
    indexed = indexed_models()
    for obj in affected(instance) or ():
        if type(obj) in indexed and obj.pk is not None and type(obj)._default_manager.filter(pk=obj.pk).exists():
            reindex(obj)


def connect_signals() -> None:
    """Called once from PortalConfig.ready()."""
    for model in indexed_models():
        post_save.connect(_on_indexed_save, sender=model, dispatch_uid=f"portal-index-save-{model._meta.label}")
        post_delete.connect(_on_indexed_delete, sender=model, dispatch_uid=f"portal-index-del-{model._meta.label}")
    for model in dependent_models():
        post_save.connect(_on_dependent_change, sender=model, dispatch_uid=f"portal-dep-save-{model._meta.label}")
        post_delete.connect(_on_dependent_change, sender=model, dispatch_uid=f"portal-dep-del-{model._meta.label}")


# --- querying -----------------------------------------------------------------------------------------------

def visible_entries(user, on: date, kinds: Iterable[str] | None = None):
    entries = SearchEntry.objects.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on)).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=on)
    )
    if not is_staff_reader(user):
        entries = entries.filter(is_public=True)
    if kinds is not None:
        entries = entries.filter(kind__in=list(kinds))
    return entries


def search_index(query: str, user, on: date | None = None, kinds: Iterable[str] | None = None,
                 limit: int = 50) -> list[SearchHit]:
    """Entries matching the query's bigrams, best first: a title holding the query, then by bigram hits."""
    grams = query_grams(query)
    if not grams:
        return []
    on = on or timezone.localdate()
    needed = max(1, math.ceil(len(grams) * MATCH_SHARE))
    # Grams first (through the (gram, entry) index), visibility second: asking the gram query to check each
    # entry's visibility made SQLite walk every gram of every visible entry instead.
    matching = (
        SearchGram.objects.filter(gram__in=grams)
        .values("entry_id")
        .annotate(
            matched=Count("id"),
            title_matched=Count("id", filter=Q(title_count__gt=0)),
            hits=Sum(F("title_count") + F("body_count")),
        )
        .filter(matched__gte=needed)
    )
    titles = dict(
        visible_entries(user, on, kinds).filter(id__in=matching.values("entry_id")).values_list("id", "title")
    )
    terms = [normalize_text(t) for t in query_terms(query)]
    # Rank on titles and gram counts first; only the best few have their bodies read, scored and highlighted.
    ranked = sorted(
        ((_title_score(titles[row["entry_id"]], row, terms, len(grams)), row)
         for row in matching if row["entry_id"] in titles),
        key=lambda pair: (-pair[0], pair[1]["entry_id"]),
    )[: max(limit * 2, 10)]
    entries = SearchEntry.objects.in_bulk([row["entry_id"] for _score, row in ranked])
    scored = []
    for score, row in ranked:
        entry = entries[row["entry_id"]]
        body = normalize_text(entry.body)
        score += 100 * sum(1 for t in terms if t in body) / max(1, len(terms))
        scored.append((round(score, 3), entry))
    scored.sort(key=lambda pair: (-pair[0], pair[1].title))
    return [
        SearchHit(kind=entry.kind, title=entry.title, url=entry.url,
                  snippet=highlight(entry.body or entry.title, query), score=score)
        for score, entry in scored[:limit]
    ]


def _title_score(title: str, row: dict, terms: list[str], gram_count: int) -> float:
    """Everything of the score but the body's words (added for the best candidates only)."""
    title = normalize_text(title)
    score = 0.0
    if terms and all(t in title for t in terms):
        score += 1000  # the title holds every word of the query: always above a body-only match
    score += 300 * row["title_matched"] / gram_count
    score += 50 * row["matched"] / gram_count
    score += min(49.0, 10 * math.log1p(row["hits"] or 0))
    return score
