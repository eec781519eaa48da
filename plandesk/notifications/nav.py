from django.utils.translation import gettext_lazy as _

from plandesk.core.nav import NavEntry
from plandesk.notifications.models import Notification


def _unread(user) -> int | None:
    return Notification.objects.unread_for(user).count() or None


NAV = [NavEntry(_("消息"), "notifications:inbox", order=800, badge=_unread, group="me")]
