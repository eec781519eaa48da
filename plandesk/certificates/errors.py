"""The certificates' refusals (one refusal type for the house: plandesk/core/refusals.py)."""

from __future__ import annotations

from plandesk.core.refusals import Refusal


class CertificateError(Refusal):
    """A refused action on a certificate: `status`/`code` for the API, `message` for people (zh-Hans)."""

    def __init__(self, status: int, code: str, message: str, **extra):
        super().__init__(message, status=status, code=code, **extra)


def _forbidden(message: str) -> CertificateError:
    return CertificateError(403, "forbidden", message)


def _conflict(message: str) -> CertificateError:
    return CertificateError(409, "conflict", message)
