"""A small question the opinion form asks, signed so the server keeps no state, answerable without JavaScript and
without any third-party service. With the honeypot field and the per-address limit it keeps scripts out."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.core import signing

SALT = "plandesk.publicity.challenge"
MAX_AGE_SECONDS = 2 * 60 * 60
NUMERALS = "零一二三四五六七八九十"


@dataclass(frozen=True)
class Challenge:
    question: str
    token: str


def _spell(n: int) -> str:
    return NUMERALS[n] if n <= 10 else f"十{NUMERALS[n - 10]}" if n < 20 else str(n)


def new_challenge() -> Challenge:
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    token = signing.dumps({"a": a, "b": b, "n": secrets.token_hex(8)}, salt=SALT, compress=True)
    return Challenge(question=f"{_spell(a)}加{_spell(b)}等于多少？（请填阿拉伯数字）", token=token)


def check_answer(token: str, answer) -> str:
    """The challenge's nonce when the answer is right; ValueError (zh-Hans) when wrong, forged or stale."""
    try:
        data = signing.loads(token or "", salt=SALT, max_age=MAX_AGE_SECONDS)
    except signing.SignatureExpired:
        raise ValueError("验证题已过期，请重新作答") from None
    except signing.BadSignature:
        raise ValueError("验证题无效，请重新作答") from None
    try:
        given = int(str(answer).strip())
    except (TypeError, ValueError):
        raise ValueError("请用阿拉伯数字填写验证题的答案") from None
    if given != data["a"] + data["b"]:
        raise ValueError("验证题答案不正确")
    return data["n"]
