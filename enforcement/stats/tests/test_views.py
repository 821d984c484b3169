"""The statistics pages: the report's figures per family, group by, bad input (400) and scope (404), the
exports, submitting a month and its corrections after a record changes, unlocking with a reason, who
sees and may post the statistics forms, annual targets, the declared list."""

import datetime
import io
from html import escape
from html.parser import HTMLParser
from urllib.parse import urlencode

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.choices import Channel, ComplaintStatus
from complaints.tests.factories import ComplaintFactory
from enforcement.catalog.tests.factories import ViolationCategoryFactory
from enforcement.stats import exports, measures, read, services, tasks
from enforcement.stats.compute import recompute
from enforcement.stats.measures import Period
from enforcement.stats.models import AnnualTarget, TallyMonth, TallySubmission

MARCH = Period.of(2026, 3)
TZ = timezone.get_default_timezone()
REPORT = reverse("stats:monthly")
EXPORT = reverse("stats:monthly-export")


def at(day):
    return datetime.datetime(2026, 3, day, 10, tzinfo=TZ)


class _Tables(HTMLParser):
    """Each <table id=…> of a page as rows of cell texts (header cells included)."""

    def __init__(self):
        super().__init__()
        self.tables, self._table, self._row, self._cell = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._table = self.tables.setdefault(dict(attrs).get("id"), [])
        elif tag == "tr" and self._table is not None:
            self._row = []
            self._table.append(self._row)
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr":
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def table(response, table_id):
    parser = _Tables()
    parser.feed(response.content.decode())
    return parser.tables[table_id]


def url(name=REPORT, **params):
    return f"{name}?{urlencode(params)}"


