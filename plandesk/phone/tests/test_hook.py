"""The same dialogue as a JSON webhook: one state machine, the second rendering."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from plandesk.phone.models import CallLog

pytestmark = pytest.mark.django_db


def _post(client, body) -> dict:
    response = client.post("/ivr/hook/", json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


def test_it_runs_a_case_progress_call_as_json(filed):
    client = Client(enforce_csrf_checks=True)
    turn = _post(client, {"caller": "tel:+8613700000000"})
    assert turn["action"] == "collect" and turn["step"] == "menu"
    assert turn["collect"] == {"choices": ["1", "2", "0"]}
    assert turn["prompts"][0]["text"].startswith("您好，欢迎致电")
    call = turn["call"]
    turn = _post(client, {"call": call, "digits": "1"})
    assert turn["step"] == "case_number" and turn["collect"]["terminator"] == "#"
    turn = _post(client, {"call": call, "digits": filed.case.number})
    assert turn["step"] == "password"
    turn = _post(client, {"call": call, "digits": filed.password})
    text = "".join(p["text"] for p in turn["prompts"])
    assert "预计取件日期：2026年12月11日" in text and turn["step"] == "more"
    turn = _post(client, {"call": call, "digits": "2"})
    assert turn["action"] == "hangup" and turn["prompts"][-1]["text"] == "感谢您的来电，再见。"
    log = CallLog.objects.get()
    assert log.channel == "json" and log.caller == "+8613700000000" and log.outcome == "case_heard"


def test_it_transfers_and_ends_on_wrong_input_as_json(db, settings):
    settings.PLANDESK_PHONE_OPERATOR = "tel:+862712345678"
    client = Client()
    call = _post(client, {"caller": ""})["call"]
    turn = _post(client, {"call": call, "digits": "0"})
    assert turn["action"] == "transfer" and turn["transfer"] == {"number": "tel:+862712345678"}
    assert _post(client, {"call": call, "event": "transfer", "digits": "far_end_disconnect"})["action"] == "hangup"
    other = _post(client, {})["call"]
    for wrong in ({"digits": "8"}, {"event": "noinput"}):  # the server counts wrong keys and silence alike
        assert _post(client, {"call": other, **wrong})["prompts"][0]["text"] == "您的输入无效，请重新输入。"
    assert _post(client, {"call": other, "digits": "8"})["action"] == "hangup"
    assert dict(CallLog.objects.values_list("token", "outcome")) == {call: "transferred", other: "wrong_input"}


def test_it_refuses_what_is_not_a_json_object(db):
    client = Client()
    for body in ("not json", "[1, 2]"):
        response = client.post("/ivr/hook/", body, content_type="application/json")
        assert response.status_code == 400 and response.json()["error"] == "invalid"
    assert client.post("/ivr/hook/", json.dumps({"call": "nope", "digits": "1"}),
                       content_type="application/json").status_code == 404
    assert CallLog.objects.count() == 0
