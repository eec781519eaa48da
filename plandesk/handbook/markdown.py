"""Markdown to safe HTML: python-markdown renders, nh3 keeps only an allow-list of tags and attributes.

Raw HTML in the source is allowed through python-markdown and then cleaned: a <script> (with its content),
event handlers, style attributes and javascript: links never reach the page.
"""

from __future__ import annotations

import html as html_lib

import markdown as md
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "u", "s", "sub", "sup",
    "ul", "ol", "li", "blockquote", "code", "pre", "a", "table", "thead", "tbody", "tr", "th", "td",
    "dl", "dt", "dd", "abbr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> SafeString:
    html = md.markdown(text or "", extensions=["tables", "sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return mark_safe(clean)


def plain_text(text: str) -> str:
    """The words of a Markdown text without markup, for the search index and snippets."""
    html = md.markdown(text or "", extensions=["tables", "sane_lists"], output_format="html")
    return " ".join(html_lib.unescape(nh3.clean(html, tags=set(), attributes={})).split())
