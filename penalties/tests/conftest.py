"""Shared helpers of the penalties tests: a general case decided and served, through the cases' services."""

from decimal import Decimal

import pytest
from django.utils import timezone

from cases import services as case_services
from cases.tests.conftest import category, general_category  # noqa: F401 - fixtures
from cases.tests.test_services import make_people, walk
from enforcement.documents.services import issue_document, record_service

ORDER = "立即停止占道经营"


@pytest.fixture
def people(make_user, district_a):
    return make_people(make_user, district_a)


def served_case(p, violation_category, *, fine="400", served_at=None):
    """A general case with a decided `fine`, its decision issued and served at `served_at` (default now):
    the execution is open."""
    case = walk(p, violation_category, "notified", fine=str(max(Decimal(fine), Decimal("50"))))
    case = case_services.request_decision(
        case,
        by=p["officer"],
        penalty_kinds=["fine"],
        fine=Decimal(fine),
        correction_order=ORDER,
        reason="拟罚款",
    )
    case = case_services.decide(case, by=p["head"], decision="approved", opinion="同意")
    decision = issue_document(case, "penalty_decision", by=p["officer"])
    record_service(
        decision,
        by=p["officer"],
        method="in_person",
        served_at=served_at or timezone.now(),
        recipient="当事人",
    )
    case = case_services.serve(type(case).objects.get(pk=case.pk), by=p["officer"])
    return type(case).objects.get(pk=case.pk)


def age_execution(execution, days):
    """Moves an execution's whole history `days` back in time (served, due, schedule, ledger state, the
    case's service), as if it had been opened `days` earlier; returns it reloaded."""
    from datetime import timedelta

    from django.db.models import F

    from cases.models import Case
    from penalties.models import Execution, Instalment, Payment, Review

    delta = timedelta(days=days)
    Execution.objects.filter(pk=execution.pk).update(
        served_on=F("served_on") - delta,
        due_on=F("due_on") - delta,
        due_at=F("due_at") - delta,
        opened_at=F("opened_at") - delta,
        state_day=F("state_day") - days,
    )
    Instalment.objects.filter(execution=execution).update(
        due_on=F("due_on") - delta, due_day=F("due_day") - days, effective_on=F("effective_on") - delta
    )
    Payment.objects.filter(execution=execution).update(paid_on=F("paid_on") - delta)
    Review.objects.filter(case_id=execution.case_id).update(filed_on=F("filed_on") - delta)
    Case.objects.filter(pk=execution.case_id).update(served_at=F("served_at") - delta)
    return Execution.objects.get(pk=execution.pk)
