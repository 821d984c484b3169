"""The complaints' CSV export streamed from plain tuples (views.complaint_export): every cell as the model
instances read it before (the reference below is the former per-instance code), in the request's language,
within the user's scope, in a constant number of queries, and refused, not cut short, beyond its cap."""

import csv
import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from enforcement.catalog.tests.factories import ViolationCategoryFactory
from enforcement.exports import CHUNK_LINES, csv_response, safe_cell

from .. import views
from ..choices import Channel, ComplaintStatus, Satisfaction
from ..permissions import complainant_for
from .factories import ComplaintFactory

EXPORT = reverse("complaints:export")
LIST = reverse("complaints:list")
UTC = dt.UTC


def browser(user, language="en"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def exported(response):
    """The CSV's rows (the header first), as a spreadsheet reads them."""
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def instance_row(c):
    """The row as the export wrote it from a model instance before it read tuples."""
    person = complainant_for(c, None, export=True)
    cells = [
        c.number,
        timezone.localtime(c.received_at).strftime("%Y-%m-%d %H:%M"),
        c.get_channel_display(),
        c.get_status_display(),
        c.category.display_name,
        c.address,
        str(c.unit),
        translation.gettext("Anonymous") if person.is_anonymous else person.name,
        person.phone,
        timezone.localtime(c.due_at).strftime("%Y-%m-%d %H:%M") if c.due_at else "",
        c.get_satisfaction_display(),
        c.description,
    ]
    return [str(safe_cell(value)) for value in cells]


@pytest.fixture
def sample(district_a, squad_a, category):
    """Four complaints of district A, newest first, each exercising a cell."""
    sub = ViolationCategoryFactory(parent=category, code="A0101", name="流动摊贩", name_en="Mobile stalls")
    return [
        ComplaintFactory(  # 16:30 UTC is 00:30 the next day in Shanghai
            unit=squad_a,
            category=sub,
            received_at=dt.datetime(2026, 3, 1, 16, 30, tzinfo=UTC),
            status=ComplaintStatus.CLOSED,
            satisfaction=Satisfaction.UNSATISFIED,
            description="=1+1 占道",
        ),
        ComplaintFactory(
            unit=district_a,
            category=category,
            received_at=dt.datetime(2026, 3, 1, 8, 0, tzinfo=UTC),
            channel=Channel.LETTER,
            status=ComplaintStatus.DISPATCHED,
            reply_due_at=dt.datetime(2026, 3, 5, 9, 0, tzinfo=UTC),  # the due moment of a dispatched one
            is_anonymous=True,
            complainant_name="",
            complainant_phone="",
        ),
        ComplaintFactory(
            unit=district_a,
            category=category,
            received_at=dt.datetime(2026, 2, 28, 8, 0, tzinfo=UTC),
            complainant_name="Li Lei",
            complainant_phone="12345",
            address="+86 人民路",
        ),
        ComplaintFactory(
            unit=district_a,
            category=category,
            received_at=dt.datetime(2026, 2, 27, 8, 0, tzinfo=UTC),
            complainant_name="张三丰",
            complainant_phone="13812345678",
        ),
    ]


def test_each_cell_reads_as_the_instance_did(intake_a, sample):
    header, *rows = exported(browser(intake_a).get(EXPORT))
    assert header == [
        "Number",
        "Received at",
        "Channel",
        "Status",
        "Category",
        "Address",
        "Responsible unit",
        "Complainant",
        "Phone",
        "Due",
        "Satisfaction",
        "Description",
    ]
    assert rows == [instance_row(c) for c in sample]
    closed, anonymous, latin, chinese = rows
    assert closed[1] == "2026-03-02 00:30" and closed[9] == ""
    assert closed[3:5] == ["Closed", "Mobile stalls"] and closed[6] == "Squadron A1"
    assert closed[10] == "Unsatisfied" and closed[11] == "'=1+1 占道"
    assert anonymous[2] == "Letter" and anonymous[7:9] == ["Anonymous", ""]
    assert anonymous[3] == "Dispatched" and anonymous[9] == "2026-03-05 17:00" and anonymous[10] == ""
    assert latin[5] == "'+86 人民路" and latin[7:9] == ["L*****", "***45"]
    assert chinese[7:9] == ["张**", "138****5678"] and chinese[4] == "Street vending"


def test_headers_labels_and_names_follow_the_request_language(intake_a, sample):
    header, closed, anonymous, *_rest = exported(browser(intake_a, "zh-hans").get(EXPORT))
    assert header[:4] == ["编号", "登记时间", "来源渠道", "状态"] and header[7] == "投诉人"
    assert closed[2:5] == ["12345热线", "已办结", "流动摊贩"] and anonymous[2:4] == ["来信", "已派遣"]
    assert closed[6] == "甲区一中队" and closed[10] == "不满意"
    assert anonymous[7] == "匿名" and anonymous[4] == "占道经营"
    with translation.override("zh-hans"):
        assert [closed, anonymous] == [instance_row(c) for c in sample[:2]]


def test_a_complaint_outside_the_scope_never_appears(intake_a, district_b, category, sample):
    elsewhere = ComplaintFactory(unit=district_b, category=category)
    client = browser(intake_a)
    numbers = [row[0] for row in exported(client.get(EXPORT))[1:]]
    assert numbers == [c.number for c in sample]
    asked_for = exported(client.get(EXPORT, {"unit": district_b.pk}))[1:]
    assert asked_for == []
    searched = exported(client.get(EXPORT, {"q": elsewhere.number}))[1:]
    assert searched == []


def test_the_queries_do_not_grow_with_the_rows(intake_a, district_a, category):
    client = browser(intake_a)

    def queries_streaming(count):
        ComplaintFactory.create_batch(count, unit=district_a, category=category)
        with CaptureQueriesContext(connection) as captured:
            rows = exported(client.get(EXPORT))[1:]
        return len(rows), len(captured)

    rows_5, queries_5 = queries_streaming(5)
    rows_50, queries_50 = queries_streaming(45)
    assert (rows_5, rows_50) == (5, 50)
    assert queries_5 == queries_50 <= 10


def test_lines_are_sent_in_chunks_and_none_is_lost_at_their_edges():
    count = 2 * CHUNK_LINES + 1
    rows = ([str(i), "=x" if i == CHUNK_LINES else "ok"] for i in range(count))  # a formula on an edge
    response = csv_response("x.csv", ["n"], rows)
    chunks = list(response.streaming_content)
    assert len(chunks) == 1 + 3  # the header, two full chunks, the last line
    lines = b"".join(chunks).decode("utf-8").split("\r\n")
    assert lines[0] == "\ufeffn" and lines[-1] == ""
    expected = [f"{i},ok" for i in range(count)]
    expected[CHUNK_LINES] = f"{CHUNK_LINES},'=x"
    assert lines[1:-1] == expected


def test_more_matches_than_the_cap_are_refused_not_cut_short(monkeypatch, intake_a, district_a, category):
    monkeypatch.setattr(views, "EXPORT_MAX_ROWS", 3)
    ComplaintFactory.create_batch(3, unit=district_a, category=category)
    client = browser(intake_a)
    assert len(exported(client.get(EXPORT, {"status": "received"}))) == 1 + 3  # exactly the cap: exported

    ComplaintFactory(unit=district_a, category=category)
    refused = client.get(EXPORT, {"status": "received", "channel": "hotline_12345"})
    assert refused.status_code == 302
    assert refused["Location"] == f"{LIST}?status=received&channel=hotline_12345"
    page = client.get(refused["Location"]).content.decode()
    assert (
        "More than 3 complaints match: narrow the list (for example by the dates received) and export again."
        in page
    )
    assert len(exported(client.get(EXPORT, {"status": "accepted"}))) == 1  # fewer match: no refusal


def test_without_server_side_cursors_the_rows_come_page_by_page(monkeypatch, intake_a, district_a, category):
    """Behind PgBouncer (DISABLE_SERVER_SIDE_CURSORS) no cursor stays open: the export reads EXPORT_CHUNK rows
    a query, each page after the last row sent — every row once, newest first, ties on the time by id."""
    from complaints import views

    moment = timezone.now() - dt.timedelta(days=1)
    for index in range(7):
        ComplaintFactory(
            unit=district_a, category=category, received_at=moment - dt.timedelta(hours=index // 2)
        )
    client = browser(intake_a)
    streamed = exported(client.get(EXPORT))[1:]
    monkeypatch.setattr(views, "EXPORT_CHUNK", 2)
    monkeypatch.setitem(connection.settings_dict, "DISABLE_SERVER_SIDE_CURSORS", True)
    with CaptureQueriesContext(connection) as captured:
        paged = exported(client.get(EXPORT))[1:]
    assert paged == streamed and len(paged) == 7
    pages = [query for query in captured if re.search(r"LIMIT 2$", query["sql"])]
    assert len(pages) == 4  # 2 + 2 + 2 + 1
