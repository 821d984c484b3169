"""What cases count in the monthly statistics (PRODUCT §9).

Each measure counts on the local date of its own event, in the case's unit and category: a case filed in
March counts in March's "filed" even if decided in April. The general procedure (一般程序) is counted by its
filing, decision and closing; the simple procedure (简易程序, Art. 51) by its on-the-spot decision.
"""

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcement.stats.measures import Measure, Source, Tally

from .choices import CaseStatus, PenaltyStage, Procedure
from .models import Case, CasePenalty

CASES = "cases"
GENERAL, SIMPLE = Q(procedure=Procedure.GENERAL), Q(procedure=Procedure.SIMPLE)


def in_month(field, period):
    return Q(**{f"{field}__gte": period.start, f"{field}__lt": period.end})


def decided_penalty():
    """A decision imposing a penalty has decided-stage penalty rows; 不予处罚 (Art. 30–33) has none."""
    return Exists(CasePenalty.objects.filter(case=OuterRef("pk"), stage=PenaltyStage.DECIDED))


def tallies(period):
    decided = Case.objects.filter(in_month("decided_at", period)).annotate(penalised=decided_penalty())
    yield Tally(
        decided,
        {
            "cases_simple": Count("id", filter=SIMPLE),
            "cases_decided": Count("id", filter=GENERAL & Q(penalised=True)),
            "cases_no_penalty": Count("id", filter=GENERAL & Q(penalised=False)),
        },
    )
    yield Tally(
        Case.objects.filter(in_month("filed_at", period)), {"cases_filed": Count("id", filter=GENERAL)}
    )
    yield Tally(
        Case.objects.filter(in_month("closed_at", period)), {"cases_closed": Count("id", filter=GENERAL)}
    )
    # The case has no time of transfer of its own: a transferred case is final (Art. 27), so its last change
    # is the transfer.
    yield Tally(
        Case.objects.filter(in_month("updated_at", period), status=CaseStatus.TRANSFERRED),
        {"cases_transferred": Count("id")},
    )


def in_period(period):
    """The cases one of whose counted events falls in the month."""
    fields = ("filed_at", "decided_at", "closed_at")
    found = Q(status=CaseStatus.TRANSFERRED) & in_month("updated_at", period)
    for name in fields:
        found |= in_month(name, period)
    return found


def changed(period, unit_ids, since):
    """The month's cases of those units changed since `since` (a lock's corrections name them)."""
    return (
        Case.objects.filter(in_period(period), unit_id__in=unit_ids, updated_at__gt=since)
        .only("number", "facts")  # str() and get_absolute_url()
        .order_by("id")
    )


def case_dates(case):
    moments = (case.filed_at, case.decided_at, case.closed_at, case.updated_at)
    return [timezone.localdate(moment) for moment in moments if moment]


MEASURES = [
    Measure(
        "cases_simple",
        _("Simple-procedure cases"),
        _(
            "Penalties decided on the spot under the simple procedure, counted on the local date of the "
            "decision, in the case's unit."
        ),
        CASES,
    ),
    Measure(
        "cases_filed",
        _("Cases filed"),
        _("General-procedure cases filed, counted on the local date of filing, in the case's unit."),
        CASES,
    ),
    Measure(
        "cases_decided",
        _("Penalty decisions made"),
        _(
            "General-procedure cases with a penalty decided, counted on the local date of the decision, "
            "in the case's unit."
        ),
        CASES,
    ),
    Measure(
        "cases_closed",
        _("Cases closed"),
        _("General-procedure cases closed, counted on the local date of closing, in the case's unit."),
        CASES,
    ),
    Measure(
        "cases_no_penalty",
        _("No-penalty decisions"),
        _(
            "General-procedure cases decided with no penalty, counted on the local date of that decision, "
            "in the case's unit."
        ),
        CASES,
    ),
    Measure(
        "cases_transferred",
        _("Cases transferred"),
        _(
            "Cases transferred to another authority, counted on the local date of their last change (the "
            "case keeps no time of transfer of its own), in the case's unit."
        ),
        CASES,
    ),
]
SOURCE = Source(
    family=CASES,
    name="cases",
    measures=MEASURES,
    tallies=tallies,
    changed=changed,
    watch=[(Case, case_dates)],
)
