"""The penalties' statistics source: fines decided as they stand, money collected, confiscations, seizures
by kind, demolitions and reviews, each on the date of its own event, in the case's unit — checked at the
edges on hand-built records through the real registry, recompute and read."""

import datetime as dt
from decimal import Decimal
from itertools import count

import pytest
from django.utils import timezone

from cases.choices import CaseStatus, PenaltyKind, PenaltyStage, Procedure
from cases.models import CasePenalty
from cases.tests.factories import CaseFactory
from enforcement.stats import measures, read
from enforcement.stats.compute import recompute
from enforcement.stats.measures import Period

from .. import stats
from ..choices import DemolitionStatus, ExecutionStatus, ItemKind, PaymentChannel, ReviewKind, ReviewOutcome
from ..models import Demolition, Execution, Payment, Review, SeizedItem, Seizure

TZ = timezone.get_default_timezone()
MARCH, APRIL = Period.of(2026, 3), Period.of(2026, 4)
SLUGS = [m.slug for m in stats.MEASURES]
LAST_DAY, NEXT_DAY = dt.date(2026, 3, 31), dt.date(2026, 4, 1)
SERIAL = count(1)


def at(month, day, hour=10, minute=0):
    return dt.datetime(2026, month, day, hour, minute, tzinfo=TZ)


def figures(unit, period=MARCH):
    recompute(period)
    found = read.totals(unit, period)
    return {slug: Decimal(found.get(slug) or 0) for slug in SLUGS}


@pytest.fixture
def clerk(make_user, squad_a):
    return make_user("officer", unit=squad_a)


@pytest.fixture
def decided(category, squad_a):
    """A general case with a fine decided at `decided_at`."""

    def make(fine="1000", decided_at=None, unit=squad_a, **fields):
        fields.setdefault("procedure", Procedure.GENERAL)
        case = CaseFactory(
            unit=unit,
            category=category,
            status=CaseStatus.EXECUTING,
            decided_at=decided_at or at(3, 10),
            fine_decided=Decimal(fine),
            **fields,
        )
        CasePenalty.objects.create(case=case, stage=PenaltyStage.DECIDED, kind=PenaltyKind.FINE, amount=fine)
        return case

    return make


def execution_of(case, status=ExecutionStatus.AWAITING):
    n = next(SERIAL)
    return Execution.objects.create(
        case=case,
        unit=case.unit,
        status=status,
        decision_number=f"决字〔2026〕{n}号",
        payment_code=f"PC{n:08d}",
        fine=case.fine_decided,
        original_fine=case.fine_decided,
        served_on=dt.date(2026, 3, 1),
        due_on=dt.date(2026, 3, 16),
    )


def pay(execution, amount, paid_on, by):
    return Payment.objects.create(
        execution=execution,
        channel=PaymentChannel.BANK,
        reference=f"BANK{next(SERIAL)}",
        amount=Decimal(amount),
        paid_on=paid_on,
        recorded_by=by,
    )


def review(case, by, kind=ReviewKind.RECONSIDERATION, filed_on=dt.date(2026, 3, 5), **fields):
    return Review.objects.create(
        case=case,
        unit=case.unit,
        kind=kind,
        body="市人民政府",
        filed_on=filed_on,
        window_ends_on=dt.date(2026, 5, 1),
        recorded_by=by,
        **fields,
    )


def test_the_source_is_registered_from_ready():
    assert any(source is stats.SOURCE for source in measures.sources())
    assert measures.get("fines_decided").unit == "yuan"
    assert measures.get("area_demolished").unit == "m2"
    assert measures.get("lawsuits_upheld").family == "reviews"
    for item in stats.MEASURES:
        assert str(item.label) and str(item.definition).endswith(".")


