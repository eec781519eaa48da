"""Verification as shared/API.md fixes it, the signed PDF parsed back, tampering, void and reissue."""

from __future__ import annotations

import base64
import io
import json
from urllib.parse import quote, urlsplit

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from plandesk.certificates import pdf, services, signing
from plandesk.certificates.models import Certificate, Status
from plandesk.certificates.tests.conftest import finish_step, to_certificate_step
from plandesk.core.pdf import extract_text


@pytest.fixture
def issued(bureau) -> Certificate:
    case = finish_step(bureau, to_certificate_step(bureau))
    return case.certificates.get()


def verify_path(number: str) -> str:
    return f"/api/v1/certificates/{quote(number)}/verify"


def test_it_verifies_an_issued_number_sent_percent_encoded(issued, api):
    response = api.get(verify_path(issued.number), {"code": signing.check_code(issued.signature)})
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("valid", "status", "type", "holder", "project", "issued_on")} == {
        "valid": True, "status": "issued", "type": "建设用地规划许可证", "holder": "江城置业有限公司",
        "project": "江滨花园", "issued_on": issued.issued_on.isoformat()}


def test_it_answers_404_for_an_unknown_number(bureau, api):
    response = api.get(verify_path("地字第420100202699999号"))
    assert response.status_code == 404
    assert response.json()["error"] == "not_found" and "没有" in response.json()["message"]


def test_it_says_a_tampered_payload_is_invalid(issued, api):
    payload = dict(issued.payload, holder="冒名公司")
    Certificate.objects.filter(pk=issued.pk).update(payload=payload)
    body = api.get(verify_path(issued.number)).json()
    assert body["valid"] is False and body["signature_valid"] is False and "篡改" in body["message"]
    page = api.client.get(f"/certificates/verify/{quote(issued.number)}/")
    assert "签名无效" in page.content.decode()


def test_it_parses_the_pdf_back_and_its_signature_verifies_with_the_published_key(issued, api):
    data = pdf.render(issued)
    text = extract_text(data).replace(" ", "").replace("\n", "")
    assert issued.number in text and "江城置业有限公司" in text and "建设用地规划许可证" in text
    document = json.loads(PdfReader(io.BytesIO(data)).attachments[pdf.ATTACHMENT][0])
    published = api.get("/api/v1/certificates/public-key").json()
    assert published["algorithm"] == "Ed25519" and published["key_id"] == document["key_id"]
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    key = Ed25519PublicKey.from_public_bytes(base64.b64decode(published["public_key_base64"]))
    canonical = json.dumps(document["payload"], ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    key.verify(base64.b64decode(document["signature"]), canonical.encode())  # raises if invalid
    assert document["payload"]["number"] == issued.number and document["payload"]["holder"] == "江城置业有限公司"
    assert pdf.check_file(data).ok

    # One changed field in the payload: verification fails.
    changed = dict(document["payload"], land_area_m2="99999")
    assert not signing.verify(changed, document["signature"], key)


def test_it_checks_a_pdf_file_from_the_command_line(issued, tmp_path, capsys):
    good = tmp_path / "good.pdf"
    good.write_bytes(pdf.render(issued))
    call_command("verify-certificate", str(good))
    assert "签名有效" in capsys.readouterr().out

    tampered = Certificate.objects.get(pk=issued.pk)
    tampered.payload = dict(tampered.payload, holder="冒名公司")  # what a forger would embed
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(pdf.embed(pdf.core_pdf.render([pdf.core_pdf.para(issued.number)], title="x"), tampered))
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify-certificate", str(bad))
    assert exit_info.value.code == 1
    assert "签名校验失败" in capsys.readouterr().out


def test_it_keeps_a_voided_number_used_and_reissues_under_a_new_number(issued, bureau, api):
    with pytest.raises(services.CertificateError):
        services.void(issued, bureau["handler1"], "错误")  # only the head or the director
    voided = services.void(issued, bureau["head1"], "持证人申请注销")
    body = api.get(verify_path(voided.number), {"code": signing.check_code(voided.signature)}).json()
    assert body["valid"] is False and body["status"] == "void" and body["void_reason"] == "持证人申请注销"
    assert body["voided_on"]

    new = services.reissue(voided, bureau["head1"], "原证作废后补发")
    assert new.number != voided.number and new.status == Status.ISSUED and new.replaces_id == voided.pk
    assert new.sequence == voided.sequence + 1  # the voided number is never handed out again
    old = api.get(verify_path(voided.number), {"code": signing.check_code(voided.signature)}).json()
    assert old["status"] == "replaced" and old["replaced_by"] == new.number and old["valid"] is False
    assert api.get(verify_path(new.number)).json()["valid"] is True

    # A later certificate of the same type and office takes the next number, never a voided one.
    later = finish_step(bureau, to_certificate_step(bureau)).certificates.get()
    assert later.sequence == new.sequence + 1
    assert len(set(Certificate.objects.values_list("number", flat=True))) == 3


def test_it_opens_the_verification_page_from_the_qr_link(issued, api):
    url = services.verify_url(issued)
    parts = urlsplit(url)
    page = api.client.get(parts.path, {"c": parts.query.split("=", 1)[1]})
    assert page.status_code == 200
    assert 'data-valid="true"' in page.content.decode() and "江城置业有限公司" in page.content.decode()
    forged = api.client.get(parts.path, {"c": "0000000000"})
    assert 'data-valid="false"' in forged.content.decode() and "校验码不符" in forged.content.decode()
    unknown = api.client.get("/certificates/verify/%E5%9C%B0%E5%AD%97%E7%AC%AC1%E5%8F%B7/")
    assert unknown.status_code == 404 and "查无此证" in unknown.content.decode()
