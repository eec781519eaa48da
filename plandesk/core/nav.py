"""Navigation entries of the shell. Each app may offer `nav.py` with NAV = [NavEntry(...)]."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavEntry:
    label: str  # shown as-is: wrap in gettext_lazy in the app's nav.py
    url_name: str
    roles: tuple[str, ...] = ()  # empty: everyone signed in
    public: bool = False  # shown to visitors who are not signed in
    order: int = 100
    badge: object = field(default=None, compare=False)  # callable(user) -> int | None: a count beside the label

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
