"""Whole calls through the VoiceXML documents, as an IVR platform makes them (tests/ivr.py plays the platform)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from plandesk.appointments.models import Appointment
from plandesk.phone.models import CallLog
from plandesk.phone.tests.conftest import MOBILE, NOW
from plandesk.phone.tests.ivr import HANGUP, SILENCE, Platform, parse
from plandesk.window.models import QueryFailure

pytestmark = pytest.mark.django_db


@pytest.fixture
def platform():
    # The IVR platform is no browser: it posts without a CSRF token.
    return Platform(Client(enforce_csrf_checks=True))


def _wrong(password: str) -> str:
    return "11111111" if password != "11111111" else "22222222"


def test_it_serves_the_entry_document_at_ivr(client):
    root = parse(client.get("/ivr/"))
    submit = root.find(".//{http://www.w3.org/2001/vxml}block/{http://www.w3.org/2001/vxml}submit")
    assert submit.get("next") == "/ivr/start/" and submit.get("namelist") == "caller"
    assert client.post("/ivr/").status_code == 405


def test_it_tells_case_progress_to_the_right_password(platform, filed, bureau):
    platform.call("1", f"{filed.case.number}#", f"{filed.password}#", "2")
    said = platform.transcript
    assert "欢迎致电" in said and "请输入案件编号" in said and "请输入查询密码" in said
    assert "建设用地规划许可证" in said or filed.case.item_versions.first().name in said
    assert "办理状态：办理中" in said and "暂停计时" not in said
    assert "当前环节：" in said
    assert "预计取件日期：2026年12月11日" in said
    assert platform.ended and said.endswith("感谢您的来电，再见。")
    for person in bureau.values():
        if person.full_name:
            assert person.full_name not in said
    # the grammars are DTMF digits only: the menu offers 1, 2, 0; the case number is a run of digits closed by '#'
    menu, number, password = platform.grammars[:3]
    assert [i.text for i in menu.iter("{*}item")] == ["1", "2", "0"]
    assert number.find(".//{*}item[@repeat]").get("repeat") == "1-20"
    assert {i.text for i in password.iter("{*}item") if i.get("repeat") is None} == set("0123456789")
    call = CallLog.objects.get()
    assert call.caller == "+8613800138000" and call.outcome == "case_heard" and call.ended_at is not None
    assert call.path == ["1 案件进度", "已播报进度"]


def test_it_says_when_a_case_is_paused(platform, filed):
    from plandesk.cases.models import CaseStatus

    type(filed.case).objects.filter(pk=filed.case.pk).update(status=CaseStatus.PAUSED)
    platform.call("1", f"{filed.case.number}#", f"{filed.password}#", "2")
    assert "暂停计时" in platform.transcript


def test_it_asks_again_after_a_wrong_password_and_ends_politely_after_three(platform, filed):
    wrong = _wrong(filed.password)
    platform.call("1", *[k for _ in range(3) for k in (f"{filed.case.number}#", f"{wrong}#")])
    said = platform.transcript
    assert said.count("案件编号或查询密码不正确") == 3
    assert said.count("请输入查询密码") == 3 and "办理状态" not in said
    assert platform.ended and said.endswith("再见。")
    assert CallLog.objects.get().outcome == "wrong_password"
    assert QueryFailure.objects.filter(case_number=filed.case.number, channel="phone").count() == 3


def test_it_shares_the_lockout_with_the_web_query(platform, filed, api):
    wrong = _wrong(filed.password)
    for i in range(4):
        response = api.post("/api/v1/public/query", {"case_number": filed.case.number, "password": wrong},
                            REMOTE_ADDR=f"10.0.0.{i}")
        assert response.status_code == 404
    platform.call("1", f"{filed.case.number}#", f"{wrong}#", f"{filed.case.number}#", f"{filed.password}#")
    said = platform.transcript
    assert "已暂停查询一小时" in said and "办理状态" not in said and platform.ended
    assert CallLog.objects.get().outcome == "locked"
    locked = api.post("/api/v1/public/query", {"case_number": filed.case.number, "password": filed.password})
    assert locked.status_code == 429
    with time_machine.travel(NOW + timedelta(minutes=61), tick=False):
        again = Platform(Client()).call("1", f"{filed.case.number}#", f"{filed.password}#", "2")
    assert "预计取件日期" in again.transcript


def test_it_reads_the_appointment_of_the_calling_number_and_cancels_with_the_booking_mobile(platform, appointment):
    platform.call("2", f"{appointment.card_number}#", "1", f"{MOBILE}#", "2")
    said = platform.transcript
    assert "您的预约时间为2026年11月30日9点30分，地点：大厅洽谈区 1 号桌。" in said
    # heard by the calling number alone; the cancel asks the mobile given at booking, as the web cancel does
    assert said.index("您的预约时间为") < said.index("请输入预约时登记的手机号码") < said.index("您的预约已取消。")
    assert "赵磊" not in said  # the consultant's name is not spoken
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    call = CallLog.objects.get()
    assert call.outcome == "cancelled" and call.path == ["2 预约", "已播报预约", "1 取消预约"]


def test_it_asks_for_the_booking_phone_when_the_caller_is_another_number(appointment):
    platform = Platform(Client(), caller=None)  # the number withheld
    platform.call("2", f"{appointment.card_number}#", "13900000000#", f"{appointment.card_number}#", f"{MOBILE}#",
                  "9", HANGUP)
    said = platform.transcript
    assert said.count("请输入预约时登记的手机号码") == 2
    assert "预约卡号或手机号码不正确" in said and "您的预约时间为" in said
    assert said.count("查询案件办理进度请按1") == 2  # 9: back to the main menu
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED
    call = CallLog.objects.get()
    assert call.caller == "" and call.outcome == "appointment_heard" and call.path[-1] == "挂机"


def test_it_transfers_to_the_configured_operator(platform, settings):
    settings.PLANDESK_PHONE_OPERATOR = "027-8888 6666"
    platform.call("0")
    assert platform.transfers == ["tel:02788886666"]
    assert "正在为您转接人工服务" in platform.transcript
    assert CallLog.objects.get().outcome == "transferred"


def test_it_apologises_when_the_operator_does_not_answer(db):
    platform = Platform(Client(), transfer_result="busy")
    platform.call("0")
    assert "人工服务暂时无法接通" in platform.transcript and platform.ended
    assert CallLog.objects.get().outcome == "transfer_failed"


def test_it_reprompts_wrong_keys_twice_then_ends_politely(platform):
    platform.call("5", "7", "*")
    said = platform.transcript
    assert said.count("您的输入无效，请重新输入。") == 2
    assert said.count("查询案件办理进度请按1") == 3
    assert "您多次输入无效" in said and platform.ended
    assert CallLog.objects.get().outcome == "wrong_input"


def test_it_reprompts_silence_twice_then_ends_politely(platform):
    platform.call(SILENCE, SILENCE, SILENCE)
    assert platform.transcript.count("查询案件办理进度请按1") == 3
    assert CallLog.objects.get().outcome == "wrong_input"


def test_it_refuses_what_the_grammar_would_not_let_through(client):
    """A platform that skips the grammar still cannot pass letters, nor skip the password step."""
    parse(client.post("/ivr/start/", {"caller": "tel:13800138000"}))
    call = CallLog.objects.get()
    again = parse(client.post("/ivr/step/", {"call": call.token, "step": "menu", "digits": "1x"}))
    assert "您的输入无效" in "".join(again.itertext())
    stale = parse(client.post("/ivr/step/", {"call": call.token, "step": "password", "digits": "12345678"}))
    assert stale.find(".//{*}var[@name='step']").get("expr") == "'menu'"
    parse(client.post("/ivr/step/", {"call": call.token, "step": "menu", "digits": "0"}))
    for repeated in ({"step": "menu", "digits": "1"}, {"step": "transfer", "digits": "1"}):
        again = parse(client.post("/ivr/step/", {"call": call.token, **repeated}))
        assert again.find(".//{*}transfer") is not None  # still waiting for the transfer's result
    unknown = parse(client.post("/ivr/step/", {"call": "nope", "step": "menu", "digits": "1"}))
    assert "系统繁忙" in "".join(unknown.itertext())


def test_it_plays_recorded_audio_with_the_text_as_fallback(platform, settings):
    settings.PLANDESK_PHONE_AUDIO = {"welcome": "/static/phone/welcome.wav", "menu": "/static/phone/menu.wav"}
    platform.call(HANGUP)
    first = platform.documents[1]
    audio = {a.get("src"): a.text for a in first.iter("{*}audio")}
    assert audio["/static/phone/welcome.wav"].startswith("您好，欢迎致电")
    assert audio["/static/phone/menu.wav"].startswith("查询案件办理进度请按1")
    assert CallLog.objects.get().outcome == "hangup"


def test_it_counts_failures_against_the_real_client_address(platform, filed):
    """The per-address limit counts the platform's address, as every path to the query does: not a caller number."""
    platform.call("1", f"{filed.case.number}#", f"{_wrong(filed.password)}#", HANGUP)
    assert QueryFailure.objects.get().address == "127.0.0.1"


