"""The statement reader: formats, columns, and each refusal with the line number the clerk sees."""

import hashlib
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from penalties.statements import StatementError, parse_statement

CODE = "00000000000000000427"
NUMBER = "甲区城管罚决〔2026〕00012号"
HEADER = "交易流水号,金额,交易日期,付款人,决定书文号,缴款码"


def csv_bytes(*lines, header=HEADER, encoding="utf-8"):
    return ("\n".join([header, *lines]) + "\n").encode(encoding)


def xlsx_bytes(rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def refusal(data, filename="statement.csv"):
    with pytest.raises(StatementError) as caught:
        parse_statement(data, filename)
    return caught.value


# --- formats -------------------------------------------------------------------------------------------------
def test_csv_utf8():
    data = csv_bytes(f"T001,150.00,2026-11-30,张三,{NUMBER},", f"T002,200,2026/11/29,,,{CODE}")
    statement = parse_statement(data, "bank.csv")
    assert statement.file_format == "csv"
    first, second = statement.lines
    assert first.line_no == 2
    assert (first.reference, first.amount, first.paid_on) == ("T001", Decimal("150.00"), date(2026, 11, 30))
    assert (first.payer, first.decision_number, first.payment_code) == ("张三", NUMBER, "")
    assert second.line_no == 3
    assert (second.amount, second.paid_on, second.decision_number, second.payment_code) == (
        Decimal("200.00"),
        date(2026, 11, 29),
        "",
        CODE,
    )


def test_csv_with_bom():
    data = b"\xef\xbb\xbf" + csv_bytes(f"T001,1.00,2026-11-30,,{NUMBER},")
    [line] = parse_statement(data, "bank.csv").lines
    assert line.reference == "T001"


def test_gbk_csv():
    data = csv_bytes(f"T001,1.00,2026-11-30,李四,{NUMBER},", encoding="gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    [line] = parse_statement(data, "bank.csv").lines
    assert (line.payer, line.decision_number) == ("李四", NUMBER)


def test_tab_and_semicolon_separated():
    for sep in ("\t", ";"):
        data = csv_bytes(
            sep.join(["T001", "1,234.50", "2026-11-30", "", "", CODE]), header=HEADER.replace(",", sep)
        )
        [line] = parse_statement(data, "bank.txt").lines
        assert (line.amount, line.payment_code) == (Decimal("1234.50"), CODE)


def test_english_headers_any_case_and_spacing_extra_columns_ignored():
    header = "Transaction ID,  AMOUNT ,Paid On,Payer,Decision Number,Remark"
    data = csv_bytes(f"T9,12.5,20261130,Wang,{NUMBER},whatever", header=header)
    [line] = parse_statement(data, "x.csv").lines
    assert (line.reference, line.amount, line.paid_on, line.payer) == (
        "T9",
        Decimal("12.50"),
        date(2026, 11, 30),
        "Wang",
    )


def test_xlsx_with_number_and_date_cells():
    data = xlsx_bytes(
        [
            ["交易流水号", "金额", "交易日期", "付款人", "缴款码"],
            [123456, 150.5, datetime(2026, 11, 30, 9, 15), "张三", CODE],
            ["T2", 0.1 + 0.2, date(2026, 11, 29), None, CODE[:-1] + "8"],
            ["T3", 7, "2026年11月3日", "", "0000 0000 0000 0000 0428"],
        ]
    )
    statement = parse_statement(data, "bank.xlsx")
    assert statement.file_format == "xlsx"
    first, second, third = statement.lines
    assert (first.line_no, first.reference, first.amount, first.paid_on) == (
        2,
        "123456",
        Decimal("150.50"),
        date(2026, 11, 30),
    )
    assert (second.amount, second.paid_on, second.payer) == (Decimal("0.30"), date(2026, 11, 29), "")
    assert (third.amount, third.paid_on, third.payment_code) == (
        Decimal("7.00"),
        date(2026, 11, 3),
        CODE[:-1] + "8",
    )


def test_xlsx_line_numbers_are_sheet_rows_after_blank_rows():
    data = xlsx_bytes(
        [[None], ["流水号", "金额", "日期", "文书号"], [None, None], ["T1", "¥1.00", "2026-11-30", NUMBER]]
    )
    [line] = parse_statement(data, "bank.xlsx").lines
    assert line.line_no == 4


def test_xlsx_refusal_names_the_sheet_row():
    data = xlsx_bytes(
        [["流水号", "金额", "日期", "文书号"], ["T1", 1, "2026-11-30", NUMBER], ["T2", 1.005, "x", NUMBER]]
    )
    error = refusal(data, "bank.xlsx")
    assert [line_no for line_no, _message in error.errors] == [3, 3]
    assert "Line 3: the amount “1.005”" in error.message


def test_xlsx_payment_code_stored_as_a_number_is_refused():
    data = xlsx_bytes([["流水号", "金额", "日期", "缴款码"], ["T1", 1, "2026-11-30", 12345678901234567890]])
    assert "lost digits" in refusal(data, "bank.xlsx").message


def test_a_zip_named_csv_is_read_as_xlsx_and_a_renamed_csv_as_csv():
    data = xlsx_bytes([["流水号", "金额", "日期", "文书号"], ["T1", 1, "2026-11-30", NUMBER]])
    assert parse_statement(data, "bank.csv").file_format == "xlsx"
    assert parse_statement(csv_bytes(f"T1,1,2026-11-30,,{NUMBER},"), "bank.xlsx").file_format == "csv"


@pytest.mark.parametrize(
    "data",
    [
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200),
        b"PK\x03\x04not really a zip",
        b"%PDF-1.7\n\x00\xff\xfe\x81",
    ],
)
def test_not_a_statement(data):
    error = refusal(data, "statement.xlsx")
    assert error.message == "This file is neither a CSV nor an XLSX statement."
    assert error.line_no is None


def test_sha256_is_of_the_raw_bytes():
    data = b"\xef\xbb\xbf" + csv_bytes(f"T001,1.00,2026-11-30,,{NUMBER},")
    assert parse_statement(data, "bank.csv").sha256 == hashlib.sha256(data).hexdigest()


def test_line_numbers_as_the_user_sees_them_with_blank_lines_and_leading_blank_rows():
    data = b"\n,,\n" + csv_bytes(
        f"T1,1,2026-11-30,,{NUMBER},", "", f"T2,1,2026-11-30,,{NUMBER},", f"T3,x,2026-11-30,,{NUMBER},"
    )
    # header on line 3, T1 on 4, blank 5, T2 on 6, T3 on 7
    assert refusal(data).errors == [
        (7, "Line 7: the amount “x” is not an amount in yuan with at most two decimals."),
    ]


def test_a_quoted_cell_over_two_lines_keeps_the_numbering():
    data = csv_bytes(f'T1,1,2026-11-30,"two\nlines",{NUMBER},', f"T2,0,2026-11-30,,{NUMBER},")
    assert refusal(data).errors[0][0] == 4


# --- amounts ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.01", "0.01"),
        ('"1,234.50"', "1234.50"),
        ("¥88", "88.00"),
        ("88元", "88.00"),
        ("1.5", "1.50"),
        ("1.500", "1.50"),
    ],
)
def test_amounts_accepted(text, expected):
    [line] = parse_statement(csv_bytes(f"T1,{text},2026-11-30,,{NUMBER},"), "x.csv").lines
    assert line.amount == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("0", "“0” is not more than zero"),
        ("0.00", "“0.00” is not more than zero"),
        ("-5", "“-5” is not an amount in yuan"),
        ("1.005", "“1.005” is not an amount in yuan with at most two decimals"),
        ("12.345", "“12.345” is not an amount in yuan with at most two decimals"),
        ("abc", "“abc” is not an amount"),
        ('"1,23.00"', "“1,23.00” is not an amount"),
        ("1e3", "“1e3” is not an amount"),
        ("", "the amount is missing"),
    ],
)
def test_amounts_refused_with_the_line_number(text, words):
    error = refusal(csv_bytes(f"T1,1,2026-11-30,,{NUMBER},", f"T2,{text},2026-11-30,,{NUMBER},"))
    assert error.line_no == 3
    assert error.message.startswith("Line 3: ")
    assert words in error.message


