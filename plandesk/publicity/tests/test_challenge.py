"""The opinion form's question (issue 27): its token does not carry the answer, a question is answered once —
right or wrong — and after a refused submission the form asks a question again and keeps what was typed (issue
22). The API path has no question: the per-address limit alone guards it (docs/publicity.md says why)."""

from __future__ import annotations

import base64
import re
import zlib

import pytest
from django.core import signing

from plandesk.publicity.challenge import SALT, check_answer, new_challenge
from plandesk.publicity.models import Opinion
from plandesk.testing.publicity import answer, question_on

pytestmark = pytest.mark.django_db


def _readable(token: str) -> str:
    """What a client can read in the token without the server's key: its payload, decoded."""
    payload = token.split(":")[0]
    raw = base64.urlsafe_b64decode(payload.lstrip(".") + "=" * (-len(payload.lstrip(".")) % 4))
    return (zlib.decompress(raw) if payload.startswith(".") else raw).decode()


def test_the_token_does_not_carry_the_numbers_or_the_answer():
    for _ in range(20):
        challenge = new_challenge()
        a, b = (int(n) for n in re.findall(r"\d+", str(_numbers(challenge.question))))
        readable = _readable(challenge.token)
        data = signing.loads(challenge.token, salt=SALT)
        assert not {"a", "b", "answer", "sum"} & set(data), data
        # No number of the question, nor its sum, stands in the token as a value.
        assert not re.search(rf'[:\[,]\s*({a}|{b}|{a + b})\s*[,}}\]]', readable), readable


def _numbers(question: str) -> tuple[int, int]:
    from plandesk.publicity.challenge import NUMERALS

    first, second = re.search(r"(\S)加(\S)等于", question).groups()
    return NUMERALS.index(first), NUMERALS.index(second)


def test_a_question_is_answered_once():
    challenge = new_challenge()
    assert check_answer(challenge.token, answer(challenge.question))
    with pytest.raises(ValueError, match="已使用"):
        check_answer(challenge.token, answer(challenge.question))


def test_a_wrong_answer_spends_the_question_so_it_cannot_be_guessed_through():
    challenge = new_challenge()
    right = int(answer(challenge.question))
    with pytest.raises(ValueError, match="不正确"):
        check_answer(challenge.token, str(right + 1))
    with pytest.raises(ValueError, match="已使用"):
        check_answer(challenge.token, str(right))


def test_a_made_up_token_is_refused():
    forged = signing.dumps({"a": 1, "b": 1, "n": "x"}, salt="another")
    with pytest.raises(ValueError, match="无效"):
        check_answer(forged, "2")


def test_after_a_refused_submission_the_form_asks_again_and_keeps_the_text(client, running):
    page = client.get(running.get_absolute_url())
    data = {"name": "", "contact": "lisi@example.com", "content": "建议保留河边的老樟树。",
            "token": page.context["form"]["token"].value(), "answer": answer(question_on(page)), "website": ""}
    refused = client.post(f"/publicity/{running.pk}/opinion/", data)
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "建议保留河边的老樟树。" in html and "lisi@example.com" in html
    question = question_on(refused)  # the question is there again (it vanished before: issue 22)
    assert "加" in question and "等于" in question
    token = refused.context["form"]["token"].value()
    assert token != data["token"]
    again = client.post(f"/publicity/{running.pk}/opinion/",
                        {**data, "name": "李四", "token": token, "answer": answer(question)})
    assert again.status_code == 302, again.content.decode()[:2000]
    assert Opinion.objects.get().content == "建议保留河边的老樟树。"


def test_the_form_with_a_wrong_answer_asks_a_new_question(client, running):
    page = client.get(running.get_absolute_url())
    right = int(answer(question_on(page)))
    data = {"name": "李四", "contact": "lisi@example.com", "content": "意见",
            "token": page.context["form"]["token"].value(), "answer": str(right + 1), "website": ""}
    refused = client.post(f"/publicity/{running.pk}/opinion/", data)
    assert refused.status_code == 400 and "不正确" in refused.content.decode()
    assert client.post(f"/publicity/{running.pk}/opinion/", {**data, "answer": str(right)}).status_code == 400
    assert not Opinion.objects.exists()