def test_fines_decided_count_what_stands(decided, squad_a, clerk):
    decided("1000")
    varied = decided("2000")
    review(
        varied,
        clerk,
        outcome=ReviewOutcome.VARIED,
        outcome_on=dt.date(2026, 4, 2),
        varied_fine=Decimal("800"),
    )
    revoked = decided("5000")
    review(revoked, clerk, outcome=ReviewOutcome.REVOKED, outcome_on=dt.date(2026, 4, 3))
    execution_of(decided("7000"), ExecutionStatus.REVOKED)
    upheld = decided("300")
    review(
        upheld,
        clerk,
        kind=ReviewKind.LITIGATION,
        outcome=ReviewOutcome.UPHELD,
        outcome_on=dt.date(2026, 4, 3),
    )
    decided("9000", decided_at=at(4, 1, 0, 0))  # April
    assert figures(squad_a)["fines_decided"] == Decimal("2100.00")  # 1000 + 800 (varied) + 300


def test_a_decision_at_the_months_last_minute_is_march(decided, squad_a):
    decided("100", decided_at=at(3, 31, 23, 59))
    decided("200", decided_at=at(4, 1, 0, 0))
    assert figures(squad_a)["fines_decided"] == Decimal("100")
    assert figures(squad_a, APRIL)["fines_decided"] == Decimal("200")


def test_confiscations_of_decisions_made_in_the_month(decided, squad_a, clerk):
    case = decided("500")
    CasePenalty.objects.create(
        case=case, stage=PenaltyStage.DECIDED, kind=PenaltyKind.CONFISCATE_GAINS, amount=300
    )
    CasePenalty.objects.create(
        case=case, stage=PenaltyStage.NOTIFIED, kind=PenaltyKind.CONFISCATE_GAINS, amount=900
    )
    CasePenalty.objects.create(
        case=case, stage=PenaltyStage.DECIDED, kind=PenaltyKind.CONFISCATE_PROPERTY, amount=Decimal("45.50")
    )
    gone = decided("100")
    CasePenalty.objects.create(
        case=gone, stage=PenaltyStage.DECIDED, kind=PenaltyKind.CONFISCATE_GAINS, amount=70
    )
    review(gone, clerk, outcome=ReviewOutcome.REVOKED, outcome_on=dt.date(2026, 4, 3))
    assert figures(squad_a)["confiscations"] == Decimal("345.50")


def test_fines_collected_sum_partial_payments_and_leave_out_revoked(decided, squad_a, clerk):
    execution = execution_of(decided("1000", decided_at=at(2, 10)))  # decided in February, paid in March
    pay(execution, "300", dt.date(2026, 3, 1), clerk)
    pay(execution, "250.50", LAST_DAY, clerk)
    pay(execution, "449.50", NEXT_DAY, clerk)
    revoked = execution_of(decided("800"), ExecutionStatus.REVOKED)
    pay(revoked, "800", dt.date(2026, 3, 12), clerk)
    assert figures(squad_a)["fines_collected"] == Decimal("550.50")
    assert figures(squad_a, APRIL)["fines_collected"] == Decimal("449.50")


def test_a_surcharge_paid_is_counted_apart_from_the_fine(decided, squad_a, clerk):
    """The payment's surcharge part (set by the ledger when a payment is recorded: the fine first) counts
    under surcharges collected, the rest under fines collected."""
    execution = execution_of(decided("1000", decided_at=at(2, 10)))
    pay(execution, "1000", dt.date(2026, 3, 20), clerk)
    late = pay(execution, "120", dt.date(2026, 3, 25), clerk)
    Payment.objects.filter(pk=late.pk).update(surcharge_part=Decimal("120"))
    found = figures(squad_a)
    assert (found["fines_collected"], found["surcharges_collected"]) == (Decimal("1000"), Decimal("120"))


def test_seizures_by_kind_on_the_seizure_date(decided, squad_a, clerk):
    case = decided()

    def seize(seized_on, *items):
        seizure = Seizure.objects.create(
            case=case,
            unit=squad_a,
            custody_place="暂扣物品仓库",
            seized_on=seized_on,
            limit_on=seized_on + dt.timedelta(days=30),
            created_by=clerk,
        )
        for kind, quantity in items:
            SeizedItem.objects.create(seizure=seizure, kind=kind, description="物", quantity=quantity)

    seize(dt.date(2026, 3, 2), (ItemKind.VEHICLE, 2), (ItemKind.GOODS, 15))
    seize(LAST_DAY, (ItemKind.EQUIPMENT, 1), (ItemKind.VEHICLE, 1))
    seize(NEXT_DAY, (ItemKind.VEHICLE, 4))
    found = figures(squad_a)
    assert (found["seized_vehicles"], found["seized_goods"], found["seized_equipment"]) == (3, 15, 1)
    assert figures(squad_a, APRIL)["seized_vehicles"] == 4