# --- dates ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "2026-12-01",
        "2026/12/01",
        "20261201",
        "2026年12月1日",
        "2026-12-01 10:30:00",
        "2026/12/1 8:05",
        "20261201 101500"[:8],
    ],
)
def test_dates_accepted(text):
    [line] = parse_statement(csv_bytes(f"T1,1,{text},,{NUMBER},"), "x.csv").lines
    assert line.paid_on == date(2026, 12, 1)


@pytest.mark.parametrize("text", ["2026-13-01", "01/12/2026", "next week", "2026-02-30", "2026-12-01 later"])
def test_dates_refused_with_the_line_number(text):
    error = refusal(csv_bytes(f"T1,1,{text},,{NUMBER},"))
    assert error.errors == [
        (
            2,
            f"Line 2: the date “{text}” is not a date such as 2026-12-01, 2026/12/01, 20261201 or 2026年12月1日.",
        )
    ]


# --- references and codes -------------------------------------------------------------------------------------
def test_duplicate_reference_names_both_lines():
    error = refusal(
        csv_bytes(
            f"T1,1,2026-11-30,,{NUMBER},", f"T2,1,2026-11-30,,{NUMBER},", f" T1 ,2,2026-11-30,,{NUMBER},"
        )
    )
    assert error.errors == [(4, "Line 4: the transaction reference “T1” already appears on line 2.")]


