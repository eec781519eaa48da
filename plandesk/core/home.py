"""The staff home page gathers panels that apps offer in `home.py` (PANELS = [callable(user) -> dict | None])."""

from __future__ import annotations

from plandesk.core.registry import app_modules


def home_panels(user) -> list[dict]:
    panels = []
    for label, module in app_modules("home"):
        if module.__name__ == __name__:
            continue
        for make in getattr(module, "PANELS", []):
            panel = make(user)
            if panel:
                panel.setdefault("app", label)
                panels.append(panel)
    return panels
