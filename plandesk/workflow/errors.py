"""The workflow's refusals (one refusal type for the house: plandesk/core/refusals.py). Each is also the core
refusal of its status, whose `status` and `code` it takes."""

from __future__ import annotations

from plandesk.core import refusals


class WorkflowError(refusals.Refusal):
    """A refused action on a process or task; `status`/`code` map to the API, `message` is for people (zh-Hans)."""


class NotFound(WorkflowError, refusals.NotFound):
    pass


class NotAllowed(WorkflowError, refusals.Forbidden):
    pass


class Conflict(WorkflowError, refusals.Conflict):
    pass


class MeetingRequired(Conflict):
    code = "meeting_required"


class InvalidInput(WorkflowError, refusals.Invalid):
    pass
