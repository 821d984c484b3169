"""The one CSV writer of every export (complaints' list, the statistics): streamed, UTF-8 with a BOM so
spreadsheet software shows Chinese, and safe to open.

Formula injection (OWASP, "CSV Injection"): a text cell that begins with `=`, `+`, `-`, `@`, a tab or a
carriage return is read by Excel, WPS or LibreOffice as a formula. Such a cell is written with a leading
apostrophe, which the spreadsheet shows as text and does not display. Only text cells are neutralised:
numbers (int, float, Decimal) are written as they are, so a negative figure stays a number — callers pass
figures as numbers and everything a person typed (a description, an address, a name) as text.
"""

import csv
from decimal import Decimal

from django.http import StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def safe_cell(value):
    """The cell as written: None as empty, text beginning like a formula behind an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Echo:
    """csv.writer's file: hands back each line instead of storing it."""

    def write(self, value):
        return value


def csv_response(filename, header, rows):
    """A streamed CSV download: `header` (a list of labels), then `rows` (an iterable of lists, read as the
    response is sent, so a generator over `.iterator()` keeps memory flat)."""
    writer = csv.writer(_Echo())

    def lines():
        yield BOM + writer.writerow([safe_cell(label) for label in header])
        for row in rows:
            yield writer.writerow([safe_cell(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
