"""The phone line answers the phone platform only; a caller number buys nothing (issue 27).

A probe posted to /ivr/ from its own address with 40 random `caller` values: it bought 120 query failures past the
per-address limit, ran 40 appointment look-ups unthrottled and cancelled a booking with its card number alone.
"""

from __future__ import annotations

import base64
import json

import pytest
from django.test import Client

from plandesk.appointments.models import Appointment
from plandesk.phone.models import CallLog
from plandesk.phone.tests.conftest import MOBILE
from plandesk.phone.tests.ivr import Platform
from plandesk.window.models import QueryFailure

pytestmark = pytest.mark.django_db

OUTSIDE = "203.0.113.9"


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def _hook(client, body, **extra):
    return client.post("/ivr/hook/", json.dumps(body), content_type="application/json", **extra)


def _every_endpoint(client, **extra):
    return [
        client.get("/ivr/", **extra).status_code,
        client.post("/ivr/start/", {"caller": "tel:13800138000"}, **extra).status_code,
        client.post("/ivr/step/", {"call": "x", "step": "menu", "digits": "1"}, **extra).status_code,
        _hook(client, {"caller": "tel:13800138000"}, **extra).status_code,
    ]


def test_it_refuses_everyone_but_the_platform(client):
    assert _every_endpoint(client, REMOTE_ADDR=OUTSIDE) == [403, 403, 403, 403]
    assert CallLog.objects.count() == 0
    assert _every_endpoint(client) == [200, 200, 200, 200]  # 127.0.0.1, the default platform address


def test_anything_else_under_ivr_is_403_to_others_and_404_to_the_platform(client):
    for path in ("/ivr/admin/", "/ivr/calls/", "/ivr/hook/extra"):
        assert client.get(path, REMOTE_ADDR=OUTSIDE).status_code == 403
        assert client.post(path, {}, REMOTE_ADDR=OUTSIDE).status_code == 403
        assert client.get(path).status_code == 404


def test_it_answers_the_configured_networks_and_the_configured_credentials(client, settings):
    settings.PLANDESK_PHONE_PLATFORM_ADDRESSES = "10.8.0.0/24, 2001:db8::/64"
    assert _every_endpoint(client, REMOTE_ADDR="10.8.0.7") == [200] * 4
    assert _every_endpoint(client, REMOTE_ADDR="2001:db8::5") == [200] * 4
    assert _every_endpoint(client) == [403] * 4  # loopback is no longer listed
    # credentials count only once they are set
    assert _every_endpoint(client, REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION=_basic("ivr", "")) == [403] * 4
    settings.PLANDESK_PHONE_PLATFORM_USER, settings.PLANDESK_PHONE_PLATFORM_PASSWORD = "ivr", "Line-Secret-2026"
    good = _basic("ivr", "Line-Secret-2026")
    assert _every_endpoint(client, REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION=good) == [200] * 4
    for wrong in (_basic("ivr", "Line-Secret-2025"), _basic("other", "Line-Secret-2026"), "Basic !!", "Bearer x"):
        refused = client.get("/ivr/", REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION=wrong)
        assert refused.status_code == 403 and refused["WWW-Authenticate"].startswith("Basic")


def test_a_made_up_caller_buys_no_extra_query_failures(filed, settings):
    """The platform's address counts, whatever `caller` says: after the allowance, every caller hears 429."""
    settings.PLANDESK_QUERY_ADDRESS_FAILURES = 3
    client = Client()
    for i in range(5):
        call = _hook(client, {"caller": f"tel:+86139{i:08d}"}).json()["call"]
        _hook(client, {"call": call, "digits": "1"})
        _hook(client, {"call": call, "digits": f"20269{i:05d}"})  # a different case each time: no case lockout
        turn = _hook(client, {"call": call, "digits": "11111111"}).json()
        said = "".join(p["text"] for p in turn["prompts"])
        assert ("查询失败次数过多" in said) == (i >= 3), (i, said)
    assert QueryFailure.objects.count() == 3
    assert set(QueryFailure.objects.values_list("address", flat=True)) == {"127.0.0.1"}
    # and the web query from the same address is refused too: one allowance for every path
    web = Client().post("/api/v1/public/query", {"case_number": filed.case.number, "password": filed.password},
                        content_type="application/json")
    assert web.status_code == 429


def test_a_cancel_by_phone_needs_the_booking_mobile_like_the_web_cancel(appointment):
    # the calling number is the booking's: the caller hears the booking, but a wrong mobile cancels nothing
    wrong = Platform(Client(), caller=f"tel:+86{MOBILE}").call("2", f"{appointment.card_number}#", "1",
                                                                 "13900000000#")
    assert "您的预约时间为" in wrong.transcript and "预约卡号或手机号码不正确" in wrong.transcript and wrong.ended
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED
    right = Platform(Client(), caller=f"tel:+86{MOBILE}").call("2", f"{appointment.card_number}#", "1",
                                                                 f"{MOBILE}#", "2")
    assert "您的预约已取消。" in right.transcript
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED


def test_a_caller_who_typed_the_booking_mobile_cancels_without_typing_it_again(appointment):
    platform = Platform(Client(), caller=None).call("2", f"{appointment.card_number}#", f"{MOBILE}#", "1", "2")
    assert platform.transcript.count("请输入预约时登记的手机号码") == 1 and "您的预约已取消。" in platform.transcript


def test_it_refuses_deep_nesting_on_the_hook_with_400(db):
    client = Client(raise_request_exception=True)
    response = client.post("/ivr/hook/", "[" * 5000, content_type="application/json")
    assert response.status_code == 400
    closed = client.post("/ivr/hook/", "[" * 5000 + "]" * 5000, content_type="application/json")
    assert closed.status_code == 400 and "嵌套层数过多" in closed.json()["message"]
    assert CallLog.objects.count() == 0
