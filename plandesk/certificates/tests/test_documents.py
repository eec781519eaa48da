"""Decision documents in the national style for official documents (GB/T 9704): the approval letter (批复) and the
refusal decision (不予行政许可决定书), parsed back from the PDF."""

from __future__ import annotations

import io
import re

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from plandesk.certificates import pdf, services
from plandesk.certificates.models import Certificate, IssuingOffice, Status
from plandesk.certificates.tests.conftest import finish_step, for_items, to_certificate_step
from plandesk.core.pdf import extract_text


def flat(data: bytes) -> str:
    return re.sub(r"\s+", "", extract_text(data))


def in_order(text: str, *parts: str) -> bool:
    at = 0
    for part in parts:
        found = text.find(part, at)
        if found < 0:
            return False
        at = found + len(part)
    return True


def red_strokes(data: bytes) -> int:
    """Red stroke or fill colour operators on the first page (the separator line, the mark, the drawn seal)."""
    page = PdfReader(io.BytesIO(data)).pages[0]
    stream = page.get_contents().get_data().decode("latin-1")
    return len(re.findall(r"(?<![\d.])0?\.85 0 0 (?:RG|rg)\b", stream))


def test_the_approval_letter_reads_as_an_official_document(bureau):
    case = finish_step(bureau, to_certificate_step(bureau, **for_items("planning_conditions")))
    letter = Certificate.objects.get(case=case, type__code="approval_letter")
    assert letter.status == Status.ISSUED
    year = letter.issued_on.year
    assert letter.number == f"规批〔{year}〕1号"
    text = flat(pdf.render(letter))
    date = f"{year}年{letter.issued_on.month}月{letter.issued_on.day}日"
    # mark, number, title, addressee, body ending in 此复, authority and date: in this order on the page
    assert in_order(text, "市城乡规划局", f"规批〔{year}〕1号", "关于江滨花园", "的批复", "江城置业有限公司：",
                    "收悉。经审查，现批复如下：", "一、同意江滨花园", "此复。", "市城乡规划局", date), text
    assert case.number in text
    assert red_strokes(pdf.render(letter)) >= 2  # the red mark and the red separator line
    assert pdf.check_file(pdf.render(letter)).ok


def test_the_refusal_decision_gives_the_reasons_and_the_remedies(bureau):
    case = to_certificate_step(bureau, decision="reject")
    [draft] = services.prepare(case, bureau["handler1"])
    services.edit(draft, bureau["handler1"], {"reasons": "建设用地不符合控制性详细规划确定的用地性质"})
    services.check(draft, bureau["head1"])
    finish_step(bureau, case)
    draft.refresh_from_db()
    year = draft.issued_on.year
    assert draft.number == f"规不许〔{year}〕1号"
    text = flat(pdf.render(draft))
    assert in_order(text, "市城乡规划局", f"规不许〔{year}〕1号", "不予行政许可决定书", "江城置业有限公司：",
                    "经审查，建设用地不符合控制性详细规划确定的用地性质", "第三十八条第二款", "决定不予行政许可",
                    "六十日内", "市人民政府", "行政复议", "六个月内", "提起行政诉讼", "市城乡规划局"), text


def test_a_draft_decision_is_marked_unsigned(bureau):
    case = to_certificate_step(bureau, **for_items("planning_conditions"))
    letter = next(c for c in services.prepare(case, bureau["handler1"]) if c.type.code == "approval_letter")
    text = flat(pdf.render(letter))
    assert "样稿，未签发，无效" in text and "规批〔" not in text


def test_a_document_number_may_leave_out_the_area_code_but_a_certificate_may_not(bureau):
    letter_type = services.type_for("approval_letter")
    letter_type.number_format = "规批〔{year}〕{seq}号"
    letter_type.full_clean()
    permit = services.type_for("land_use_permit")
    permit.number_format = "地字第{year}{seq}号"
    with pytest.raises(ValidationError, match="area"):
        permit.full_clean()
    # A branch office issuing in its own name gets its area code in front: two offices never print one number.
    branch = IssuingOffice(unit_id=1, authority="东区分局", area_code="420102")
    assert letter_type.format_number(branch.area_code, 2026, 3, own_office=True) == "420102规批〔2026〕3号"
    assert letter_type.format_number("420100", 2026, 3) == "规批〔2026〕3号"


def test_it_moves_the_old_default_document_format_to_the_national_one(bureau):
    services.ensure_types()
    letter_type = services.type_for("approval_letter")
    letter_type.number_format = services.OLD_FORMATS["approval_letter"]
    letter_type.save()
    services.ensure_types()
    letter_type.refresh_from_db()
    assert letter_type.number_format == "规批〔{year}〕{seq}号"
