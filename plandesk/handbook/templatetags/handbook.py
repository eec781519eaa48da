"""`{% load handbook %}`: Markdown and citations of regulations for any template (e.g. catalog's guides)."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from plandesk.handbook.markdown import render_markdown
from plandesk.handbook.models import Regulation

register = template.Library()

_BOOK_TITLE = re.compile(r"《([^《》]{2,80})》")


@register.filter
def markdown(text: str) -> SafeString:
    return render_markdown(text)


@register.filter
def cite_regulations(text: str) -> SafeString:
    """Escape a text and link every 《title》 that names a regulation of the library (full or short title)."""
    text = text or ""
    names = set(_BOOK_TITLE.findall(text))
    if not names:
        return escape(text)
    found = {}
    for reg in Regulation.objects.filter(is_public=True).only("code", "title", "short_title"):
        for name in (reg.title, reg.short_title):
            if name in names:
                found.setdefault(name, reg)
    out, pos = [], 0
    for match in _BOOK_TITLE.finditer(text):
        reg = found.get(match.group(1))
        if reg is None:
            continue
        out.append(escape(text[pos:match.start()]))
        out.append(format_html('<a href="{}">{}</a>', reg.get_absolute_url(), match.group(0)))
        pos = match.end()
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))


@register.simple_tag
def regulation_link(code: str) -> SafeString:
    """A link to the regulation cited by its code, or the bare code if the library lacks it."""
    reg = Regulation.objects.filter(code=code).first()
    if reg is None:
        return escape(code)
    return format_html('<a href="{}">{}</a>', reg.get_absolute_url(), reg.title)
