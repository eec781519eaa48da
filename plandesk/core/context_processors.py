from django.conf import settings

from plandesk.core import contact
from plandesk.core.nav import grouped
from plandesk.core.registry import app_modules


def _entries():
    entries = []
    for _label, module in app_modules("nav"):
        entries.extend(getattr(module, "NAV", []))
    return sorted(entries, key=lambda e: e.order)


def shell(request):
    """Bureau name and the navigation the current person may use."""
    user = getattr(request, "user", None)
    nav = []
    if user is not None:
        for entry in _entries():
            url = entry.url()
            if url and entry.visible_to(user):
                badge = entry.badge(user) if callable(entry.badge) and user.is_authenticated else None
                nav.append({"label": entry.label, "url": url, "badge": badge, "group": entry.group,
                            "active": request.path.startswith(url) and url != "/"})
    menus, beside_name = grouped(nav)
    return {
        "bureau_name": settings.PLANDESK_BUREAU_NAME,
        "bureau_name_en": settings.PLANDESK_BUREAU_NAME_EN,
        "nav": nav,  # every link the person may use, in one list (flat)
        "nav_menus": menus,  # the same links as the shell shows them: top-level links and menus
        "nav_me": beside_name,
        # every page prints the same numbers and address as the documents (core/contact.py)
        "bureau_phones": contact.phones(),
        "site_url": contact.site_url(),
    }