def test_it_limits_appointment_lookups_per_caller_number(appointment, settings):
    settings.PLANDESK_APPOINTMENT_ATTEMPTS_PER_HOUR = 2
    first = Platform(Client(), caller="tel:13900000000")
    first.call("2", "123456789012#", "13900000000#", HANGUP)  # two lookups: by the calling number, by the typed one
    second = Platform(Client(), caller="tel:13900000000")
    second.call("2", f"{appointment.card_number}#")
    assert "操作过于频繁" in second.transcript and second.ended
    assert CallLog.objects.filter(outcome="throttled").count() == 1


def test_it_counts_appointment_lookups_against_the_real_client_address(appointment, settings):
    """Every caller number is the platform's word: look-ups from one address share the web's hourly allowance."""
    settings.PLANDESK_APPOINTMENT_ATTEMPTS_PER_HOUR = 3
    for i in range(3):
        Platform(Client(), caller=f"tel:1390000000{i}").call("2", "123456789012#", HANGUP)
    other = Platform(Client(), caller="tel:13911111111").call("2", f"{appointment.card_number}#")
    assert "操作过于频繁" in other.transcript and "您的预约时间为" not in other.transcript
    web = Client().post(f"/api/v1/appointments/{appointment.card_number}/cancel", {"phone": MOBILE},
                        content_type="application/json")
    assert web.status_code == 429  # the same allowance as the web's


def test_it_does_not_offer_to_cancel_a_past_appointment(appointment):
    with time_machine.travel(NOW + timedelta(days=4), tick=False):
        platform = Platform(Client()).call("2", f"{appointment.card_number}#", "2")
    assert "该预约已不能取消" in platform.transcript and "取消该预约请按1" not in platform.transcript
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED


def test_the_operator_is_the_bureaus_consultation_number_unless_set(settings, monkeypatch):
    from plandesk.phone.prompts import operator_number

    monkeypatch.delenv("PLANDESK_PHONE_OPERATOR", raising=False)
    settings.PLANDESK_PHONE_OPERATOR = ""
    settings.PLANDESK_BUREAU_CONTACT = {"phones": [["咨询电话", "027-8000 1234"]]}
    assert operator_number() == "tel:02780001234"
