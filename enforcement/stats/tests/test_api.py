"""The statistics API on the platform's test source: the declared list, the monthly report (scope, query
errors, groupings, files), the annual summary with targets, targets' permission and validation, submitting
and unlocking months with their corrections, and a recompute on demand."""

import datetime

import pytest
from django.utils import timezone

from complaints.choices import Channel, ComplaintStatus
from complaints.tests.factories import ComplaintFactory
from enforcement.audit.models import AuditEvent
from enforcement.stats import tasks
from enforcement.stats.compute import recompute
from enforcement.stats.measures import Period
from enforcement.stats.models import AnnualTarget, TallySubmission

TZ = timezone.get_default_timezone()
MARCH = Period.of(2026, 3)
MEASURES = "/api/v1/stats/measures/"
MONTHLY = "/api/v1/stats/monthly/"
ANNUAL = "/api/v1/stats/annual/"
TARGETS = "/api/v1/stats/targets/"
LOCKS = "/api/v1/stats/locks/"
RECOMPUTE = "/api/v1/stats/recompute/"


def received(unit, year, month, day=3, **fields):
    return ComplaintFactory(
        unit=unit, received_at=datetime.datetime(year, month, day, 9, tzinfo=TZ), **fields
    )


@pytest.fixture
def statistician_a(make_user, district_a):
    return make_user("statistician", unit=district_a, username="stat-a")


@pytest.fixture
def march(test_source, squad_a, squad_b):
    """Three complaints of squadron A1 (one on the web), one of squadron B1, all in March 2026."""
    mine = [received(squad_a, 2026, 3, day) for day in (2, 3)]
    mine.append(received(squad_a, 2026, 3, 4, channel=Channel.WEB))
    received(squad_b, 2026, 3)
    recompute(MARCH)
    return mine


def test_the_declared_list_has_every_figure_with_its_definition(test_source, api_as, officer_a, api_client):
    assert api_client.get(MEASURES).status_code in (401, 403)
    body = api_as(officer_a).get(MEASURES).json()
    assert [m["slug"] for m in body["measures"]] == [
        "t_received",
        "t_closed",
        "t_units",
        "t_extended",
        "t_completion",
    ]
    rate = body["measures"][-1]
    assert (rate["kind"], rate["numerator"], rate["denominator"]) == ("rate", ["t_closed"], ["t_received"])
    assert body["measures"][0]["definition"] == "complaints received in the month"
    assert {"slug": "complaints", "label": "Complaints"} in body["families"]


def test_a_month_of_a_unit_in_scope(march, api_as, statistician_a, district_a, squad_a):
    response = api_as(statistician_a).get(MONTHLY, {"year": 2026, "month": 3, "unit": district_a.pk})
    assert response.status_code == 200
    body = response.json()
    assert (body["from"], body["to"], body["group_by"]) == ("2026-03", "2026-03", "unit")
    assert body["total"]["figures"]["t_received"] == 3  # not squadron B1's
    assert body["total"]["rates"]["t_completion"] == 0.0
    assert [row["label"] for row in body["rows"]] == [squad_a.display_name]
    assert body["submission"] == {
        "locked": False,
        "submission": None,
        "submitted_by": None,
        "submitted_at": None,
    }
    assert body["computed_at"] is not None


def test_a_range_has_no_months_state(march, api_as, statistician_a):
    body = api_as(statistician_a).get(MONTHLY, {"from": "2026-01", "to": "2026-03"}).json()
    assert (body["from"], body["to"]) == ("2026-01", "2026-03")
    assert body["submission"] is None and body["computed_at"] is None


