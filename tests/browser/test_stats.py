"""The statistics pages in a real browser (PRODUCT §9). A district's statistician opens 统计 from the navigation
and chooses last year's March: the dashboard draws its charts (Chart.js canvases with a size, their data the
hand-built complaints'), the figures table beside each chart says the same numbers, the heat map shades the
located complaints' cells, and nothing goes to the console as an error. The monthly report of that March shows
the district's counts; its CSV (UTF-8 with a BOM) and XLSX downloads carry Chinese headers and the same figures.
The statistician submits (locks) March through its button, the confirmation accepted; a squad leader then closes
a March complaint through the complaints' service, the month is recomputed as the signal's task does, and the
reloaded report lists the corrections since submission, submitted and current values side by side. The annual
summary of that year writes "全年共受理群众投诉…件" with the district's count, and its printable view opens. On a
phone (390 × 844) the dashboard does not scroll sideways and its charts fit the screen.

The data is a handful of complaints built with the factories (as complaints/tests/test_stats.py does), one out
of the district's scope, counted by `compute.recompute`. Selectors use ids, classes and data attributes; the
words a test reads are worked out through the translation catalogue (a Chinese browser)."""

import csv
import datetime
import io
import re
from pathlib import Path

import openpyxl
import pytest
from django.core.cache import cache
from django.utils import formats, timezone, translation
from playwright.sync_api import expect

from complaints import services as complaint_services
from complaints.choices import ComplaintStatus, Satisfaction
from complaints.tests.factories import ComplaintFactory
from enforcement.catalog.params import reset_cache
from enforcement.catalog.tests.factories import ViolationCategoryFactory
from enforcement.stats import measures, tasks
from enforcement.stats.compute import recompute
from enforcement.stats.measures import Period
from enforcement.stats.models import TallySubmission

from .conftest import log_in, screenshot
from .test_cases import UI_LANGUAGE, in_ui_language, no_horizontal_scroll
from .test_csp import watched
from .test_penalties import accepting, words

pytestmark = pytest.mark.browser

S = ComplaintStatus
TZ = timezone.get_default_timezone()
PHONE_390 = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def _fresh_caches(settings):
    """Cached choices, parameters and submitted months: the ids differ per (transactional) test. No map tiles:
    the heat map draws its cells on an empty map, and the browser asks no other server."""
    settings.MAP_TILE_URL = ""
    cache.clear()
    reset_cache()
    yield
    cache.clear()
    reset_cache()


def year():
    """Last year: its March is over, so it can be submitted, and its annual summary speaks of the whole year."""
    return timezone.localdate().year - 1


def march():
    return Period.of(year(), 3)


def at(month, day, hour=10, minute=0):
    return datetime.datetime(year(), month, day, hour, minute, tzinfo=TZ)


def replied_and_visited(**fields):
    """A complaint of March replied to on time (deadline 20 March 17:00) and visited, the complainant satisfied;
    `status` says whether it is closed yet."""
    values = {
        "accepted_at": at(3, 10, 11),
        "dispatched_at": at(3, 10, 12),
        "reply_due_at": at(3, 20, 17),
        "replied_at": at(3, 15),
        "visited_at": at(3, 16),
        "satisfaction": Satisfaction.SATISFIED,
    }
    return values | fields


def pwords(context, msgid):
    with translation.override(UI_LANGUAGE):
        return translation.pgettext(context, msgid)


def shown_name(record):
    """A unit's or category's name as the Chinese browser is shown it."""
    with translation.override(UI_LANGUAGE):
        return record.display_name


def label(slug):
    return in_ui_language(measures.get(slug).label)


def month_label(period):
    with translation.override(UI_LANGUAGE):
        return formats.date_format(period.first_day, "YEAR_MONTH_FORMAT")


def console_errors(page):
    """The console messages of type error the page logs (script errors, failed loads, policy refusals)."""
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    return errors


