from django.utils.translation import gettext_lazy as _

from plandesk.accounts.models import Role
from plandesk.core.nav import NavEntry

STAFF = tuple(Role.values)

NAV = [
    NavEntry(_("地图"), "gis:map", roles=STAFF, order=60, group="reference"),
    NavEntry(_("图层目录"), "gis:catalogue", roles=STAFF, order=61, group="reference"),
    NavEntry(_("选址辅助"), "gis:site_selection", roles=STAFF, order=62, group="reference"),
    NavEntry(_("规划地图"), "gis:public_map", public=True, order=60, group="reference"),
    NavEntry(_("规划信息查询"), "gis:planning_info_map", public=True, order=61, group="reference"),
]
