from django.utils.translation import gettext_lazy as _

from plandesk.accounts.models import Role
from plandesk.core.nav import NavEntry

NAV = [
    NavEntry(_("发证登记"), "certificates:register",
             roles=(Role.OUTPUT_CLERK, Role.DIRECTOR, Role.OFFICE_SUPERVISOR, Role.DIVISION_HEAD),
             order=18, group="certificates"),
    NavEntry(_("告知承诺核查"), "certificates:commitments",
             roles=(Role.HANDLER, Role.DIRECTOR, Role.OFFICE_SUPERVISOR, Role.DIVISION_HEAD),
             order=19, group="certificates"),
    NavEntry(_("证照核验"), "certificates:verify_form", public=True, order=27, group="certificates"),
]