def table_rows(page, selector):
    """The rows of a table as lists of their cells' texts (header cells included), whitespace squeezed."""
    return page.locator(selector).evaluate(
        """table => [...table.rows].map(row => [...row.cells].map(
            cell => cell.textContent.replace(/\\s+/g, " ").trim()))"""
    )


def by_header(rows):
    """{first cell of a row: {header: cell}} for a table whose first row is its header."""
    header, *body = rows
    return {row[0]: dict(zip(header[1:], row[1:], strict=True)) for row in body}


def family_figures(page, family, slugs):
    """{row label: {slug: cell}} of the monthly report's table of `family`, the totals row last, read by the
    columns' data-slug."""
    return page.locator(f"#table-{family}").evaluate(
        """(table, slugs) => {
            const heads = [...table.tHead.rows[0].cells];
            const at = slugs.map(slug => heads.findIndex(cell => cell.dataset.slug === slug));
            const rows = [...table.tBodies[0].rows, ...table.tFoot.rows];
            return Object.fromEntries(rows.map(row => [
                row.cells[0].textContent.trim(),
                Object.fromEntries(slugs.map((slug, i) => [slug, row.cells[at[i]].textContent.trim()])),
            ]));
        }""",
        slugs,
    )


def canvases_drawn(page):
    """Each chart canvas of the dashboard: its id, size and place, and whether Chart.js holds a chart for it."""
    return page.evaluate(
        """() => [...document.querySelectorAll("#dashboard canvas")].map(canvas => {
            const box = canvas.getBoundingClientRect();
            return {id: canvas.id, width: box.width, height: box.height, left: box.left, right: box.right,
                    ready: canvas.dataset.ready === "true", chart: !!Chart.getChart(canvas)};
        })"""
    )


# --- the data: last year's February and March in district A -------------------------------------------------
@pytest.fixture
def statistician(make_user, district_a):
    return make_user("statistician", unit=district_a, username="stat-a", full_name="统计员甲")


@pytest.fixture
def city_data(db, squad_a, squad_b):
    """District A (squadron A1): in March two complaints closed and one visited but not closed yet (of the
    city-appearance family, located in two map cells), one in progress past its reply deadline (illegal
    building); in February one received. District B has one in March, outside district A's figures."""
    appearance = ViolationCategoryFactory(code="A", name="市容环境", name_en="City appearance", sort_order=1)
    stall = ViolationCategoryFactory(code="A1", name="占道经营", name_en="Street stalls", parent=appearance)
    sign = ViolationCategoryFactory(code="A2", name="户外广告", name_en="Outdoor signs", parent=appearance)
    building = ViolationCategoryFactory(code="B", name="违法建设", name_en="Illegal building", sort_order=2)
    closed = dict(status=S.CLOSED, closed_at=at(3, 16, 12))
    made = {
        "closed_1": ComplaintFactory(
            unit=squad_a,
            category=stall,
            received_at=at(3, 10),
            lat="23.025100",
            lng="113.105100",
            **replied_and_visited(**closed),
        ),
        "closed_2": ComplaintFactory(
            unit=squad_a,
            category=stall,
            received_at=at(3, 11),
            lat="23.025300",
            lng="113.105300",
            **replied_and_visited(**closed),
        ),
        "visited": ComplaintFactory(
            unit=squad_a,
            category=sign,
            received_at=at(3, 12),
            lat="23.040100",
            lng="113.120100",
            **replied_and_visited(status=S.VISITED),
        ),
        "overdue": ComplaintFactory(
            unit=squad_a,
            category=building,
            received_at=at(3, 13),
            status=S.IN_PROGRESS,
            accepted_at=at(3, 13, 11),
            dispatched_at=at(3, 13, 12),
            reply_due_at=at(3, 20, 17),
        ),
        "february": ComplaintFactory(unit=squad_a, category=stall, received_at=at(2, 20)),
        "other_district": ComplaintFactory(unit=squad_b, category=building, received_at=at(3, 14)),
    }
    for period in (Period.of(year(), 2), march()):
        recompute(period)
    return made


