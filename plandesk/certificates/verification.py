"""The public's check of a certificate number (and its code): valid, void or replaced, and by which number."""

from __future__ import annotations

import hmac
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
#
# What the public may learn (docs/certificates.md, "Verification"). Numbers are sequential, so anyone can walk them;
# by the number alone the bureau answers only what a forger or a relying party needs to know — is there such a
# certificate, of which kind, issued when, and does it stand (issued / void / replaced) — never who holds it, for
# which project, where, or why it was voided: refusal decisions are numbered too, and the holder of a refusal is
# nobody's business. The check code printed under the QR code on the document (and carried by the QR link) proves
# the asker holds the document; with it, the page and the API show everything the document itself shows.

@dataclass
class Verification:
    certificate: Certificate
    signature_ok: bool
    code_ok: bool  # the code given matches (True when none was given: nothing to contradict)
    code_given: bool = False

    @property
    def status(self) -> str:
        return self.certificate.status

    @property
    def valid(self) -> bool:
        return self.status == Status.ISSUED and self.signature_ok and self.code_ok

    @property
    def code_checked(self) -> bool:
        """The asker showed the document's check code: the details may be shown."""
        return self.code_given and self.code_ok

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
            return _("校验码不符：二维码或链接已被篡改，或校验码输入有误；"
                     "请核对证照二维码下印的校验码，或向发证机关核实。")
        if not self.code_checked:
            said = {Status.VOID: _("本证照已作废。"), Status.REPLACED: _("本证照已补证替换。")}.get(
                c.status, _("本证照由发证机关签发，现行有效。"))
            return said + _("持证人、项目名称等内容须输入证照二维码下印的校验码查看。")
        if c.status == Status.VOID:
            return _("本证照已于 %(date)s 作废：%(reason)s") % {
                "date": f"{timezone.localdate(c.voided_at):%Y-%m-%d}", "reason": c.void_reason}
        if c.status == Status.REPLACED:
            return _("本证照已补证，由 %(number)s 替换。") % {"number": self.replaced_by}
        return _("本证照由发证机关签发，现行有效。")

    def as_dict(self) -> dict:
        c = self.certificate
        payload = c.payload or {}
        shown = self.code_checked
        void = c.status != Status.ISSUED
        return {
            "valid": self.valid,
            "status": c.status,
            "type": c.type.name,
            # shared/API.md fixes these two fields; without the document's check code they are present but null.
            "holder": payload.get("holder", c.content.get("holder", "")) if shown else None,
            "project": payload.get("project", c.content.get("project", "")) if shown else None,
            "issued_on": c.issued_on,
            "number": c.number,
            "type_code": c.type.code,
            "authority": payload.get("authority", ""),
            "location": payload.get("location", "") if shown else None,
            "signature_valid": self.signature_ok,
            "code_checked": shown,
            "void_reason": c.void_reason if void and shown else None,
            "voided_on": timezone.localdate(c.voided_at) if c.voided_at and void and shown else None,
            "replaced_by": self.replaced_by if c.status == Status.REPLACED and shown else None,
            "replaces": payload.get("replaces") if shown else None,
            "key_id": c.key_id,
            "message": self.message,
        }


def find_issued(number: str) -> Certificate | None:
    number = (number or "").strip()
    if not number or "/" in number:  # no certificate number holds a slash, and no route could carry one
        return None
    return Certificate.objects.numbered().select_related("type", "office", "case").filter(number=number).first()


def verify(number: str, code: str | None = None) -> Verification | None:
    """The verdict on a number; `code` is the check code printed on the document (the QR link's `c`): without it
    the verdict carries validity and kind only."""
    cert = find_issued(number)
    if cert is None:
        return None
    signature_ok = bool(cert.payload) and cert.payload.get("number") == cert.number and signing.verify(
        cert.payload, cert.signature)
    code = (code or "").strip().lower()
    code_ok = not code or hmac.compare_digest(code.encode(), signing.check_code(cert.signature).encode())
    return Verification(cert, signature_ok, code_ok, code_given=bool(code))


def verify_url(cert: Certificate) -> str:
    """The public verification address printed in the QR code."""
    from django.urls import reverse

    path = reverse("certificates:verify", args=[cert.number])  # percent-encoded already
    return f"{settings.PLANDESK_SITE_URL.rstrip('/')}{path}?c={signing.check_code(cert.signature)}"


def certificate_numbers(case: Case) -> list[str]:
    return list(case.certificates.numbered().order_by("pk").values_list("number", flat=True))
