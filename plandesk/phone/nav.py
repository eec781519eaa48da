from django.utils.translation import gettext_lazy as _

from plandesk.accounts.models import Role
from plandesk.core.nav import NavEntry

NAV = [NavEntry(_("来电记录"), "phone:calls", roles=(Role.OFFICE_SUPERVISOR,), order=80, group="supervision")]
