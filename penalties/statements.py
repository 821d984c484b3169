"""Reading a bank's or the non-tax payment platform's statement (罚缴分离, 行政处罚法 Art. 67).

The file is read and checked whole before anything is recorded: one bad line refuses the file, with the
line numbers a clerk sees in the file (the CSV header is line 1; in a spreadsheet, the sheet's row number).
Matching the lines to penalties and recording them is `imports.py`'s work; this module touches no database.
"""

import csv
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_LINES = 200_000
MAX_ERRORS = 20  # the refusal lists the first ones; a clerk fixes the export and tries again
MAX_AMOUNT = Decimal("9999999999.99")  # what a payment's amount column holds (12 digits)
REFERENCE_LENGTH = 64
DECISION_NUMBER_LENGTH = 64
PAYER_LENGTH = 200
PAYMENT_CODE_LENGTH = 20  # 非税收入缴款码: 20 digits
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old .xls, which this import does not read
CENT = Decimal("0.01")
FLOAT_SLACK = Decimal("1e-9")  # a spreadsheet float such as 0.1 + 0.2 is read as 0.30, not refused

# Column names as banks and the platform write them, compared without case and whitespace.
ALIASES = {
    "reference": ("交易流水号", "流水号", "交易参考号", "reference", "transaction id"),
    "amount": ("金额", "交易金额", "缴款金额", "amount"),
    "paid_on": ("交易日期", "缴款日期", "日期", "date", "paid on"),
    "payer": ("付款人", "缴款人", "付款人名称", "payer"),
    "decision_number": ("决定书文号", "处罚决定书文号", "文书号", "decision number"),
    "payment_code": ("缴款码", "缴款识别码", "payment code"),
}
WHITESPACE = re.compile(r"\s+")
COLUMN_BY_NAME = {
    WHITESPACE.sub("", alias).casefold(): key for key, names in ALIASES.items() for alias in names
}

AMOUNT_TEXT = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
TIME = r"(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
DATE_TEXTS = (
    re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + TIME),
    re.compile(r"(\d{4})(\d{2})(\d{2})" + TIME),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日" + TIME),
)


@dataclass(frozen=True)
class StatementLine:
    line_no: int  # as the clerk sees it in the file
    reference: str  # the bank's 交易流水号, unique in the file
    amount: Decimal  # yuan, > 0, two decimals
    paid_on: date
    payer: str
    decision_number: str  # "" when the line gives a payment code
    payment_code: str  # "" when the line gives a decision number


@dataclass(frozen=True)
class Statement:
    lines: list[StatementLine]
    sha256: str  # of the file's bytes, so the same file is recognised when imported again
    file_format: str  # "csv" or "xlsx"


class StatementError(ValidationError):
    """The file is refused whole. `.errors` is the list of (line_no or None, message); the message lists them."""

    def __init__(self, errors):
        self.errors = list(errors)
        self.line_no = self.errors[0][0]
        super().__init__("\n".join(message for _line_no, message in self.errors))


def _column_words(key):
    words = {
        "reference": _("the transaction reference (交易流水号)"),
        "amount": _("the amount (金额)"),
        "paid_on": _("the date paid (交易日期)"),
        "payer": _("the payer (付款人)"),
        "decision_number": _("the decision number (决定书文号)"),
        "payment_code": _("the payment code (缴款码)"),
    }
    return words[key]


# --- reading the rows --------------------------------------------------------------------------------------
def _neither():
    return StatementError([(None, _("This file is neither a CSV nor an XLSX statement."))])


def _text(data):
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")  # Chinese banks export GBK
        except UnicodeDecodeError:
            raise _neither() from None
    if "\x00" in text:  # a binary file that happens to decode
        raise _neither()
    return text


def _delimiter(text):
    for line in io.StringIO(text):
        if line.strip():
            counts = {delimiter: line.count(delimiter) for delimiter in (",", "\t", ";")}
            best = max(counts, key=counts.get)
            return best if counts[best] else ","
    return ","


