from django.utils.translation import gettext_lazy as _

from plandesk.core.nav import NavEntry

NAV = [
    NavEntry(_("政策法规"), "handbook:regulations", public=True, order=30, group="reference"),
    NavEntry(_("行政管理手册"), "handbook:index", public=True, order=35, group="reference"),
]
