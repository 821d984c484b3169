"""The party's identifiers: unified social credit codes (GB 32100-2015) and resident identity card numbers
(GB 11643-1999). The check characters are recomputed here independently of cases.identity."""

import datetime
import random

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from cases.identity import (
    credit_code_problem,
    id_number_problem,
    mask_id_number,
    normalise_credit_code,
    normalise_id_number,
    validate_credit_code,
    validate_id_number,
)

CODE_SET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CHECK_MESSAGE = (
    "This unified social credit code's last character does not match its check digit (GB 32100-2015): "
    "check it for a typing error."
)
ID_CHECK_MESSAGE = (
    "This identity card number's last character does not match its check digit (GB 11643-1999): "
    "check it for a typing error."
)


@pytest.fixture(autouse=True)
def english():
    # The msgids are English; the Chinese comes from the catalogue, which these tests do not depend on.
    with translation.override("en"):
        yield


def expected_credit_check(first17):
    """GB 32100-2015 written out again: weights 3**i mod 31, check value 31 - (sum mod 31), 31 meaning 0."""
    total = 0
    for position, char in enumerate(first17):
        total += CODE_SET.index(char) * pow(3, position, 31)
    value = 31 - total % 31
    if value == 31:
        value = 0
    return CODE_SET[value]


def expected_id_check(first17):
    """GB 11643-1999 written out again: weights 2**(17-i) mod 11; the check value c satisfies
    sum + c ≡ 1 (mod 11), with 10 written X."""
    total = sum(int(digit) * pow(2, 17 - position, 11) for position, digit in enumerate(first17))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def make_id_number(born, region="440604", sequence="123"):
    first17 = region + born.strftime("%Y%m%d") + sequence
    return first17 + expected_id_check(first17)


def random_credit_code(rng):
    first17 = "".join(rng.choice(CODE_SET) for _ in range(17))
    return first17 + expected_credit_check(first17)


# --- unified social credit code -------------------------------------------------------------------
# Each literal checked by expected_credit_check before use (91110000100000000 + "0" is not valid: its check
# character is R).
KNOWN_VALID_CREDIT_CODES = [
    "91350100M000100Y43",
    "91310110666007217T",
    "91230184MA1BUFLT44",
    "92371000MA3MXH0E3W",
]


@pytest.mark.parametrize("code", KNOWN_VALID_CREDIT_CODES)
def test_known_credit_codes_are_valid(code):
    assert expected_credit_check(code[:17]) == code[17]  # the literal itself, by the independent helper
    assert credit_code_problem(code) is None


def test_computed_credit_codes_are_valid_including_check_characters_0_and_y():
    rng = random.Random(32100)
    codes = [random_credit_code(rng) for _ in range(500)]
    # 31 - (sum mod 31) = 31 must give "0", and 30 the last character of the set, "Y".
    assert {"0", "Y"} <= {code[17] for code in codes}
    assert [code for code in codes if credit_code_problem(code) is not None] == []


def test_every_one_character_typo_in_a_credit_code_is_refused():
    code = KNOWN_VALID_CREDIT_CODES[0]
    for position in range(18):
        for replacement in CODE_SET:
            if replacement == code[position]:
                continue
            typo = code[:position] + replacement + code[position + 1 :]
            assert credit_code_problem(typo) == CREDIT_CHECK_MESSAGE, typo


def test_swapped_neighbours_in_a_credit_code_are_refused():
    code = KNOWN_VALID_CREDIT_CODES[1]
    for position in range(17):
        if code[position] == code[position + 1]:
            continue
        swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
        assert credit_code_problem(swapped) == CREDIT_CHECK_MESSAGE, swapped


@pytest.mark.parametrize(
    ("code", "count"), [("91350100M000100Y4", 17), ("91350100M000100Y433", 19), ("", 0), ("110105", 6)]
)
def test_a_credit_code_of_the_wrong_length_is_refused(code, count):
    problem = credit_code_problem(code)
    assert "18 characters" in problem and "GB 32100-2015" in problem
    assert f"this one has {count}." in problem


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V"])
def test_a_credit_code_with_a_forbidden_letter_is_refused_naming_it(letter):
    code = "91350100M000100Y4" + letter
    problem = credit_code_problem(code)
    assert problem is not None and f"“{letter}”" in problem and "GB 32100-2015" in problem
    assert problem != CREDIT_CHECK_MESSAGE


def test_a_credit_code_with_punctuation_is_refused_naming_the_character():
    problem = credit_code_problem("91350100-000100Y43")
    assert "“-”" in problem


def test_lowercase_spaced_and_full_width_credit_codes_are_accepted_after_normalising():
    assert normalise_credit_code(" 9135 0100m000100y43\n") == "91350100M000100Y43"
    assert credit_code_problem("91350100m000100y43") is None
    assert credit_code_problem("9135 0100 M000 100Y 43") is None
    assert normalise_credit_code("９１３５０１００Ｍ０００１００Ｙ４３") == "91350100M000100Y43"
    assert credit_code_problem("９１３５０１００Ｍ０００１００Ｙ４３") is None
    assert normalise_credit_code(None) == ""


