"""The penalties' list filters: one FilterSet per list for the API and the browser list alike (the unpaid
list, the orders to demolish), as cases/filtersets.py. Each filter is a condition on an indexed column but
one, said where it is; the unit subtree is resolved to a literal id list first, as the cases' list does."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcement.filters import CheckboxFilter, UnitFilter
from enforcement.keyset import Ordering, Orderings
from enforcement.org.forms import BootstrapFormMixin

from .choices import DEMOLITION_LIVE, LIVE, DemolitionStatus, ExecutionStatus
from .models import Demolition, Execution

MIN_TERM_CHARS = 2
MAX_TERM_CHARS = 64
LIVE_STATUS = "live"  # a status value of both lists: every status still in progress


class FiltersForm(BootstrapFormMixin, forms.Form):
    """The filters' form, as the list page renders it (the API reads the same fields)."""


def _status_filter(choices, live_label):
    return django_filters.MultipleChoiceFilter(
        method="filter_status", choices=[(LIVE_STATUS, live_label), *choices], label=_("Status")
    )


class _PenaltyListFilterSet(django_filters.FilterSet):
    """What both lists share: status (any of several; `live`: every status still in progress), the unit
    subtree, overdue only."""

    live_statuses = frozenset()
    unit = UnitFilter()
    overdue = CheckboxFilter(method="filter_overdue", label=_("Overdue only"))

    def filter_status(self, queryset, name, value):
        statuses = set(value)
        if LIVE_STATUS in statuses:
            statuses = (statuses - {LIVE_STATUS}) | self.live_statuses
        return queryset.filter(status__in=sorted(statuses))


class ExecutionFilterSet(_PenaltyListFilterSet):
    q = django_filters.CharFilter(
        method="search",
        label=_("Decision number or payment code"),
        min_length=MIN_TERM_CHARS,
        max_length=MAX_TERM_CHARS,
        help_text=_("The decision number or the payment code, exactly as printed."),
    )
    status = _status_filter(ExecutionStatus.choices, _("Still being collected"))
    live_statuses = LIVE

    class Meta:
        model = Execution
        fields = []
        form = FiltersForm

    def search(self, queryset, name, value):
        term = (value or "").strip()
        # Both are exact codes printed on the decision: an index probe each, no text search.
        return queryset.filter(Q(decision_number=term) | Q(payment_code=term)) if term else queryset

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        # Past its due date with something still owed (owed_fen: with_money's annotation).
        return queryset.filter(status__in=sorted(LIVE), due_on__lt=timezone.localdate(), owed_fen__gt=0)


# The live list by due date walks the `execution_live` index (status, unit, due_on).
EXECUTION_ORDERINGS = Orderings(
    {
        "due_on": (_("Due date, oldest first"), Ordering("due_on", descending=False)),
        "-due_on": (_("Due date, newest first"), Ordering("due_on", descending=True)),
    },
    default="due_on",
)


class DemolitionFilterSet(_PenaltyListFilterSet):
    q = django_filters.CharFilter(
        method="search",
        label=_("Decision number, case number or party"),
        min_length=MIN_TERM_CHARS,
        max_length=MAX_TERM_CHARS,
        help_text=_("The decision number or the case number as printed, or part of the party's name."),
    )
    status = _status_filter(DemolitionStatus.choices, _("Still being carried out"))
    live_statuses = DEMOLITION_LIVE

    class Meta:
        model = Demolition
        fields = []
        form = FiltersForm

    def search(self, queryset, name, value):
        term = (value or "").strip()
        if not term:
            return queryset
        # The numbers are index probes; the party's name is not index-backed (a scan of the scope's orders,
        # joined to their parties): the orders to demolish are few beside the cases.
        return queryset.filter(
            Q(decision_number=term)
            | Q(case__number__in=sorted({term, term.upper()}))
            | Q(case__party__name__icontains=term)
        )

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        # Its current deadline passed with the structure standing: the indexes (status, deadline_at) and
        # (status, notice_deadline_at).
        now = timezone.now()
        return queryset.filter(
            Q(status=DemolitionStatus.ORDERED, deadline_at__lt=now)
            | Q(status=DemolitionStatus.NOTICED, notice_deadline_at__lt=now)
        )
