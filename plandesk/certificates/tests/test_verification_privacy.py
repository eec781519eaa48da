"""What the public may learn by a certificate number alone (valid or not, which kind, when issued) and what only
whoever holds the document (its check code, printed under the QR code) may read: holder, project, place, reasons
(issue 27). And numbers a route cannot carry (a `/`) are 404, not 500."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from plandesk.certificates import pdf, services, signing
from plandesk.certificates.models import Certificate
from plandesk.certificates.tests.conftest import finish_step, to_certificate_step
from plandesk.core.pdf import extract_text

CONTRACT = ("valid", "status", "type", "holder", "project", "issued_on")
PRIVATE = ("holder", "project", "location", "void_reason", "replaced_by", "replaces")


@pytest.fixture
def issued(bureau) -> Certificate:
    return finish_step(bureau, to_certificate_step(bureau)).certificates.get()


def verify_path(number: str) -> str:
    return f"/api/v1/certificates/{quote(number)}/verify"


@pytest.mark.parametrize("number", ["a/b", "建字第1/2号", "/", "a/"])
def test_a_number_with_a_slash_is_404_on_the_page_and_in_the_api(bureau, client, number):
    typed = client.get("/certificates/verify/", {"number": number})
    assert typed.status_code == 404 and "查无此证" in typed.content.decode()
    assert client.get(f"/certificates/verify/{quote(number, safe='')}/").status_code == 404
    api = client.get(f"/api/v1/certificates/{quote(number, safe='')}/verify")
    assert api.status_code == 404


def test_without_the_check_code_the_api_answers_validity_and_kind_only(issued, api):
    body = api.get(verify_path(issued.number)).json()
    assert set(CONTRACT) <= set(body)  # the contract's fields are all there…
    assert body["valid"] is True and body["status"] == "issued" and body["type"] == "建设用地规划许可证"
    assert body["issued_on"] == issued.issued_on.isoformat()
    assert all(body[key] is None for key in PRIVATE), body  # …but who and what only with the code
    assert "江城置业" not in str(body) and "江滨花园" not in str(body)
    assert body["code_checked"] is False and "校验码" in body["message"]


@pytest.mark.parametrize("name", ["code", "c"])
def test_the_check_code_on_the_document_opens_holder_and_project(issued, api, name):
    code = signing.check_code(issued.signature)
    body = api.get(verify_path(issued.number), {name: code}).json()
    assert body["valid"] is True and body["code_checked"] is True
    assert body["holder"] == "江城置业有限公司" and body["project"] == "江滨花园"


def test_a_wrong_check_code_opens_nothing_and_says_so(issued, api):
    body = api.get(verify_path(issued.number), {"code": "0000000000"}).json()
    assert body["valid"] is False and body["code_checked"] is False
    assert all(body[key] is None for key in PRIVATE) and "校验码不符" in body["message"]


def test_a_voided_number_tells_void_but_not_why_without_the_code(issued, bureau, api):
    voided = services.void(issued, bureau["head1"], "持证人申请注销")
    body = api.get(verify_path(voided.number)).json()
    assert body["valid"] is False and body["status"] == "void" and body["void_reason"] is None
    full = api.get(verify_path(voided.number), {"code": signing.check_code(voided.signature)}).json()
    assert full["void_reason"] == "持证人申请注销" and full["holder"] == "江城置业有限公司"


def test_the_page_shows_holder_only_with_the_check_code_and_asks_for_it(issued, client):
    path = f"/certificates/verify/{quote(issued.number)}/"
    bare = client.get(path).content.decode()
    assert 'data-valid="true"' in bare and "真实有效" in bare and "建设用地规划许可证" in bare
    assert "江城置业" not in bare and "江滨花园" not in bare
    assert 'name="c"' in bare  # a field for the code printed on the document
    full = client.get(path, {"c": signing.check_code(issued.signature)}).content.decode()
    assert "江城置业有限公司" in full and "江滨花园" in full
    typed = client.get("/certificates/verify/", {"number": issued.number, "c": signing.check_code(issued.signature)})
    assert typed.status_code == 302 and typed["Location"].endswith(f"?c={signing.check_code(issued.signature)}")


def test_the_check_code_is_printed_on_the_document(issued):
    text = extract_text(pdf.render(issued)).replace(" ", "")
    assert f"校验码{signing.check_code(issued.signature)}" in text.replace("：", "").replace("\n", "")
