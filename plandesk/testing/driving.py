"""Driving a case through its steps the way the people at their posts would."""

from __future__ import annotations

from plandesk.workflow import services as workflow
from plandesk.workflow.models import TaskState

REVIEW_FORM = {"conformity": "符合"}


def open_task(case, step_id: str | None = None):
    """The case's one open task (at `step_id` if given)."""
    rows = case.tasks.filter(state=TaskState.OPEN)
    if step_id:
        rows = rows.filter(step_id=step_id)
    return rows.get()


def review(case, handler) -> None:
    """The handler reviews the case (经办): it moves on to its division meeting."""
    workflow.complete_task(open_task(case, "review").pk, handler, decision="approve", opinion="符合控规",
                           form=REVIEW_FORM)


def to_bureau_decision(b, case, decision: str = "approve", opinion: str = "同意核发"):
    """Review, division meeting, director, bureau meeting: the case then waits at its certificate step."""
    review(case, b["handler1"])
    workflow.complete_meeting_task(case, "division", "approve", "同意，报局务会", b["head1"], "处务会-1")
    workflow.complete_task(open_task(case, "director_review").pk, b["director"], decision="approve",
                           opinion="提交局务会", form={"submit_to_bureau_meeting": True})
    workflow.complete_meeting_task(case, "bureau", decision, opinion, b["director"], "局务会-1")
    return case
