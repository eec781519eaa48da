"""Who may read which figures: the office and the director see the whole bureau, a division head his divisions."""

from __future__ import annotations

from django.db.models import Q


class NotAllowed(Exception):
    pass


def sees_all(user) -> bool:
    from plandesk.supervision.services import may_assess

    return bool(user and user.is_authenticated and may_assess(user))


def scope_for(user) -> Q | None:
    """None: the whole bureau. A Q on the case: a division head's own divisions. NotAllowed otherwise."""
    if sees_all(user):
        return None
    from plandesk.supervision.services import headed_units

    units = list(headed_units(user).values_list("pk", flat=True))
    if not units:
        raise NotAllowed("仅办公室、局长和处长可以查看统计")
    return Q(handling_office__in=units)


def is_office(user) -> bool:
    from plandesk.supervision.services import is_office as office

    return office(user)


# Who may use each page and API operation (see plandesk/core/access.py).
from plandesk.core.access import PUBLIC, Rule, roles  # noqa: E402

FIGURES = roles("division_head", "director", "office_supervisor", posts=("head", "director", "supervisor"),
                objects="the office and the director see the whole bureau, a unit head his own units")
ACCESS = {
    "reports:dashboard": FIGURES,
    "reports:cases": FIGURES,
    "reports:export": FIGURES,
    "reports:monthly_pdf": FIGURES,
    "reports:follow_ups": roles("director", "office_supervisor", posts=("director", "supervisor")),
    "reports:follow_up_step": roles("director", "office_supervisor", posts=("director", "supervisor")),
    "reports:rate": PUBLIC,
    "reports:rate_link": Rule(public=True, objects="a signed rating link"),
}
API_ACCESS = {
    "GET /api/v1/reports/summary": FIGURES,
}