# --- the dashboard -------------------------------------------------------------------------------------------
def test_a_statistician_opens_the_dashboard_from_the_navigation_and_sees_the_charts_and_their_figures(
    page, statistician, district_a, squad_a, city_data
):
    page, problems = watched(page)
    errors = console_errors(page)
    log_in(page, statistician)
    link = page.locator("#main-nav a.nav-link", has_text=words("Statistics"))
    with page.expect_navigation():
        link.click()
    expect(page).to_have_url(re.compile(r"/statistics/$"))
    expect(page.locator("h1")).to_contain_text(shown_name(district_a))

    # Last year's March, chosen on the page.
    page.fill("#dash-month", str(march()))
    with page.expect_navigation():
        page.locator('form[method="get"] button[type="submit"]').click()
    expect(page).to_have_url(re.compile(rf"[?&]month={march()}\b"))
    expect(page.locator("#dash-month")).to_have_value(str(march()))
    expect(page.locator(".alert-info")).to_have_count(0)  # March is computed

    # The charts: drawn by Chart.js, with a size.
    for chart in ("#chart-trend", "#chart-rates", "#chart-categories"):
        expect(page.locator(chart)).to_have_attribute("data-ready", "true")
    assert page.evaluate("Object.keys(Chart.instances).length") == 3
    drawn = canvases_drawn(page)
    assert {canvas["id"] for canvas in drawn} == {"chart-trend", "chart-rates", "chart-categories"}
    assert all(c["chart"] and c["ready"] and c["width"] > 0 and c["height"] > 0 for c in drawn), drawn
    # Their data: the trend's last months are February (1 received) and March (4 received, 2 closed).
    trend = page.evaluate("""() => {
        const chart = Chart.getChart("chart-trend");
        return {months: chart.data.labels,
                series: Object.fromEntries(chart.data.datasets.map(d => [d.label, d.data]))};
    }""")
    assert trend["months"][-2:] == [f"{year()}-02", str(march())] and len(trend["months"]) == 12
    assert trend["series"][label("complaints_received")][-2:] == [1, 4]
    assert trend["series"][label("complaints_closed")][-2:] == [0, 2]
    assert sum(trend["series"][label("complaints_received")]) == 5  # district B's complaint is not here
    ticks = page.evaluate('() => Chart.getChart("chart-trend").scales.y.ticks.map(tick => tick.value)')
    assert ticks[0] == 0 and all(tick == int(tick) for tick in ticks), ticks  # counts: whole numbers
    categories = page.evaluate("""() => {
        const chart = Chart.getChart("chart-categories");
        return [chart.data.labels, chart.data.datasets[0].data];
    }""")
    assert categories == [["市容环境", "违法建设"], [4, 1]]  # by family (大类), the busiest first
    ticks = page.evaluate('() => Chart.getChart("chart-categories").scales.x.ticks.map(tick => tick.value)')
    assert ticks[0] == 0 and all(tick == int(tick) for tick in ticks), ticks

    # The figures beside each chart say the same.
    for panel in ("panel-trend", "panel-rates", "panel-categories"):
        page.locator(f'section[aria-labelledby="{panel}"] details > summary').click()
    trend_table = page.locator("#table-trend")
    expect(trend_table).to_be_visible()
    figures = by_header(table_rows(page, "#table-trend"))
    assert len(figures) == 12
    received, closed = label("complaints_received"), label("complaints_closed")
    assert (figures[str(march())][received], figures[str(march())][closed]) == ("4", "2")
    assert (figures[f"{year()}-02"][received], figures[f"{year()}-02"][closed]) == ("1", "0")
    assert figures[f"{year() - 1}-04"][received] == "0"  # a month with nothing
    rates = by_header(table_rows(page, "#table-rates"))
    march_rates = rates[str(march())]
    assert march_rates[f"{label('completion_rate')} (%)"] == "50.0"  # 2 of 4
    assert march_rates[f"{label('on_time_rate')} (%)"] == "100.0"  # both replied before the deadline
    assert march_rates[f"{label('satisfaction_rate')} (%)"] == "100.0"  # 3 visits, all satisfied
    assert rates[f"{year()}-02"][f"{label('on_time_rate')} (%)"] == "—"  # nothing closed: no rate
    assert table_rows(page, "#table-categories") == [["市容环境", "4"], ["违法建设", "1"]]
    # The ranking of the sub-units (a table only): squadron A1, its overdue complaint counted.
    ranking = table_rows(page, "#table-ranking")
    assert ranking[0][:2] == ["#", words("Unit")]
    assert ranking[1][:2] == ["1", shown_name(squad_a)] and len(ranking) == 2
    ranked = dict(zip(ranking[0][2:], ranking[1][2:], strict=True))
    assert ranked[label("on_time_rate")] == "100.0%"
    assert ranked[label("complaints_overdue")] == "1"  # a count written whole, as the reports do

    # The heat of March's located complaints: two cells, the busier one holding two.
    heat = page.locator("#heat-map")
    expect(heat).to_have_attribute("data-ready", "true")
    cells = heat.locator("path.leaflet-interactive")
    expect(cells).to_have_count(2)
    shades = sorted(float(cell.get_attribute("fill-opacity")) for cell in cells.all())
    assert shades == [pytest.approx(0.15 + 0.75 / 2), pytest.approx(0.9)]  # one complaint, and the most (two)
    expect(page.locator("#chart-campaigns")).to_have_count(0)  # no campaign work: said in words instead
    expect(page.locator('section[aria-labelledby="panel-campaigns"] p')).to_have_text(
        words("No campaign work logged this year yet.")
    )
    screenshot(page, "stats-dashboard")
    page.wait_for_timeout(200)  # a late error still arrives
    assert errors == [] and problems == []


