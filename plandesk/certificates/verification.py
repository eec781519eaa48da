"""The public's check of a certificate number (and its code): valid, void or replaced, and by which number."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from plandesk.cases.models import Case
from plandesk.certificates import signing
from plandesk.certificates.models import (
    Certificate,
    Status,
)

# --- verification --------------------------------------------------------------------------------------------------

@dataclass
class Verification:
    certificate: Certificate
    signature_ok: bool
    code_ok: bool

    @property
    def status(self) -> str:
        return self.certificate.status

    @property
    def valid(self) -> bool:
        return self.status == Status.ISSUED and self.signature_ok and self.code_ok

    @property
    def replaced_by(self) -> str | None:
        new = Certificate.objects.filter(replaces=self.certificate).values_list("number", flat=True).first()
        return new

    @property
    def message(self) -> str:
        from django.utils.translation import gettext as _

        c = self.certificate
        if not self.signature_ok:
            return _("签名校验失败：证照数据已被篡改，本证照不可信。")
        if not self.code_ok:
            return _("校验码不符：二维码或链接已被篡改，请以本页显示的内容为准并向发证机关核实。")
        if c.status == Status.VOID:
            return _("本证照已于 %(date)s 作废：%(reason)s") % {
                "date": f"{timezone.localdate(c.voided_at):%Y-%m-%d}", "reason": c.void_reason}
        if c.status == Status.REPLACED:
            return _("本证照已补证，由 %(number)s 替换。") % {"number": self.replaced_by}
        return _("本证照由发证机关签发，现行有效。")

    def as_dict(self) -> dict:
        c = self.certificate
        payload = c.payload or {}
        return {
            "valid": self.valid,
            "status": c.status,
            "type": c.type.name,
            "holder": payload.get("holder", c.content.get("holder", "")),
            "project": payload.get("project", c.content.get("project", "")),
            "issued_on": c.issued_on,
            "number": c.number,
            "type_code": c.type.code,
            "authority": payload.get("authority", ""),
            "location": payload.get("location", ""),
            "signature_valid": self.signature_ok,
            "void_reason": c.void_reason if c.status != Status.ISSUED else None,
            "voided_on": timezone.localdate(c.voided_at) if c.voided_at and c.status != Status.ISSUED else None,
            "replaced_by": self.replaced_by if c.status == Status.REPLACED else None,
            "replaces": payload.get("replaces"),
            "key_id": c.key_id,
            "message": self.message,
        }


def find_issued(number: str) -> Certificate | None:
    number = (number or "").strip()
    if not number:
        return None
    return Certificate.objects.numbered().select_related("type", "office", "case").filter(number=number).first()


def verify(number: str, code: str | None = None) -> Verification | None:
    cert = find_issued(number)
    if cert is None:
        return None
    signature_ok = bool(cert.payload) and cert.payload.get("number") == cert.number and signing.verify(
        cert.payload, cert.signature)
    code_ok = code is None or code == signing.check_code(cert.signature)
    return Verification(cert, signature_ok, code_ok)


def verify_url(cert: Certificate) -> str:
    """The public verification address printed in the QR code."""
    from django.urls import reverse

    path = reverse("certificates:verify", args=[cert.number])  # percent-encoded already
    return f"{settings.PLANDESK_SITE_URL.rstrip('/')}{path}?c={signing.check_code(cert.signature)}"


def certificate_numbers(case: Case) -> list[str]:
    return list(case.certificates.numbered().order_by("pk").values_list("number", flat=True))
