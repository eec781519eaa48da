from django.utils.translation import gettext_lazy as _

from plandesk.accounts.models import Role
from plandesk.core.nav import NavEntry
from plandesk.workflow.services import workable_tasks

STAFF = (Role.HANDLER, Role.DIVISION_HEAD, Role.DIRECTOR, Role.OFFICE_SUPERVISOR)


def open_task_count(user) -> int | None:
    return len(workable_tasks(user)) or None


NAV = [
    NavEntry(_("待办"), "workflow:todo", roles=STAFF, order=10, badge=open_task_count, group="cases"),
    NavEntry(_("已办"), "workflow:done", roles=STAFF, order=11, group="cases"),
]
