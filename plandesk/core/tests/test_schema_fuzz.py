"""Schema fuzzing of the API (issue 16, item 2): schemathesis generates requests from /api/v1/openapi.json.

Every operation is fuzzed over the WSGI app (Django's handler, real database with the demo loaded), once anonymously
and once with the intake clerk's token (a staff user allowed to take in cases), with valid (positive) and invalid
(negative) data. Checks: no 5xx, and every answer's body conforms to the schema the document declares for its
status. Bounded (FUZZ_EXAMPLES per operation, mode and caller; fixed seed) so that it stays within a few minutes on
the 2-core machine; PLANDESK_FUZZ_EXAMPLES raises it for a longer run by hand.

The operations are driven here with Hypothesis directly rather than through schemathesis' pytest plugin, whose lazy
(fixture) mode does not run under pytest 9; each failure is collected (operation, request, what failed) and all are
reported at once.
"""

from __future__ import annotations

import contextlib
import io
import os

import hypothesis
import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from plandesk.accounts.models import ApiToken, User

FUZZ_EXAMPLES = int(os.environ.get("PLANDESK_FUZZ_EXAMPLES", "6"))
CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture
def fuzzed_api(db):
    call_command("demo", stdout=io.StringIO())
    from plandesk.wsgi import application

    # schemathesis calls the WSGI app itself: like Django's test client, keep the handler from closing the test's
    # connection (and with it the transaction the demo lives in) at the end of each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _fuzz_one(operation, mode, headers: dict[str, str]) -> tuple[int, str | None]:
    """Up to FUZZ_EXAMPLES requests of one operation in one mode; (requests sent, first failure or None)."""
    tried = 0
    first: list[str] = []

    @hypothesis.settings(max_examples=FUZZ_EXAMPLES, deadline=None, database=None, derandomize=True,
                         suppress_health_check=list(hypothesis.HealthCheck),
                         phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate])
    @hypothesis.given(case=operation.as_strategy(mode))
    def run(case):
        nonlocal tried
        tried += 1
        try:
            case.call_and_validate(headers=headers, checks=CHECKS)
        except (Exception, BaseExceptionGroup) as exc:  # a failed check: keep the first, go on (all reported)
            if not first:
                first.append(f"{operation.label} ({mode.value}): {type(exc).__name__}: {str(exc)[:1500]}")

    with contextlib.suppress(hypothesis.errors.Unsatisfiable):  # a negative mode with nothing to break
        run()
    return tried, (first[0] if first else None)


def _fuzz(api, headers: dict[str, str]) -> tuple[int, list[str]]:
    tried = 0
    failures: list[str] = []
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) > 40
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            count, failure = _fuzz_one(operation, mode, headers)
            tried += count
            if failure:
                failures.append(failure)
    return tried, failures


def test_the_api_answers_fuzz_anonymous_and_staff_without_5xx_and_as_documented(fuzzed_api):
    token = ApiToken.issue(User.objects.get(username="intake"))[1]
    failures = []
    for caller, headers in (("anonymous", {}), ("intake clerk's token", {"Authorization": f"Bearer {token}"})):
        tried, found = _fuzz(fuzzed_api, headers)
        print(f"schema fuzz, {caller}: {tried} requests")
        assert tried > 250
        failures += found
    assert failures == [], "\n\n".join(failures)
