"""The report as files: CSV (BOM, formula-safe, numbers as numbers, totals last) and XLSX (a sheet per report,
valid unique titles, bold header with frozen panes, number formats per column, rates as percentages)."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone, translation

from complaints.choices import ComplaintStatus
from complaints.tests.factories import ComplaintFactory
from enforcement.catalog.tests.factories import ViolationCategoryFactory
from enforcement.org.choices import UnitLevel
from enforcement.org.tests.factories import OrgUnitFactory
from enforcement.stats import exports, read
from enforcement.stats.compute import recompute
from enforcement.stats.measures import Period

FEBRUARY, MARCH = Period.of(2026, 2), Period.of(2026, 3)
TZ = timezone.get_default_timezone()
EN_HEADER = ["Sub-unit", "received", "closed", "by unit", "days extended (yuan)", "completion (%)"]


def at(day):
    return datetime.datetime(2026, 3, day, 10, tzinfo=TZ)


@pytest.fixture
def march(test_source, city, squad_a, squad_b):
    """District A: 3 received, 2 closed, 3 days extended (66.7 %); district B: 1 received, none closed."""
    ComplaintFactory(unit=squad_a, received_at=at(1), status=ComplaintStatus.CLOSED)
    ComplaintFactory(unit=squad_a, received_at=at(2), status=ComplaintStatus.CLOSED, extended_days=3)
    ComplaintFactory(unit=squad_a, received_at=at(3))
    ComplaintFactory(unit=squad_b, received_at=at(4))
    recompute(MARCH)


@pytest.fixture
def hostile(test_source, city):
    """A unit and a category whose names a spreadsheet would run as formulas."""
    unit = OrgUnitFactory(name="=1+1", name_en="=1+1", level=UnitLevel.DISTRICT, parent=city)
    category = ViolationCategoryFactory(name="@SUM(A1)", name_en="@SUM(A1)")
    ComplaintFactory(unit=unit, category=category, received_at=at(5))
    recompute(MARCH)
    return unit


def csv_of(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    return body, list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))


def workbook_of(response):
    return openpyxl.load_workbook(io.BytesIO(response.content))


def test_lines_are_numbers_and_the_totals_come_last(march, city):
    report = read.report(city, MARCH)
    assert exports.report_header(report) == EN_HEADER
    assert exports.report_lines(report) == [
        ["District A", 3, 2, 3, Decimal("3.00"), Decimal("66.7")],
        ["District B", 1, 0, 1, Decimal("0.00"), Decimal("0.0")],
        ["Total", 4, 2, 4, Decimal("3.00"), Decimal("50.0")],
    ]
    assert type(exports.report_lines(report)[0][1]) is int


def test_the_csv_has_a_bom_numbers_unquoted_and_the_totals_last(march, city):
    report = read.report(city, MARCH)
    response = exports.csv_report(report, exports.filename_for(report, "csv"))
    body, rows = csv_of(response)
    assert body.startswith("\ufeff")
    assert response["Content-Disposition"] == 'attachment; filename="statistics-city-2026-03.csv"'
    assert rows[0] == EN_HEADER
    assert body.splitlines()[1] == "District A,3,2,3,3.00,66.7"  # no quotes: the spreadsheet reads numbers
    assert rows[-1] == ["Total", "4", "2", "4", "3.00", "50.0"]


def test_a_rate_of_nothing_is_empty_not_zero(march, city):
    report = read.report(city, FEBRUARY, MARCH, group_by=read.GroupBy.MONTH)
    _body, rows = csv_of(exports.csv_report(report, "x.csv"))
    assert rows[0][0] == "Month"
    assert rows[1] == ["2026-02", "0", "0", "0", "0.00", ""]
    assert rows[2] == ["2026-03", "4", "2", "4", "3.00", "50.0"]


def test_the_csv_follows_the_language_it_was_asked_in(march, city):
    with translation.override("zh-hans"):
        report = read.report(city, MARCH)
        response = exports.csv_report(report, "x.csv")
        chinese_header = [str(read.describe(read.GroupBy.UNIT)), "received", "closed", "by unit"]
        total = str(read.TOTAL)
    # The stream is read after the view returns, in whatever language is active then: still Chinese.
    _body, rows = csv_of(response)
    assert rows[0][:4] == chinese_header
    assert [row[0] for row in rows] == [rows[0][0], "甲区分局", "乙区分局", total]
    with translation.override("en"):
        _body, rows = csv_of(exports.csv_report(read.report(city, MARCH), "x.csv"))
    assert rows[0] == EN_HEADER and [row[0] for row in rows[1:]] == ["District A", "District B", "Total"]


def test_names_that_look_like_formulas_are_neutralised(hostile, city):
    _body, by_unit = csv_of(exports.csv_report(read.report(city, MARCH), "x.csv"))
    assert ["'=1+1", "1", "0", "1", "0.00", "0.0"] in by_unit
    report = read.report(city, MARCH, group_by=read.GroupBy.CATEGORY)
    _body, by_category = csv_of(exports.csv_report(report, "x.csv"))
    assert by_category[1][0] == "'@SUM(A1)"
    sheet = workbook_of(exports.xlsx_report([report], "x.xlsx")).worksheets[0]
    assert sheet["A3"].value == "'@SUM(A1)" and sheet["A3"].data_type == "s"  # text, not a formula
    assert sheet["A1"].value == "City Bureau, 2026-03"


def test_filenames_are_ascii_with_the_months(march, city):
    unit = OrgUnitFactory(code="foshan-chancheng", level=UnitLevel.CITY)
    assert exports.filename_for(read.report(unit, MARCH), "csv") == "statistics-foshan-chancheng-2026-03.csv"
    report = read.report(city, Period.of(2026, 1), MARCH)
    assert exports.filename_for(report, "xlsx") == "statistics-city-2026-01-2026-03.xlsx"


def test_the_xlsx_sheet(march, city):
    report = read.report(city, MARCH)
    response = exports.xlsx_report([report], "statistics.xlsx")
    assert response["Content-Type"] == exports.XLSX
    assert response["Content-Disposition"] == 'attachment; filename="statistics.xlsx"'
    sheet = workbook_of(response).worksheets[0]
    assert sheet.title == "City Bureau 2026-03 Sub-unit"
    assert sheet["A1"].value == "City Bureau, 2026-03" and sheet["A1"].font.b
    header = [cell for cell in sheet[2]]
    assert [cell.value for cell in header] == EN_HEADER
    assert all(cell.font.b and cell.fill.fgColor.rgb.endswith("DDEBF7") for cell in header)
    assert sheet.freeze_panes == "B3"
    district_a = sheet[3]
    assert [cell.value for cell in district_a[:5]] == ["District A", 3, 2, 3, 3]
    assert [cell.number_format for cell in district_a[1:]] == ["0", "0", "0", "#,##0.00", "0.0%"]
    assert district_a[5].value == pytest.approx(0.667)  # 66.7 % as the fraction a percent format shows
    assert not district_a[0].font.b
    totals = sheet[sheet.max_row]
    assert [cell.value for cell in totals[:5]] == ["Total", 4, 2, 4, 3] and totals[5].value == pytest.approx(
        0.5
    )
    assert all(cell.font.b for cell in totals) and sheet.max_row == 5


def test_the_xlsx_rate_of_nothing_is_an_empty_cell(march, city):
    report = read.report(city, FEBRUARY, MARCH, group_by=read.GroupBy.MONTH)
    sheet = workbook_of(exports.xlsx_report([report], "x.xlsx")).worksheets[0]
    assert sheet["A1"].value == "City Bureau, 2026-02 to 2026-03"
    assert (
        sheet["A3"].value == "2026-02"
        and sheet["F3"].value is None
        and sheet["F4"].value == pytest.approx(0.5)
    )


def test_columns_are_as_wide_as_their_chinese_text(march, city):
    chancheng = OrgUnitFactory(name="禅城区城市管理和综合执法局", level=UnitLevel.DISTRICT, parent=city)
    ComplaintFactory(unit=chancheng, received_at=at(6))
    recompute(MARCH)
    assert exports.text_width("禅城区ab") == 8
    with translation.override("zh-hans"):
        response = exports.xlsx_report([read.report(city, MARCH)], "x.xlsx")
    sheet = workbook_of(response).worksheets[0]
    assert sheet.column_dimensions["A"].width == 13 * 2 + 2  # 13 characters, each two wide, and a margin
    assert sheet.column_dimensions["B"].width == len("received") + 2  # a column as wide as its header
    assert sheet.column_dimensions["B"].width < sheet.column_dimensions["E"].width


def test_one_sheet_per_report_with_unique_valid_titles(march, city, district_a):
    reports = [read.report(city, MARCH), read.report(district_a, MARCH), read.report(city, MARCH)]
    sheets = workbook_of(exports.xlsx_report(reports, "x.xlsx")).worksheets
    assert [sheet.title for sheet in sheets] == [
        "City Bureau 2026-03 Sub-unit",
        "District A 2026-03 Sub-unit",
        "City Bureau 2026-03 Sub-uni (2)",  # 31 characters at most,
    ]
    assert [sheet["A3"].value for sheet in sheets] == ["District A", "Squadron A1", "District A"]
    titles = ["By unit: [a/b\\c*d?]", "x" * 40, "X" * 40]
    sheets = workbook_of(exports.xlsx_report(reports, "x.xlsx", titles=titles)).worksheets
    assert [sheet.title for sheet in sheets] == ["By unit abcd", "x" * 31, "X" * 27 + " (2)"]
