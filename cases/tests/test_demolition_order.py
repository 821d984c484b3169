"""The order to demolish (责令限期拆除) on the cases' side, at its edges: the decision names the structure's
area (m², two decimals) and the days the party has to demolish it himself (1 to `demolition_max_days`);
neither is given without the order; the decision is not heavier than the advance notice (Art. 45) — no
larger area, no fewer days; and a case taken through report, notice, decision and service keeps both on its
penalties and states them on the decision paper."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from enforcement.documents.services import issue_document, record_service
from enforcement.workflow.exceptions import TransitionNotAllowed

from .. import rules, services
from ..choices import CaseStatus, PenaltyKind, PenaltyStage
from ..models import Case, CasePenalty
from ..rules import Proposal
from .conftest import give_notice
from .test_services import ORDER, make_people, refused, walk

pytestmark = pytest.mark.django_db
K = PenaltyKind
APPROVED = "approved"


@pytest.fixture
def people(make_user, district_a):
    return make_people(make_user, district_a)


def demolish(area="35.5", days=30, kinds=(K.DEMOLISH,), **more):
    return Proposal(list(kinds), demolish_area=area, demolish_days=days, correction_order=ORDER, **more)


def notified(p, category, *, kinds=("demolish",), fine=None, area="35.5", days=30):
    """A general case reported with an order to demolish `area` m² within `days`, reviewed and notified (the
    party's statement recorded), its five working days to ask for a hearing (Art. 64) passed."""
    case = walk(p, category, "investigating")
    case = services.submit_report(
        case,
        by=p["officer"],
        report="违法建设事实清楚",
        penalty_kinds=list(kinds),
        fine=fine,
        demolish_area=area,
        demolish_days=days,
        correction_order=ORDER,
        legal_basis="《中华人民共和国城乡规划法》第四十条",
        penalty_basis="《中华人民共和国城乡规划法》第六十四条",
    )
    legal = case.approvals.get(decision="pending").kind == "case_legal_review"
    case = services.decide_review(case, by=p["reviewer" if legal else "leader"], decision=APPROVED)
    case = give_notice(case, p["officer"])
    assert case.hearing_request_due_at is not None  # an order to demolish gives the right to a hearing
    Case.objects.filter(pk=case.pk).update(hearing_request_due_at=timezone.now() - timedelta(minutes=1))
    return Case.objects.get(pk=case.pk)


def propose(p, case, *, kinds=("demolish",), fine=None, area="35.5", days=30):
    return services.request_decision(
        case,
        by=p["officer"],
        penalty_kinds=list(kinds),
        fine=fine,
        demolish_area=area,
        demolish_days=days,
        correction_order=ORDER,
        reason="拟责令限期拆除",
    )


def decided_and_served(p, case, **proposal):
    case = propose(p, case, **proposal)
    case = services.decide(case, by=p["head"], decision=APPROVED, opinion="同意")
    decision = issue_document(case, "penalty_decision", by=p["officer"])
    record_service(decision, by=p["officer"], method="in_person", recipient="当事人")
    case = services.serve(Case.objects.get(pk=case.pk), by=p["officer"])
    return Case.objects.get(pk=case.pk), decision


# --- the area and the days ---------------------------------------------------------------------------------
@pytest.mark.parametrize("area", ["0.01", "35.5", "35.55", "12000"])
def test_an_area_above_zero_with_at_most_two_decimals_is_accepted(area):
    assert rules.demolition_order_problems(demolish(area=area)) == {}


@pytest.mark.parametrize("area", [None, "", "0", "0.00", "-1", "35.555", "abc", "NaN", "Infinity"])
def test_an_area_of_zero_negative_three_decimals_or_not_a_number_is_refused(area):
    errors = rules.demolition_order_problems(demolish(area=area))
    assert list(errors) == ["demolish_area"]
    assert "square metres" in errors["demolish_area"] and "two decimals" in errors["demolish_area"]


@pytest.mark.parametrize("days", [1, 180, "180"])
def test_one_to_180_days_are_accepted(days):
    assert rules.demolition_order_problems(demolish(days=days)) == {}


@pytest.mark.parametrize("days", [0, 181, -1, None, "", "三十", "2.5"])
def test_zero_181_or_no_days_are_refused_naming_the_longest(days):
    errors = rules.demolition_order_problems(demolish(days=days))
    assert list(errors) == ["demolish_days"]
    assert "from 1 to 180" in errors["demolish_days"]


@pytest.mark.parametrize(("area", "days"), [("35.5", None), (None, 30), ("35.5", 30)])
def test_an_area_or_days_without_an_order_to_demolish_are_refused(area, days):
    errors = rules.demolition_order_problems(demolish(area=area, days=days, kinds=(K.WARNING,)))
    assert errors == {"demolish_area": "An area and a deadline are given only with an order to demolish."}


def test_neither_area_nor_days_without_an_order_to_demolish_is_fine():
    assert rules.demolition_order_problems(demolish(area=None, days=None, kinds=(K.WARNING,))) == {}


def test_the_proposal_keeps_the_area_and_days_through_json():
    proposal = Proposal.from_json(demolish(area="35.50", days=180).as_json())
    assert proposal.demolish_area == Decimal("35.50") and proposal.demolish_days == 180


# --- not heavier than the advance notice (Art. 45) ----------------------------------------------------------
@pytest.mark.parametrize(("area", "days"), [("35.50", 30), ("35.49", 30), ("35.50", 31), ("1", 180)])
def test_the_same_or_a_lighter_order_than_notified_may_be_decided(area, days):
    notice = demolish(area="35.50", days=30)
    assert rules.not_more_than_notified_problem(demolish(area=area, days=days), notice) is None


def test_a_larger_area_than_notified_is_refused_naming_both_and_the_article():
    problem = rules.not_more_than_notified_problem(demolish(area="35.51", days=30), demolish("35.50", 30))
    assert "Art. 45" in problem and "35.51 m²" in problem and "35.50 m²" in problem


def test_fewer_days_than_notified_are_refused_naming_both_and_the_article():
    problem = rules.not_more_than_notified_problem(demolish(area="35.50", days=29), demolish("35.50", 30))
    assert "Art. 45" in problem and "29 days" in problem and "30 days" in problem


def test_an_order_to_demolish_not_notified_is_refused():
    notice = Proposal([K.FINE], fine="2000", correction_order=ORDER)
    problem = rules.not_more_than_notified_problem(demolish(kinds=(K.FINE, K.DEMOLISH), fine="2000"), notice)
    assert "Art. 45" in problem and str(K.DEMOLISH.label) in problem


# --- through the services ----------------------------------------------------------------------------------
def test_a_report_with_181_days_is_refused_and_nothing_is_saved(people, general_category):
    p = people
    case = walk(p, general_category, "investigating")
    with pytest.raises(ValidationError) as info:
        services.submit_report(
            case,
            by=p["officer"],
            report="违法建设",
            penalty_kinds=["demolish"],
            demolish_area="35.5",
            demolish_days=181,
            correction_order=ORDER,
        )
    assert "demolish_days" in info.value.message_dict
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.status == CaseStatus.INVESTIGATING and fresh.version == case.version
    assert not CasePenalty.objects.filter(case=case).exists()


def test_a_report_with_an_area_but_no_order_to_demolish_is_refused(people, general_category):
    p = people
    case = walk(p, general_category, "investigating")
    with pytest.raises(ValidationError) as info:
        services.submit_report(
            case,
            by=p["officer"],
            report="违法建设",
            penalty_kinds=["fine"],
            fine="2000",
            demolish_area="35.5",
            correction_order=ORDER,
        )
    assert "demolish_area" in info.value.message_dict
    assert not CasePenalty.objects.filter(case=case).exists()


def test_a_decision_larger_or_shorter_than_notified_is_refused_with_art_45(people, general_category):
    p = people
    case = notified(p, general_category, area="35.5", days=30)
    refused(case, TransitionNotAllowed, lambda: propose(p, case, area="35.51", days=30), "Art. 45", "35.51")
    refused(case, TransitionNotAllowed, lambda: propose(p, case, area="35.5", days=29), "Art. 45", "29 days")
    refused(case, ValidationError, lambda: propose(p, case, area="35.5", days=0), "from 1 to 180")
    case = propose(p, case, area="35.50", days=30)  # the same as notified
    assert case.pending_approval("case_decision") is not None


def test_a_decision_of_180_days_to_demolish_goes_through_and_181_is_refused(people, general_category):
    p = people
    case = notified(p, general_category, area="12.25", days=180)
    refused(case, ValidationError, lambda: propose(p, case, area="12.25", days=181), "from 1 to 180")
    case, _ = decided_and_served(p, case, area="12.25", days=180)
    assert CasePenalty.objects.get(case=case, stage=PenaltyStage.DECIDED).deadline_days == 180


def test_report_notice_decision_and_service_keep_the_order_and_the_paper_states_it(people, general_category):
    p = people
    case = notified(p, general_category, kinds=("fine", "demolish"), fine="2000", area="35.5", days=30)
    notice = CasePenalty.objects.get(case=case, stage=PenaltyStage.NOTIFIED, kind=K.DEMOLISH)
    assert (notice.area, notice.deadline_days) == (Decimal("35.50"), 30)
    assert CasePenalty.objects.get(case=case, stage=PenaltyStage.NOTIFIED, kind=K.FINE).area is None
    # A lighter decision than notified: a smaller area, more days.
    case, paper = decided_and_served(p, case, kinds=("fine", "demolish"), fine="2000", area="30.25", days=45)
    assert case.status == CaseStatus.SERVED and case.served_at is not None
    decided = CasePenalty.objects.get(case=case, stage=PenaltyStage.DECIDED, kind=K.DEMOLISH)
    assert (decided.area, decided.deadline_days, decided.amount) == (Decimal("30.25"), 45, None)
    fine = CasePenalty.objects.get(case=case, stage=PenaltyStage.DECIDED, kind=K.FINE)
    assert (fine.amount, fine.area, fine.deadline_days) == (Decimal("2000.00"), None, None)
    assert Proposal.of(case, PenaltyStage.DECIDED).demolish_area == Decimal("30.25")
    assert "违法建筑面积30.25平方米" in paper.html
    assert "限自本决定书送达之日起45日内自行拆除" in paper.html
    assert "罚款人民币2000.00元" in paper.html