def test_missing_reference():
    error = refusal(csv_bytes(f" ,1,2026-11-30,,{NUMBER},"))
    assert error.errors == [(2, "Line 2: the transaction reference (交易流水号) is missing.")]


def test_line_with_neither_code():
    error = refusal(csv_bytes(f"T1,1,2026-11-30,,{NUMBER},", "T2,1,2026-11-30,张三,,"))
    assert error.errors == [
        (3, "Line 3: the line has neither a decision number (决定书文号) nor a payment code (缴款码).")
    ]


@pytest.mark.parametrize(
    ("code", "words"), [("1234A", "not made of digits only"), ("12345", "does not have 20 digits")]
)
def test_payment_code_refused(code, words):
    error = refusal(csv_bytes(f"T1,1,2026-11-30,,,{code}"))
    assert error.line_no == 2
    assert words in error.message


def test_payment_code_spaces_removed_and_decision_number_stripped():
    [line] = parse_statement(
        csv_bytes(f"T1,1,2026-11-30,,  {NUMBER} ,0000 0000 0000 0000 0427"), "x.csv"
    ).lines
    assert (line.decision_number, line.payment_code) == (NUMBER, CODE)


# --- columns ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("header", "words"),
    [
        ("交易流水号,交易日期,决定书文号", "The statement has no column for the amount (金额)."),
        (
            "金额,交易日期,决定书文号",
            "The statement has no column for the transaction reference (交易流水号).",
        ),
        ("交易流水号,金额,决定书文号", "The statement has no column for the date paid (交易日期)."),
        (
            "交易流水号,金额,交易日期,付款人",
            "no column for the decision number (决定书文号) nor for the payment code (缴款码)",
        ),
    ],
)
def test_missing_column(header, words):
    error = refusal(csv_bytes("a,b,c", header=header))
    assert error.line_no is None
    assert words in error.message


def test_column_named_twice():
    error = refusal(csv_bytes("T1,1,2,2026-11-30,x", header="流水号,金额,交易金额,日期,文书号"))
    assert error.message == "The statement has two columns for the amount (金额): “金额” and “交易金额”."


# --- whole-file refusal and limits ---------------------------------------------------------------------------
def test_errors_listed_line_by_line_up_to_twenty():
    lines = [f"T{n},0,2026-11-30,,{NUMBER}," for n in range(30)]
    error = refusal(csv_bytes(*lines))
    assert isinstance(error, ValidationError)
    assert len(error.errors) == 20
    assert [line_no for line_no, _message in error.errors] == list(range(2, 22))
    assert error.message.splitlines() == [message for _line_no, message in error.errors]


def test_empty_statement_refused():
    for data in (csv_bytes(), b"", xlsx_bytes([["流水号", "金额", "日期", "文书号"]])):
        assert refusal(data).message == "The statement has no lines of payments."


def test_more_than_the_line_limit_refused(monkeypatch):
    monkeypatch.setattr("penalties.statements.MAX_LINES", 3)
    lines = [f"T{n},1,2026-11-30,,{NUMBER}," for n in range(4)]
    assert len(parse_statement(csv_bytes(*lines[:3]), "x.csv").lines) == 3
    assert "more than 3 lines" in refusal(csv_bytes(*lines)).message


def test_xlsx_amount_edges():
    rows = [
        ["流水号", "金额", "日期", "文书号"],
        ["T1", 1e300, "2026-11-30", NUMBER],
        ["T2", 150.004, "2026-11-30", NUMBER],
    ]
    error = refusal(xlsx_bytes(rows), "bank.xlsx")
    assert [line_no for line_no, _message in error.errors] == [2, 3]
    rows = [
        ["流水号", "金额", "日期", "文书号"],
        ["T1", 0.01, "2026-11-30", NUMBER],
        ["T2", 1 + 1e-12, "2026-11-30", NUMBER],
    ]
    assert [line.amount for line in parse_statement(xlsx_bytes(rows), "bank.xlsx").lines] == [
        Decimal("0.01"),
        Decimal("1.00"),
    ]
