"""How a party (当事人) of a case is identified: the unified social credit code of a legal person or other
organisation (GB 32100-2015) and the resident identity card number of a person (GB 11643-1999).

Pure functions: `*_problem` answers None for a valid value, else what is wrong in a clerk's words; the
`validate_*` wrappers are for model and form fields. Both check the normalised value, so whoever stores
one stores `normalise_*(value)`.
"""

import datetime
import unicodedata

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

# --- unified social credit code (统一社会信用代码, GB 32100-2015) -----------------------------------------
# The 31 characters of the code, in the order of their values (GB 32100-2015): the digits and the
# capital letters without I, O, Z, S and V.
CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_VALUES = {char: value for value, char in enumerate(CREDIT_CODE_CHARS)}
# Weight of the i-th of the first 17 characters: 3**i mod 31 (GB 32100-2015, the check character).
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_CODE_LENGTH = 18


def _compact(value):
    """Full-width characters as their ASCII forms (what a Chinese input method types), no whitespace
    anywhere (a code copied from a licence often comes in groups), upper case."""
    value = unicodedata.normalize("NFKC", value or "")
    return "".join(value.split()).upper()


def normalise_credit_code(value):
    """ " 9135 0100m000100y43 " → "91350100M000100Y43"."""
    return _compact(value)


def credit_code_check_char(first17):
    """The 18th character for the first 17 (GB 32100-2015): 31 − (Σ value × weight mod 31), 31 → 0."""
    total = sum(
        CREDIT_CODE_VALUES[char] * weight for char, weight in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_CHARS[(31 - total % 31) % 31]


def credit_code_problem(value):
    """None when `value` (normalised first) is a well-formed unified social credit code, else what is wrong.

    Checks the length, the character set and the check character; not whether the code was ever issued."""
    code = normalise_credit_code(value)
    if len(code) != CREDIT_CODE_LENGTH:
        return _(
            "A unified social credit code has 18 characters (GB 32100-2015); this one has %(count)d."
        ) % {"count": len(code)}
    for char in code:
        if char not in CREDIT_CODE_VALUES:
            return _(
                "A unified social credit code is made of digits and capital letters other than I, O, Z, S "
                "and V (GB 32100-2015); “%(char)s” cannot appear in it."
            ) % {"char": char}
    if credit_code_check_char(code[:17]) != code[17]:
        return _(
            "This unified social credit code's last character does not match its check digit "
            "(GB 32100-2015): check it for a typing error."
        )
    return None


# --- resident identity card number (公民身份号码, GB 11643-1999) -----------------------------------------
# Weight of the i-th of the first 17 digits: 2**(17-i) mod 11; the check character by Σ mod 11 (GB 11643-1999).
ID_NUMBER_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_NUMBER_CHECK_CHARS = "10X98765432"
ID_NUMBER_LENGTH = 18
EARLIEST_BIRTH_YEAR = 1900


def normalise_id_number(value):
    """ " 11010519491231002x " → "11010519491231002X"."""
    return _compact(value)


def id_number_check_char(first17):
    """The 18th character for the first 17 digits (GB 11643-1999)."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, ID_NUMBER_WEIGHTS, strict=True))
    return ID_NUMBER_CHECK_CHARS[total % 11]


def id_number_problem(value, *, today=None):
    """None when `value` (normalised first) is a well-formed 18-digit resident identity card number, else
    what is wrong: the length, the characters, the birth date (digits 7–14: a real date, from 1900, not
    after `today`, by default today in the platform's time zone) or the check character."""
    number = normalise_id_number(value)
    if len(number) != ID_NUMBER_LENGTH:
        return _(
            "A resident identity card number has 18 characters (GB 11643-1999); this one has %(count)d."
        ) % {"count": len(number)}
    if not (number[:17].isascii() and number[:17].isdigit() and number[17] in "0123456789X"):
        return _(
            "A resident identity card number is 17 digits followed by a digit or the letter X (GB 11643-1999)."
        )
    digits = number[6:14]
    try:
        born = datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return _(
            "The birth date in this identity card number, %(digits)s, is not a real date (GB 11643-1999): "
            "check it for a typing error."
        ) % {"digits": digits}
    if born.year < EARLIEST_BIRTH_YEAR:
        return _(
            "The birth date in this identity card number, %(date)s, is before 1900: check it for a typing error."
        ) % {"date": born.isoformat()}
    if born > (today or timezone.localdate()):
        return _(
            "The birth date in this identity card number, %(date)s, is after today: check it for a typing error."
        ) % {"date": born.isoformat()}
    if id_number_check_char(number[:17]) != number[17]:
        return _(
            "This identity card number's last character does not match its check digit (GB 11643-1999): "
            "check it for a typing error."
        )
    return None


def mask_id_number(value):
    """ "440604198001011235" → "440604********1235": the region and the last four stay readable. Anything
    shorter than the old 15-digit number keeps only its last two characters, and one of two or fewer none."""
    number = normalise_id_number(value)
    if len(number) >= 15:
        return number[:6] + "*" * (len(number) - 10) + number[-4:]
    if len(number) <= 2:
        return "*" * len(number)
    return "*" * (len(number) - 2) + number[-2:]


# --- field validators ---------------------------------------------------------------------------------
def validate_credit_code(value):
    """A model or form field's validator; an empty value passes (whether it is required is the field's
    business)."""
    if value in (None, ""):
        return
    problem = credit_code_problem(value)
    if problem:
        raise ValidationError(problem, code="invalid_credit_code")


def validate_id_number(value):
    """A model or form field's validator; an empty value passes."""
    if value in (None, ""):
        return
    problem = id_number_problem(value)
    if problem:
        raise ValidationError(problem, code="invalid_id_number")
