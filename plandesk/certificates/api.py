"""Certificates in the API: public verification and the published key; staff read, check, void and reissue."""

from __future__ import annotations

from datetime import date

from django.http import HttpResponse
from ninja import Router, Schema

from plandesk.cases.models import Case
from plandesk.certificates import pdf, services, signing
from plandesk.certificates.models import Certificate
from plandesk.core.api_errors import ApiError, ErrorOut

router = Router(tags=["证照 certificates"])



class VerifyOut(Schema):
    valid: bool
    status: str
    type: str
    holder: str | None  # null unless the document's check code was given (docs/certificates.md)
    project: str | None
    issued_on: date | None
    number: str
    type_code: str
    authority: str
    location: str | None
    signature_valid: bool
    code_checked: bool
    void_reason: str | None
    voided_on: date | None
    replaced_by: str | None
    replaces: str | None
    key_id: str
    message: str


class PublicKeyOut(Schema):
    algorithm: str
    key_id: str
    public_key_pem: str
    public_key_base64: str
    canonical_json: str


class CertificateOut(Schema):
    id: int
    number: str | None
    status: str
    type: str
    type_code: str
    case_number: str
    content: dict
    payload: dict | None
    signature: str
    key_id: str
    prepared_by: str | None
    checked_by: str | None
    issued_on: date | None
    replaces: str | None
    replaced_by: str | None
    handed_over_to: str | None


class ReasonIn(Schema):
    reason: str


class CheckIn(Schema):
    approve: bool = True
    note: str = ""



def cert_out(cert: Certificate) -> dict:
    handover = cert.handovers.first()
    replaced = Certificate.objects.filter(replaces=cert).values_list("number", flat=True).first()
    return {
        "id": cert.pk, "number": cert.number, "status": cert.status, "type": cert.type.name,
        "type_code": cert.type.code, "case_number": cert.case.number, "content": cert.content,
        "payload": cert.payload, "signature": cert.signature, "key_id": cert.key_id,
        "prepared_by": cert.prepared_by.username if cert.prepared_by_id else None,
        "checked_by": cert.checked_by.username if cert.checked_by_id else None,
        "issued_on": cert.issued_on, "replaces": cert.replaces.number if cert.replaces_id else None,
        "replaced_by": replaced, "handed_over_to": handover.collector_name if handover else None,
    }


@router.get("/certificates/public-key", response=PublicKeyOut, auth=None)
def public_key(request):
    """The Ed25519 public key that signs every certificate, and how the signed JSON is formed."""
    import base64

    return {"algorithm": "Ed25519", "key_id": signing.key_id(), "public_key_pem": signing.public_pem(),
            "public_key_base64": base64.b64encode(signing.public_raw()).decode(),
            "canonical_json": "UTF-8, keys sorted, separators (',', ':'), no ASCII escaping"}


@router.get("/certificates/{number}/verify", response={200: VerifyOut, 404: ErrorOut}, auth=None)
def verify(request, number: str, code: str | None = None, c: str | None = None):
    """Public: is this certificate number genuine and does it still stand (issued / void / replaced)? Numbers with
    Chinese characters are percent-encoded in the path. Without `code` (the check code printed under the document's
    QR code; `c` in the QR link is the same) the answer says valid or not, the kind and the date, with `holder`
    and `project` null; with the right code, everything the document shows; a wrong code is `valid: false`."""
    result = services.verify(number, code if code is not None else c)
    if result is None:
        raise ApiError(404, "not_found", "没有这个证号的证照：请核对证号，或向发证机关核实")
    return result.as_dict()


def _staff_cert(request, number: str) -> Certificate:
    cert = services.find_issued(number)
    if cert is None:
        raise ApiError(404, "not_found", "没有这个证号的证照")
    if not services.may_see(request.auth, cert.case):
        raise ApiError(403, "forbidden", "您无权查看这份证照")
    return cert


@router.get("/certificates/{number}", response={200: CertificateOut, 403: ErrorOut, 404: ErrorOut})
def detail(request, number: str):
    """Staff who may see the case (and the output window): the certificate with its content and signature."""
    return cert_out(_staff_cert(request, number))


@router.get("/certificates/{number}/pdf", response={200: None, 403: ErrorOut, 404: ErrorOut})
def certificate_pdf(request, number: str):
    """The signed PDF (the signed payload is embedded as certificate.json)."""
    cert = _staff_cert(request, number)
    response = HttpResponse(pdf.render(cert), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{cert.pk}.pdf"'
    return response


@router.post("/certificates/{number}/void", response={200: CertificateOut, 400: ErrorOut, 403: ErrorOut,
                                                      404: ErrorOut, 409: ErrorOut})
def void(request, number: str, payload: ReasonIn):
    """Void (作废) an issued certificate: the head of the handling office or the director; the number stays used."""
    cert = _staff_cert(request, number)
    return cert_out(services.void(cert, request.auth, payload.reason))


@router.post("/certificates/{number}/reissue", response={200: CertificateOut, 400: ErrorOut, 403: ErrorOut,
                                                         404: ErrorOut, 409: ErrorOut})
def reissue(request, number: str, payload: ReasonIn):
    """Reissue (补证): a new number replaces this certificate, which then verifies as replaced."""
    cert = _staff_cert(request, number)
    return cert_out(services.reissue(cert, request.auth, payload.reason))


@router.get("/cases/{case_number}/certificates", response={200: list[CertificateOut], 403: ErrorOut,
                                                           404: ErrorOut})
def case_certificates(request, case_number: str):
    """Every document of a case, drafts included."""

    case = Case.objects.filter(number=case_number).first()
    if case is None:
        raise ApiError(404, "not_found", "没有这个案卷")
    if not services.may_see(request.auth, case):
        raise ApiError(403, "forbidden", "您无权查看这个案卷的证照")
    rows = case.certificates.select_related("type", "case", "prepared_by", "checked_by", "replaces").order_by("pk")
    return [cert_out(c) for c in rows]


@router.post("/cases/{case_number}/certificates/prepare",
             response={200: list[CertificateOut], 403: ErrorOut, 404: ErrorOut})
def prepare(request, case_number: str):
    """The certificate step's handler drafts the case's documents from the case and its decision."""

    case = Case.objects.filter(number=case_number).first()
    if case is None:
        raise ApiError(404, "not_found", "没有这个案卷")
    return [cert_out(c) for c in services.prepare(case, request.auth)]


@router.post("/certificates/drafts/{cert_id}/check",
             response={200: CertificateOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut})
def check(request, cert_id: int, payload: CheckIn):
    """A second person checks a draft (校核): approve, or send it back with a note."""
    cert = Certificate.objects.select_related("case", "type").filter(pk=cert_id).first()
    if cert is None or not (services.may_see(request.auth, cert.case) or services.may_check(request.auth, cert)):
        raise ApiError(404, "not_found", "没有这份证照草稿")
    return cert_out(services.check(cert, request.auth, approve=payload.approve, note=payload.note))