def test_area_demolished_only_when_demolished_or_forced(decided, squad_a):
    def demolition(status, demolished_on, area):
        return Demolition.objects.create(
            case=decided(),
            unit=squad_a,
            status=status,
            area_ordered=Decimal("100"),
            deadline_on=dt.date(2026, 3, 1),
            deadline_at=at(3, 1, 23, 59),
            demolished_on=demolished_on,
            area_demolished=area,
        )

    demolition(DemolitionStatus.DEMOLISHED, dt.date(2026, 3, 5), Decimal("80.25"))
    demolition(DemolitionStatus.FORCED, LAST_DAY, Decimal("40"))
    demolition(DemolitionStatus.REVOKED, dt.date(2026, 3, 6), Decimal("500"))  # the order was revoked
    demolition(DemolitionStatus.FORCED, NEXT_DAY, Decimal("7"))
    found = figures(squad_a)
    assert (found["area_demolished"], found["demolitions"]) == (Decimal("120.25"), 2)
    assert figures(squad_a, APRIL)["area_demolished"] == Decimal("7")


def test_reviews_filed_and_by_outcome_on_the_date_received(decided, squad_a, clerk):
    case = decided()
    review(case, clerk, filed_on=LAST_DAY)
    review(case, clerk, kind=ReviewKind.LITIGATION, filed_on=NEXT_DAY)
    review(
        case,
        clerk,
        filed_on=dt.date(2026, 1, 5),
        outcome=ReviewOutcome.UPHELD,
        outcome_on=dt.date(2026, 2, 27),
        outcome_received_on=dt.date(2026, 3, 2),  # decided in February, received in March
    )
    review(
        case,
        clerk,
        kind=ReviewKind.LITIGATION,
        filed_on=dt.date(2026, 1, 5),
        outcome=ReviewOutcome.DISMISSED,
        outcome_on=dt.date(2026, 3, 20),  # no day of receipt: its own day
    )
    review(
        case,
        clerk,
        kind=ReviewKind.LITIGATION,
        filed_on=dt.date(2026, 1, 5),
        outcome=ReviewOutcome.REVOKED,
        outcome_on=LAST_DAY,
        outcome_received_on=NEXT_DAY,
    )
    found = figures(squad_a)
    assert (found["reconsiderations_filed"], found["lawsuits_filed"]) == (1, 0)
    assert found["reconsiderations_upheld"] == 1 and found["lawsuits_upheld"] == 0
    assert found["lawsuits_dismissed"] == 1 and found["lawsuits_revoked"] == 0
    april = figures(squad_a, APRIL)
    assert (april["lawsuits_filed"], april["lawsuits_revoked"]) == (1, 1)


def test_a_unit_moved_in_the_tree_takes_its_figures_along(decided, squad_a, district_a, district_b, clerk):
    pay(execution_of(decided("600")), "600", dt.date(2026, 3, 8), clerk)
    assert figures(district_a)["fines_collected"] == Decimal("600")
    squad_a.parent = district_b
    squad_a.save()
    assert figures(district_a)["fines_collected"] == 0
    assert figures(district_b)["fines_collected"] == Decimal("600")
    assert figures(district_b)["fines_decided"] == Decimal("600")


def test_the_changed_cases_are_those_with_records_of_the_month(decided, squad_a, squad_b, clerk):
    since = timezone.now() - dt.timedelta(minutes=1)
    paid = decided("400", decided_at=at(1, 10))
    pay(execution_of(paid), "400", dt.date(2026, 3, 8), clerk)
    mine = decided("100")
    decided("100", decided_at=at(4, 2))  # another month
    decided("100", unit=squad_b)  # another unit
    assert list(stats.changed(MARCH, [squad_a.pk], since)) == sorted([paid, mine], key=lambda c: c.pk)
    assert list(stats.changed(MARCH, [squad_a.pk], timezone.now() + dt.timedelta(minutes=1))) == []
