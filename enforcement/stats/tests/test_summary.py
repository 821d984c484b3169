"""The annual summary written from the stored figures, and the dashboard's data: the domain apps' real sources
(registered from their AppConfig.ready) on hand-built complaints of two years."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from complaints.choices import Channel, ComplaintStatus, Satisfaction
from complaints.tests.factories import ComplaintFactory
from enforcement.catalog.tests.factories import ViolationCategoryFactory
from enforcement.stats import dashboard, summary
from enforcement.stats.compute import recompute_range
from enforcement.stats.measures import Period

TZ = timezone.get_default_timezone()


def on(year, month, day=10):
    return datetime.datetime(year, month, day, 9, tzinfo=TZ)


@pytest.fixture
def two_years(squad_a, squad_b):
    # 2025: 4 complaints; 2026: 9 received, 8 closed (88.9 %), 2 visits answered satisfied of 3; and an NPC
    # motion, closed, counted among the complaints too (10 received, 9 closed).
    category = ViolationCategoryFactory(name="占道经营", name_en="Street vending")
    for month in (3, 4, 5, 6):
        ComplaintFactory(unit=squad_a, received_at=on(2025, month), category=category)
    for month in range(1, 10):
        closed = month != 9
        ComplaintFactory(
            unit=squad_a if month % 2 else squad_b,
            received_at=on(2026, month),
            status=ComplaintStatus.CLOSED if closed else ComplaintStatus.ACCEPTED,
            accepted_at=on(2026, month),
            replied_at=on(2026, month, 12) if closed else None,
            reply_due_at=on(2026, month, 20),
            closed_at=on(2026, month, 13) if closed else None,
            satisfaction={
                1: Satisfaction.SATISFIED,
                2: Satisfaction.BASICALLY_SATISFIED,
                3: Satisfaction.UNSATISFIED,
            }.get(month, ""),
            lat=Decimal("23.021") + month * Decimal("0.001"),
            lng=Decimal("113.121"),
            category=category,
        )
    ComplaintFactory(
        unit=squad_a, received_at=on(2026, 4), channel=Channel.NPC_MOTION, status="closed", category=category
    )
    recompute_range(Period.of(2025, 1), Period.of(2026, 12))


def test_the_summary_reads_its_figures_from_the_tallies(two_years, city):
    written = summary.write(city, 2026, Period.of(2026, 12))
    text = "\n".join(written.paragraphs)
    assert written.comparisons["complaints_received"].value == 10
    assert written.comparisons["completion_rate"].value == Decimal("90.0")
    assert "In the whole year 10 complaints from the public were received" in text
    assert "9 were closed" in text
    assert "a completion rate of 90.0%" in text
    assert "a satisfaction rate of 66.7% on the return visits" in text
    assert "up 150.0% year on year" in text  # 10 against 4
    assert "1 NPC motions and suggestions and 0 CPPCC proposals were handled" in text
    # No case was filed: the cases' sentence is left out rather than printing zeros.
    assert "general-procedure" not in text


def test_a_year_in_progress_says_to_which_month(two_years, city):
    written = summary.write(city, 2026, Period.of(2026, 3))
    assert written.paragraphs[0].startswith("By the end of March 3 complaints from the public were received")
    assert not written.is_whole_year


def test_the_summary_in_chinese_reads_like_the_bureaus(two_years, city):
    with translation.override("zh-hans"):
        written = summary.write(city, 2026, Period.of(2026, 12))
        first = written.paragraphs[0]
    assert first.startswith("全年共受理群众投诉10件")
    assert "办结9件，办结率90.0%" in first
    assert first.endswith("。")


def test_the_dashboard_data(two_years, city, district_a, make_user):
    statistician = make_user("statistician", unit=city)
    data = dashboard.data(statistician, city, Period.of(2026, 9))
    assert data["months"][-1] == "2026-09" and len(data["months"]) == 12
    assert data["trend"]["complaints_received"][-9:] == [
        1,
        1,
        1,
        2,
        1,
        1,
        1,
        1,
        1,
    ]  # April has the NPC motion
    assert data["rates"]["completion_rate"][-1] == 0.0  # September's one complaint is open
    ranked = [row["label"] for row in data["ranking"]["rows"]]
    # B closed all 4 on time; A 4 of 5 (the NPC motion was closed with no reply and no closing time).
    assert ranked == ["District B", "District A"]
    assert [row["on_time_rate"] for row in data["ranking"]["rows"]] == [100.0, 80.0]
    assert data["categories"] == [{"label": "Street vending", "value": 10.0}]
    cells = dashboard.heat(city, Period.of(2026, 3))
    assert len(cells) == 1 and cells[0][2] == 1
    assert abs(cells[0][0] - 23.024) < 0.002


def test_the_dashboard_and_annual_pages(two_years, client, city, district_b, make_user):
    statistician = make_user("statistician", unit=city)
    client.force_login(statistician)
    page = client.get("/statistics/", {"month": "2026-09"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="dashboard-data"' in html and "chart.umd.min.js" in html
    assert '<th scope="row">District B</th>' in html  # the ranking's table, beside the chart
    heat = client.get("/statistics/heat/", {"month": "2026-03"}).json()
    assert len(heat["cells"]) == 1
    annual = client.get("/statistics/annual/", {"year": "2026"})
    assert "In the whole year 10 complaints from the public were received" in annual.content.decode()
    printable = client.get("/statistics/annual/", {"year": "2026", "print": "1"})
    assert b"navbar" not in printable.content and b"10 complaints" in printable.content
    export = client.get("/statistics/annual/export/", {"year": "2026"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    from io import BytesIO

    from openpyxl import load_workbook

    book = load_workbook(BytesIO(export.content))
    assert book.sheetnames == ["By unit", "By month", "By category"]


def test_the_dashboard_keeps_to_the_scope(two_years, client, district_a, district_b, make_user):
    officer = make_user("officer", unit=district_a)
    client.force_login(officer)
    assert client.get("/statistics/", {"unit": district_b.pk}).status_code == 404
    assert client.get("/statistics/heat/", {"unit": district_b.pk}).status_code == 404
    assert client.get("/statistics/annual/", {"unit": district_b.pk}).status_code == 404
    own = client.get("/statistics/", {"month": "2026-09"})
    assert own.status_code == 200 and "District B" not in own.content.decode()


def test_the_dashboard_ranks_officers_for_leaders_only(two_years, city, squad_a, make_user):
    """The assessment of each officer (考评): the complaints each handled, ranked by on-time rate, shown to
    leaders and statistics staff; an officer's dashboard has no such panel."""
    first = make_user("officer", unit=squad_a, username="r_first", full_name="甲")
    second = make_user("officer", unit=squad_a, username="r_second", full_name="乙")
    category = ViolationCategoryFactory(name="乱堆放", name_en="Dumping")
    for handler, on_time in ((first, True), (first, True), (second, False)):
        ComplaintFactory(
            unit=squad_a,
            handler=handler,
            category=category,
            received_at=on(2026, 5),
            status=ComplaintStatus.CLOSED,
            accepted_at=on(2026, 5),
            replied_at=on(2026, 5, 12 if on_time else 25),
            reply_due_at=on(2026, 5, 20),
            closed_at=on(2026, 5, 26),
        )
    recompute_range(Period.of(2026, 5), Period.of(2026, 5))
    statistician = make_user("statistician", unit=city)
    officers = dashboard.data(statistician, city, Period.of(2026, 9))["officers"]
    assert [(row["label"].split(" (")[0], row["on_time_rate"]) for row in officers] == [
        (str(first), 100.0),
        (str(second), 0.0),
    ]
    assert dashboard.data(first, squad_a, Period.of(2026, 9))["officers"] == []


def test_the_dashboard_page_shows_the_officers_to_a_leader(two_years, client, city, squad_a, make_user):
    officer = make_user("officer", unit=squad_a, username="p_officer", full_name="丙")
    ComplaintFactory(
        unit=squad_a,
        handler=officer,
        received_at=on(2026, 5),
        status=ComplaintStatus.CLOSED,
        accepted_at=on(2026, 5),
        replied_at=on(2026, 5, 12),
        reply_due_at=on(2026, 5, 20),
        closed_at=on(2026, 5, 13),
    )
    recompute_range(Period.of(2026, 5), Period.of(2026, 5))
    client.force_login(make_user("statistician", unit=city))
    html = client.get("/statistics/", {"month": "2026-09"}).content.decode()
    assert 'id="table-officers"' in html and str(officer) in html
    assert '<td class="text-end text-nowrap">100.0%</td>' in html  # a rate as the reports write it
    client.force_login(officer)
    assert 'id="table-officers"' not in client.get("/statistics/", {"month": "2026-09"}).content.decode()
