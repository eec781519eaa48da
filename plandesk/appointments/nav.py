from django.utils.translation import gettext_lazy as _

from plandesk.core.nav import NavEntry

NAV = [
    NavEntry(_("预约接待"), "appointments:home", public=True, order=600, group="publicity"),
    NavEntry(_("接待日程"), "appointments:schedule",
             roles=("consultant", "intake_clerk", "office_supervisor", "director"), order=610, group="publicity"),
]
