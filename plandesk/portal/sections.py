"""The home page's sections. Other apps fill theirs; the portal links what exists and says 即将开放 otherwise.

An app may offer `plandesk/<app>/portal.py` with

    SECTIONS = [callable(request) -> dict | None]

each dict: {"slot": one of SLOTS, "items": [{"title", "url", "meta"}]} and, where the app wants other than the
portal's defaults for the slot, "title", "url", "link_text", "text", "coming_soon". What the app leaves out comes
from the slot's fallback (its title, its text, the first of its URL names that exists). The catalogue fills
"guides" and publicity fills "publicity" this way.
"""

from __future__ import annotations

import logging

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from plandesk.core.registry import app_modules

log = logging.getLogger(__name__)

# slot -> (title, url names to try in order, text shown under the title)
SLOTS = {
    "guides": (_("报建须知"), ("catalog:guides", "catalog:guide_list", "catalog:index"),
               _("各审批事项的办结时限、申请材料、办理流程和表格。")),
    "query": (_("案件查询"), (), ""),
    "publicity": (_("规划公示"), ("publicity:list", "publicity:current", "publicity:index"),
                  _("正在公示的规划和建设项目方案，欢迎提出意见。")),
    "map": (_("规划一张图"), ("gis:public_map", "gis:map", "gis:index"),
            _("公开的控制性详细规划、道路红线等规划信息。")),
    "appointments": (_("预约洽谈"), ("appointments:home", "appointments:index"),
                     _("洽谈、会商须预约，可在网上或致电预约窗口。")),
    "regulations": (_("政策法规"), ("handbook:regulations",), ""),
    "notices": (_("新闻公告"), ("portal:notices",), ""),
}

# The public case query (window app, later); the portal's placeholder until it exists.
CASE_QUERY_URL_NAMES = ("window:public_query", "window:query", "cases:public_query")


def first_url(names) -> str | None:
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


def case_query_url() -> str:
    return first_url(CASE_QUERY_URL_NAMES) or reverse("portal:case_query")


def provided_sections(request) -> dict[str, dict]:
    """The sections other apps offer for this request, by slot."""
    found: dict[str, dict] = {}
    for label, module in app_modules("portal"):
        for make in getattr(module, "SECTIONS", []):
            try:
                section = make(request)
            except Exception:  # a broken section must not take the home page down
                log.exception("portal section of %s failed", label)
                continue
            if section and section.get("slot") in SLOTS and section["slot"] not in found:
                found[section["slot"]] = {**fallback_section(section["slot"]), **section}
    return found


def sections(request) -> dict[str, dict]:
    """Every slot in order: what an app provides, or the portal's fallback."""
    provided = provided_sections(request)
    return {slot: provided.get(slot) or fallback_section(slot) for slot in SLOTS}


def fallback_section(slot: str) -> dict:
    title, names, text = SLOTS[slot]
    url = first_url(names)
    return {"slot": slot, "title": title, "items": [], "url": url, "text": text, "coming_soon": url is None}
