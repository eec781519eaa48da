"""Who may do what: the public verifies; staff who may see the case read; only the step's handler prepares, only a
second person checks, only the output window hands over; an outsider gets nothing."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from plandesk.certificates import services
from plandesk.certificates.models import Certificate, Handover, Status
from plandesk.certificates.tests.conftest import ID_NUMBER, finish_step, to_certificate_step


@pytest.fixture
def issued(bureau) -> Certificate:
    return finish_step(bureau, to_certificate_step(bureau)).certificates.get()


def test_it_shows_staff_the_certificate_and_refuses_the_outsider(issued, bureau, outsider, api, api_as):
    path = f"/api/v1/certificates/{quote(issued.number)}"
    body = api_as(bureau["director"]).get(path).json()
    assert body["number"] == issued.number and body["status"] == "issued" and body["signature"]
    assert body["payload"]["holder"] == "江城置业有限公司" and body["case_number"] == issued.case.number
    assert api_as(bureau["output"]).get(path + "/pdf")["Content-Type"] == "application/pdf"
    for url in (path, path + "/pdf", f"/api/v1/cases/{issued.case.number}/certificates"):
        assert api_as(outsider).get(url).status_code == 403
        assert api.get(url).status_code == 401
    assert api_as(outsider).post(path + "/void", {"reason": "x"}).status_code == 403
    assert api_as(bureau["handler1"]).post(path + "/void", {"reason": "x"}).status_code == 403
    issued.refresh_from_db()
    assert issued.status == Status.ISSUED


def test_it_publishes_the_contract_operations(bureau, api):
    spec = api.get("/api/v1/openapi.json").json()
    assert "/api/v1/certificates/{number}/verify" in spec["paths"]
    assert "/api/v1/certificates/public-key" in spec["paths"]
    key = api.get("/api/v1/certificates/public-key").json()
    assert key["public_key_pem"].startswith("-----BEGIN PUBLIC KEY-----")
    page = api.client.get("/certificates/public-key/")
    assert key["key_id"] in page.content.decode()


def test_it_lets_only_the_steps_handler_prepare_and_another_person_check(bureau, outsider, api_as):
    case = to_certificate_step(bureau)
    url = f"/api/v1/cases/{case.number}/certificates/prepare"
    assert api_as(outsider).post(url).status_code == 403
    assert api_as(bureau["head1"]).post(url).status_code == 403
    assert not case.certificates.exists()
    response = api_as(bureau["handler1"]).post(url)
    assert response.status_code == 200, response.content
    [draft] = response.json()
    check = f"/api/v1/certificates/drafts/{draft['id']}/check"
    assert api_as(outsider).post(check, {"approve": True}).status_code == 404
    assert api_as(bureau["handler1"]).post(check, {"approve": True}).status_code == 403
    assert api_as(bureau["head1"]).post(check, {"approve": False}).status_code == 400  # a note is required
    done = api_as(bureau["head1"]).post(check, {"approve": True, "note": "无误"})
    assert done.status_code == 200 and done.json()["status"] == "checked" and done.json()["checked_by"] == "head1"


def test_it_keeps_the_outsider_out_of_the_staff_pages(issued, bureau, outsider, client):
    client.force_login(outsider)
    assert client.get("/certificates/").status_code == 403
    assert client.get(f"/certificates/cases/{issued.case.number}/").status_code == 403
    assert client.get(f"/certificates/{issued.pk}/certificate.pdf").status_code == 403
    assert client.post(f"/certificates/{issued.pk}/void/", {"reason": "x"}).status_code == 403
    assert client.post(f"/certificates/{issued.pk}/hand-over/", {
        "collector_name": "张三", "collector_id_number": ID_NUMBER}).status_code == 403
    assert not Handover.objects.exists()
    # The public verification page needs no sign-in.
    assert client.get(f"/certificates/verify/{quote(issued.number)}/").status_code == 200


def test_it_lets_only_the_output_window_hand_over_and_only_once(issued, bureau):
    with pytest.raises(services.CertificateError, match="出件窗口"):
        services.hand_over(issued, clerk=bureau["handler1"], collector_name="张三", collector_id_number=ID_NUMBER)
    with pytest.raises(services.CertificateError, match="身份号码"):
        services.hand_over(issued, clerk=bureau["output"], collector_name="张三", collector_id_number="123")
    services.hand_over(issued, clerk=bureau["output"], collector_name="张三", collector_id_number=ID_NUMBER)
    with pytest.raises(services.CertificateError, match="已经发放"):
        services.hand_over(issued, clerk=bureau["output"], collector_name="张三", collector_id_number=ID_NUMBER)


def test_it_shows_the_register_to_the_output_window(issued, bureau, client):
    services.hand_over(issued, clerk=bureau["output"], collector_name="张三", collector_id_number=ID_NUMBER)
    client.force_login(bureau["output"])
    page = client.get("/certificates/").content.decode()
    assert issued.number in page and "张三" in page
