from django.utils.translation import gettext_lazy as _

from plandesk.core.nav import NavEntry

NAV = [
    NavEntry(_("搜索"), "portal:search", public=True, order=40, group="reference"),
    NavEntry(_("新闻公告"), "portal:notices", public=True, order=45, group="reference"),
]
