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

from django.db import connections
from django.db.models import Q
from django.http import StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_FIRST = frozenset(FORMULA_STARTS)  # each one character: `text[:1] in` is startswith, faster
BOM = "\ufeff"
# Lines sent per chunk of the response: a chunk a line, the response's per-chunk steps (encoding, the replica
# scope, the server's write) cost more than writing the line (bench/bench_stats.py: the complaints' export).
CHUNK_LINES = 500


def safe_cell(value):
    """The cell as written: None as empty, text beginning like a formula behind an apostrophe."""
    if type(value) is str:  # most cells, so asked first: the checks below cost more than the cell
        return "'" + value if value[:1] in _FORMULA_FIRST else value
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


def newest_first(queryset, field, *, columns=None, chunk=2000):
    """The rows of `queryset` newest first (`field` descending, ties by id), streamed: model instances, or
    tuples of `columns` (values_list). From a server-side cursor, `chunk` rows a fetch; behind PgBouncer in
    transaction mode (DISABLE_SERVER_SIDE_CURSORS, README) no cursor can stay open between fetches, so `chunk`
    rows a query, each page after the last row sent: as flat in memory either way."""
    order = (f"-{field}", "-id")
    if not connections[queryset.db].settings_dict.get("DISABLE_SERVER_SIDE_CURSORS"):
        rows = queryset.order_by(*order)
        return (rows.values_list(*columns) if columns else rows).iterator(chunk_size=chunk)
    return _pages(queryset, field, columns, chunk)


def _pages(queryset, field, columns, chunk):
    after = None
    while True:
        page = queryset
        if after is not None:
            page = page.filter(Q(**{f"{field}__lt": after[0]}) | Q(**{field: after[0], "id__lt": after[1]}))
        page = page.order_by(f"-{field}", "-id")
        if columns:
            rows = list(page.values_list(field, "id", *columns)[:chunk])
            yield from (row[2:] for row in rows)
            last = rows[-1][:2] if rows else None
        else:
            rows = list(page[:chunk])
            yield from rows
            last = (getattr(rows[-1], field), rows[-1].pk) if rows else None
        if len(rows) < chunk:
            return
        after = last


def more_than(queryset, limit):
    """Whether more than `limit` rows match: an export refuses rather than cut short, since a file that
    silently lacks rows reads as complete. Counts at most limit + 1 rows, unordered."""
    return queryset.order_by()[: limit + 1].count() > limit


def csv_response(filename, header, rows):
    """A streamed CSV download: `header` (a list of labels), then `rows` (an iterable of lists, read as the
    response is sent, so a generator over `.iterator()` keeps memory flat), CHUNK_LINES lines a chunk."""
    writer = csv.writer(_Echo())

    def lines():
        yield BOM + writer.writerow([safe_cell(label) for label in header])
        chunk = []
        for row in rows:
            # safe_cell, with its commonest answer (text that needs nothing) inline: 12 calls a row were a
            # third of the complaints' export
            chunk.append(
                writer.writerow(
                    [
                        value if type(value) is str and value[:1] not in _FORMULA_FIRST else safe_cell(value)
                        for value in row
                    ]
                )
            )
            if len(chunk) == CHUNK_LINES:
                yield "".join(chunk)
                chunk = []
        if chunk:
            yield "".join(chunk)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
