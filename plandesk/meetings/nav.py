from django.utils.translation import gettext_lazy as _

from plandesk.accounts.models import Role
from plandesk.core.nav import NavEntry

NAV = [
    NavEntry(_("两会"), "meetings:list", roles=(Role.DIVISION_HEAD, Role.DIRECTOR, Role.OFFICE_SUPERVISOR,
                                              Role.HANDLER), order=15, group="cases"),
]
