from django.utils.translation import gettext_lazy as _

from plandesk.core.nav import NavEntry
from plandesk.publicity.models import Publicity
from plandesk.publicity.views import MANAGERS


def _at_risk(user) -> int | None:
    return Publicity.objects.at_risk().count() or None


NAV = [
    NavEntry(_("规划公示"), "publicity:list", public=True, order=300, group="publicity"),
    NavEntry(_("公示管理"), "publicity:staff_list", roles=MANAGERS, order=500, badge=_at_risk, group="publicity"),
]
