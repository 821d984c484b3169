"""What penalties, their execution and their reviews count in the monthly statistics (PRODUCT §9).

Each measure counts on the local date of its own event (a decision, a payment, a seizure, a demolition,
a review filed or its outcome received), in the case's unit and category. A decision revoked on review
(撤销) counts nothing; one varied (变更) counts the fine as varied.
"""

from django.db.models import Count, DecimalField, Exists, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.choices import PenaltyKind, PenaltyStage
from cases.models import Case, CasePenalty
from cases.stats import in_month
from enforcement.stats.measures import Measure, Source, Tally, Unit

from .choices import DemolitionStatus, ExecutionStatus, ItemKind, ReviewKind, ReviewOutcome
from .models import Demolition, Execution, Payment, Review, SeizedItem, Seizure

PENALTIES, REVIEWS = "penalties", "reviews"
CASE_KEYS = {"unit": "case__unit_id", "category": "case__category_id"}
DEMOLISHED = Q(status__in=(DemolitionStatus.DEMOLISHED, DemolitionStatus.FORCED))
CONFISCATIONS = (PenaltyKind.CONFISCATE_GAINS, PenaltyKind.CONFISCATE_PROPERTY)
# The slugs of the reviews' measures: (kind, its plural in slugs).
KINDS = ((ReviewKind.RECONSIDERATION, "reconsiderations"), (ReviewKind.LITIGATION, "lawsuits"))
SEIZED = {
    ItemKind.VEHICLE: "seized_vehicles",
    ItemKind.GOODS: "seized_goods",
    ItemKind.EQUIPMENT: "seized_equipment",
}
OUTCOMES = [outcome for outcome in ReviewOutcome if outcome != ReviewOutcome.PENDING]


def in_days(field, period):
    return Q(**{f"{field}__gte": period.first_day, f"{field}__lt": period.next_first_day})


def _revoked(case_ref):
    """Revoked on review (行政复议法 Art. 64, 行政诉讼法 Art. 70) or its execution ended as revoked."""
    reviews = Review.objects.filter(case=OuterRef(case_ref), outcome=ReviewOutcome.REVOKED)
    executions = Execution.objects.filter(case=OuterRef(case_ref), status=ExecutionStatus.REVOKED)
    return Exists(reviews) | Exists(executions)


def _varied_fine():
    """The fine as last varied on review, if it was."""
    varied = Review.objects.filter(
        case=OuterRef("pk"), outcome=ReviewOutcome.VARIED, varied_fine__isnull=False
    )
    return Subquery(varied.order_by("-outcome_on", "-id").values("varied_fine")[:1])


def tallies(period):
    money = DecimalField(max_digits=14, decimal_places=2)
    decided = (
        Case.objects.filter(in_month("decided_at", period), fine_decided__isnull=False)
        .annotate(revoked=_revoked("pk"))
        .annotate(standing=Coalesce(_varied_fine(), "fine_decided", output_field=money))
    )
    yield Tally(decided, {"fines_decided": Sum("standing", filter=Q(revoked=False))})
    confiscated = CasePenalty.objects.filter(
        in_month("case__decided_at", period), stage=PenaltyStage.DECIDED, kind__in=CONFISCATIONS
    ).annotate(revoked=_revoked("case_id"))
    yield Tally(confiscated, {"confiscations": Sum("amount", filter=Q(revoked=False))}, **CASE_KEYS)
    standing = ~Q(execution__status=ExecutionStatus.REVOKED)
    yield Tally(
        Payment.objects.filter(in_days("paid_on", period)),
        {
            "fines_collected": Sum(F("amount") - F("surcharge_part"), filter=standing, output_field=money),
            "surcharges_collected": Sum("surcharge_part", filter=standing),
        },
        unit="execution__case__unit_id",
        category="execution__case__category_id",
    )
    yield Tally(
        SeizedItem.objects.filter(in_days("seizure__seized_on", period)),
        {slug: Sum("quantity", filter=Q(kind=kind)) for kind, slug in SEIZED.items()},
        unit="seizure__case__unit_id",
        category="seizure__case__category_id",
    )
    yield Tally(
        Demolition.objects.filter(in_days("demolished_on", period)),
        {
            "area_demolished": Sum("area_demolished", filter=DEMOLISHED),
            "demolitions": Count("id", filter=DEMOLISHED),
        },
        **CASE_KEYS,
    )
    yield Tally(
        Review.objects.filter(in_days("filed_on", period)),
        {f"{plural}_filed": Count("id", filter=Q(kind=kind)) for kind, plural in KINDS},
        **CASE_KEYS,
    )
    yield Tally(
        # Without a day of receipt recorded, the outcome's own day (models.Review.outcome_received_on).
        Review.objects.annotate(received=Coalesce("outcome_received_on", "outcome_on")).filter(
            in_days("received", period)
        ),
        {
            f"{plural}_{outcome}": Count("id", filter=Q(kind=kind, outcome=outcome))
            for kind, plural in KINDS
            for outcome in OUTCOMES
        },
        **CASE_KEYS,
    )


