"""The portal's search: one query, many providers (the contract: plandesk/core/search.py).

The portal gathers the hits of every app's provider (found through `app_modules("search")`, in layer order),
ranks them by `score` (higher first) and shows them. Apps that declare `INDEXED` records are searched by the
portal's own provider below, through its bigram index (`plandesk.portal.index`): the handbook, regulations and
notices work this way.
"""

from __future__ import annotations

import logging

from plandesk.core.registry import app_modules
from plandesk.core.search import KINDS, MAX_QUERY_LENGTH, Document, SearchHit, normalize_query
from plandesk.handbook.markdown import plain_text
from plandesk.portal.index import search_index
from plandesk.portal.models import Notice

__all__ = ["KINDS", "MAX_QUERY_LENGTH", "search_all"]

log = logging.getLogger(__name__)


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
    return search_index(query, user)


def notice_documents(notice: Notice) -> list[Document]:
    if notice.published_on is None:
        return []
    return [Document(kind="notice", title=notice.title, body=plain_text(notice.body),
                     url=notice.get_absolute_url(), is_public=True, valid_from=notice.published_on)]


INDEXED = {Notice: notice_documents}
