"""The phone line spends the same per-address allowance of failed queries as the web form and the API (issue 27):
failures from the platform's address through the web use it up, and the phone line then answers as locked; the
phone line's own failures count toward the web's."""

from __future__ import annotations

from django.test import Client

from plandesk.phone.tests.ivr import HANGUP, Platform
from plandesk.window.query import QUERY_FAILURES

PLATFORM = "127.0.0.1"  # the default platform address, and the test client's


def test_web_failures_from_the_platforms_address_lock_the_phone_query(filed, settings):
    settings.PLANDESK_QUERY_ADDRESS_FAILURES = 2
    web = Client(REMOTE_ADDR=PLATFORM)
    for i in range(2):
        assert web.post("/api/v1/public/query", {"case_number": f"20269{i:05d}", "password": "wrongpass"},
                        content_type="application/json").status_code == 404
    call = Platform(Client()).call("1", f"{filed.case.number}#", f"{filed.password}#", HANGUP)
    assert "查询失败次数过多" in call.transcript and "办理状态" not in call.transcript
    assert QUERY_FAILURES.used(PLATFORM) == 2


def test_phone_failures_count_toward_the_web(filed, settings):
    settings.PLANDESK_QUERY_ADDRESS_FAILURES = 1
    Platform(Client()).call("1", f"{filed.case.number}#", "11111119#", HANGUP)
    assert QUERY_FAILURES.used(PLATFORM) == 1
    refused = Client(REMOTE_ADDR=PLATFORM).post("/window/query/", {"case_number": filed.case.number,
                                                                   "password": filed.password})
    assert refused.status_code == 429
