"""A small question the opinion form asks, answerable without JavaScript and without any third-party service. With
the honeypot field and the per-address limit it keeps scripts out.

The token the form carries holds a nonce, the time it was asked and a keyed hash (HMAC with the site's secret) of
the nonce and the answer: a client can read the token but cannot learn the answer from it, nor test the 17 possible
sums against it offline (issue 27: the token used to carry the two numbers in base64). Each question is answered
once, right or wrong: the first answer claims the nonce race-safely in `core.limits`, so a script cannot try the
sums one by one against one question, and a solved question sends one opinion (`Opinion.challenge_nonce`, unique).
"""

from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.core import signing
from django.utils.crypto import salted_hmac

from plandesk.core.limits import Policy

SALT = "plandesk.publicity.challenge"
MAX_AGE_SECONDS = 2 * 60 * 60
NUMERALS = "零一二三四五六七八九十"


@dataclass(frozen=True)
class Challenge:
    question: str
    token: str


@dataclass(frozen=True)
class _AnsweredOnce(Policy):
    """One use per question, counted in the window of the hour the question was asked (not of the hour it is
    answered), so a question asked at 09:59 and answered at 10:00 and again at 10:01 is still one use. The row
    outlives the token: the worker purges windows a day old, tokens expire after two hours."""

    asked_at: float = 0.0

    def _window_start(self, now: datetime) -> datetime:
        return super()._window_start(datetime.fromtimestamp(self.asked_at, tz=UTC))


def _spell(n: int) -> str:
    return NUMERALS[n] if n <= 10 else f"十{NUMERALS[n - 10]}" if n < 20 else str(n)


def _digest(nonce: str, answer: int) -> str:
    return salted_hmac(SALT, f"{nonce}:{answer}", algorithm="sha256").hexdigest()[:32]


def new_challenge() -> Challenge:
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    nonce = secrets.token_hex(8)
    token = signing.dumps({"n": nonce, "t": int(time.time()), "h": _digest(nonce, a + b)}, salt=SALT)
    return Challenge(question=f"{_spell(a)}加{_spell(b)}等于多少？（请填阿拉伯数字）", token=token)


def check_answer(token: str, answer) -> str:
    """The challenge's nonce when the answer is right; ValueError (zh-Hans) when wrong, forged, stale or used."""
    try:
        data = signing.loads(token or "", salt=SALT, max_age=MAX_AGE_SECONDS)
        nonce, asked_at, digest = str(data["n"]), float(data["t"]), str(data["h"])
    except signing.SignatureExpired:
        raise ValueError("验证题已过期，请重新作答") from None
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise ValueError("验证题无效，请重新作答") from None
    try:
        given = int(str(answer).strip())
    except (TypeError, ValueError):
        raise ValueError("请用阿拉伯数字填写验证题的答案") from None
    once = _AnsweredOnce("publicity.challenge", limit=1, window=timedelta(hours=1), asked_at=asked_at)
    if not once.take(nonce):
        raise ValueError("该验证题已使用，请重新作答")
    if not hmac.compare_digest(digest, _digest(nonce, given)):
        raise ValueError("验证题答案不正确")
    return nonce
