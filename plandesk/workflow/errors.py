"""The workflow's refusals (one refusal type for the house: plandesk/core/refusals.py)."""

from __future__ import annotations

from plandesk.core.refusals import Refusal


class WorkflowError(Refusal):
    """A refused action on a process or task; `status`/`code` map to the API, `message` is for people (zh-Hans)."""


class NotFound(WorkflowError):
    status, code = 404, "not_found"


class NotAllowed(WorkflowError):
    status, code = 403, "forbidden"


class Conflict(WorkflowError):
    status, code = 409, "conflict"


class MeetingRequired(WorkflowError):
    status, code = 409, "meeting_required"


class InvalidInput(WorkflowError):
    status, code = 400, "invalid"
