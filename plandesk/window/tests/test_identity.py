from datetime import date

import pytest

from plandesk.window.identity import (
    IdentityError,
    id_check_char,
    uscc_check_char,
    validate_id_number,
    validate_mobile,
    validate_uscc,
)

# A USCC and an ID number built with the standards' check characters.
USCC = "91420100" + "MA4K" + "00001"
USCC = USCC + uscc_check_char(USCC)
ID_NUMBER = "42010619850312123"
ID_NUMBER = ID_NUMBER + id_check_char(ID_NUMBER)


def test_it_accepts_a_right_uscc_in_lower_case():
    assert validate_uscc(USCC.lower()) == USCC


def test_it_knows_published_codes():
    # Codes printed on real business licences (public registers).
    assert validate_uscc("91110000802100433B")  # Baidu Online Network Technology (Beijing)
    assert validate_uscc("91440300708461136T")  # Tencent Technology (Shenzhen)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (USCC[:17], "18 位"),
        (USCC[:17] + ("0" if USCC[17] != "0" else "1"), "校验位错误"),
        (USCC[:5] + "I" + USCC[6:], "不允许的字符"),
        ("91AB" + USCC[4:], "行政区划码"),
    ],
)
def test_it_names_what_is_wrong_with_a_uscc(value, reason):
    with pytest.raises(IdentityError, match=reason):
        validate_uscc(value)


def test_it_accepts_a_right_id_number_with_x():
    base = next(f"4201061985031212{i}" for i in range(10) if id_check_char(f"4201061985031212{i}") == "X")
    assert validate_id_number(base.lower() + "x") == base + "X"
    assert validate_id_number(ID_NUMBER) == ID_NUMBER


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("4201061985031212", "18 位"),
        ("42010619850332123X", "出生日期"),
        ("4201A6198503121234", "前 17 位"),
        (ID_NUMBER[:17] + ("0" if ID_NUMBER[17] != "0" else "1"), "校验位错误"),
    ],
)
def test_it_names_what_is_wrong_with_an_id_number(value, reason):
    with pytest.raises(IdentityError, match=reason):
        validate_id_number(value)


def test_a_birth_date_in_the_future_is_refused():
    number = "42010620300101123"
    with pytest.raises(IdentityError, match="不合理"):
        validate_id_number(number + id_check_char(number), today=date(2026, 11, 27))


@pytest.mark.parametrize("phone", ["13800138000", "138-0013-8000", "+86 139 0000 0000"])
def test_it_accepts_mobile_numbers(phone):
    assert len(validate_mobile(phone)) == 11


@pytest.mark.parametrize("phone", ["12800138000", "1380013800", "027-88888888", ""])
def test_it_refuses_what_is_not_a_mobile_number(phone):
    with pytest.raises(IdentityError, match="11 位"):
        validate_mobile(phone)
