"""The penalties' API: the unpaid list with the live surcharge in constant queries, scoping, the workflow's
actions (a payment, a refused overpayment, a deferral), statement imports, reviews and seizures."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from penalties.choices import ExecutionStatus
from penalties.models import Execution, ExecutionApproval, Payment, Review, SeizedItem, StatementImport

from .conftest import age_execution, served_case

pytestmark = pytest.mark.django_db
D = Decimal
LIST = "/api/v1/penalties/"


def today():
    return timezone.localdate()


def execution_of(case):
    return Execution.objects.get(case=case)


def test_the_list_shows_the_surcharge_of_a_late_execution(people, category, api_as):
    p = people
    late = age_execution(execution_of(served_case(p, category, fine="400")), 20)
    on_time = execution_of(served_case(p, category, fine="1000"))
    response = api_as(p["leader"]).get(LIST)
    assert response.status_code == 200
    rows = {row["id"]: row for row in response.json()["results"]}
    assert set(rows) == {late.pk, on_time.pk}
    assert [row["id"] for row in response.json()["results"]] == [late.pk, on_time.pk]  # oldest due first
    money = late.money()
    assert money["surcharge"] > 0
    row = rows[late.pk]
    assert D(row["surcharge"]) == money["surcharge"]
    assert D(row["owed"]) == money["owed"] == D("400.00") + money["surcharge"]
    assert row["case_number"] == late.case.number and row["payment_code"] == late.payment_code
    assert row["party_name"] == late.case.party.name
    assert D(rows[on_time.pk]["surcharge"]) == 0
    overdue = api_as(p["leader"]).get(LIST, {"overdue": "true"}).json()["results"]
    assert [row["id"] for row in overdue] == [late.pk]
    by_code = api_as(p["leader"]).get(LIST, {"q": on_time.payment_code}).json()["results"]
    assert [row["id"] for row in by_code] == [on_time.pk]
    by_number = api_as(p["leader"]).get(LIST, {"q": late.decision_number}).json()["results"]
    assert [row["id"] for row in by_number] == [late.pk]
    paid = api_as(p["leader"]).get(LIST, {"status": ExecutionStatus.PAID}).json()["results"]
    assert paid == []
    live = api_as(p["leader"]).get(LIST, {"status": "live"}).json()["results"]  # the list page's choice
    assert [row["id"] for row in live] == [late.pk, on_time.pk]


def test_the_unit_filter_takes_the_subtree_and_another_district_sees_nothing(
    people, category, api_as, make_user, district_a, district_b
):
    execution = execution_of(served_case(people, category))
    own = api_as(people["leader"]).get(LIST, {"unit": district_a.pk}).json()["results"]
    assert [row["id"] for row in own] == [execution.pk]
    assert api_as(people["leader"]).get(LIST, {"unit": district_b.pk}).json()["results"] == []
    stranger = make_user("squad_leader", unit=district_b, username="leader-b")
    client = api_as(stranger)
    assert client.get(LIST).json()["results"] == []
    assert client.get(f"{LIST}{execution.pk}/").status_code == 404
    refused = client.post(
        f"{LIST}{execution.pk}/record_payment/",
        {"amount": "10", "paid_on": today().isoformat(), "channel": "bank", "reference": "X-1"},
        format="json",
    )
    assert refused.status_code == 404
    assert not Payment.objects.exists()


def test_the_list_costs_the_same_queries_for_2_and_20_rows(people, category, api_as):
    p = people
    client = api_as(p["leader"])
    for _ in range(2):
        age_execution(execution_of(served_case(p, category)), 20)
    with CaptureQueriesContext(connection) as two:
        assert len(client.get(LIST).json()["results"]) == 2
    for _ in range(18):
        age_execution(execution_of(served_case(p, category)), 20)
    with CaptureQueriesContext(connection) as twenty:
        assert len(client.get(LIST).json()["results"]) == 20
    assert len(twenty.captured_queries) == len(two.captured_queries)


def test_a_payment_through_the_api_and_a_refused_overpayment(people, category, api_as):
    p = people
    execution = execution_of(served_case(p, category, fine="400"))
    client = api_as(p["officer"])
    detail = client.get(f"{LIST}{execution.pk}/").json()
    assert "record_payment" in detail["allowed_actions"]
    assert D(detail["money"]["owed"]) == D("400.00")
    assert [D(row["amount"]) for row in detail["instalments"]] == [D("400.00")]
    url = f"{LIST}{execution.pk}/record_payment/"
    paid = client.post(
        url,
        {"amount": "150.00", "paid_on": today().isoformat(), "channel": "bank", "reference": "BK-1"},
        format="json",
    )
    assert paid.status_code == 200, paid.json()
    body = paid.json()
    assert D(body["money"]["paid"]) == D("150.00") and D(body["money"]["owed"]) == D("250.00")
    assert [row["reference"] for row in body["payments"]] == ["BK-1"]
    too_much = client.post(
        url,
        {"amount": "300.00", "paid_on": today().isoformat(), "channel": "bank", "reference": "BK-2"},
        format="json",
    )
    assert too_much.status_code == 400  # bad input, under the amount
    assert "more than was owed" in too_much.json()["amount"][0]
    assert list(Payment.objects.values_list("reference", flat=True)) == ["BK-1"]
    assert execution_of(execution.case).fine_paid_fen == 15000


def test_a_deferral_requested_and_decided_through_the_api(people, category, api_as):
    p = people
    execution = execution_of(served_case(p, category, fine="1000"))
    dates = [(today() + timedelta(days=30)).isoformat(), (today() + timedelta(days=60)).isoformat()]
    asked = api_as(p["officer"]).post(
        f"{LIST}{execution.pk}/request_deferral/", {"due_dates": dates, "reason": "经济困难"}, format="json"
    )
    assert asked.status_code == 200, asked.json()
    assert asked.json()["deferral"]["due_dates"] == dates
    own = api_as(p["officer"]).post(
        f"{LIST}{execution.pk}/decide_deferral/", {"decision": "approved"}, format="json"
    )
    assert own.status_code in (403, 409)
    decided = api_as(p["head"]).post(
        f"{LIST}{execution.pk}/decide_deferral/", {"decision": "approved", "opinion": "同意"}, format="json"
    )
    assert decided.status_code == 200, decided.json()
    body = decided.json()
    assert body["deferral"] is None
    assert [row["due_on"] for row in body["instalments"]] == dates
    assert [D(row["amount"]) for row in body["instalments"]] == [D("500.00"), D("500.00")]
    assert ExecutionApproval.objects.get(execution=execution).decision == "approved"
    timeline = api_as(p["head"]).get(f"{LIST}{execution.pk}/timeline/")
    assert timeline.status_code == 200 and timeline.json()["count"] >= 3


def statement(*rows):
    text = "交易流水号,金额,交易日期,付款人,缴款码\n" + "\n".join(",".join(row) for row in rows) + "\n"
    return SimpleUploadedFile("工商银行.csv", text.encode("utf-8"), content_type="text/csv")


def test_a_statement_imported_records_once_and_a_reimport_records_nothing(people, category, api_as):
    p = people
    execution = execution_of(served_case(p, category, fine="400"))
    day = today().isoformat()
    rows = (
        ("BK001", "100.00", day, "陈某", execution.payment_code),
        ("BK002", "9.00", day, "路人", "1" * 20),
    )
    client = api_as(p["leader"])
    url = "/api/v1/payments/imports/"
    first = client.post(url, {"file": statement(*rows), "channel": "bank"}, format="multipart")
    assert first.status_code == 201, first.json()
    body = first.json()
    assert (body["lines"], body["recorded"], body["unmatched"]) == (2, 1, 1)
    assert body["unit"] == p["leader"].unit_id  # the importer's unit by default
    assert [line["reference"] for line in body["problem_lines"]] == ["BK002"]
    again = client.post(url, {"file": statement(*rows), "channel": "bank"}, format="multipart").json()
    assert (again["recorded"], again["already"]) == (0, 1)
    assert Payment.objects.filter(execution=execution).count() == 1
    assert execution_of(execution.case).fine_paid_fen == 10000
    listed = client.get(url).json()["results"]
    assert {row["id"] for row in listed} == {body["id"], again["id"]}
    detail = client.get(f"{url}{body['id']}/").json()
    line_id = detail["problem_lines"][0]["id"]
    blank = client.post(f"{url}lines/{line_id}/resolve/", {}, format="json")
    assert blank.status_code == 400  # a dismissal says why
    resolved = client.post(f"{url}lines/{line_id}/resolve/", {"note": "他局款项"}, format="json")
    assert resolved.status_code == 200, resolved.json()
    assert resolved.json()["status"] == "resolved"


def test_a_malformed_statement_is_refused_whole(people, category, api_as):
    p = people
    execution = execution_of(served_case(p, category, fine="400"))
    day = today().isoformat()
    upload = statement(
        ("BK1", "10.00", day, "陈某", execution.payment_code), ("BK2", "1.234", day, "陈某", "")
    )
    response = api_as(p["leader"]).post(
        "/api/v1/payments/imports/", {"file": upload, "channel": "bank"}, format="multipart"
    )
    assert response.status_code == 400
    assert not Payment.objects.exists() and not StatementImport.objects.exists()


def test_a_review_filed_late_is_flagged_and_its_outcome_recorded(people, category, api_as):
    p = people
    case = served_case(p, category, fine="500")
    age_execution(execution_of(case), 61)
    client = api_as(p["officer"])
    filed = client.post(
        "/api/v1/reviews/",
        {"case": case.pk, "kind": "reconsideration", "body": "区政府", "filed_on": today().isoformat()},
        format="json",
    )
    assert filed.status_code == 201, filed.json()
    assert filed.json()["late"] is True
    review_id = filed.json()["id"]
    assert [row["id"] for row in client.get("/api/v1/reviews/").json()["results"]] == [review_id]
    outcome = client.post(
        f"/api/v1/reviews/{review_id}/outcome/",
        {"outcome": "upheld", "outcome_on": today().isoformat()},
        format="json",
    )
    assert outcome.status_code == 200, outcome.json()
    assert Review.objects.get(pk=review_id).outcome == "upheld"


def test_a_seizure_with_items_is_counted_extended_and_ended(people, category, api_as, make_user, district_b):
    p = people
    case = served_case(p, category, fine="500")
    client = api_as(p["officer"])
    created = client.post(
        "/api/v1/seizures/",
        {
            "case": case.pk,
            "kind": "seize",
            "custody_place": "禅城区暂扣场",
            "seized_on": today().isoformat(),
            "items": [
                {"kind": "vehicle", "description": "三轮车", "quantity": 2},
                {"kind": "goods", "description": "水果", "quantity": 5},
            ],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    seizure_id = created.json()["id"]
    assert SeizedItem.objects.filter(seizure_id=seizure_id).count() == 2
    listed = client.get("/api/v1/seizures/").json()
    assert listed["counts"] == {"vehicle": 2, "goods": 5, "equipment": 0}
    assert [row["id"] for row in listed["results"]] == [seizure_id]
    too_long = client.post(f"/api/v1/seizures/{seizure_id}/extension/", {"days": 31, "reason": "复杂"})
    assert too_long.status_code == 400
    asked = client.post(f"/api/v1/seizures/{seizure_id}/extension/", {"days": 30, "reason": "案情复杂"})
    assert asked.status_code == 200, asked.json()
    decided = api_as(p["head"]).post(
        f"/api/v1/seizures/{seizure_id}/decide-extension/", {"decision": "approved"}, format="json"
    )
    assert decided.status_code == 200, decided.json()
    assert decided.json()["limit_on"] == (today() + timedelta(days=60)).isoformat()
    twice = client.post(f"/api/v1/seizures/{seizure_id}/extension/", {"days": 5, "reason": "再延"})
    assert twice.status_code == 409
    ended = client.post(f"/api/v1/seizures/{seizure_id}/end/", {"outcome": "returned", "note": "已退还"})
    assert ended.status_code == 200 and ended.json()["status"] == "returned"
    stranger = api_as(make_user("officer", unit=district_b, username="officer-b2"))
    assert stranger.get(f"/api/v1/seizures/{seizure_id}/").status_code == 404


def test_the_schema_still_builds(db):
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/penalties/{id}/record_payment/" in paths
    assert "/api/v1/payments/imports/lines/{line_id}/resolve/" in paths
    assert "/api/v1/seizures/{id}/decide-extension/" in paths
