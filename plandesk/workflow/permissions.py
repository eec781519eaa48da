"""Who may see a case and who may work a task: posts, substitutions, the director and the office, and the rules
that apps above add (`WORK_RULES`, see hooks.py)."""

from __future__ import annotations

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from plandesk.cases.models import Case
from plandesk.core import sql as rawsql
from plandesk.organization.models import Post, PostMembership, Substitute, Unit
from plandesk.organization.roles import is_director_or_office
from plandesk.workflow import hooks
from plandesk.workflow.errors import NotAllowed, NotFound
from plandesk.workflow.models import (
    Task,
    TaskState,
)

# --- who may do what ------------------------------------------------------------------------------------------------



def refusal_by_rules(user, task: Task) -> str | None:
    for rule in hooks.work_rules():
        refusal = rule(user, task)
        if refusal:
            return refusal
    return None


def workable_tasks(user) -> list[Task]:
    """The open tasks the user may work now (`Task.objects.workable_by`, then the apps' rules), light fields loaded:
    what the nav badge and the workbench count, so they never count a task the worklist would not show."""
    rows = Task.objects.workable_by(user).only("id", "case_id", "step_id", "post_id", "assignee_id", "due_at",
                                               "warn_at", "light", "state")
    return [task for task in rows if refusal_by_rules(user, task) is None]


def may_work(user, task: Task) -> bool:
    """Members (or substitutes) of the task's post; once claimed, only the assignee; and no app's rule refuses."""

    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if task.assignee_id is not None:
        allowed = task.assignee_id == user.pk
    else:
        allowed = task.post_id is not None and Post.objects.held_by(user).filter(pk=task.post_id).exists()
    return allowed and refusal_by_rules(user, task) is None


def may_see_case(user, case: Case) -> bool:
    """Who may see a case: holders of its tasks now or before, their division heads, the director and the office."""

    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if is_director_or_office(user):
        return True
    tasks = Task.objects.filter(case=case)
    if tasks.filter(Q(assignee=user) | Q(completed_by=user)).exists():
        return True
    if tasks.workable_by(user).exists():
        return True
    offices = tasks.values("office_id")
    headed = Unit.objects.filter(Q(head=user) | Q(posts__in=Post.objects.held_by(user).filter(
        function=Post.Function.HEAD)))
    return headed.filter(pk__in=offices).exists()


def visible_cases(user):
    """The cases a user may see (for worklists and search)."""

    if is_director_or_office(user):
        return Case.objects.all()
    posts = Post.objects.held_by(user).values("pk")
    headed = Unit.objects.filter(Q(head=user) | Q(posts__in=Post.objects.held_by(user).filter(
        function=Post.Function.HEAD))).values("pk")
    task_q = (Q(tasks__assignee=user) | Q(tasks__completed_by=user)
              | Q(tasks__state=TaskState.OPEN, tasks__assignee__isnull=True, tasks__post__in=posts)
              | Q(tasks__office__in=headed))
    return Case.objects.filter(task_q).distinct()


# The hot path reads only the columns it needs, through the cursor (rawsql explains why); the case's site is a
# geometry and is never read here.
_TASK_LOAD = ("id", "case_id", "instance_id", "spiff_id", "step_id", "name", "lane", "post_id", "office_id",
              "assignee_id", "state", "meeting_kind", "claimed_at", "version", "form_schema")
_MAX_ID = 2**63 - 1


def _load_task(where: str, params: list, *, user=None, order: str = "") -> tuple[Task | None, bool]:
    """One task row (with its post's code and name) and whether `user` may work it, in one statement.

    The permission is may_work's rule in SQL: the assignee once claimed, else a member of the post or the post's
    substitute today."""

    may = user is not None and user.is_authenticated and user.is_active
    params = [*([user.pk, user.pk, user.pk, *[connection.ops.adapt_datefield_value(timezone.localdate())] * 2]
                if may else []), *params]
    row = rawsql.fetchone(rawsql.statement(f"task {may} {where}{order}", lambda: _task_select(may, where, order)),
                          params)
    if row is None:
        return None, False
    values = dict(zip(_TASK_LOAD, row, strict=False))
    values["claimed_at"] = rawsql.dt_out(values["claimed_at"])
    values["form_schema"] = rawsql.json_out(values["form_schema"])
    task = rawsql.from_db(Task, values)
    if task.post_id is not None:
        task.post = rawsql.from_db(Post, {"id": task.post_id, "code": row[-3], "name": row[-2]})
    return task, bool(row[-1])


def _task_select(may: bool, where: str, order: str) -> str:
    may_sql = "NULL"
    if may:
        may_sql = ("CASE WHEN t.assignee_id IS NOT NULL THEN t.assignee_id = %s ELSE t.post_id IS NOT NULL AND ("  # noqa: S608
                   f"EXISTS (SELECT 1 FROM {rawsql.table(PostMembership)} m WHERE m.post_id = t.post_id "
                   "AND m.user_id = %s) OR "
                   f"EXISTS (SELECT 1 FROM {rawsql.table(Substitute)} s WHERE s.post_id = t.post_id "
                   "AND s.substitute_id = %s AND s.starts_on <= %s AND s.ends_on >= %s)) END")
    columns = ", ".join(f"t.{name}" for name in _TASK_LOAD)
    return (f"SELECT {columns}, p.code, p.name, {may_sql} FROM {rawsql.table(Task)} t "  # noqa: S608
            f"LEFT JOIN {rawsql.table(Post)} p ON p.id = t.post_id WHERE {where}{order} LIMIT 1")


def get_task_for(user, task_id: int, *, lock: bool = False, rules: bool = True) -> Task:
    try:
        task_id = int(task_id)
    except (TypeError, ValueError):
        raise NotFound("没有这个办理环节") from None
    if not 0 < task_id <= _MAX_ID:  # beyond the column's range: no such row (PostgreSQL would refuse the value)
        raise NotFound("没有这个办理环节")
    task, may = _load_task("t.id = %s", [task_id], user=user)
    if task is None:
        raise NotFound("没有这个办理环节")
    if not may:
        raise NotAllowed("您不能办理这个环节")
    refusal = refusal_by_rules(user, task) if rules else None
    if refusal:
        raise NotAllowed(refusal)
    return task
