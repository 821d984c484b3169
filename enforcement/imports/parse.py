"""Reading an uploaded CSV or XLSX into rows: `read(fileobj, name)` → `Sheet(headers, rows)`, where `rows`
yields (line number, [cell, …]) with line 1 the header, as a spreadsheet numbers them. Blank lines are
left out (their numbers are kept by the lines after them).

CSV: UTF-8 with or without a BOM, else GB18030 (what Chinese spreadsheet software saves as "CSV"; it
contains GBK and GB2312). XLSX: the first sheet, read with openpyxl in read-only mode (rows streamed, not
the whole workbook held); cells keep their types (a date cell is a datetime)."""

import csv
import io
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

XLSX_MAGIC = b"PK\x03\x04"


class UnreadableFile(Exception):
    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


@dataclass
class Sheet:
    headers: list
    rows: object  # iterator of (line, cells)
    total: int | None  # lines after the header, when known without reading them (CSV: counted)


def _decode(data):
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(_("The file is neither UTF-8 nor GB18030 text."))


def _is_blank(cells):
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _numbered(rows):
    for line, cells in enumerate(rows, start=2):
        if not _is_blank(cells):
            yield line, list(cells)


def read_csv(data):
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        headers = next(reader)
    except StopIteration:
        raise UnreadableFile(_("The file is empty.")) from None
    except csv.Error as exc:
        raise UnreadableFile(_("The file is not a readable CSV: %(error)s") % {"error": exc}) from None
    # Counting lines before reading them gives the progress bar its end (a quoted newline overcounts it a
    # little; `total` is corrected when the file is read).
    total = max(text.count("\n") - 1 + (not text.endswith("\n")), 0)
    return Sheet(headers, _numbered(reader), total)


def read_xlsx(fileobj):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(fileobj, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise UnreadableFile(
            _("The file is not a readable XLSX workbook: %(error)s") % {"error": exc}
        ) from None
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    headers = next(rows, None)
    if headers is None:
        workbook.close()
        raise UnreadableFile(_("The file is empty."))
    total = (sheet.max_row - 1) if sheet.max_row else None

    def stream():
        try:
            yield from _numbered(rows)
        finally:
            workbook.close()

    return Sheet(["" if h is None else str(h) for h in headers], stream(), total)


def read(fileobj, name=""):
    """The sheet of an uploaded file: XLSX if it is a zip (whatever its name says), else CSV text."""
    fileobj.seek(0)
    head = fileobj.read(4)
    fileobj.seek(0)
    if head == XLSX_MAGIC:
        return read_xlsx(fileobj)
    if name.lower().endswith(".xlsx"):
        raise UnreadableFile(_("The file is not a readable XLSX workbook."))
    return read_csv(fileobj.read())