def test_another_districts_unit_is_404(march, api_as, statistician_a, district_b, squad_b):
    client = api_as(statistician_a)
    for unit in (district_b, squad_b):
        assert client.get(MONTHLY, {"year": 2026, "month": 3, "unit": unit.pk}).status_code == 404
        assert client.get(ANNUAL, {"year": 2026, "unit": unit.pk}).status_code == 404


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ({"from": "2026-13"}, {"from": ["Give a month as YYYY-MM, for example 2026-03."]}),
        ({"year": 2026, "month": 13}, {"month": ["Give a year from 1950 to 2200 and a month from 1 to 12."]}),
        ({"year": 9999, "month": 12}, {"year": ["Give a month between 1950 and 2200."]}),
        ({"from": "2026-03", "to": "2026-01"}, {"to": ["The last month comes before the first."]}),
        ({"group_by": "street"}, {"group_by": ["Group by sub-unit, category, channel or month."]}),
        ({"format": "pdf"}, {"format": ["Choose json, csv or xlsx."]}),
        ({"unit": "x"}, {"unit": ["Choose a unit from the list."]}),
    ],
)
def test_a_bad_query_is_400_with_the_parameters_message(test_source, api_as, statistician_a, params, errors):
    response = api_as(statistician_a).get(MONTHLY, params)
    assert response.status_code == 400
    assert response.json() == errors


def test_grouped_by_month_every_month_is_a_row(march, api_as, statistician_a):
    body = (
        api_as(statistician_a).get(MONTHLY, {"from": "2026-02", "to": "2026-03", "group_by": "month"}).json()
    )
    assert [(row["key"], row["figures"].get("t_received", 0)) for row in body["rows"]] == [
        ("2026-02-01", 0),
        ("2026-03-01", 3),
    ]


def test_grouped_by_channel_and_category(march, api_as, statistician_a):
    client = api_as(statistician_a)
    by_channel = client.get(MONTHLY, {"year": 2026, "month": 3, "group_by": "channel"}).json()
    assert {row["key"]: row["figures"]["t_received"] for row in by_channel["rows"]} == {
        Channel.HOTLINE_12345: 2,
        Channel.WEB: 1,
    }
    by_category = client.get(MONTHLY, {"year": 2026, "month": 3, "group_by": "category"}).json()
    keys = {complaint.category.parent_id or complaint.category_id for complaint in march}
    assert {row["key"] for row in by_category["rows"] if "t_received" in row["figures"]} == keys
    assert sum(row["figures"].get("t_received", 0) for row in by_category["rows"]) == 3


