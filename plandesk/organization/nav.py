from django.utils.translation import gettext_lazy as _

from plandesk.accounts.models import Role
from plandesk.core.nav import NavEntry

NAV = [
    NavEntry(_("组织机构"), "organization:chart", roles=(Role.ADMINISTRATOR, Role.OFFICE_SUPERVISOR),
             order=800, group="system"),
]
