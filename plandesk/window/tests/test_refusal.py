"""不予受理 before registration: a clerk refuses an application at the window without creating a case number; the
notice (PDF, its own number) names the applicant, the items, what was handed in and the reason."""

from __future__ import annotations

import re
import threading
from datetime import datetime

import pytest
import time_machine
from django.db import connection
from django.test import Client

from plandesk.audit.models import Event
from plandesk.cases.models import Case
from plandesk.core.models import Counter
from plandesk.core.pdf import extract_text
from plandesk.window import services
from plandesk.window.intake import IntakeInvalid
from plandesk.window.models import RefusalNotice
from plandesk.window.tests.conftest import USCC
from plandesk.window.tests.test_api_intake import BAD_ID, BAD_USCC
from plandesk.window.tests.test_pages import _form

NOW = datetime.fromisoformat("2026-11-27 10:00:00+08:00")
REASON = "申请事项属于区级规划部门的职权范围，请向江滨区规划分局申请"


def refusal(**changes) -> dict:
    data = {
        "items": ["land_use_permit"],
        "applicant": {"name": "江城置业有限公司", "credit_code": USCC, "contact": "王经理", "phone": "13912345678"},
        "project": {"name": "江滨花园", "address": "江滨路 1 号"},
        "materials": [{"code": "application_form", "provided": True}, {"code": "topographic_map", "provided": False}],
        "reason": REASON,
        "idempotency_key": "refuse-1",
    }
    data.update(changes)
    return data


def flat(data: bytes) -> str:
    return re.sub(r"\s+", "", extract_text(data))


@time_machine.travel(NOW, tick=False)
def test_it_refuses_before_registration_without_a_case_number(bureau):
    counters = list(Counter.objects.filter(scope__startswith="cases.number:").values_list("pk", "last"))
    notice, created = services.refuse_application(refusal(), actor=bureau["intake"])
    assert created and notice.number == "不受〔2026〕1号" and notice.case is None
    assert Case.objects.count() == 0 and list(
        Counter.objects.filter(scope__startswith="cases.number:").values_list("pk", "last")) == counters
    assert len(notice.materials) == 1 and "申请" in notice.materials[0]  # only what was handed in
    event = Event.objects.get(action="window.application_refused")
    assert event.after["number"] == "不受〔2026〕1号" and event.actor == bureau["intake"]

    from plandesk.window.pdf import refusal_pdf

    text = flat(refusal_pdf(notice))
    for part in ("不予受理通知书", "不受〔2026〕1号", "江城置业有限公司：", "建设用地规划许可", "江滨花园",
                 "未予登记立案", REASON, "第三十二条", "申请材料已当场退还", "六十日内", "六个月内", "2026年11月27日"):
        assert part in text, part

    # A retry with the same key is the same notice; another refusal takes the next number.
    again, created = services.refuse_application(refusal(), actor=bureau["intake"])
    assert not created and again.pk == notice.pk
    other, _ = services.refuse_application(refusal(idempotency_key="refuse-2"), actor=bureau["intake"])
    assert other.number == "不受〔2026〕2号"


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"reason": "  "}, "reason", "请写明不予受理的理由"),
    ({"items": []}, "items", "请至少选择一个审批事项"),
    ({"items": ["no_such_item"]}, "items", "未知或已停办的审批事项"),
    ({"applicant": {"name": "", "credit_code": USCC}}, "applicant.name", "“申请人名称”为必填项"),
    ({"applicant": {"name": "某公司", "credit_code": BAD_USCC}}, "applicant.credit_code", "校验位错误"),
    ({"applicant": {"name": "张三", "id_number": BAD_ID}}, "applicant.id_number", "校验位错误"),
    ({"applicant": {"name": "张三", "phone": "12345"}}, "applicant.phone", "手机"),
    ({"project": {"name": ""}}, "project.name", "“项目名称”为必填项"),
    ({"materials": [{"code": "nonsense", "provided": True}]}, "materials", "未知的材料"),
])
def test_it_names_what_is_wrong_and_stores_nothing(bureau, changes, field, message):
    with pytest.raises(IntakeInvalid) as refused:
        services.refuse_application(refusal(**changes), actor=bureau["intake"])
    messages = {f["field"]: f["message"] for f in refused.value.fields}
    assert field in messages and message in messages[field], messages
    assert not RefusalNotice.objects.exists() and not Event.objects.filter(action="window.application_refused")


def test_only_the_intake_clerk_may_refuse(bureau):
    for who in ("output", "handler1", "director"):
        with pytest.raises(services.WindowError) as refused:
            services.refuse_application(refusal(), actor=bureau[who])
        assert refused.value.status == 403
    assert not RefusalNotice.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_it_refuses_through_the_api_and_serves_the_pdf(bureau, api_as):
    intake = api_as(bureau["intake"])
    response = intake.post("/api/v1/refusals", refusal())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"] == "不受〔2026〕1号" and body["case_number"] is None
    assert intake.post("/api/v1/refusals", refusal()).status_code == 200  # same key: same notice
    bad = intake.post("/api/v1/refusals", refusal(reason="", idempotency_key="k2"))
    assert bad.status_code == 400 and bad.json()["fields"][0]["field"] == "reason"
    assert api_as(bureau["handler1"]).post("/api/v1/refusals", refusal(idempotency_key="k3")).status_code == 403
    pdf = intake.get(body["pdf_url"].replace("http://testserver", ""))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert REASON in flat(pdf.content)
    assert RefusalNotice.objects.count() == 1 and Case.objects.count() == 0


@time_machine.travel(NOW, tick=False)
def test_the_intake_page_refuses_with_its_second_button(bureau):
    client = Client()
    client.force_login(bureau["intake"])
    page = client.get("/window/intake/?item=land_use_permit").content.decode()
    assert 'id="refuse-submit"' in page and "/window/intake/refuse/" in page

    missing = client.post("/window/intake/refuse/", _form(refusal_reason=""))
    assert missing.status_code == 200 and "请写明不予受理的理由" in missing.content.decode()

    done = client.post("/window/intake/refuse/", _form(refusal_reason=REASON, **{"form_token": "tok-r"}))
    assert done.status_code == 302
    notice = RefusalNotice.objects.get()
    assert done["Location"] == f"/window/refusals/{notice.pk}/"
    assert client.post("/window/intake/refuse/", _form(refusal_reason=REASON, form_token="tok-r")).status_code == 302
    assert RefusalNotice.objects.count() == 1 and Case.objects.count() == 0  # a double click: one notice
    shown = client.get(done["Location"]).content.decode()
    assert "不受〔2026〕1号" in shown and "未予立案" in shown
    assert f'href="/window/refusals/{notice.pk}/"' in client.get("/window/").content.decode()  # on the desk
    text = flat(client.get(f"/window/refusals/{notice.pk}/refusal.pdf").content)
    assert "江城置业有限公司" in text and REASON in text
    outsider = Client()
    outsider.force_login(bureau["handler1"])
    assert outsider.get(f"/window/refusals/{notice.pk}/refusal.pdf").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_concurrent_refusals_get_distinct_consecutive_numbers(bureau):
    results, errors = [], []

    def attempt(i: int) -> None:
        try:
            notice, _ = services.refuse_application(refusal(idempotency_key=f"race-{i}"), actor=bureau["intake"])
            results.append(notice.sequence)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and sorted(results) == list(range(1, 9))
