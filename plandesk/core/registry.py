"""Find what each domain app offers (urls, api, demo, jobs, nav) without a central list to edit."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterator
from types import ModuleType

from django.conf import settings


def app_modules(module_name: str) -> Iterator[tuple[str, ModuleType]]:
    """Yield (app label, module) for every plandesk app that has `plandesk.<app>.<module_name>`, in layer order."""
    for app in settings.PLANDESK_APPS:
        dotted = f"{app}.{module_name}"
        if importlib.util.find_spec(dotted) is None:
            continue
        yield app.rsplit(".", 1)[-1], importlib.import_module(dotted)
