"""No query password, ID number or mobile number in any log line of a representative run (issue 25): an intake
through the API (good and bad), the public query (right, wrong, locked out) and the worker's delivery of the SMS,
captured through the production console handler's filters and JSON formatter."""

from __future__ import annotations

import io
import logging

import pytest

from plandesk.core.logging import MaskPersonalData
from plandesk.notifications.services import deliver_pending
from plandesk.operations.logs import JsonFormatter, RequestIdFilter
from plandesk.testing.applications import ID_NUMBER, application
from plandesk.testing.fixtures import bureau  # noqa: F401 (fixture used by name)

pytestmark = pytest.mark.django_db

PHONE = "13912345678"


@pytest.fixture
def log_output():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(MaskPersonalData())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield stream.getvalue
    finally:
        root.removeHandler(handler)


def test_a_run_of_intake_query_and_delivery_logs_no_personal_data(client, api_as, bureau, settings, tmp_path,  # noqa: F811
                                                                   log_output):
    settings.PLANDESK_SMS_BACKEND = "plandesk.notifications.backends.FileSmsBackend"
    settings.PLANDESK_SMS_FILE = str(tmp_path / "sms.jsonl")
    settings.PLANDESK_QUERY_CASE_FAILURES = 5
    clerk = api_as(bureau["intake"])
    filed = clerk.post("/api/v1/cases", application())
    assert filed.status_code == 201, filed.content
    number, password = filed.json()["case_number"], filed.json()["query_password"]
    # A bad intake naming an ID number (its check digit wrong) and a phone: refused, logged by Django as a 4xx.
    wrong_id = ID_NUMBER[:-1] + ("0" if ID_NUMBER[-1] != "0" else "1")
    bad = application(idempotency_key="key-2", applicant={"name": "张三", "credit_code": None, "id_number": wrong_id,
                                                          "contact": "张三", "phone": PHONE})
    assert clerk.post("/api/v1/cases", bad).status_code in (400, 422)

    def query(pw: str) -> int:
        return client.post("/api/v1/public/query", {"case_number": number, "password": pw},
                           content_type="application/json").status_code

    assert query(password) == 200
    assert [query("00000000") for _ in range(5)] == [404] * 5
    assert query(password) == 429
    deliver_pending()

    output = log_output()
    assert "Not Found: /api/v1/public/query" in output  # the run did log: the check below is not vacuous
    for secret in (password, PHONE, ID_NUMBER, wrong_id):
        assert secret not in output
