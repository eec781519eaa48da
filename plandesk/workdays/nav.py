from django.utils.translation import gettext_lazy as _

from plandesk.core.nav import NavEntry

NAV = [NavEntry(_("工作日计算"), "workdays:calculator", public=True, order=800, group="reference")]
