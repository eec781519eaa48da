"""Tasks that a meeting decides: who is expected, which cases wait for which kind of meeting."""

from __future__ import annotations

from django.db.models import Q

from plandesk.cases.models import Case
from plandesk.organization.models import Post, Unit
from plandesk.workflow.models import (
    MeetingKind,
    Task,
    TaskState,
)
from plandesk.workflow.permissions import _load_task

# --- meetings ------------------------------------------------------------------------------------------------------

def expected_members(task: Task) -> list[str]:
    """Who is expected at the meeting that decides this task: the division's staff, or the bureau's leaders."""

    if task.meeting_kind == MeetingKind.DIVISION and task.office_id:
        users = Post.objects.holders(Post.objects.filter(unit_id=task.office_id))
        names = set(users.values_list("username", flat=True))
        names.update(Unit.objects.filter(pk=task.office_id, head__isnull=False).values_list("head__username",
                                                                                            flat=True))
    else:
        names = set(Post.objects.directors().values_list("username", flat=True))
        heads = Post.objects.holders(Post.objects.filter(function=Post.Function.HEAD,
                                                         unit__kind=Unit.Kind.DIVISION))
        names.update(heads.values_list("username", flat=True))
    return sorted(names)


def meeting_info(task: Task) -> dict:
    division = task.office.code if task.meeting_kind == MeetingKind.DIVISION and task.office_id else None
    return {"meeting_kind": task.meeting_kind, "division": division, "expected_members": expected_members(task)}


def cases_waiting_for_meeting(kind: str, division=None):
    """Cases whose open task waits for a meeting of this kind (and this division: a Unit or its code)."""
    q = Q(tasks__state=TaskState.OPEN, tasks__meeting_kind=kind)
    if division is not None:
        q &= Q(tasks__office__code=division) if isinstance(division, str) else Q(tasks__office=division)
    return Case.objects.filter(q).distinct()


def meeting_task(case: Case, kind: str) -> Task | None:
    # Task's default ordering, as .first() would apply it.
    return _load_task("t.case_id = %s AND t.state = %s AND t.meeting_kind = %s",
                      [case.pk, TaskState.OPEN.value, str(kind)], order=" ORDER BY t.due_at, t.id")[0]
