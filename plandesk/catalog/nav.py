from django.utils.translation import gettext_lazy as _

from plandesk.core.nav import NavEntry

NAV = [
    NavEntry(_("报建须知"), "catalog:index", public=True, order=20, group="reference"),
]
