from django.utils.translation import gettext_lazy as _

from plandesk.accounts.models import Role
from plandesk.core.nav import NavEntry

NAV = [
    NavEntry(_("统计"), "reports:dashboard", roles=(Role.OFFICE_SUPERVISOR, Role.DIRECTOR, Role.DIVISION_HEAD),
             order=60, group="reports"),
    NavEntry(_("差评整改"), "reports:follow_ups", roles=(Role.OFFICE_SUPERVISOR, Role.DIRECTOR),
             order=61, group="reports"),
    NavEntry(_("服务评价"), "reports:rate", public=True, order=90, group="reports"),
]
