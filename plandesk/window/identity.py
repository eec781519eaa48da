"""Checks of the identifiers an applicant gives at the window, each failing with the exact reason in Chinese.

- Unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters from a 31-character alphabet
  (digits and capitals without I, O, Z, S, V); the last is a check character, modulo 31.
- Resident identity number (公民身份号码), GB 11643-1999: 17 digits and a check character (0-9 or X), ISO 7064 MOD 11-2,
  with a real date of birth in positions 7-14.
- Mainland mobile phone numbers: 11 digits starting with 1 and a known second digit.
"""

from __future__ import annotations

import re
from datetime import date


class IdentityError(ValueError):
    """The identifier is wrong; the message says why, in Chinese."""


USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
MOBILE = re.compile(r"^1[3-9]\d{9}$")


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc(value: str) -> str:
    code = (value or "").strip().upper()
    if len(code) != 18:
        raise IdentityError(f"统一社会信用代码应为 18 位，实际为 {len(code)} 位")
    bad = [c for c in code if c not in USCC_ALPHABET]
    if bad:
        raise IdentityError(f"统一社会信用代码含有不允许的字符：{''.join(dict.fromkeys(bad))}（不使用 I、O、Z、S、V）")
    if not code[2:8].isdigit():
        raise IdentityError("统一社会信用代码第 3～8 位应为登记管理机关行政区划码（数字）")
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        raise IdentityError(f"统一社会信用代码校验位错误：第 18 位应为 {expected}，实际为 {code[17]}")
    return code


def id_check_char(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def validate_id_number(value: str, today: date | None = None) -> str:
    number = (value or "").strip().upper()
    if len(number) != 18:
        raise IdentityError(f"公民身份号码应为 18 位，实际为 {len(number)} 位")
    if not number[:17].isdigit():
        raise IdentityError("公民身份号码前 17 位应为数字")
    if not (number[17].isdigit() or number[17] == "X"):
        raise IdentityError("公民身份号码第 18 位应为数字或 X")
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise IdentityError(f"公民身份号码中的出生日期 {number[6:14]} 不是有效日期") from None
    if born > (today or date.today()) or born.year < 1900:
        raise IdentityError(f"公民身份号码中的出生日期 {born:%Y-%m-%d} 不合理")
    expected = id_check_char(number[:17])
    if number[17] != expected:
        raise IdentityError(f"公民身份号码校验位错误：第 18 位应为 {expected}，实际为 {number[17]}")
    return number


def validate_mobile(value: str) -> str:
    phone = re.sub(r"[\s-]", "", value or "")
    if phone.startswith("+86"):
        phone = phone[3:]
    if not MOBILE.match(phone):
        raise IdentityError("手机号码应为 11 位数字，以 1 开头（如 13800138000）")
    return phone


def clean_collector(name: str, id_number: str) -> tuple[str, str, list[dict]]:
    """Who collects a result at the output window: (name, ID number, field errors). The one check of the
    collector, for the pick-up and for a certificate handed over on its own; a pick-up's hand-overs reuse it."""
    fields = []
    name = " ".join((name or "").split())
    if not name:
        fields.append({"field": "collector_name", "message": "“领取人姓名”为必填项"})
    elif len(name) > 60:
        fields.append({"field": "collector_name", "message": "“领取人姓名”过长（至多 60 个字符）"})
    number = ""
    try:
        number = validate_id_number(id_number or "")
    except IdentityError as exc:
        fields.append({"field": "collector_id_number", "message": str(exc)})
    return name, number, fields
