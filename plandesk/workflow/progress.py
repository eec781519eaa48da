"""Reading a case's progress for the public query and the phone line: no staff names, no opinions."""

from __future__ import annotations

from plandesk.cases.models import Case
from plandesk.workdays.calendar import local_date
from plandesk.workflow.models import (
    TaskState,
)

# --- reading progress (for the public query and the phone line: no staff names, no opinions) -----------------------

def current_steps(case: Case) -> list[dict]:
    """The steps now open: name, when it arrived, its due date."""

    return [{"name": t.name, "started_at": t.created_at, "due_date": local_date(t.due_at) if t.due_at else None}
            for t in case.tasks.filter(state=TaskState.OPEN).order_by("created_at", "id")]


def step_history(case: Case) -> list[dict]:
    """The steps finished so far: name, started, finished (cancelled ones left out)."""
    return [{"name": t.name, "started_at": t.created_at, "finished_at": t.completed_at}
            for t in case.tasks.filter(state__in=[TaskState.COMPLETED, TaskState.LAPSED]).order_by("completed_at",
                                                                                                   "id")]
