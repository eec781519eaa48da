"""Logs carry no full mobile number in any of its forms and no receipt-link token, the access log included (issue 27).

A probe's run left 125 full numbers in the log (`tel:+86139…`, which the mask missed) and every receipt link, whose
token opens the receipt PDF with the query password for 15 minutes, in gunicorn's access log.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.core import signing

from plandesk.core.logging import MaskPersonalData
from plandesk.core.masking import mask_text

FULL_MOBILE = re.compile(r"1[3-9]\d[ -]?\d{4}[ -]?\d{4}")


def _token() -> str:
    from plandesk.window.services import RECEIPT_SALT

    return signing.dumps({"r": 4711}, salt=RECEIPT_SALT, compress=True)


def test_it_masks_every_form_of_a_mainland_mobile():
    forms = {
        "tel:+8613912345678": "tel:+86139****5678",
        "sip:+8613912345678@10.0.0.1": "sip:+86139****5678@10.0.0.1",
        "+86 139 1234 5678": "+86 139****5678",
        "+86-139-1234-5678": "+86-139****5678",
        "0086 13912345678": "0086 139****5678",
        "008613912345678": "0086139****5678",
        "8613912345678": "86139****5678",
        "(+86)13912345678": "(+86)139****5678",
        "13912345678": "139****5678",
        "139 1234 5678": "139****5678",
        "caller=tel%3A%2B8613912345678": "caller=tel%3A%2B86139****5678",
        "手机13912345678，": "手机139****5678，",
    }
    for raw, masked in forms.items():
        assert mask_text(raw) == masked, raw
        assert not FULL_MOBILE.search(mask_text(raw)), raw


def test_it_leaves_numbers_that_are_no_mobile_alone():
    for text in ("case 2026000123", "order 20261127139123456789", "at 1733512345678 ms", "027-8888-6666",
                 "12345678901", "port 8000"):
        assert mask_text(text) == text


def test_it_hides_receipt_link_tokens_in_any_form():
    token = _token()
    for line in (f'127.0.0.1 - - "GET /window/receipts/{token}/ HTTP/1.1" 200',
                 f'"GET /window/receipts/{token}/receipt.pdf HTTP/1.1" 200',
                 f"Not Found: /window/receipts/{token.replace(':', '%3A')}/receipt.pdf",
                 f"redirect to http://example.org/window/receipts/{token}/",
                 f"a signed value {token} on its own"):
        masked = mask_text(line)
        assert token not in masked and token.split(":")[-1] not in masked, masked
        assert "[hidden]" in masked


def test_it_masks_the_traceback_of_a_record_too():
    try:
        raise ValueError("no booking for 13912345678")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed for %s", ("tel:+8613912345678",),
                                   sys.exc_info())
    MaskPersonalData().filter(record)
    text = logging.Formatter().format(record)
    assert "tel:+86139****5678" in text and "no booking for 139****5678" in text
    assert not FULL_MOBILE.search(text)


def test_it_filters_the_loggers_that_keep_their_own_handlers():
    for name in ("gunicorn.access", "gunicorn.error", "django.server"):
        assert any(isinstance(f, MaskPersonalData) for f in logging.getLogger(name).filters), name


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorns_access_log_carries_neither_the_receipt_token_nor_a_full_mobile(tmp_path):
    """gunicorn as `plandesk serve` runs it (--access-logfile -): its request lines pass the mask."""
    port = _free_port()
    token = _token()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "plandesk.settings", "PLANDESK_DATA_DIR": str(tmp_path),
           "PLANDESK_DATABASE_URL": f"spatialite:///{tmp_path / 'empty.sqlite3'}"}
    env.pop("PYTEST_VERSION", None)
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "plandesk.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--access-logfile", "-"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=tmp_path)
    try:
        bad = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")  # right shape, no DB needed
        urls = [f"/window/receipts/{bad}/", f"/window/receipts/{bad}/receipt.pdf",
                "/ivr/hook/?caller=tel:%2B8613912345678"]
        deadline = time.monotonic() + 60
        for url in urls:
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}{url}", timeout=10)
                except urllib.error.HTTPError:
                    break
                except (urllib.error.URLError, ConnectionError):
                    assert time.monotonic() < deadline, "gunicorn did not start"
                    time.sleep(0.3)
                    continue
                break
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0].decode("utf-8", "replace")
    access = [line for line in output.splitlines() if '"GET ' in line]
    assert len(access) >= 3, output[-3000:]
    assert bad not in output and bad.split(":")[-1] not in output, output[-3000:]
    assert "/window/receipts/[hidden]/receipt.pdf" in output
    assert not FULL_MOBILE.search(output) and "139****5678" in output
