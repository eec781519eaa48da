"""The catalogue's facts in the handbook's text, from the catalogue itself (one source): an article writes
`{{事项:land_use_permit.承诺时限}}` and the reader sees the current guide's promised working days, so the handbook
can never disagree with the guide. Fields: 名称, 承诺时限, 法定时限 (working days), 申请材料 (the list)."""

from __future__ import annotations

import re

from plandesk.catalog.models import Item

PLACEHOLDER = re.compile(r"\{\{\s*事项\s*[:：]\s*([A-Za-z0-9_-]+)\s*\.\s*(名称|承诺时限|法定时限|申请材料)\s*\}\}")


def _value(code: str, field: str) -> str | None:
    item = Item.objects.filter(code=code).select_related("current").first()
    version = item.current if item is not None else None
    if version is None:
        return None
    if field == "名称":
        return version.name
    if field == "承诺时限":
        return str(version.promised_days)
    if field == "法定时限":
        return str(version.statutory_days)
    return "、".join(m.name for m in version.materials.order_by("order", "id"))


def expand(text: str) -> str:
    """The text with each placeholder replaced by the catalogue's current value (an unknown item is marked)."""

    def replace(match: re.Match) -> str:
        value = _value(match.group(1), match.group(2))
        return value if value is not None else f"（目录中没有事项“{match.group(1)}”）"

    return PLACEHOLDER.sub(replace, text or "")


def unknown_items(text: str) -> list[str]:
    """The item codes a text names that the catalogue does not have (refused when an article is saved)."""
    codes = {m.group(1) for m in PLACEHOLDER.finditer(text or "")}
    known = set(Item.objects.filter(code__in=codes).values_list("code", flat=True))
    return sorted(codes - known)
