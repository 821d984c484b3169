"""Each rule of cases/rules.py at its edges, on the legal parameters' statutory defaults (catalog/params.py)
and the working-day calendar the package loads (2026: National Day 1–7 October with the make-up working
Saturday 10 October). A rule is met at its limit and broken one cent, one day or one working day past it,
and the refusal names the article."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from enforcement.catalog.choices import PartyType
from enforcement.catalog.params import DEFAULTS
from enforcement.workdays import calendar

from .. import rules
from ..choices import PenaltyKind, PenaltyStage
from ..models import Case, CasePenalty, Party
from ..rules import Proposal
from .factories import CaseFactory, PartyFactory

pytestmark = pytest.mark.django_db

TZ = timezone.get_default_timezone()
IND, ORG = PartyType.INDIVIDUAL, PartyType.ORGANISATION
ORDER = "立即停止违法行为"


def at(y, m, d, hh=10, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


def end_of(y, m, d):
    return datetime.combine(date(y, m, d), time.max, tzinfo=TZ)


def fine(amount, *more, order=ORDER):
    return Proposal([PenaltyKind.FINE, *more], Decimal(amount), None, "", order)


def test_the_defaults_these_edges_are_drawn_on():
    values = {key: DEFAULTS[key].value for key in DEFAULTS}
    assert values["simple_fine_max_individual"] == 200
    assert values["simple_fine_max_organisation"] == 3000
    assert values["cash_on_spot_max"] == 100
    assert values["large_fine_individual"] == 3000
    assert (values["limitation_years"], values["limitation_years_serious"]) == (2, 5)
    assert values["decision_days"] == 90
    assert values["hearing_request_working_days"] == 5
    assert values["hearing_notice_working_days"] == 7
    assert values["service_working_days"] == 7
    assert values["cash_handover_working_days"] == 2
    assert values["simple_filing_working_days"] == 3


def test_the_calendar_knows_national_day_2026():
    assert not any(calendar.is_working_day(date(2026, 10, d)) for d in range(1, 8))
    assert calendar.is_working_day(date(2026, 10, 10))  # the make-up Saturday
    assert not calendar.is_working_day(date(2026, 10, 11))


# --- the simple procedure (Art. 51) and cash on the spot (Art. 68, 70) ---------------------------------------
@pytest.mark.parametrize(
    ("party_type", "ok", "too_much"),
    [(IND, "200.00", "200.01"), (ORG, "3000.00", "3000.01")],
)
def test_simple_procedure_fine_ceiling_per_party(category, party_type, ok, too_much):
    assert rules.simple_procedure_problem(category, party_type, fine(ok)) is None
    problem = rules.simple_procedure_problem(category, party_type, fine(too_much))
    assert "Art. 51" in problem and "general procedure" in problem
    assert f"{Decimal(too_much):,.2f}" in problem


def test_simple_procedure_a_warning_yes_other_penalties_no(category, general_category):
    warning = Proposal([PenaltyKind.WARNING], None, None, "", ORDER)
    assert rules.simple_procedure_problem(category, IND, warning) is None
    demolish = Proposal([PenaltyKind.DEMOLISH], None, None, "", ORDER)
    assert "Art. 51" in rules.simple_procedure_problem(category, IND, demolish)
    assert "may not be decided on the spot" in rules.simple_procedure_problem(general_category, IND, warning)


def test_cash_on_the_spot_at_most_100_yuan_with_a_receipt():
    assert rules.cash_problem(fine("100.00"), True, "NO.0001") is None
    assert "Art. 68" in rules.cash_problem(fine("100.01"), True, "NO.0001")
    assert "Art. 70" in rules.cash_problem(fine("100.00"), True, " ")
    assert rules.cash_problem(fine("150.00"), False, "") is None  # paid at the bank


# --- limitation (Art. 36) -----------------------------------------------------------------------------------
def test_limitation_two_years_to_the_day():
    act = date(2024, 3, 10)
    assert rules.limitation_problem(act, on=date(2026, 3, 10)) is None
    problem = rules.limitation_problem(act, on=date(2026, 3, 11))
    assert "Art. 36" in problem and "2024-03-10" in problem and "2 years" in problem


def test_limitation_five_years_where_safety_was_harmed():
    act = date(2021, 3, 10)
    assert rules.limitation_problem(act, harms_safety=True, on=date(2026, 3, 10)) is None
    assert "5 years" in rules.limitation_problem(act, harms_safety=True, on=date(2026, 3, 11))
    assert "2 years" in rules.limitation_problem(act, harms_safety=False, on=date(2026, 3, 10))


# --- the 90 days to decide (Art. 60) --------------------------------------------------------------------------
def test_decision_on_day_90_after_filing_yes_day_91_no():
    filed = at(2026, 6, 3, 9)  # + 90 days = Tuesday 1 September, a working day
    due = rules.decision_due(filed)
    assert due == end_of(2026, 9, 1)
    case = Case(decision_due_at=due)
    assert rules.decision_time_problem(case, at(2026, 9, 1, 23, 59)) is None
    problem = rules.decision_time_problem(case, at(2026, 9, 2, 0, 1))
    assert "Art. 60" in problem and "2026-09-01" in problem and "90 days" in problem


def test_an_approved_extension_of_10_days_moves_the_last_day():
    filed = at(2026, 6, 3, 9)
    due = rules.decision_due(filed, extended_days=10)
    assert due == end_of(2026, 9, 11)
    case = Case(decision_due_at=due, extended_days=10)
    assert rules.decision_time_problem(case, at(2026, 9, 2, 10)) is None
    assert rules.decision_time_problem(case, at(2026, 9, 11, 23, 59)) is None
    assert "100 days" in rules.decision_time_problem(case, at(2026, 9, 12, 0, 1))


def test_a_90th_day_in_the_national_day_holiday_ends_on_the_first_working_day_after_it():
    assert rules.decision_due(at(2026, 7, 4)) == end_of(2026, 10, 8)  # 4 July + 90 days = 2 October


# --- hearings (Art. 63, 64) ----------------------------------------------------------------------------------
def test_hearing_request_on_the_5th_working_day_yes_the_6th_no_across_national_day():
    notified = at(2026, 9, 28, 10)  # Mon; 29, 30 Sep, 8, 9 Oct and the make-up Saturday 10 Oct
    due = rules.hearing_request_due(notified)
    assert due == end_of(2026, 10, 10)
    case = Case(notified_at=notified, hearing_request_due_at=due)
    assert rules.hearing_request_problem(case, at(2026, 10, 10, 16)) is None
    problem = rules.hearing_request_problem(case, at(2026, 10, 12, 9))  # Monday, the 6th working day
    assert "Art. 64" in problem and "5 working days" in problem and "2026-10-10" in problem
    assert "before the advance notice" in rules.hearing_request_problem(case, at(2026, 9, 27))


def test_hearing_notice_7_working_days_ahead_across_national_day(make_user, district_a):
    officer, other, chair = (make_user("officer", unit=district_a) for _ in range(3))
    case = Case(handler=officer, co_handler=other)
    now = at(2026, 9, 28, 10)
    # 29, 30 Sep, 8, 9, 10 (make-up), 12, 13 Oct: the 7th working day is 13 October.
    assert rules.earliest_hearing_day(date(2026, 9, 28)) == date(2026, 10, 13)
    assert rules.hearing_schedule_problems(case, at(2026, 10, 13, 9), chair, now=now) == {}
    errors = rules.hearing_schedule_problems(case, at(2026, 10, 12, 15), chair, now=now)
    assert set(errors) == {"hearing_at"}
    assert "Art. 64" in errors["hearing_at"] and "2026-10-13" in errors["hearing_at"]
    errors = rules.hearing_schedule_problems(case, at(2026, 10, 13, 9), officer, now=now)
    assert set(errors) == {"chair"} and "did not investigate" in errors["chair"]


@pytest.mark.parametrize(("amount", "large"), [("3000.00", False), ("3000.01", True)])
def test_the_large_fine_threshold_gives_a_hearing_and_a_mandatory_legal_review(amount, large):
    case = Case(party=Party(party_type=IND))
    assert rules.hearing_qualifies(case, fine(amount)) is large
    reason = rules.legal_review_reason(case, fine(amount))
    assert (reason == "the fine is above the large-fine threshold") if large else reason is None


def test_heavy_penalty_kinds_give_a_hearing_whatever_the_amount():
    case = Case(party=Party(party_type=IND))
    for kind in (PenaltyKind.REVOKE_LICENCE, PenaltyKind.STOP_BUSINESS, PenaltyKind.DEMOLISH):
        assert rules.hearing_qualifies(case, Proposal([kind], None, None, "", ORDER))
    assert not rules.hearing_qualifies(case, Proposal([PenaltyKind.WARNING], None, None, "", ORDER))


def test_legal_review_is_mandatory_when_complex_public_interest_or_a_hearing_was_held():
    small = fine("500")
    assert rules.legal_review_reason(Case(party=Party(party_type=IND)), small) is None
    reasons = [
        rules.legal_review_reason(Case(party=Party(party_type=IND), **flag), small)
        for flag in (
            {"major_public_interest": True},
            {"is_complex": True},
            {"hearing_held_at": at(2026, 10, 1)},
        )
    ]
    assert reasons == ["it involves major public interest", "it is complex or major", "a hearing was held"]


# --- periods after the decision ---------------------------------------------------------------------------------
def test_service_within_7_working_days_across_national_day():
    # 30 Sep, 8, 9, 10 (make-up), 12, 13, 14 Oct.
    assert rules.service_due(at(2026, 9, 29, 15)) == end_of(2026, 10, 14)


def test_cash_handed_over_within_2_working_days_across_a_holiday_and_a_weekend():
    assert rules.cash_handover_due(at(2026, 9, 30, 16)) == end_of(2026, 10, 9)
    assert rules.cash_handover_due(at(2026, 11, 27, 16)) == end_of(2026, 12, 1)  # Fri → Tue


def test_bureau_filing_within_3_working_days_across_a_holiday_and_a_weekend():
    assert rules.bureau_filing_due(at(2026, 9, 30, 16)) == end_of(2026, 10, 10)  # the make-up Saturday
    assert rules.bureau_filing_due(at(2026, 11, 20, 16)) == end_of(2026, 11, 25)  # Fri → Wed


# --- the penalty itself ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("party_type", "amount", "inside"),
    [
        (IND, "49.99", False),
        (IND, "50.00", True),
        (IND, "10000.00", True),
        (IND, "10000.01", False),
        (ORG, "99.99", False),
        (ORG, "100000.00", True),
        (ORG, "100000.01", False),
    ],
)
def test_a_fine_inside_the_categorys_range_only(category, party_type, amount, inside):
    problem = rules.fine_range_problem(category, Decimal(amount), party_type)
    if inside:
        assert problem is None
    else:
        assert "outside this category's range" in problem and "Art. 34" in problem


def test_the_decision_is_never_heavier_than_the_notice():
    notified = fine("500")
    assert rules.not_more_than_notified_problem(fine("400"), notified) is None
    assert rules.not_more_than_notified_problem(fine("500.00"), notified) is None
    problem = rules.not_more_than_notified_problem(fine("500.01"), notified)
    assert "Art. 45" in problem and "500.01" in problem and "500.00" in problem


def test_a_penalty_kind_not_notified_is_refused():
    problem = rules.not_more_than_notified_problem(fine("400", PenaltyKind.SUSPEND_LICENCE), fine("500"))
    assert "Art. 45" in problem and "Suspension of a licence" in problem
    lighter = Proposal([PenaltyKind.WARNING], None, None, "", ORDER)
    assert rules.not_more_than_notified_problem(lighter, fine("500", PenaltyKind.WARNING)) is None


def test_one_act_one_fine_across_cases(district_a, category):
    party = PartyFactory()
    first = CaseFactory(unit=district_a, party=party, category=category, act_date=date(2026, 11, 20))
    CasePenalty.objects.create(
        case=first, stage=PenaltyStage.DECIDED, kind=PenaltyKind.FINE, amount=Decimal("150")
    )
    second = CaseFactory(unit=district_a, party=party, category=category, act_date=date(2026, 11, 20))
    problem = rules.same_act_problem(second, [PenaltyKind.FINE])
    assert "Art. 29" in problem and first.number in problem
    assert rules.same_act_problem(second, [PenaltyKind.WARNING]) is None  # not a second fine
    assert rules.same_act_problem(first, [PenaltyKind.FINE]) is None  # its own fine
    other_day = CaseFactory(unit=district_a, party=party, category=category, act_date=date(2026, 11, 21))
    assert rules.same_act_problem(other_day, [PenaltyKind.FINE]) is None
    other_party = CaseFactory(unit=district_a, category=category, act_date=date(2026, 11, 20))
    assert rules.same_act_problem(other_party, [PenaltyKind.FINE]) is None


def test_a_notified_fine_is_not_a_fine_imposed(district_a, category):
    party = PartyFactory()
    first = CaseFactory(unit=district_a, party=party, category=category, act_date=date(2026, 11, 20))
    CasePenalty.objects.create(
        case=first, stage=PenaltyStage.NOTIFIED, kind=PenaltyKind.FINE, amount=Decimal("150")
    )
    second = CaseFactory(unit=district_a, party=party, category=category, act_date=date(2026, 11, 20))
    assert rules.same_act_problem(second, [PenaltyKind.FINE]) is None


AMOUNTS = {PenaltyKind.FINE: ("500", None), PenaltyKind.CONFISCATE_GAINS: (None, "800")}


@pytest.mark.parametrize("kind", PenaltyKind.values)
def test_every_penalty_without_an_order_to_correct_is_refused(district_a, category, kind):
    case = CaseFactory(unit=district_a, category=category)
    amount, value = AMOUNTS.get(kind, (None, "800" if kind == PenaltyKind.CONFISCATE_PROPERTY else None))
    demolish = ("35.5", 30) if kind == PenaltyKind.DEMOLISH else (None, None)
    proposal = Proposal([kind], amount, value, "", " ", *demolish)
    errors = rules.proposal_problems(proposal, case)
    assert list(errors) == ["correction_order"] and "Art. 28" in errors["correction_order"]
    assert rules.proposal_problems(Proposal([kind], amount, value, "", ORDER, *demolish), case) == {}


@pytest.mark.parametrize("amount", ["-1", "0", "150.005"])
def test_a_fine_must_be_positive_and_in_yuan_and_fen(district_a, category, amount):
    case = CaseFactory(unit=district_a, category=category)
    errors = rules.proposal_problems(fine(amount), case)
    assert list(errors) == ["fine"]


def test_a_confiscation_value_in_yuan_and_fen(district_a, category):
    case = CaseFactory(unit=district_a, category=category)
    proposal = Proposal([PenaltyKind.CONFISCATE_GAINS], None, "80.123", "", ORDER)
    assert list(rules.proposal_problems(proposal, case)) == ["confiscation_value"]
    proposal = Proposal([PenaltyKind.CONFISCATE_GAINS], None, "-1", "", ORDER)
    assert list(rules.proposal_problems(proposal, case)) == ["confiscation_value"]


def test_a_fine_amount_without_the_penalty_fine_is_refused(district_a, category):
    case = CaseFactory(unit=district_a, category=category)
    proposal = Proposal([PenaltyKind.WARNING], "100", None, "", ORDER)
    assert list(rules.proposal_problems(proposal, case)) == ["fine"]


def test_an_expired_certificate_cannot_sign(make_user, district_a):
    officer = make_user("officer", unit=district_a)
    assert rules.signer_problem(officer) is None
    officer.certificate_expires = timezone.localdate() - timedelta(days=1)
    assert "Art. 42" in rules.signer_problem(officer)
    other = make_user("officer", unit=district_a)
    assert "Art. 42" in rules.officers_problem(other, other)
    assert "Art. 42" in rules.officers_problem(other, None)
    assert "Art. 42" in rules.officers_problem(other, officer)