# --- resident identity card number ----------------------------------------------------------------
def test_the_standards_example_id_number_is_valid_with_either_case_of_x():
    assert expected_id_check("11010519491231002") == "X"
    assert id_number_problem("11010519491231002X") is None
    assert id_number_problem(" 11010519491231002x ") is None
    assert normalise_id_number(" 110105 19491231 002x ") == "11010519491231002X"


@pytest.mark.parametrize(
    "born",
    [
        datetime.date(1900, 1, 1),
        datetime.date(1980, 1, 1),
        datetime.date(2000, 2, 29),
        datetime.date(2024, 12, 31),
    ],
)
def test_computed_id_numbers_are_valid(born):
    number = make_id_number(born)
    assert id_number_problem(number, today=datetime.date(2025, 1, 1)) is None


def test_computed_id_numbers_cover_every_check_character():
    numbers = [make_id_number(datetime.date(1985, 6, 15), sequence=f"{n:03d}") for n in range(200)]
    assert {number[17] for number in numbers} == set("0123456789X")
    assert [number for number in numbers if id_number_problem(number) is not None] == []


def test_a_wrong_id_check_digit_is_refused():
    number = "11010519491231002X"
    for replacement in "0123456789":
        assert id_number_problem(number[:17] + replacement) == ID_CHECK_MESSAGE


def test_a_one_digit_typo_in_an_id_number_outside_the_birth_date_is_refused():
    number = "11010519491231002X"
    for position in [*range(6), *range(14, 17)]:
        replacement = "9" if number[position] != "9" else "8"
        typo = number[:position] + replacement + number[position + 1 :]
        assert id_number_problem(typo) == ID_CHECK_MESSAGE, typo


@pytest.mark.parametrize("digits", ["19800230", "19000229", "19801301", "19800100", "19800431"])
def test_an_id_number_whose_birth_date_does_not_exist_is_refused(digits):
    first17 = "440604" + digits + "123"
    problem = id_number_problem(first17 + expected_id_check(first17))
    assert "not a real date" in problem and digits in problem and "GB 11643-1999" in problem


def test_an_id_number_born_in_the_future_is_refused():
    today = datetime.date(2025, 3, 1)
    assert id_number_problem(make_id_number(today), today=today) is None
    problem = id_number_problem(make_id_number(datetime.date(2025, 3, 2)), today=today)
    assert "2025-03-02" in problem and "after today" in problem


def test_the_future_is_judged_by_todays_date_in_the_platforms_time_zone():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert "after today" in id_number_problem(make_id_number(tomorrow))
    assert id_number_problem(make_id_number(timezone.localdate())) is None


def test_an_id_number_born_before_1900_is_refused():
    problem = id_number_problem(make_id_number(datetime.date(1899, 12, 31)))
    assert "1899-12-31" in problem and "before 1900" in problem


@pytest.mark.parametrize(("number", "count"), [("110105491231002", 15), ("11010519491231002X1", 19), ("", 0)])
def test_an_id_number_of_the_wrong_length_is_refused(number, count):
    problem = id_number_problem(number)
    assert "18 characters" in problem and f"this one has {count}." in problem and "GB 11643-1999" in problem


@pytest.mark.parametrize(
    "number", ["1101051949123100X2", "11010519491231002Y", "1101051949123I002X", "11010519491231002-"]
)
def test_an_id_number_with_a_letter_other_than_a_final_x_is_refused(number):
    problem = id_number_problem(number)
    assert "17 digits followed by a digit or the letter X" in problem


# --- masking --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("11010519491231002X", "110105********002X"),
        (" 11010519491231002x ", "110105********002X"),
        ("440604800101123", "440604*****1123"),  # the old 15-digit number
        ("12345", "***45"),
        ("12", "**"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_id_number(value, masked):
    assert mask_id_number(value) == masked


def test_a_masked_id_number_hides_the_birth_date():
    masked = mask_id_number("11010519491231002X")
    assert "19491231" not in masked and len(masked) == 18


# --- field validators -----------------------------------------------------------------------------
def test_validate_credit_code():
    validate_credit_code("")
    validate_credit_code(None)
    validate_credit_code("91350100M000100Y43")
    with pytest.raises(ValidationError) as refused:
        validate_credit_code("91350100M000100Y44")
    assert refused.value.messages == [CREDIT_CHECK_MESSAGE]
    assert refused.value.code == "invalid_credit_code"


def test_validate_id_number():
    validate_id_number("")
    validate_id_number(None)
    validate_id_number("11010519491231002X")
    with pytest.raises(ValidationError) as refused:
        validate_id_number("110105194912310021")
    assert refused.value.messages == [ID_CHECK_MESSAGE]
    assert refused.value.code == "invalid_id_number"
