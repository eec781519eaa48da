"""One refusal type for the whole house: a rule said no, and says why in the person's language.

Every app's refusals subclass `Refusal` (`WorkflowError`, `CertificateError`, `WindowError`, `MeetingError`,
`BookingError`, `QueryRefused`, the API's own `ApiError`): `status` and `code` are what the API answers
(`{"error": code, "message": message, **extra}`, the one handler in plandesk/api.py), `message` is zh-Hans for
people, `extra` carries the contract's additional fields (e.g. `fields`, `current_version`). Pages show the same
refusal the same way (`core.refusals.show`: the message as an error notice, or the status page).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404


class Refusal(Exception):
    """A refused action. Subclasses set `status`/`code` as class attributes; an instance may override both."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None, **extra):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        if code is not None:
            self.code = code
        self.extra = extra

    def body(self) -> dict:
        """The API's error body for this refusal."""
        return {"error": self.code, "message": self.message, **self.extra}


class Invalid(Refusal):
    status, code = 400, "invalid"


class Forbidden(Refusal):
    status, code = 403, "forbidden"


class NotFound(Refusal):
    status, code = 404, "not_found"


class Conflict(Refusal):
    status, code = 409, "conflict"


class TooMany(Refusal):
    status, code = 429, "too_many_requests"


def show(request, refusal: Refusal, *, not_found: tuple[int, ...] = ()) -> None:
    """A refusal on a page, the same way on every page: its message as an error notice on the page shown next
    (the view then redirects or renders as it would). Statuses in `not_found` give the 404 page instead, for
    objects whose existence a person may not learn."""
    if refusal.status in not_found:
        raise Http404(refusal.message) from refusal
    messages.error(request, refusal.message)
