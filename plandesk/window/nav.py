from django.utils.translation import gettext_lazy as _

from plandesk.accounts.models import Role
from plandesk.core.nav import NavEntry

NAV = [
    NavEntry(_("窗口"), "window:desk", roles=(Role.INTAKE_CLERK, Role.OUTPUT_CLERK), order=15, group="cases"),
    NavEntry(_("接件立案"), "window:intake", roles=(Role.INTAKE_CLERK,), order=16, group="cases"),
    NavEntry(_("案件查询"), "window:public_query", public=True, order=25, group="cases"),
]