def _csv_rows(text):
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    start = 1
    try:
        for row in reader:
            yield start, row
            start = reader.line_num + 1  # a quoted cell may span lines: the row starts where it starts
    except csv.Error:
        raise StatementError(
            [(start, _("Line %(line)s: the line cannot be read as CSV.") % {"line": start})]
        ) from None


def _xlsx_values(data):
    """(sheet row number, values) of the first sheet, empty rows included so the numbers stay the sheet's."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise _neither() from None
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some exporters write a wrong size; read every row there is
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(values)
    finally:
        workbook.close()


# --- reading the cells -------------------------------------------------------------------------------------
def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def _shown(value):
    return str(value).strip()


def _plain_text(value):
    """A cell as text; a whole number in a spreadsheet cell reads as its digits (not 123.0)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _amount(value):
    """The amount in yuan with two decimals, or None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        amount, slack = Decimal(str(value)), FLOAT_SLACK
    elif isinstance(value, int | Decimal):
        amount, slack = Decimal(value), 0
    else:
        text = WHITESPACE.sub("", str(value)).lstrip("¥￥").removesuffix("元")
        if not AMOUNT_TEXT.fullmatch(text):
            return None
        amount, slack = Decimal(text.replace(",", "")), 0
    try:
        rounded = amount.quantize(CENT)
        return rounded if abs(amount - rounded) <= slack else None
    except InvalidOperation:  # too many digits, or not a finite number
        return None


def _date(value):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # 20261201 typed into a number cell
    if not isinstance(value, str):
        return None
    text = value.strip()
    for pattern in DATE_TEXTS:
        match = pattern.fullmatch(text)
        if match:
            try:
                return date(*(int(part) for part in match.groups()))
            except ValueError:
                return None
    return None


# --- the header --------------------------------------------------------------------------------------------
def _columns(header):
    """{column key: index} from the header row; refuses a missing or doubled column."""
    columns, names, errors = {}, {}, []
    for index, cell in enumerate(header):
        name = _plain_text(cell)
        key = COLUMN_BY_NAME.get(WHITESPACE.sub("", name).casefold())
        if key is None:
            continue  # a column the import does not need
        if key in columns:
            errors.append(
                _("The statement has two columns for %(column)s: “%(first)s” and “%(second)s”.")
                % {"column": _column_words(key), "first": names[key], "second": name}
            )
            continue
        columns[key] = index
        names[key] = name
    for key in ("reference", "amount", "paid_on"):
        if key not in columns:
            errors.append(_("The statement has no column for %(column)s.") % {"column": _column_words(key)})
    if "decision_number" not in columns and "payment_code" not in columns:
        errors.append(
            _("The statement has no column for %(number)s nor for %(code)s; it needs at least one of them.")
            % {"number": _column_words("decision_number"), "code": _column_words("payment_code")}
        )
    if errors:
        raise StatementError([(None, message) for message in errors])
    return columns


# --- the lines ---------------------------------------------------------------------------------------------
def _line(line_no, row, columns, errors):
    """The StatementLine of one data row, or None after appending its errors."""
    found = len(errors)

    def cell(key):
        index = columns.get(key)
        return row[index] if index is not None and index < len(row) else None

    def refuse(message, **values):
        errors.append(
            (line_no, _("Line %(line)s: %(problem)s") % {"line": line_no, "problem": message % values})
        )

    reference = _plain_text(cell("reference"))
    if not reference:
        refuse(_("the transaction reference (交易流水号) is missing."))
    elif len(reference) > REFERENCE_LENGTH:
        refuse(_("the transaction reference is longer than %(limit)s characters."), limit=REFERENCE_LENGTH)

    raw_amount = cell("amount")
    amount = None if _blank(raw_amount) else _amount(raw_amount)
    if _blank(raw_amount):
        refuse(_("the amount is missing."))
    elif amount is None:
        refuse(
            _("the amount “%(amount)s” is not an amount in yuan with at most two decimals."),
            amount=_shown(raw_amount),
        )
    elif amount <= 0:
        refuse(_("the amount “%(amount)s” is not more than zero."), amount=_shown(raw_amount))
    elif amount > MAX_AMOUNT:
        refuse(_("the amount “%(amount)s” is larger than any fine."), amount=_shown(raw_amount))

    raw_date = cell("paid_on")
    paid_on = None if _blank(raw_date) else _date(raw_date)
    if _blank(raw_date):
        refuse(_("the date paid is missing."))
    elif paid_on is None:
        refuse(
            _("the date “%(date)s” is not a date such as 2026-12-01, 2026/12/01, 20261201 or 2026年12月1日."),
            date=_shown(raw_date),
        )

    payer = _plain_text(cell("payer"))
    if len(payer) > PAYER_LENGTH:
        refuse(_("the payer's name is longer than %(limit)s characters."), limit=PAYER_LENGTH)

    decision_number = _plain_text(cell("decision_number"))
    if len(decision_number) > DECISION_NUMBER_LENGTH:
        refuse(_("the decision number is longer than %(limit)s characters."), limit=DECISION_NUMBER_LENGTH)

    raw_code = cell("payment_code")
    if isinstance(raw_code, float) and raw_code >= 2**53:
        # Excel keeps 15 significant digits: a 20-digit code typed into a number cell has lost its last digits.
        refuse(_("the payment code was stored as a number and lost digits; format the column as text."))
        payment_code = ""
    else:
        payment_code = WHITESPACE.sub("", _plain_text(raw_code))
        if payment_code and not (payment_code.isascii() and payment_code.isdigit()):
            refuse(_("the payment code “%(code)s” is not made of digits only."), code=payment_code)
        elif payment_code and len(payment_code) != PAYMENT_CODE_LENGTH:
            refuse(
                _("the payment code “%(code)s” does not have %(length)s digits."),
                code=payment_code,
                length=PAYMENT_CODE_LENGTH,
            )
    if not decision_number and not payment_code and len(errors) == found:
        refuse(_("the line has neither a decision number (决定书文号) nor a payment code (缴款码)."))

    if len(errors) > found:
        return None
    return StatementLine(line_no, reference, amount, paid_on, payer, decision_number, payment_code)


def parse_statement(data: bytes, filename: str) -> Statement:
    """The statement in `data`, checked whole; raises StatementError listing the first MAX_ERRORS problems."""
    # The content decides and the name is only a hint: a spreadsheet is a zip whatever its name, a text file
    # renamed .xlsx is still read as CSV, and anything else (a .xls, a PDF) is refused.
    if data.startswith(ZIP_MAGIC):
        file_format, rows = "xlsx", _xlsx_values(data)
    elif data.startswith(OLE_MAGIC):
        raise _neither()  # an old .xls: the bank's export must be saved as .xlsx or CSV
    else:
        file_format, rows = "csv", _csv_rows(_text(data))

    columns, lines, errors, seen = None, [], [], {}
    data_lines = 0
    for line_no, row in rows:
        if all(_blank(value) for value in row):
            continue
        if columns is None:
            columns = _columns(row)
            continue
        data_lines += 1
        if data_lines > MAX_LINES:
            raise StatementError(
                [
                    (
                        None,
                        _("The statement has more than %(limit)s lines; split it and import each part.")
                        % {"limit": MAX_LINES},
                    )
                ]
            )
        if len(errors) >= MAX_ERRORS:
            continue  # keep counting lines for the limit, but the refusal lists only the first ones
        line = _line(line_no, row, columns, errors)
        if line is None:
            continue
        first = seen.setdefault(line.reference, line_no)
        if first != line_no:
            errors.append(
                (
                    line_no,
                    _(
                        "Line %(line)s: the transaction reference “%(reference)s” already appears on line %(first)s."
                    )
                    % {"line": line_no, "reference": line.reference, "first": first},
                )
            )
            continue
        lines.append(line)
    if errors:
        raise StatementError(errors[:MAX_ERRORS])
    if not lines:
        raise StatementError([(None, _("The statement has no lines of payments."))])
    return Statement(lines=lines, sha256=hashlib.sha256(data).hexdigest(), file_format=file_format)
