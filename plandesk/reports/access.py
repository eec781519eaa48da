"""Who may read which figures: the office and the director see the whole bureau, a division head his divisions."""

from __future__ import annotations

from django.db.models import Q

from plandesk.supervision.services import headed_units, may_assess


class NotAllowed(Exception):
    pass


def sees_all(user) -> bool:
    return bool(user and user.is_authenticated and may_assess(user))


def scope_for(user) -> Q | None:
    """None: the whole bureau. A Q on the case: a division head's own divisions. NotAllowed otherwise."""
    if sees_all(user):
        return None

    units = list(headed_units(user).values_list("pk", flat=True))
    if not units:
        raise NotAllowed("仅办公室、局长和处长可以查看统计")
    return Q(handling_office__in=units)


# --- declarations for the access matrix (see plandesk/core/access.py) ---------------------------------------------
from plandesk.core.access import Rule, roles  # noqa: E402

READERS = roles("office_supervisor", "director", "division_head", posts=("supervisor", "director", "head"),
                objects="division heads: their own divisions' cases only; 404 for anyone else")
ACCESS = {
    "reports:dashboard": READERS,
    "reports:cases": READERS,
    "reports:export": READERS,
    "reports:monthly_pdf": READERS,
    "reports:follow_ups": roles("office_supervisor", "director", posts=("supervisor", "director")),
    "reports:follow_up_step": roles("office_supervisor", posts=("supervisor",)),
    "reports:rate": Rule(public=True, objects="case number + query password, the window's lockout"),
    "reports:rate_link": Rule(public=True, objects="the signed link names the case"),
}
API_ACCESS = {
    "GET /api/v1/reports/summary": roles("office_supervisor", "director", posts=("supervisor", "director")),
}
