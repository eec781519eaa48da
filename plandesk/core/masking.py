"""Masking of personal identifiers for screens and logs (the person's own desk may still show them in full)."""

from __future__ import annotations

import re

_PHONE_IN_TEXT = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
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
    """Mask every mobile number and resident ID number found in free text (log messages)."""
    text = _ID_IN_TEXT.sub(lambda m: m.group(1) + "********" + m.group(2), text)
    return _PHONE_IN_TEXT.sub(lambda m: m.group(1) + "****" + m.group(2), text)
