"""来电记录: the office reads every call; nobody else does."""

from __future__ import annotations

import pytest
from django.test import Client

from plandesk.accounts.models import Role
from plandesk.conftest import PASSWORD, make_user
from plandesk.phone.tests.ivr import Platform

pytestmark = pytest.mark.django_db


def _signed_in(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_it_lists_calls_with_number_path_and_outcome_for_the_office(db, settings):
    Platform(Client(), caller="tel:+8613800138000").call("0")
    Platform(Client(), caller=None).call("5", "5", "5")
    office = make_user("office1", Role.OFFICE_SUPERVISOR)
    response = _signed_in(office).get("/phone/calls/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "+8613800138000" in page and "0 转人工" in page and "已转人工" in page and "多次输入无效" in page
    filtered = _signed_in(office).get("/phone/calls/?outcome=transferred").content.decode()
    assert "+8613800138000" in filtered and "多次输入无效</td>" not in filtered


def test_it_refuses_the_call_log_to_others(member, outsider):
    assert _signed_in(member).get("/phone/calls/").status_code == 403
    assert _signed_in(outsider).get("/phone/calls/").status_code == 403
    anonymous = Client().get("/phone/calls/")
    assert anonymous.status_code == 302 and "/phone/calls/" in anonymous["Location"]


def test_it_speaks_english_when_asked(db, settings):
    Platform(Client()).call("0")
    client = _signed_in(make_user("office1", Role.OFFICE_SUPERVISOR))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/phone/calls/").content.decode()
    assert "Phone calls" in html and "Menu path" in html and "Transferred to operator" in html
