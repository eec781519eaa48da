"""Who may prepare, check, void and see a case's documents. The second person's check has one rule, `is_preparer`:
whoever prepared the documents never checks them, whichever way he would come to (by hand, at the 证件校核 step,
or handed the step)."""

from __future__ import annotations

from plandesk.cases.models import Case
from plandesk.certificates.models import Certificate
from plandesk.certificates.types import CHECK_STEPS, PREPARE_STEPS
from plandesk.organization.models import Post
from plandesk.organization.roles import is_director
from plandesk.window.services import is_output_clerk
from plandesk.workflow.models import Task, TaskState
from plandesk.workflow.permissions import may_see_case, may_work

__all__ = ["SAME_PERSON", "is_output_clerk", "is_preparer", "may_check", "may_prepare", "may_see", "may_void",
           "open_prepare_task", "work_rule"]

SAME_PERSON = "校核须由制证人以外的另一人进行：您办理了本案的制证环节或制作了证照，不能校核"


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def is_preparer(user, case_id: int, *, certificate: Certificate | None = None) -> bool:
    """Whether the person prepared the case's documents: he completed its certificate step (制证), or made one of
    its pending documents (or this one) by hand. Such a person may not check them."""
    if user is None or not user.is_authenticated:
        return False
    if certificate is not None and certificate.prepared_by_id == user.pk:
        return True
    return (Task.objects.filter(case_id=case_id, state=TaskState.COMPLETED, step_id__in=PREPARE_STEPS,
                                completed_by=user).exists()
            or Certificate.objects.filter(case_id=case_id, prepared_by=user).pending().exists())


def open_prepare_task(case: Case):
    return Task.objects.filter(case=case, state=TaskState.OPEN, step_id__in=PREPARE_STEPS).first()


def may_prepare(user, case: Case) -> bool:
    task = open_prepare_task(case)
    return task is not None and may_work(user, task)


def _office_units(case: Case) -> list[int]:
    unit = case.handling_office
    return [u.pk for u in unit.ancestors(include_self=True)] if unit is not None else []


def may_check(user, cert: Certificate) -> bool:
    """A second person (not the preparer); a handler or head of the handling office (or above), or the director."""
    if not _active(user) or is_preparer(user, cert.case_id, certificate=cert):
        return False
    posts = Post.objects.held_by(user)
    if posts.filter(function=Post.Function.DIRECTOR).exists():
        return True
    return posts.filter(unit_id__in=_office_units(cert.case),
                        function__in=[Post.Function.HANDLER, Post.Function.HEAD]).exists()


def may_void(user, cert: Certificate) -> bool:
    """The head of the handling office or the director."""
    if not _active(user):
        return False
    if is_director(user):
        return True
    return Post.objects.held_by(user).filter(unit_id__in=_office_units(cert.case), function=Post.Function.HEAD).exists()


def may_see(user, case: Case) -> bool:
    return is_output_clerk(user) or may_see_case(user, case)


def _last_done(case: Case, steps):
    return (Task.objects.filter(case=case, state=TaskState.COMPLETED, step_id__in=steps)
            .select_related("completed_by").order_by("-id").first())


def work_rule(user, task) -> str | None:
    """A workflow hook (`WORK_RULES`, see workflow_hooks.py): the preparer may not open, claim, complete or be
    handed the case's 证件校核 step."""
    if task.step_id in CHECK_STEPS and is_preparer(user, task.case_id):
        return SAME_PERSON
    return None