@pytest.fixture
def browser(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def statistician_a(make_user, district_a):
    return make_user("statistician", unit=district_a, username="stat-a")


@pytest.fixture
def categories(db):
    appearance = ViolationCategoryFactory(code="A", name="市容", name_en="City appearance", sort_order=1)
    stall = ViolationCategoryFactory(code="A1", name="占道经营", parent=appearance)
    sign = ViolationCategoryFactory(code="A2", name="户外广告", parent=appearance)
    building = ViolationCategoryFactory(code="B", name="违建", name_en="Illegal building", sort_order=2)
    return appearance, stall, sign, building


@pytest.fixture
def march(test_source, district_a, squad_a, squad_b, categories):
    """District A: three complaints in its squadron (one closed), one of its own (closed); District B one."""
    _, stall, sign, building = categories
    made = [
        ComplaintFactory(unit=squad_a, category=stall, received_at=at(2), status=ComplaintStatus.CLOSED),
        ComplaintFactory(unit=squad_a, category=stall, received_at=at(3)),
        ComplaintFactory(
            unit=squad_a, category=sign, received_at=at(4), channel=Channel.WEB, extended_days=123456
        ),
        ComplaintFactory(
            unit=district_a, category=building, received_at=at(5), status=ComplaintStatus.CLOSED
        ),
        ComplaintFactory(unit=squad_b, category=building, received_at=at(6)),
    ]
    recompute(MARCH)
    return made


def march_of(unit, page=REPORT, **params):
    return url(page, unit=unit.pk, **{"from": "2026-03", "to": "2026-03"}, **params)


# --- the report -------------------------------------------------------------------------------------------
def test_the_report_shows_each_group_and_the_total_last(march, browser, statistician_a, district_a):
    response = browser(statistician_a).get(march_of(district_a))
    assert response.status_code == 200
    rows = table(response, "table-complaints")
    assert rows[0][:5] == ["Sub-unit", "received", "closed", "by unit", "days extended yuan"]
    assert rows[0][-1] == "completion"
    # received, closed, by unit, days extended (yuan: two decimals, thousands separated), completion rate
    assert rows[1:] == [
        ["District A (own records)", "1", "1", "1", "0.00", "100.0%"],
        ["Squadron A1", "3", "1", "3", "123,456.00", "33.3%"],
        ["Total", "4", "2", "4", "123,456.00", "50.0%"],
    ]
    html = response.content.decode()
    assert 'title="closed ÷ received"' in html  # each header carries its definition…
    assert "<dt>days extended (yuan)</dt>" in html  # …and the list under the table has them all
    assert "Not submitted" in html and "computed-at" in html
    assert f'href="{reverse("stats:monthly-export")}?' in html


def test_a_rate_of_nothing_shows_a_dash(test_source, browser, statistician_a, district_a):
    response = browser(statistician_a).get(march_of(district_a))
    assert table(response, "table-complaints")[-1] == ["Total", "0", "0", "0", "0.00", "—"]
    assert "Not computed yet" in response.content.decode()


def test_group_by_category_and_channel(march, browser, statistician_a, district_a):
    client = browser(statistician_a)
    by_category = table(client.get(march_of(district_a, group_by="category")), "table-complaints")
    assert [row[:3] for row in by_category[1:]] == [
        ["City appearance", "3", "1"],  # sub-categories roll up to their family
        ["Illegal building", "1", "1"],
        ["No category", "0", "0"],  # the count kept without a category
        ["Total", "4", "2"],
    ]
    assert by_category[3][3] == "4"
    by_channel = table(client.get(march_of(district_a, group_by="channel")), "table-complaints")
    assert [(row[0], row[1], row[-1]) for row in by_channel[1:]] == [
        (str(Channel.HOTLINE_12345.label), "3", "66.7%"),
        (str(Channel.WEB.label), "1", "0.0%"),
        ("Total", "4", "50.0%"),
    ]


def test_each_officers_figures_are_offered_to_those_who_may_read_them(march, browser, officer_a, head_a):
    officer_page = browser(officer_a).get(url(**{"from": "2026-03"})).content.decode()
    assert 'data-group-by="category"' in officer_page
    assert 'data-group-by="person"' not in officer_page and 'value="person"' not in officer_page
    head_page = browser(head_a).get(url(**{"from": "2026-03"})).content.decode()
    assert 'data-group-by="person"' in head_page and 'value="person"' in head_page


def test_a_bad_month_says_why_with_400(test_source, browser, statistician_a):
    client = browser(statistician_a)
    response = client.get(url(**{"from": "2026-13"}))
    assert response.status_code == 400
    assert "Give a month as YYYY-MM, for example 2026-03." in response.content.decode()
    assert 'id="report-filters"' in response.content.decode()
    response = client.get(url(**{"from": "2026-05", "to": "2026-03"}))
    assert response.status_code == 400
    assert "The last month comes before the first." in response.content.decode()
    assert client.get(url(group_by="weekday")).status_code == 400


def test_another_districts_unit_is_not_found(test_source, browser, statistician_a, district_b, squad_b):
    client = browser(statistician_a)
    assert client.get(url(unit=district_b.pk)).status_code == 404
    assert client.get(url(EXPORT, unit=squad_b.pk, format="csv")).status_code == 404
    assert client.get(url(reverse("stats:targets"), unit=district_b.pk)).status_code == 404
    lock = {"unit": district_b.pk, "from": "2026-03", "to": "2026-03"}
    assert client.post(reverse("stats:lock"), lock).status_code == 404
    assert not TallySubmission.objects.exists()


# --- exports ---------------------------------------------------------------------------------------------
def test_the_exports_are_the_same_report(march, browser, statistician_a, district_a):
    client = browser(statistician_a)
    response = client.get(march_of(district_a, EXPORT, format="csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8")
    assert body.startswith("\ufeff")
    assert "Squadron A1" in body and "123456" in body
    assert exports.filename_for(read.report(district_a, MARCH), "csv") in response["Content-Disposition"]
    response = client.get(march_of(district_a, EXPORT, format="xlsx"))
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    assert ".xlsx" in response["Content-Disposition"]
    content = b"".join(response.streaming_content) if response.streaming else response.content
    cells = {
        cell.value for sheet in openpyxl.load_workbook(io.BytesIO(content)) for row in sheet for cell in row
    }
    assert "Squadron A1" in cells and 123456 in cells
    bad = client.get(march_of(district_a, EXPORT, format="pdf"))
    assert bad.status_code == 400 and "Export as CSV or XLSX." in bad.content.decode()


# --- submitting, corrections, unlocking --------------------------------------------------------------------
def test_lock_then_a_changed_record_shows_as_a_correction(march, browser, statistician_a, district_a):
    client = browser(statistician_a)
    page = client.get(march_of(district_a)).content.decode()
    assert 'id="lock-form"' in page and "Submit (lock) this month" in page and 'id="unlock-form"' not in page

    fields = {"unit": district_a.pk, "from": "2026-03", "to": "2026-03", "group_by": "unit"}
    response = client.post(reverse("stats:lock"), {**fields, "note": "三月报表"}, follow=True)
    assert "Submitted (locked) the statistics of March 2026." in response.content.decode()
    submission = services.current_submission(district_a, MARCH)
    assert submission.note == "三月报表" and submission.figures["t_closed"] == "2.00"
    page = response.content.decode()
    assert "Submitted by" in page and "Submit again" in page and 'id="unlock-form"' in page
    assert 'id="corrections"' not in page

    # An officer closes a March complaint after the submission; a statistician recomputes the month.
    edited = march[1]
    edited.status = ComplaintStatus.CLOSED
    edited.save()
    response = client.post(reverse("stats:recompute"), fields, follow=True)
    assert "Recomputed the figures of March 2026 from the records." in response.content.decode()
    assert table(response, "corrections-table")[1:] == [["closed", "2", "3", "+1"]]
    assert f'href="{edited.get_absolute_url()}"' in response.content.decode()
    assert table(response, "table-complaints")[-1][:3] == ["Total", "4", "3"]  # the report is the records'
    submission.refresh_from_db()
    assert submission.figures["t_closed"] == "2.00"  # the submitted figures stay

    again = client.post(reverse("stats:lock"), fields, follow=True)
    assert "again; the earlier submission is kept as history" in again.content.decode()
    assert (
        TallySubmission.objects.filter(unit=district_a, ended_at__isnull=True).get().figures["t_closed"]
        == "3.00"
    )
    history = again.content.decode()
    assert (
        'id="submission-history"' in history
        and "1 earlier submission" in history
        and "replaced at" in history
    )


def test_unlock_requires_a_reason(march, browser, statistician_a, district_a):
    submission = services.submit(district_a, MARCH, by=statistician_a)
    client = browser(statistician_a)
    fields = {"unit": district_a.pk, "from": "2026-03", "to": "2026-03", "submission": submission.pk}
    response = client.post(reverse("stats:unlock"), {**fields, "reason": " "}, follow=True)
    assert "Reason for unlocking: This field is required." in response.content.decode()
    assert services.current_submission(district_a, MARCH) == submission

    response = client.post(reverse("stats:unlock"), {**fields, "reason": "补录一件投诉"}, follow=True)
    assert "Unlocked the statistics of March 2026" in response.content.decode()
    assert services.current_submission(district_a, MARCH) is None
    submission.refresh_from_db()
    assert submission.unlock_reason == "补录一件投诉"
    # The page showed submission 1; it is already unlocked: the refusal is a message, not an error page.
    response = client.post(reverse("stats:unlock"), {**fields, "reason": "再次"}, follow=True)
    assert response.status_code == 200
    assert "This submission was already replaced or unlocked." in response.content.decode()


def test_a_month_not_begun_is_refused_with_a_message(test_source, browser, statistician_a, district_a):
    later = Period.current().next()
    fields = {"unit": district_a.pk, "from": str(later), "to": str(later)}
    response = browser(statistician_a).post(reverse("stats:lock"), fields, follow=True)
    assert response.status_code == 200
    assert "A month that has not begun cannot be submitted." in response.content.decode()
    assert not TallySubmission.objects.exists()


def test_others_see_no_statistics_forms_and_may_not_post_them(
    march, browser, head_a, district_a, statistician_a
):
    client = browser(head_a)
    page = client.get(march_of(district_a)).content.decode()
    assert "123,456.00" in page  # the figures, yes
    assert 'id="lock-form"' not in page and 'id="recompute-form"' not in page
    fields = {"unit": district_a.pk, "from": "2026-03", "to": "2026-03"}
    assert client.post(reverse("stats:lock"), fields).status_code == 403
    assert client.post(reverse("stats:recompute"), fields).status_code == 403
    submission = services.submit(district_a, MARCH, by=statistician_a)
    unlock = {**fields, "submission": submission.pk, "reason": "不该能"}
    assert client.post(reverse("stats:unlock"), unlock).status_code == 403
    assert services.current_submission(district_a, MARCH) == submission


def test_a_long_range_is_recomputed_on_the_worker(
    test_source, browser, statistician_a, district_a, monkeypatch
):
    sent = []
    monkeypatch.setattr(tasks.recompute_months_task, "delay", lambda *args: sent.append(args))
    fields = {"unit": district_a.pk, "from": "2024-01", "to": "2025-02"}  # 14 months
    response = browser(statistician_a).post(reverse("stats:recompute"), fields, follow=True)
    assert "are being recomputed" in response.content.decode()
    assert sent == [("2024-01-01", "2025-02-01")]  # the task is sent…
    assert not TallyMonth.objects.filter(month__year__in=(2024, 2025)).exists()  # …and nothing ran here


# --- targets ----------------------------------------------------------------------------------------------
def test_an_administrator_sets_and_removes_a_target(march, browser, admin_a, district_a):
    client = browser(admin_a)
    page = url(reverse("stats:targets"), unit=district_a.pk, year=2026)
    assert 'id="target-form"' in client.get(page).content.decode()
    form = {
        "unit": district_a.pk,
        "year": 2026,
        "measure": "t_received",
        "target": "10",
        "note": "目标任务书",
    }
    response = client.post(reverse("stats:targets"), form, follow=True)
    assert "Target for “received” set to 10." in response.content.decode()
    rows = table(response, "targets-table")
    assert rows[1][:5] == ["received", "10", "4", "40.0%", "目标任务书"]  # four received in March

    zero = client.post(reverse("stats:targets"), {**form, "target": "0"})
    assert zero.status_code == 400
    assert AnnualTarget.objects.get().target == 10

    removal = {"unit": district_a.pk, "year": 2026, "remove": "t_received"}
    response = client.post(reverse("stats:targets"), removal, follow=True)
    assert "Removed the target for “received”." in response.content.decode()
    assert not AnnualTarget.objects.exists()


def test_an_officer_sees_targets_but_may_not_set_them(march, browser, admin_a, officer_a, squad_a):
    services.set_target(squad_a, 2026, "t_closed", 4, by=admin_a)
    client = browser(officer_a)
    response = client.get(url(reverse("stats:targets"), unit=squad_a.pk, year=2026))
    assert table(response, "targets-table")[1][:4] == ["closed", "4", "1", "25.0%"]
    assert 'id="target-form"' not in response.content.decode()
    form = {"unit": squad_a.pk, "year": 2026, "measure": "t_closed", "target": "1"}
    assert client.post(reverse("stats:targets"), form).status_code == 403
    assert AnnualTarget.objects.get().target == 4


# --- the declared list ------------------------------------------------------------------------------------
def test_the_definitions_page_lists_every_measure(test_source, browser, officer_a):
    response = browser(officer_a).get(reverse("stats:definitions"))
    html = response.content.decode()
    items = [*measures.all_measures(), *measures.all_rates()]
    assert len(items) == 5
    for item in items:
        assert f'id="measure-{item.slug}"' in html
        assert escape(str(item.definition)) in html
    assert "(closed) ÷ (received) × 100%" in html


def test_the_definitions_page_lists_the_declared_sources(browser, officer_a):
    """The platform's own list, as the apps declare it."""
    html = browser(officer_a).get(reverse("stats:definitions")).content.decode()
    for item in [*measures.all_measures(), *measures.all_rates()]:
        assert f'id="measure-{item.slug}"' in html


def test_every_page_needs_a_login(client):
    for name in ("stats:monthly", "stats:monthly-export", "stats:targets", "stats:definitions"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "login" in response["Location"]
    assert client.post(reverse("stats:lock")).status_code == 302