def test_the_report_as_csv_and_xlsx(march, api_as, statistician_a):
    client = api_as(statistician_a)
    as_csv = client.get(MONTHLY, {"year": 2026, "month": 3, "format": "csv"})
    assert as_csv.status_code == 200
    assert as_csv["Content-Type"].startswith("text/csv")
    body = b"".join(as_csv.streaming_content) if as_csv.streaming else as_csv.content
    text = body.decode("utf-8")
    assert text.startswith("\ufeff")  # the BOM: spreadsheet software reads the Chinese
    assert "received" in text and "attachment" in as_csv["Content-Disposition"]
    as_xlsx = client.get(MONTHLY, {"year": 2026, "month": 3, "format": "xlsx"})
    assert as_xlsx.status_code == 200
    assert as_xlsx["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    content = b"".join(as_xlsx.streaming_content) if as_xlsx.streaming else as_xlsx.content
    assert content[:2] == b"PK"  # a zip, as every XLSX is
    # A refusal stays JSON whatever the format asked for.
    refused = client.get(MONTHLY, {"year": 2026, "month": 13, "format": "csv"})
    assert refused.status_code == 400 and refused["Content-Type"] == "application/json"


def test_the_annual_summary_compares_with_the_year_before_and_shows_targets(
    test_source, api_as, statistician_a, admin_a, squad_a, district_a
):
    for day in (2, 3):
        received(squad_a, 2025, 3, day)
    received(squad_a, 2024, 5)
    recompute(Period.of(2025, 3))
    recompute(Period.of(2024, 5))
    assert (
        api_as(admin_a)
        .post(
            TARGETS,
            {"year": 2025, "unit": district_a.pk, "measure": "t_received", "target": "8"},
            format="json",
        )
        .status_code
        == 201
    )
    body = api_as(statistician_a).get(ANNUAL, {"year": 2025, "unit": district_a.pk}).json()
    assert (body["from"], body["to"]) == ("2025-01", "2025-12")
    received_ = next(c for c in body["comparisons"] if c["slug"] == "t_received")
    assert (received_["value"], received_["last_year"], received_["year_on_year"]) == (2, 1, 100.0)
    assert received_["daily_average"] == 0.0  # 2 in 365 days, one decimal
    assert received_["year_to_date"] == 2
    ((target,),) = [body["targets"]]
    assert (target["measure"], target["target"], target["actual"], target["percent"]) == (
        "t_received",
        8.0,
        2.0,
        25.0,
    )
    this_year = api_as(statistician_a).get(ANNUAL).json()
    assert this_year["to"] == str(Period.current())  # the current year runs to this month


def test_targets_are_set_by_administrators_of_the_unit(
    test_source, api_as, admin_a, officer_a, make_user, district_a, district_b
):
    payload = {
        "year": 2026,
        "unit": district_a.pk,
        "measure": "t_received",
        "target": "100",
        "note": "目标任务书",
    }
    refused = api_as(officer_a).post(TARGETS, payload, format="json")
    assert refused.status_code == 403
    assert "administrator" in refused.json()["detail"]
    admin = api_as(admin_a)
    created = admin.post(TARGETS, payload, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["label"] == "received"
    replaced = admin.post(TARGETS, {**payload, "target": "120"}, format="json")
    assert replaced.status_code == 200 and replaced.json()["target"] == "120.00"
    assert AnnualTarget.objects.get().target == 120

    for measure in ("no_such_figure", "t_completion"):  # a rate is no count to set a target on
        response = admin.post(TARGETS, {**payload, "measure": measure}, format="json")
        assert response.status_code == 400
        assert response.json()["measure"][0].startswith("There is no such figure")
    assert admin.post(TARGETS, {**payload, "target": "0"}, format="json").status_code == 400

    admin_b = make_user("admin", unit=district_b)
    assert api_as(admin_b).get(TARGETS).json()["results"] == []  # out of scope
    assert api_as(admin_b).delete(f"{TARGETS}{created.json()['id']}/").status_code == 404
    assert api_as(admin_b).post(TARGETS, payload, format="json").status_code == 400  # unit not theirs
    assert [t["id"] for t in api_as(officer_a).get(TARGETS, {"year": 2026}).json()["results"]] == []
    assert len(admin.get(TARGETS, {"year": 2026}).json()["results"]) == 1
    assert admin.get(TARGETS, {"year": 2025}).json()["results"] == []

    assert api_as(officer_a).delete(f"{TARGETS}{created.json()['id']}/").status_code == 404  # not in squad
    head = make_user("bureau_head", unit=district_a)
    assert api_as(head).delete(f"{TARGETS}{created.json()['id']}/").status_code == 403
    assert admin.delete(f"{TARGETS}{created.json()['id']}/").status_code == 204
    assert not AnnualTarget.objects.exists()


def test_a_locked_month_shows_corrections_and_resubmitting_keeps_history(
    march, api_as, statistician_a, district_a
):
    client = api_as(statistician_a)
    response = client.post(
        LOCKS, {"unit": district_a.pk, "month": "2026-03", "note": "三月报表"}, format="json"
    )
    assert response.status_code == 201, response.json()
    first = response.json()
    assert first["figures"]["t_received"] == "3.00" and first["corrections"] == []
    state = client.get(MONTHLY, {"year": 2026, "month": 3, "unit": district_a.pk}).json()["submission"]
    assert (state["locked"], state["submission"], state["submitted_by"]["id"]) == (
        True,
        first["id"],
        statistician_a.pk,
    )

    complaint = march[0]  # closed after the submission, and the month counted again
    complaint.status = ComplaintStatus.CLOSED
    complaint.save()
    recompute(MARCH)
    detail = client.get(f"{LOCKS}{first['id']}/").json()
    assert detail["corrections"] == [
        {"measure": "t_closed", "label": "closed", "locked": 0.0, "current": 1.0, "difference": 1.0}
    ]
    assert detail["changed_records"] == [{"name": str(complaint), "url": complaint.get_absolute_url()}]
    assert detail["figures"]["t_received"] == "3.00"  # as submitted

    again = client.post(LOCKS, {"unit": district_a.pk, "month": "2026-03"}, format="json")
    assert again.status_code == 201
    assert again.json()["figures"]["t_closed"] == "1.00" and again.json()["corrections"] == []
    listed = client.get(LOCKS, {"month": "2026-03"}).json()["results"]
    assert {(row["id"], row["is_current"]) for row in listed} == {
        (first["id"], False),
        (again.json()["id"], True),
    }
    current = client.get(LOCKS, {"month": "2026-03", "current": "true"}).json()["results"]
    assert [row["id"] for row in current] == [again.json()["id"]]
    assert client.get(LOCKS, {"month": "2026-04"}).json()["results"] == []
    assert client.get(LOCKS, {"month": "March"}).status_code == 400


def test_unlocking_needs_a_reason_and_happens_once(march, api_as, statistician_a, district_a):
    client = api_as(statistician_a)
    submission = client.post(LOCKS, {"unit": district_a.pk, "month": "2026-03"}, format="json").json()
    unlock = f"{LOCKS}{submission['id']}/unlock/"
    assert client.post(unlock, {"reason": "  "}, format="json").status_code == 400
    assert "reason" in client.post(unlock, {}, format="json").json()
    response = client.post(unlock, {"reason": "区里要求更正"}, format="json")
    assert response.status_code == 200
    assert (response.json()["is_current"], response.json()["unlock_reason"]) == (False, "区里要求更正")
    assert AuditEvent.objects.filter(verb="unlock_month", note="区里要求更正").count() == 1
    twice = client.post(unlock, {"reason": "again"}, format="json")
    assert twice.status_code == 409
    assert "already" in twice.json()["detail"]


def test_only_statistics_staff_of_the_unit_or_above_lock(
    march, api_as, statistician_a, officer_a, admin_a, make_user, district_a, squad_a, district_b
):
    payload = {"unit": district_a.pk, "month": "2026-03"}
    refused = api_as(officer_a).post(LOCKS, payload, format="json")
    assert refused.status_code == 403 and "statistics staff" in refused.json()["detail"]
    squad_statistician = make_user("statistician", unit=squad_a)
    # the district is not in the squadron's scope: it is no unit they may name
    assert api_as(squad_statistician).post(LOCKS, payload, format="json").status_code == 400
    submission = api_as(statistician_a).post(LOCKS, payload, format="json").json()
    unlock = f"{LOCKS}{submission['id']}/unlock/"
    refused = api_as(admin_a).post(unlock, {"reason": "x"}, format="json")
    assert refused.status_code == 403 and "statistics staff" in refused.json()["detail"]
    statistician_b = make_user("statistician", unit=district_b)
    assert api_as(statistician_b).get(f"{LOCKS}{submission['id']}/").status_code == 404
    assert api_as(statistician_b).post(unlock, {"reason": "x"}, format="json").status_code == 404
    assert api_as(statistician_b).get(LOCKS).json()["results"] == []
    assert TallySubmission.objects.get().is_current


def test_a_month_not_begun_cannot_be_locked(test_source, api_as, statistician_a, district_a):
    later = Period.current().next()
    response = api_as(statistician_a).post(LOCKS, {"unit": district_a.pk, "month": str(later)}, format="json")
    assert response.status_code == 409
    assert "not begun" in response.json()["detail"]


def test_a_recompute_is_queued_for_the_months(test_source, api_as, statistician_a, officer_a, monkeypatch):
    sent = []
    monkeypatch.setattr(tasks.recompute_months_task, "delay", lambda *args: sent.append(args))
    assert api_as(officer_a).post(RECOMPUTE, {"from": "2026-01"}, format="json").status_code == 403
    client = api_as(statistician_a)
    response = client.post(RECOMPUTE, {"from": "2026-01", "to": "2026-03"}, format="json")
    assert response.status_code == 202
    assert response.json() == {"months": ["2026-01", "2026-02", "2026-03"]}
    assert sent == [("2026-01-01", "2026-03-01")]
    backwards = client.post(RECOMPUTE, {"from": "2026-03", "to": "2026-01"}, format="json")
    assert backwards.status_code == 400 and "to" in backwards.json()
    assert client.post(RECOMPUTE, {"from": "03/2026"}, format="json").json() == {
        "from": ["Give a month as YYYY-MM, for example 2026-03."]
    }
    assert len(sent) == 1
