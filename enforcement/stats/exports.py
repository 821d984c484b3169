"""A report as a file (PRODUCT §9): CSV through the platform's one CSV writer (`enforcement.exports`: streamed,
UTF-8 with a BOM, formula-safe), XLSX through openpyxl's write-only workbook, one sheet per report.

Both carry the same lines: the group's label, then each column's value as a number — counts as int, yuan
and m² as Decimal, rates as the percentage (88.6) or empty when there is nothing to divide — and the
totals row last. In the XLSX a rate is stored as a fraction (0.886) under a percent format, so a formula
over it computes; the CSV keeps the percentage, its header saying "(%)".
"""

import io
import re
import unicodedata
from decimal import Decimal

from django.http import HttpResponse
from django.utils.translation import pgettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from enforcement.exports import csv_response, safe_cell

from . import measures, read
from .measures import Unit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONTHS = pgettext_lazy("range of months", "%(first)s to %(last)s")
TITLE = pgettext_lazy("statistics export title", "%(unit)s, %(months)s")

SHEET_TITLE_LENGTH = 31  # Excel's limit
SHEET_TITLE_INVALID = re.compile(r"[\[\]:*?/\\]")
NUMBER_FORMATS = {Unit.COUNT: "0", Unit.YUAN: "#,##0.00", Unit.SQUARE_METRES: "#,##0.00"}
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
MAX_WIDTH = 60


def months_of(report):
    if report.first == report.last:
        return str(report.first)
    return MONTHS % {"first": report.first, "last": report.last}


def _label(column):
    if column.unit == Unit.COUNT:
        return str(column.label)
    return f"{column.label} ({measures.UNIT_LABELS[column.unit]})"


def report_header(report):
    return [str(read.describe(report.group_by)), *(_label(column) for column in report.columns)]


def _value(column, row):
    value = row.value(column.slug)
    if isinstance(column, measures.Rate) or value is None:
        return value
    value = Decimal(value)
    return int(value) if column.unit == Unit.COUNT else value.quantize(Decimal("0.01"))


def report_lines(report):
    """The rows, then the totals. A list, its labels rendered now: a streamed response is read after the
    view has returned, when the request's language may no longer be active."""
    return [
        [str(row.label), *(_value(column, row) for column in report.columns)]
        for row in [*report.rows, report.total]
    ]


def csv_report(report, filename):
    return csv_response(filename, report_header(report), report_lines(report))


def filename_for(report, extension):
    """statistics-<unit code>-2026-03.csv, statistics-<unit code>-2026-01-2026-03.xlsx: ASCII only, as a
    Content-Disposition filename must be."""
    code = re.sub(r"[^A-Za-z0-9_-]", "", report.unit.code) or str(report.unit.pk)
    months = str(report.first) if report.first == report.last else f"{report.first}-{report.last}"
    return f"statistics-{code}-{months}.{extension}"


# --- XLSX ----------------------------------------------------------------------------------------------------
def text_width(text):
    """The width a text takes in a spreadsheet column: CJK (wide and full-width) characters count 2."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in str(text))


def sheet_titles(reports, titles=None):
    """One valid, unique sheet title per report: Excel refuses []:*?/\\, more than 31 characters, a leading
    or trailing apostrophe and two titles that differ only in case."""
    taken, result = set(), []
    for index, report in enumerate(reports):
        if titles and index < len(titles) and titles[index]:
            wanted = str(titles[index])
        else:
            wanted = f"{report.unit.display_name} {months_of(report)} {read.describe(report.group_by)}"
        wanted = SHEET_TITLE_INVALID.sub("", wanted).strip().strip("'") or "Sheet"
        title, number = wanted[:SHEET_TITLE_LENGTH], 1
        while title.lower() in taken:
            number += 1
            suffix = f" ({number})"
            title = wanted[: SHEET_TITLE_LENGTH - len(suffix)] + suffix
        taken.add(title.lower())
        result.append(title)
    return result


def _number_format(column):
    if isinstance(column, measures.Rate):
        return "0" + ("." + "0" * column.decimals if column.decimals else "") + "%"
    return NUMBER_FORMATS.get(column.unit, "General")


def _shown(column, value):
    """The value as the sheet shows it, for the column's width."""
    if value is None:
        return ""
    return measures.display(column, value)


def _widths(report, header, lines):
    widths = [text_width(label) for label in header]
    for line in lines:
        widths[0] = max(widths[0], text_width(line[0]))
        for index, (column, value) in enumerate(zip(report.columns, line[1:], strict=True), start=1):
            widths[index] = max(widths[index], text_width(_shown(column, value)))
    return [min(width + 2, MAX_WIDTH) for width in widths]


def _write_sheet(workbook, report, title):
    sheet = workbook.create_sheet(title)
    header, lines = report_header(report), report_lines(report)
    # A write-only sheet takes its widths and panes before its first row.
    for index, width in enumerate(_widths(report, header, lines), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "B3"  # the title and header rows, and the group's column, stay in view

    def cell(value, *, bold=False, number_format=None):
        written = WriteOnlyCell(sheet, value=safe_cell(value) if value is not None else None)
        if bold:
            written.font = BOLD
        if number_format:
            written.number_format = number_format
        return written

    title_line = TITLE % {"unit": report.unit.display_name, "months": months_of(report)}
    sheet.append([cell(title_line, bold=True)])
    heading = [cell(label, bold=True) for label in header]
    for heading_cell in heading:
        heading_cell.fill = HEADER_FILL
    sheet.append(heading)
    formats = [_number_format(column) for column in report.columns]
    for number, line in enumerate(lines, start=1):
        bold = number == len(lines)  # the totals row
        values = [
            value / 100 if isinstance(column, measures.Rate) and value is not None else value
            for column, value in zip(report.columns, line[1:], strict=True)
        ]
        sheet.append(
            [
                cell(line[0], bold=bold),
                *(cell(v, bold=bold, number_format=f) for v, f in zip(values, formats, strict=True)),
            ]
        )


def xlsx_report(reports, filename, titles=None):
    """One sheet per report, titled by `titles[i]` or the report's unit, months and grouping."""
    workbook = Workbook(write_only=True)
    for report, title in zip(reports, sheet_titles(reports, titles), strict=True):
        _write_sheet(workbook, report, title)
    content = io.BytesIO()
    workbook.save(content)
    response = HttpResponse(content.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
