"""Navigation entries of the shell. Each app may offer `nav.py` with NAV = [NavEntry(...)].

Each entry names a `group` (a key of GROUPS): the shell shows the groups as menus, so that no role meets more than
about eight top-level entries (the office role had 33 links in one row). An entry without a group is a top-level
link of its own (the workbench); the group "me" goes beside the person's name (messages)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# The menus, in the order the shell shows them: the words a bureau's staff use for their own work.
GROUPS: dict[str, object] = {
    "cases": _("办件"),
    "supervision": _("督办"),
    "certificates": _("证照"),
    "publicity": _("公示与预约"),
    "reports": _("统计"),
    "reference": _("基础数据"),
    "system": _("系统管理"),
}
TOP = ""  # a top-level link of its own
ME = "me"  # beside the person's name


@dataclass(frozen=True)
class NavEntry:
    label: str  # shown as-is: wrap in gettext_lazy in the app's nav.py
    url_name: str
    roles: tuple[str, ...] = ()  # empty: everyone signed in
    public: bool = False  # shown to visitors who are not signed in
    order: int = 100
    badge: object = field(default=None, compare=False)  # callable(user) -> int | None: a count beside the label
    group: str = "reference"  # a key of GROUPS, TOP or ME

    def __post_init__(self):
        if self.group not in GROUPS and self.group not in (TOP, ME):
            raise ValueError(f"unknown navigation group {self.group!r}: one of {', '.join(GROUPS)}, TOP or ME")

    def visible_to(self, user) -> bool:
        if not user.is_authenticated:
            return self.public
        if not self.roles:
            return True
        return user.has_role(*self.roles)

    def url(self) -> str | None:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return None


def grouped(items: list[dict]) -> tuple[list[dict], list[dict]]:
    """(top level, beside the name) from the visible items (dicts with label, url, badge, active, group), in order.

    A top-level item is a link (`url`) or a menu (`entries`); a menu with one entry is shown as that link, since a
    menu of one only costs a click. A menu carries the sum of its entries' badges and is active when one of them is."""
    menus: dict[str, list[dict]] = {}
    top: list[tuple[int, dict]] = []
    me = [item for item in items if item["group"] == ME]
    for item in items:
        if item["group"] == TOP:
            top.append((-1, item))
        elif item["group"] != ME:
            menus.setdefault(item["group"], []).append(item)
    order = list(GROUPS)
    for key, entries in menus.items():
        if len(entries) == 1:
            top.append((order.index(key), entries[0]))
            continue
        badges = [e["badge"] for e in entries if e["badge"]]
        top.append((order.index(key), {"label": GROUPS[key], "key": key, "entries": entries,
                                       "badge": sum(badges) if badges else None,
                                       "active": any(e["active"] for e in entries)}))
    return [item for _rank, item in sorted(top, key=lambda pair: pair[0])], me
