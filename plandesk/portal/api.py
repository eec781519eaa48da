"""The portal in the API (public): GET /api/v1/search (shared/API.md) and GET /api/v1/notices."""

from __future__ import annotations

from datetime import date

from ninja import Router, Schema

from plandesk.accounts.models import ApiToken
from plandesk.core.api_errors import ApiError, ErrorOut
from plandesk.portal.models import Notice
from plandesk.portal.search import KINDS, normalize_query, search_all

router = Router(tags=["门户 portal"])


class SearchHitOut(Schema):
    kind: str
    title: str
    url: str
    snippet: str



def _reader(request):
    """A valid bearer token reads as its owner (staff see staff-only hits); otherwise the session's user."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        user = ApiToken.user_for(header[7:].strip())
        if user is not None:
            return user
    return request.user


@router.get("/search", response={200: list[SearchHitOut], 400: ErrorOut}, auth=None)
def search(request, q: str, kind: str | None = None):
    """Search guides, the handbook, regulations, publicity and notices; best first.

    `snippet` is HTML: escaped text with the matches in `<mark>`. `kind` optionally keeps one kind only.
    """
    query = normalize_query(q)
    if not query:
        raise ApiError(400, "empty_query", "请输入搜索关键词")
    if kind is not None and kind not in KINDS:
        raise ApiError(400, "bad_kind", f"kind 须为 {'、'.join(KINDS)} 之一")
    hits = search_all(query, _reader(request), kinds={kind} if kind else None)
    return [
        {"kind": h.kind, "title": h.title, "url": request.build_absolute_uri(h.url), "snippet": str(h.snippet)}
        for h in hits
    ]


class NoticeOut(Schema):
    id: int
    kind: str
    title: str
    published_on: date
    pinned: bool
    url: str
    body: str  # Markdown


@router.get("/notices", response=list[NoticeOut], auth=None)
def notices(request, limit: int = 20):
    """The bureau's published news and notices, pinned first, newest first (at most 100)."""
    limit = max(1, min(limit, 100))
    return [
        {"id": n.pk, "kind": n.kind, "title": n.title, "published_on": n.published_on, "pinned": n.pinned,
         "url": request.build_absolute_uri(n.get_absolute_url()), "body": n.body}
        for n in Notice.objects.published()[:limit]
    ]
