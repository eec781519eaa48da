"""Masking of personal identifiers for screens and logs (the person's own desk may still show them in full)."""

from __future__ import annotations

import re

# A mainland mobile in any form a log meets: 13912345678, 139 1234 5678, 139-1234-5678, with or without the
# country code (86, +86, 0086, (+86)), e.g. the phone platform's tel:+8613912345678. The country code is kept.
_PHONE_IN_TEXT = re.compile(
    r"(?<![0-9])((?:\(?(?:\+|00)?86\)?[ -]?)?)(1[3-9]\d)[ -]?\d{4}[ -]?(\d{4})(?![0-9])"
)
# Links that are credentials: the filing receipt (/window/receipts/<signed token>/…) opens the receipt PDF with the
# query password. Any Django-signed value (payload:timestamp:signature, colons raw or %3A) is hidden as well.
_SECRET_PATH = re.compile(r"(/receipts/)[^/\s\"'?#]+")
_SIGNED_VALUE = re.compile(
    r"[A-Za-z0-9_.-]{2,}(?::|%3[Aa])[0-9A-Za-z]{4,}(?::|%3[Aa])[A-Za-z0-9_-]{20,}"
)
HIDDEN = "[hidden]"
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[0-9Xx])(?![0-9A-Za-z])")


def mask_id(value: object) -> str:
    """A resident ID number keeps its region (first 6) and last 4 characters: 420102********123X."""
    text = "" if value is None else str(value).strip()
    if not text:
        return ""
    if len(text) > 10:
        return text[:6] + "*" * (len(text) - 10) + text[-4:]
    if len(text) > 4:
        return text[:2] + "*" * (len(text) - 4) + text[-2:]
    return "*" * len(text)


def mask_phone(value: object) -> str:
    """A phone number keeps its first 3 and last 4 digits: 138****5678; short numbers keep the last 2."""
    text = "" if value is None else str(value).strip()
    if not text:
        return ""
    digits = [c for c in text if c.isdigit()]
    if len(digits) >= 11:
        return text[:3] + "*" * (len(text) - 7) + text[-4:]
    if len(text) <= 4:
        return "*" * len(text)
    return "*" * (len(text) - 2) + text[-2:]


def mask_text(text: str) -> str:
    """Mask every mobile number and resident ID number found in free text (log messages), and hide link tokens."""
    text = _SECRET_PATH.sub(lambda m: m.group(1) + HIDDEN, text)
    text = _SIGNED_VALUE.sub(HIDDEN, text)
    text = _ID_IN_TEXT.sub(lambda m: m.group(1) + "********" + m.group(2), text)
    return _PHONE_IN_TEXT.sub(lambda m: m.group(1) + m.group(2) + "****" + m.group(3), text)
