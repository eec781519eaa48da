"""One refusal type: every app's refusals are `Refusal`s, the API answers them through its one handler in the
contract's shape, and a page shows them one way."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.http import Http404
from django.test import RequestFactory

from plandesk.appointments.services import BookingError
from plandesk.certificates.errors import CertificateError
from plandesk.core.api_errors import ApiError
from plandesk.core.refusals import Refusal, show
from plandesk.meetings.services import Conflict as MeetingConflict
from plandesk.meetings.services import MeetingError
from plandesk.publicity.models import PublicityError
from plandesk.publicity.services import TooManyOpinions
from plandesk.reports.stats import PeriodError
from plandesk.window.query import QueryRefused
from plandesk.window.services import WindowError
from plandesk.workflow.errors import MeetingRequired, NotFound, WorkflowError


def test_it_has_one_refusal_type_under_every_apps_errors():
    for kind in (ApiError, BookingError, CertificateError, MeetingError, PeriodError, PublicityError, QueryRefused,
                 WindowError, WorkflowError):
        assert issubclass(kind, Refusal), kind
    assert (NotFound("x").status, NotFound("x").code) == (404, "not_found")
    assert (MeetingRequired("x").status, MeetingRequired("x").code) == (409, "meeting_required")
    assert (MeetingConflict("x", code="minutes_signed").status, MeetingConflict("x", code="minutes_signed").code) == (
        409, "minutes_signed")
    assert (TooManyOpinions("x").status, TooManyOpinions("x").code) == (429, "too_many_requests")
    assert WindowError(409, "conflict", "案件已取件", status_now="closed").body() == {
        "error": "conflict", "message": "案件已取件", "status_now": "closed"}


@pytest.mark.django_db
def test_the_api_answers_a_services_refusal_in_the_contracts_shape(api_as, member):
    """A task that does not exist: the workflow's NotFound, raised in the service, reaches the caller as 404."""
    response = api_as(member).post("/api/v1/tasks/987654/claim", {"version": 1})
    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "message": "没有这个办理环节"}


def _request():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_a_page_shows_a_refusal_as_an_error_notice_or_hides_what_may_not_be_known():
    request = _request()
    show(request, WorkflowError("该环节已办结，不能重复办理", status=409, code="conflict"))
    assert [str(m) for m in get_messages(request)] == ["该环节已办结，不能重复办理"]
    with pytest.raises(Http404):
        show(_request(), NotFound("没有这个办理环节"), not_found=(403, 404))
