"""The search contract every app writes to: what a hit and a searchable document are, and how text is cut.

An app offers `plandesk/<app>/search.py` (found by name through `core.registry.app_modules("search")`) with either

    def search(query: str, user) -> list[SearchHit]: ...      # its own provider, or
    INDEXED = {Model: documents}                               # documents(obj) -> list[Document], indexed for it
    REINDEX_ON = {OtherModel: affected}                        # affected(other_obj) -> INDEXED objects to re-index

The portal (the top layer) gathers the providers, keeps the bigram index of the INDEXED records and shows the
hits; the pieces here sit at the bottom so that any app can provide without importing upward. `user` may be
anonymous: a provider returns only what that person may see. `snippet` is safe HTML (escaped text with `<mark>`
around the matches): build it with `highlight()`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

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



@dataclass(frozen=True)
class Document:
    """One searchable text of a record, as the portal's bigram index stores it."""

    kind: str
    title: str
    body: str  # plain text
    url: str
    is_public: bool = True
    valid_from: date | None = None
    valid_until: date | None = None  # exclusive