def test_the_dashboard_fits_a_phone(phone_page, statistician, district_a, city_data):
    page, problems = watched(phone_page)
    errors = console_errors(page)
    page.set_viewport_size(PHONE_390)
    log_in(page, statistician)
    page.goto(f"/statistics/?unit={district_a.pk}&month={march()}")
    for chart in ("#chart-trend", "#chart-rates", "#chart-categories"):
        expect(page.locator(chart)).to_have_attribute("data-ready", "true")
    expect(page.locator("#heat-map")).to_have_attribute("data-ready", "true")
    width = page.evaluate("window.innerWidth")
    assert width == PHONE_390["width"]
    no_horizontal_scroll(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    drawn = canvases_drawn(page)
    assert len(drawn) == 3
    for canvas in drawn:  # each chart drawn, inside the screen
        assert canvas["chart"] and canvas["width"] > 0 and canvas["height"] > 0, canvas
        assert canvas["left"] >= 0 and canvas["right"] <= width, canvas
    heat = page.locator("#heat-map").bounding_box()
    assert heat["width"] > 0 and heat["x"] >= 0 and heat["x"] + heat["width"] <= width, heat
    # The figures opened: the tables scroll in their own box, not the page.
    for summary in page.locator("#dashboard details > summary").all():
        summary.click()
    expect(page.locator("#table-trend")).to_be_visible()
    no_horizontal_scroll(page)
    screenshot(page, "stats-dashboard-phone")
    page.wait_for_timeout(200)
    assert errors == [] and problems == []


# --- the monthly report: figures, exports, submission and a correction ---------------------------------------
def test_march_is_reported_exported_submitted_and_a_later_closing_shows_as_a_correction(
    page, statistician, district_a, squad_a, leader_a, city_data, tmp_path
):
    page, problems = watched(page)
    errors = console_errors(page)
    questions = accepting(page)
    log_in(page, statistician)
    page.goto("/statistics/")
    with page.expect_navigation():
        page.locator("ul.nav-tabs a.nav-link", has_text=words("Monthly report")).click()
    expect(page).to_have_url(re.compile(r"/statistics/monthly/"))
    page.fill("#id_from", str(march()))
    page.fill("#id_to", str(march()))
    with page.expect_navigation():
        page.locator('#report-filters button[type="submit"]').click()
    expect(page.locator("#report-heading")).to_have_text(f"{shown_name(district_a)} · {month_label(march())}")

    slugs = ["complaints_received", "complaints_closed", "complaints_closed_on_time", "completion_rate"]
    total = pwords("statistics row", "Total")
    assert family_figures(page, "complaints", slugs) == {
        shown_name(squad_a): {
            "complaints_received": "4",
            "complaints_closed": "2",
            "complaints_closed_on_time": "2",
            "completion_rate": "50.0%",
        },
        total: {
            "complaints_received": "4",
            "complaints_closed": "2",
            "complaints_closed_on_time": "2",
            "completion_rate": "50.0%",
        },
    }
    expect(page.locator("#submission-state")).to_contain_text(
        words("Not submitted: the figures follow the records.")
    )
    no_horizontal_scroll(page)
    screenshot(page, "stats-monthly")

    # The CSV: UTF-8 with a BOM, Chinese headers, the same figures.
    with page.expect_download() as downloading:
        page.locator("#export-csv").click()
    download = downloading.value
    assert download.suggested_filename == f"statistics-{district_a.code}-{march()}.csv"
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    header, *lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert header[0] == pwords("statistics grouped by", "Sub-unit") == "下级单位"
    assert label("complaints_received") in header
    assert re.search(r"[\u4e00-\u9fff]", label("complaints_received"))  # in Chinese
    by_row = {line[0]: dict(zip(header[1:], line[1:], strict=True)) for line in lines}
    assert list(by_row) == [shown_name(squad_a), total]  # the totals last
    assert by_row[total][label("complaints_received")] == "4"
    assert by_row[total][label("complaints_closed")] == "2"

    # The XLSX: a title row, then the same Chinese headers and figures.
    with page.expect_download() as downloading:
        page.locator("#export-xlsx").click()
    download = downloading.value
    assert download.suggested_filename == f"statistics-{district_a.code}-{march()}.xlsx"
    saved = tmp_path / download.suggested_filename  # openpyxl goes by the file's extension
    download.save_as(saved)
    sheet = openpyxl.load_workbook(saved, read_only=True).worksheets[0]
    title, heading, *values = list(sheet.iter_rows(values_only=True))
    assert shown_name(district_a) in title[0]
    assert list(heading) == header
    assert values[-1][0] == total
    assert values[-1][heading.index(label("complaints_received"))] == 4
    rate = heading.index(f"{label('completion_rate')} (%)")
    assert values[-1][rate] == pytest.approx(0.5)  # a fraction under a percent format

    # Submitted (locked) through the page's button, its question accepted.
    lock = page.locator("#lock-form")
    question = lock.get_attribute("data-confirm")
    assert question and month_label(march()) in question
    lock.locator('input[name="note"]').fill("已与业务科室核对")
    with page.expect_navigation():
        lock.locator('button[type="submit"]').click()
    assert questions == [question]
    expect(page.locator(".messages")).to_contain_text(
        words("Submitted (locked) the statistics of %(month)s.") % {"month": month_label(march())}
    )
    expect(page.locator("#submission-state")).to_contain_text(statistician.full_name)
    expect(page.locator("#submission-state")).to_contain_text("已与业务科室核对")
    submission = TallySubmission.objects.get()
    assert (submission.unit, submission.month, submission.submitted_by) == (
        district_a,
        march().first_day,
        statistician,
    )
    assert submission.figures["complaints_closed"] == "2.00"
    expect(page.locator("#corrections")).to_have_count(0)

    # A squad leader closes the visited complaint (the complaints' service). The signal queues March's
    # recompute on Celery after the commit; no worker runs in the tests, so the task runs here as one would.
    complaint_services.close(city_data["visited"], by=leader_a, note="回访满意，办结")
    tasks.recompute_months_task(march().first_day.isoformat())
    page.reload()
    corrections = page.locator("#corrections-table")
    expect(corrections).to_be_visible()
    rows = page.locator("#corrections-table tbody tr")
    assert {row.get_attribute("data-slug") for row in rows.all()} == {
        "complaints_closed",
        "complaints_closed_on_time",
    }
    assert table_rows(page, "#corrections-table")[1:] == [
        [label("complaints_closed"), "2", "3", "+1"],
        [label("complaints_closed_on_time"), "2", "3", "+1"],
    ]
    expect(page.locator("#corrections-heading")).to_have_text(words("Corrections since submission"))
    expect(page.locator("#changed-records a")).to_have_count(1)
    expect(page.locator("#changed-records a")).to_contain_text(city_data["visited"].number)
    # The report follows the records now; the submission keeps what was submitted.
    figures = family_figures(page, "complaints", slugs)[total]
    assert (figures["complaints_closed"], figures["completion_rate"]) == ("3", "75.0%")
    assert TallySubmission.objects.get().figures["complaints_closed"] == "2.00"
    no_horizontal_scroll(page)
    screenshot(page, "stats-monthly-corrections")
    page.wait_for_timeout(200)
    assert errors == [] and problems == []


# --- the annual summary --------------------------------------------------------------------------------------
def test_the_annual_summary_writes_the_years_complaints_and_opens_its_printable_view(
    page, statistician, district_a, city_data
):
    page, problems = watched(page)
    errors = console_errors(page)
    log_in(page, statistician)
    page.goto("/statistics/")
    with page.expect_navigation():
        page.locator("ul.nav-tabs a.nav-link", has_text=words("Annual summary")).click()
    page.select_option("#annual-year", str(year()))
    with page.expect_navigation():
        page.locator('form[method="get"] button[type="submit"]').click()
    expect(page).to_have_url(re.compile(rf"[?&]year={year()}\b"))

    # The district's five complaints (district B's is not its), the whole year said.
    opening = pwords("summary", "%(opening)s %(received)s complaints from the public were received") % {
        "opening": pwords("summary", "In the whole year"),
        "received": "5",
    }
    assert opening == "全年共受理群众投诉5件"
    paragraphs = page.locator(".summary-paragraphs")
    expect(paragraphs).to_contain_text("全年共受理群众投诉")
    expect(paragraphs).to_contain_text(opening)
    expect(page.locator("#summary-copy")).to_have_value(re.compile(re.escape(opening)))
    complaints = page.locator("section", has=page.locator("h2", has_text=words("Complaints"))).locator(
        "table"
    )
    figures = {row[0]: row[1] for row in table_rows(complaints.first, "xpath=.")[1:]}
    assert (figures[label("complaints_received")], figures[label("complaints_closed")]) == ("5", "2")
    assert figures[label("completion_rate")] == "40.0%"
    no_horizontal_scroll(page)
    screenshot(page, "stats-annual")

    with page.expect_navigation():
        page.locator("a.btn", has_text=words("Printable view")).click()
    expect(page).to_have_url(re.compile(r"[?&]print=1\b"))
    expect(page.locator("h1")).to_contain_text(shown_name(district_a))
    expect(page.locator("h1")).to_contain_text(str(year()))
    expect(page.locator(".summary-paragraphs")).to_contain_text(opening)
    expect(page.locator("nav.navbar")).to_have_count(0)  # a page for the printer
    screenshot(page, "stats-annual-print")
    page.wait_for_timeout(200)
    assert errors == [] and problems == []
