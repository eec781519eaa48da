"""Security headers, no inline script, masked personal data, audit retention."""

import logging
import re
from pathlib import Path

from django.conf import settings
from django.template import Context, Template

from plandesk.core.masking import mask_id, mask_phone, mask_text

PLANDESK_DIR = Path(settings.BASE_DIR)


def test_it_sends_a_content_security_policy_without_inline_script(client, db):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in directives["script-src"] and "unsafe-eval" not in directives["script-src"]
    assert directives["img-src"] == "'self' data: blob:"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_it_sends_the_headers_on_api_answers_and_errors_too(client, db):
    for path in ("/api/v1/openapi.json", "/no-such-page/"):
        response = client.get(path)
        assert "script-src 'self'" in response.headers["Content-Security-Policy"], path


def test_it_finds_no_inline_script_or_event_handler_in_any_template():
    offenders = []
    for template in PLANDESK_DIR.glob("*/templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text, flags=re.I):
            if "src=" not in tag and 'type="application/json"' not in tag:
                offenders.append(f"{template}: {tag}")
        if re.search(r"\son[a-z]+\s*=\s*[\"']", text, flags=re.I) or "javascript:" in text:
            offenders.append(f"{template}: inline handler")
    assert offenders == []


def test_it_masks_id_numbers_and_phones():
    assert mask_id("42010219900307123X") == "420102********123X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("027-8888 6666") == "027******6666"
    assert mask_id("") == "" and mask_phone(None) == ""
    rendered = Template("{% load privacy %}{{ i|mask_id }} {{ p|mask_phone }}").render(
        Context({"i": "42010219900307123X", "p": "13812345678"}))
    assert rendered == "420102********123X 138****5678"


def test_it_masks_personal_data_in_log_messages(caplog):
    from plandesk.core.logging import MaskPersonalData

    assert mask_text("申请人 13812345678 身份证 42010219900307123X") == "申请人 138****5678 身份证 420102********123X"
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "call %s about %s", ("13812345678", "case 1"), None)
    MaskPersonalData().filter(record)
    assert record.getMessage() == "call 138****5678 about case 1"
    assert "mask_personal_data" in settings.LOGGING["handlers"]["console"]["filters"]


def test_it_keeps_audit_events_and_no_code_path_deletes_them():
    """Audit events are never deleted by the application: retention is unlimited (≥ 6 months by law)."""
    assert settings.PLANDESK_AUDIT_RETENTION_DAYS is None
    pattern = re.compile(
        r"(audit\.models|audit_event|\bEvent\.objects)[^\n]*\.(delete|_raw_delete)\(|DELETE FROM\s+\"?audit", re.I)
    offenders = [str(path) for path in PLANDESK_DIR.rglob("*.py")
                 if "/tests/" not in str(path) and "/migrations/" not in str(path)
                 and pattern.search(path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_it_refuses_to_delete_audit_events_through_the_orm(member):
    import pytest

    from plandesk.audit.models import Event
    from plandesk.audit.services import record

    record("test.retention", member, summary="保留测试")
    event = Event.objects.latest("pk")
    with pytest.raises(PermissionError):
        Event.objects.all().delete()
    with pytest.raises(PermissionError):
        event.delete()
    assert Event.objects.filter(pk=event.pk).exists()
