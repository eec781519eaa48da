from django.utils.translation import gettext_lazy as _

from plandesk.accounts.models import Role
from plandesk.core.nav import NavEntry

NAV = [
    NavEntry(_("工作台"), "core:home", order=0, group=""),
    NavEntry(_("系统管理"), "admin:index", roles=(Role.ADMINISTRATOR,), order=900, group="system"),
]