def changed(period, unit_ids, since):
    """The cases of those units whose penalty records counted in the month changed since `since`."""
    found = (
        Q(in_month("decided_at", period), updated_at__gt=since)
        | Q(in_days("execution__payments__paid_on", period), execution__updated_at__gt=since)
        | Q(in_days("seizures__seized_on", period), seizures__updated_at__gt=since)
        | Q(in_days("demolition__demolished_on", period), demolition__updated_at__gt=since)
        | Q(in_days("reviews__filed_on", period), reviews__recorded_at__gt=since)
        | Q(in_days("reviews__outcome_received_on", period), reviews__recorded_at__gt=since)
        | Q(in_days("reviews__outcome_on", period), reviews__recorded_at__gt=since)
    )
    matching = Case.objects.filter(found, unit_id__in=unit_ids).values("pk")
    return Case.objects.filter(pk__in=matching).only("number", "facts").order_by("id")  # str(), the URL


def _local(moment):
    return timezone.localdate(moment) if moment else None


def _case_decided(record):
    return _local(record.case.decided_at)


MEASURES = [
    Measure(
        "fines_decided",
        _("Fines decided"),
        _(
            "Fines in the penalty decisions made in the month (both procedures), counted on the local date "
            "of the decision, as they stand: a decision varied on review counts the varied fine, one "
            "revoked counts nothing."
        ),
        PENALTIES,
        unit=Unit.YUAN,
    ),
    Measure(
        "fines_collected",
        _("Fines collected"),
        _(
            "Money received against the fines of penalty decisions, partial payments and instalments "
            "included, counted on the date paid; a late payment surcharge paid with it is counted under "
            "surcharges collected, and payments of a revoked decision are left out."
        ),
        PENALTIES,
        unit=Unit.YUAN,
    ),
    Measure(
        "surcharges_collected",
        _("Surcharges collected"),
        _(
            "Late payment surcharges (加处罚款, Administrative Penalty Law Art. 72) received, counted on the "
            "date paid: the part of a payment beyond the fine still unpaid, since a payment pays the fine "
            "first; payments of a revoked decision are left out."
        ),
        PENALTIES,
        unit=Unit.YUAN,
    ),
    Measure(
        "confiscations",
        _("Confiscations"),
        _(
            "The value of illegal gains and illegal property confiscated in the penalty decisions made in "
            "the month, counted on the local date of the decision; revoked decisions are left out."
        ),
        PENALTIES,
        unit=Unit.YUAN,
    ),
    Measure(
        "seized_vehicles",
        _("Vehicles seized"),
        _("Vehicles seized or sealed, by quantity, counted on the date of the seizure."),
        PENALTIES,
    ),
    Measure(
        "seized_goods",
        _("Goods seized"),
        _("Goods seized or sealed, by quantity, counted on the date of the seizure."),
        PENALTIES,
    ),
    Measure(
        "seized_equipment",
        _("Equipment seized"),
        _("Tools and equipment seized or sealed, by quantity, counted on the date of the seizure."),
        PENALTIES,
    ),
    Measure(
        "area_demolished",
        _("Area demolished"),
        _(
            "Square metres of illegal structures demolished, by the party or by force, counted on the date "
            "demolished."
        ),
        PENALTIES,
        unit=Unit.SQUARE_METRES,
    ),
    Measure(
        "demolitions",
        _("Demolitions"),
        _("Orders to demolish carried out, by the party or by force, counted on the date demolished."),
        PENALTIES,
    ),
    Measure(
        "reconsiderations_filed",
        _("Reconsiderations filed"),
        _("Applications for administrative reconsideration of a decision, counted on the date filed."),
        REVIEWS,
    ),
    Measure(
        "lawsuits_filed",
        _("Lawsuits filed"),
        _("Administrative lawsuits against a decision, counted on the date filed."),
        REVIEWS,
    ),
]
_OUTCOME_WORDS = {
    (ReviewKind.RECONSIDERATION, ReviewOutcome.UPHELD): (
        _("Reconsiderations: upheld"),
        _(
            "Reconsiderations whose decision upheld ours, counted on the date the outcome was received (or, not recorded, its date)."
        ),
    ),
    (ReviewKind.RECONSIDERATION, ReviewOutcome.VARIED): (
        _("Reconsiderations: varied"),
        _(
            "Reconsiderations whose decision varied ours, counted on the date the outcome was received (or, not recorded, its date)."
        ),
    ),
    (ReviewKind.RECONSIDERATION, ReviewOutcome.REVOKED): (
        _("Reconsiderations: revoked"),
        _(
            "Reconsiderations whose decision revoked ours, counted on the date the outcome was received (or, not recorded, its date)."
        ),
    ),
    (ReviewKind.RECONSIDERATION, ReviewOutcome.DECLARED_UNLAWFUL): (
        _("Reconsiderations: declared unlawful"),
        _(
            "Reconsiderations whose decision declared ours unlawful, counted on the date the outcome was "
            "received (or, not recorded, its date)."
        ),
    ),
    (ReviewKind.RECONSIDERATION, ReviewOutcome.DISMISSED): (
        _("Reconsiderations: dismissed"),
        _(
            "Reconsiderations dismissed, counted on the date the outcome was received (or, not recorded, its date)."
        ),
    ),
    (ReviewKind.LITIGATION, ReviewOutcome.UPHELD): (
        _("Lawsuits: upheld"),
        _(
            "Lawsuits whose judgment upheld our decision, counted on the date the judgment was received (or, not recorded, its date)."
        ),
    ),
    (ReviewKind.LITIGATION, ReviewOutcome.VARIED): (
        _("Lawsuits: varied"),
        _(
            "Lawsuits whose judgment varied our decision, counted on the date the judgment was received (or, not recorded, its date)."
        ),
    ),
    (ReviewKind.LITIGATION, ReviewOutcome.REVOKED): (
        _("Lawsuits: revoked"),
        _(
            "Lawsuits whose judgment revoked our decision, counted on the date the judgment was received (or, not recorded, its date)."
        ),
    ),
    (ReviewKind.LITIGATION, ReviewOutcome.DECLARED_UNLAWFUL): (
        _("Lawsuits: declared unlawful"),
        _(
            "Lawsuits whose judgment declared our decision unlawful, counted on the date the judgment was "
            "received (or, not recorded, its date)."
        ),
    ),
    (ReviewKind.LITIGATION, ReviewOutcome.DISMISSED): (
        _("Lawsuits: dismissed"),
        _(
            "Lawsuits whose claim was dismissed, counted on the date the judgment was received (or, not recorded, its date)."
        ),
    ),
}
MEASURES += [
    Measure(f"{plural}_{outcome}", *_OUTCOME_WORDS[kind, outcome], REVIEWS)
    for kind, plural in KINDS
    for outcome in OUTCOMES
]
SOURCE = Source(
    family=PENALTIES,
    name="penalties",
    measures=MEASURES,
    tallies=tallies,
    changed=changed,
    watch=[
        (Case, lambda case: [_local(case.decided_at)]),
        (CasePenalty, lambda penalty: [_case_decided(penalty)]),
        (Execution, lambda e: [_case_decided(e), *e.payments.values_list("paid_on", flat=True)]),
        (Payment, lambda payment: [payment.paid_on]),
        (Seizure, lambda seizure: [seizure.seized_on]),
        (SeizedItem, lambda item: [item.seizure.seized_on]),
        (Demolition, lambda demolition: [demolition.demolished_on]),
        (
            Review,
            lambda review: [
                review.filed_on,
                review.outcome_received_on or review.outcome_on,
                _case_decided(review),
            ],
        ),
    ],
)
