"""The portal's search: one query, many providers.

Any plandesk app may offer `plandesk/<app>/search.py` with

    def search(query: str, user) -> list[SearchHit]: ...

and the portal gathers the hits of every provider (found through `app_modules("search")`, in layer order),
ranks them by `score` (higher first) and shows them. `user` may be anonymous: a provider returns only what that
person may see. `snippet` is safe HTML (escaped text with `<mark>` around the matches); build it with
`highlight()` below.

Or, simpler, let the portal's bigram index do the work: declare `INDEXED = {Model: documents}` in your search.py
(see `plandesk.portal.index`), and the portal's own provider below searches, ranks and highlights those records
(the handbook, regulations and notices work this way).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from plandesk.core.registry import app_modules

log = logging.getLogger(__name__)

KINDS = ("guide", "handbook", "regulation", "publicity", "notice")
MAX_QUERY_LENGTH = 100
_SEPARATORS = re.compile(r"[\W_]+", re.UNICODE)


@dataclass(frozen=True)
class SearchHit:
    kind: str  # one of KINDS: guide | handbook | regulation | publicity | notice
    title: str
    url: str
    snippet: str  # safe HTML: escaped text, matches wrapped in <mark>
    # Higher is better, on one scale for every provider (the portal merges all hits by score): 1000 or more when
    # the title holds every word of the query, below 1000 otherwise (the bigram index scores body matches 0–500).
    score: float


def normalize_query(query: str | None) -> str:
    """Trim, collapse white space and cap the length of what a visitor typed."""
    return " ".join((query or "").split())[:MAX_QUERY_LENGTH]


def query_terms(query: str) -> list[str]:
    """The pieces of a query worth highlighting: its words (split on white space), longest first."""
    terms = {t for t in normalize_query(query).split(" ") if t}
    return sorted(terms, key=len, reverse=True)


def normalize_text(text: str) -> str:
    """Full-width to half-width (NFKC) and lower case: what both the index and the queries are made of."""
    return unicodedata.normalize("NFKC", text or "").lower()


def _runs(text: str) -> list[str]:
    """Runs of letters and digits (Chinese characters included); punctuation and spaces split runs."""
    return [run for run in _SEPARATORS.split(normalize_text(text)) if run]


def text_grams(text: str) -> tuple[dict[str, int], dict[str, int]]:
    """(bigram counts, single-character counts) of a text, never across punctuation or spaces."""
    pairs: dict[str, int] = {}
    singles: dict[str, int] = {}
    for run in _runs(text):
        for i, ch in enumerate(run):
            singles[ch] = singles.get(ch, 0) + 1
            if i + 1 < len(run):
                pair = run[i : i + 2]
                pairs[pair] = pairs.get(pair, 0) + 1
    return pairs, singles


def query_grams(query: str) -> list[str]:
    """What a query is looked up by: its distinct bigrams; a run of one character counts as itself."""
    grams: list[str] = []
    for run in _runs(query):
        pieces = [run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)]
        grams.extend(p for p in pieces if p not in grams)
    return grams


def highlight(text: str, query: str, width: int = 120) -> SafeString:
    """An escaped excerpt of `text` around the first match of the query, with every match in <mark>.

    Matches are case-insensitive. Where no whole term occurs, the excerpt marks the query's character bigrams
    (what the index matched on), so a partial match still shows why it was found.
    """
    text = " ".join((text or "").split())
    terms = query_terms(query)
    lower = text.lower()
    spans = _match_spans(lower, [t.lower() for t in terms])
    if not spans:
        spans = _match_spans(lower, sorted(set(query_grams(" ".join(terms).lower())), key=len, reverse=True))
    start = 0
    if spans and len(text) > width:
        start = max(0, spans[0][0] - width // 4)
    end = min(len(text), start + width)
    excerpt_spans = [(max(a, start), min(b, end)) for a, b in spans if b > start and a < end]
    out = ["…" if start > 0 else ""]
    pos = start
    for a, b in excerpt_spans:
        if a < pos:
            continue
        out.append(escape(text[pos:a]))
        out.append(f"<mark>{escape(text[a:b])}</mark>")
        pos = b
    out.append(escape(text[pos:end]))
    if end < len(text):
        out.append("…")
    # Every piece of text above went through escape(); only our own <mark> tags are raw.
    return mark_safe("".join(out))


def _match_spans(lower_text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) spans of the terms in the text, in text order; longer terms win."""
    taken: list[tuple[int, int]] = []
    for term in terms:
        if not term:
            continue
        i = lower_text.find(term)
        while i != -1:
            j = i + len(term)
            if all(j <= a or i >= b for a, b in taken):
                taken.append((i, j))
            i = lower_text.find(term, j)
    return sorted(taken)


def providers():
    """(app label, search function) for every app that offers one."""
    for label, module in app_modules("search"):
        func = getattr(module, "search", None)
        if callable(func):
            yield label, func


def search_all(query: str, user, kinds: set[str] | None = None, limit: int = 50) -> list[SearchHit]:
    """Every provider's hits for the query, best first. A provider that fails is logged and skipped."""
    query = normalize_query(query)
    if not query:
        return []
    hits: list[SearchHit] = []
    for label, func in providers():
        try:
            found = func(query, user)
        except Exception:  # one broken provider must not take the portal's search down
            log.exception("search provider %s failed", label)
            continue
        hits.extend(h for h in found if kinds is None or h.kind in kinds)
    hits.sort(key=lambda h: (-h.score, h.title))
    return hits[:limit]


# --- the portal's own provider: everything in the bigram index (plandesk.portal.index) -----------------------

def search(query: str, user) -> list[SearchHit]:
    """Hits from the portal's index: every app's INDEXED records (handbook, regulations, notices, ...)."""
    from plandesk.portal.index import search_index

    return search_index(query, user)


def notice_documents(notice) -> list:
    from plandesk.handbook.markdown import plain_text
    from plandesk.portal.index import Document

    if notice.published_on is None:
        return []
    return [Document(kind="notice", title=notice.title, body=plain_text(notice.body),
                     url=notice.get_absolute_url(), is_public=True, valid_from=notice.published_on)]


def _indexed():
    from plandesk.portal.models import Notice

    return {Notice: notice_documents}


def __getattr__(name: str):
    # INDEXED is computed on first use: this module is imported before the models are ready (by other apps'
    # search.py for SearchHit), so the model import waits until the index asks for it.
    if name == "INDEXED":
        return _indexed()
    raise AttributeError(name)
