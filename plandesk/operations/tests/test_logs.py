"""JSON log lines (PLANDESK_LOG_FORMAT=json): one object a line, the request id in it, personal data masked."""

import io
import json
import logging

import pytest
from django.conf import settings as django_settings

from plandesk.core.logging import MaskPersonalData
from plandesk.operations.logs import JsonFormatter, RequestIdFilter

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_lines():
    """A handler configured as settings.LOGGING's console handler is under PLANDESK_LOG_FORMAT=json."""
    assert django_settings.LOGGING["formatters"]["json"]["()"] == "plandesk.operations.logs.JsonFormatter"
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(MaskPersonalData())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


def test_a_requests_log_lines_carry_its_id(client, settings, json_lines):
    settings.PLANDESK_TRUSTED_PROXIES = ["127.0.0.1"]
    settings.PLANDESK_HEALTH_MIN_FREE_MB = 10**12  # a failing health check: Django logs the 503
    response = client.get("/healthz", HTTP_X_REQUEST_ID="req-0123456789abcdef")
    assert response.status_code == 503
    lines = [line for line in json_lines() if line["logger"] == "django.request"]
    assert lines and lines[0]["request_id"] == "req-0123456789abcdef"
    assert lines[0]["level"] == "ERROR" and lines[0]["message"] == "Service Unavailable: /healthz"
    assert set(lines[0]) >= {"time", "level", "logger", "message"}


def test_json_lines_mask_phones_and_id_numbers(json_lines):
    logging.getLogger("plandesk.window").warning("caller %s, id %s", "13912345678", "420102199001011234")
    [line] = [line for line in json_lines() if line["logger"] == "plandesk.window"]
    assert "13912345678" not in line["message"] and "420102199001011234" not in line["message"]
    assert "request_id" not in line  # outside a request there is none


def test_json_lines_mask_a_traceback_too(json_lines):
    try:
        raise ValueError("no booking for 13912345678")
    except ValueError:
        logging.getLogger("plandesk.window").exception("look-up failed")
    [line] = [line for line in json_lines() if line["logger"] == "plandesk.window"]
    assert "ValueError" in line["exception"] and "13912345678" not in line["exception"]


def test_a_requests_id_follows_its_notice_into_the_worker_and_onto_its_audit_event(rf, settings, tmp_path,
                                                                                   json_lines):
    """The id goes from the request (middleware) onto the outbox row and the audit event; the worker's delivery
    logs under it; the audit chain still verifies (the id is not hashed)."""
    from django.http import HttpResponse

    from plandesk.audit.models import Event
    from plandesk.audit.services import record, verify_chain
    from plandesk.notifications.models import Channel, Notification
    from plandesk.notifications.services import deliver_pending, notify
    from plandesk.operations.middleware import RequestIdMiddleware

    settings.PLANDESK_SMS_BACKEND = "plandesk.notifications.backends.FileSmsBackend"
    settings.PLANDESK_SMS_FILE = str(tmp_path / "sms.jsonl")

    def view(request):
        notice = notify(kind="test", subject="受理通知", body="您的申请已受理", channel=Channel.SMS,
                        address="13912345678")
        record("test.request_id", notice, summary="受理")
        return HttpResponse("ok")

    response = RequestIdMiddleware(view)(rf.post("/x", HTTP_X_REQUEST_ID="req-abcdef0123456789"))
    assert response["X-Request-ID"] == "req-abcdef0123456789"
    outside = notify(kind="test", subject="扫描通知", body="到期提醒", channel=Channel.SMS, address="13912345679")
    record("test.request_id", outside, summary="扫描")

    notice = Notification.objects.get(subject="受理通知")
    assert notice.request_id == "req-abcdef0123456789"
    assert outside.request_id is None  # written outside a request (a sweep): no id
    events = Event.objects.filter(action="test.request_id").order_by("id")
    assert [event.request_id for event in events] == ["req-abcdef0123456789", None]
    assert "request_id" not in events[0].content()  # a pointer into the logs, outside the hash

    assert deliver_pending() == 2
    sent = {line["message"]: line.get("request_id") for line in json_lines()
            if line["logger"] == "plandesk.notifications"}
    assert sent == {f"notice {notice.pk} (test, sms) sent": "req-abcdef0123456789",
                    f"notice {outside.pk} (test, sms) sent": None}
    report = verify_chain()
    assert report.whole and report.checked >= 2
