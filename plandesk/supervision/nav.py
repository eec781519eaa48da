from django.utils.translation import gettext_lazy as _

from plandesk.accounts.models import Role
from plandesk.core.nav import NavEntry
from plandesk.supervision.models import NoticeStatus, UrgingNotice


def awaiting_feedback(user) -> int | None:
    return UrgingNotice.objects.filter(handler=user, status=NoticeStatus.ISSUED).count() or None


NAV = [
    NavEntry(_("督办台"), "supervision:desk", roles=(Role.OFFICE_SUPERVISOR,), order=40, group="supervision"),
    NavEntry(_("督办件"), "supervision:notices", roles=(Role.HANDLER, Role.DIVISION_HEAD, Role.OFFICE_SUPERVISOR,
                                                       Role.DIRECTOR), order=41, badge=awaiting_feedback,
             group="supervision"),
    NavEntry(_("考核登记"), "supervision:assessment", roles=(Role.OFFICE_SUPERVISOR, Role.DIRECTOR),
             order=42, group="supervision"),
]
