"""The execution's documents: the demand to pay (催告书, 行政强制法 Art. 35, 54) — issuable only once the fine is
late and owed, its figures frozen on the day of issue, its service starting the 10 working days before the
court may be applied to — and the seizure's decision and item list (Art. 24), while the items are held."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from cases.documents import yuan_in_capitals
from enforcement.documents.models import Document
from enforcement.documents.registry import spec_for
from enforcement.documents.services import (
    ensure_pdf,
    issuable,
    issue_document,
    issue_refusal,
    record_service,
    void_document,
)
from enforcement.workdays import calendar
from enforcement.workflow.exceptions import TransitionNotAllowed
from penalties import seizures
from penalties.models import Execution, Seizure

from .conftest import age_execution, served_case

pytestmark = pytest.mark.django_db
D = Decimal


def execution_of(p, category, *, days_ago=0, fine="400"):
    execution = Execution.objects.get(case=served_case(p, category, fine=fine))
    return age_execution(execution, days_ago) if days_ago else execution


def types(record, user):
    return [spec.type for spec in issuable(record, user)]


# --- the demand to pay -------------------------------------------------------------------------------------------
def test_the_demand_is_not_issuable_before_the_due_date(people, category):
    execution = execution_of(people, category)
    assert execution.due_on >= timezone.localdate()
    assert "demand_to_pay" not in types(execution, people["officer"])
    refusal = issue_refusal(spec_for(Execution, "demand_to_pay"), execution, people["officer"])
    assert refusal is not None and refusal.status == 409
    with pytest.raises(TransitionNotAllowed):
        issue_document(execution, "demand_to_pay", by=people["officer"])


def test_the_demand_is_issuable_once_the_fine_is_late(people, category):
    execution = execution_of(people, category, days_ago=30)
    assert execution.due_on < timezone.localdate()
    assert "demand_to_pay" in types(execution, people["officer"])
    assert "demand_to_pay" in types(execution, people["leader"])
    assert "demand_to_pay" not in types(execution, people["reviewer"])  # not an issuing role


def test_the_demand_carries_the_amounts_in_yuan_and_in_capitals(people, category):
    execution = execution_of(people, category, days_ago=30, fine="400")
    money = execution.money(timezone.localdate())
    assert money["surcharge"] > 0
    document = issue_document(execution, "demand_to_pay", by=people["officer"])
    values = document.values
    assert values["fine"] == "400.00"
    assert values["fine_capitals"] == "肆佰元整"
    assert values["paid"] == "0.00"
    assert D(values["surcharge"]) == money["surcharge"]
    assert D(values["owed"]) == D("400.00") + money["surcharge"]
    assert values["owed_capitals"] == yuan_in_capitals(values["owed"])
    assert values["decision_number"] == execution.decision_number
    assert values["demand_period"] == "十个工作日"
    assert "催告书" in document.html
    assert f"人民币{values['owed']}元" in document.html
    assert "第三十六条" in document.html and "申请人民法院强制执行" in document.html
    assert ensure_pdf(document.pk).pdf_size > 0


def test_the_demand_is_issued_once_unless_voided(people, category):
    execution = execution_of(people, category, days_ago=30)
    first = issue_document(execution, "demand_to_pay", by=people["officer"])
    assert "demand_to_pay" not in types(execution, people["officer"])
    with pytest.raises(TransitionNotAllowed):
        issue_document(execution, "demand_to_pay", by=people["officer"])
    void_document(first, by=people["leader"], reason="当事人名称有误")
    second = issue_document(execution, "demand_to_pay", by=people["officer"])
    assert second.number != first.number


def test_nothing_owed_no_demand(people, category):
    from penalties import services

    execution = execution_of(people, category, days_ago=30)
    owed = execution.money(timezone.localdate())["owed"]
    services.record_payment(
        execution,
        by=people["officer"],
        amount=owed,
        paid_on=timezone.localdate(),
        channel="bank",
        reference="B1",
    )
    execution = Execution.objects.get(pk=execution.pk)
    assert "demand_to_pay" not in types(execution, people["officer"])


def test_recording_the_demands_service_starts_the_ten_working_days(people, category):
    execution = execution_of(people, category, days_ago=30)
    assert execution.demand_due_at is None
    document = issue_document(execution, "demand_to_pay", by=people["officer"])
    served_at = timezone.now()
    record_service(
        document, by=people["officer"], method="in_person", served_at=served_at, recipient="当事人"
    )
    execution = Execution.objects.get(pk=execution.pk)
    assert execution.demand_due_at is not None
    tenth = calendar.get_calendar().add_working_days(calendar.local_date(served_at), 10)
    assert calendar.local_date(execution.demand_due_at) == tenth
    assert execution.court_due_at is not None


# --- the seizure's papers ------------------------------------------------------------------------------------------
ITEMS = [
    {"kind": "vehicle", "description": "电动三轮车（蓝色）", "quantity": 1},
    {"kind": "goods", "description": "水果筐", "quantity": 6},
]


def seizure_of(p, category):
    case = served_case(p, category)
    return seizures.seize(
        case,
        by=p["officer"],
        kind="seize",
        custody_place="禅城区城管暂扣场",
        seized_on=timezone.localdate() - timedelta(days=1),
        items=ITEMS,
    )


def test_the_seizure_papers_carry_the_items_and_the_period(people, category):
    seizure = seizure_of(people, category)
    assert types(seizure, people["officer"]) == ["seizure_decision", "seizure_list"]
    decision = issue_document(seizure, "seizure_decision", by=people["officer"])
    assert decision.values["custody_place"] == "禅城区城管暂扣场"
    assert decision.values["measure"] == "扣押"
    assert decision.values["period"] == "三十日"
    assert decision.values["case_number"] == seizure.case.number
    assert "第二十二条" in decision.html and "行政复议" in decision.html and "行政诉讼" in decision.html
    listing = issue_document(seizure, "seizure_list", by=people["officer"])
    assert "电动三轮车（蓝色）" in listing.values["items"] and "水果筐 × 6" in listing.values["items"]
    assert listing.html.count("<tr><td>") == 2
    assert "车辆" in listing.html and "电动三轮车（蓝色）" in listing.html
    assert types(seizure, people["officer"]) == []  # once each
    assert ensure_pdf(listing.pk).pdf_size > 0


def test_the_seizure_papers_are_issued_only_while_held(people, category):
    seizure = seizure_of(people, category)
    seizures.end_seizure(seizure, by=people["officer"], outcome="returned")
    seizure = Seizure.objects.get(pk=seizure.pk)
    assert types(seizure, people["officer"]) == []
    with pytest.raises(TransitionNotAllowed):
        issue_document(seizure, "seizure_decision", by=people["officer"])
    assert not Document.objects.of(seizure).exists()
