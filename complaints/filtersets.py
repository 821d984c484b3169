"""The complaint list's filters: one FilterSet for the API and the browser list. Each filter is a condition
on an indexed column: the unit subtree and the category family are resolved to literal id lists first (a
subquery there makes PostgreSQL guess a handful of rows where there are thousands); the free text is
answered by a trigram or bigram index on PostgreSQL (search.py)."""

from datetime import timedelta

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from enforcement.catalog.cached import category_family
from enforcement.filters import IdFilter, in_unit_subtree
from enforcement.keyset import Ordering, Orderings
from enforcement.workdays.calendar import start_of_day

from .choices import Channel, ComplaintStatus, Satisfaction
from .models import Complaint
from .search import MIN_TERM_CHARS, WINDOWS, clean_term, conditions


def paging_for(request, params, ordering, using="default"):
    """enforcement.keyset.paginate's options for a list with these query parameters: a free-text search is
    not counted beyond its first page and, newest first, is fetched in windows of receipt time (search.py)."""
    term = clean_term(params.get("q"))
    if len(term) < MIN_TERM_CHARS:
        return {}
    _check, narrow = conditions(term, getattr(request, "user", None), using)
    windows = WINDOWS if ordering.field == "received_at" else ()
    return {"count": False, "windows": windows, "narrow": narrow}


class DueState:
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    CHOICES = [(OVERDUE, _("Overdue")), (DUE_SOON, _("Due within a day"))]


class ComplaintFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search",
        label=_("Search"),
        min_length=MIN_TERM_CHARS,
        help_text=_(
            "Number, description or address (two characters or more); intake and supervisors also "
            "find a complainant's phone. A search is counted only when it fits on one page."
        ),
    )
    # distinct=False: the filters are on the complaint's own columns, there is nothing to de-duplicate, and
    # SELECT DISTINCT would sort every match (all columns) before the page is cut.
    status = django_filters.MultipleChoiceFilter(
        choices=ComplaintStatus.choices, label=_("Status"), distinct=False
    )
    channel = django_filters.MultipleChoiceFilter(choices=Channel.choices, label=_("Channel"), distinct=False)
    category = IdFilter(method="filter_category", label=_("Category (with sub-categories)"))
    unit = IdFilter(method="filter_unit", label=_("Unit (with sub-units)"))
    grid = IdFilter(field_name="grid_id", label=_("Grid"))
    handler = IdFilter(field_name="handler_id", label=_("Handler"))
    received_from = django_filters.DateFilter(
        method="filter_received_from",
        label=_("Received from"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    received_to = django_filters.DateFilter(
        method="filter_received_to", label=_("Received until"), widget=forms.DateInput(attrs={"type": "date"})
    )
    due = django_filters.ChoiceFilter(
        choices=DueState.CHOICES, method="filter_due", label=_("Deadline"), empty_label=_("Any")
    )
    satisfaction = django_filters.ChoiceFilter(
        choices=Satisfaction.choices, label=_("Satisfaction"), empty_label=_("Any")
    )
    on_the_spot = django_filters.BooleanFilter(label=_("Fixed on the spot"))

    class Meta:
        model = Complaint
        fields = []

    def search(self, queryset, name, value):
        term = clean_term(value)
        if not term:
            return queryset
        check, _narrow = conditions(term, getattr(self.request, "user", None), queryset.db)
        return queryset.filter(check)

    def filter_category(self, queryset, name, value):
        return queryset.filter(category_id__in=category_family(value))

    def filter_unit(self, queryset, name, value):
        return in_unit_subtree(queryset, value, getattr(self.request, "user", None))

    def filter_received_from(self, queryset, name, value):
        return queryset.filter(received_at__gte=start_of_day(value))

    def filter_received_to(self, queryset, name, value):
        return queryset.filter(received_at__lt=start_of_day(value + timedelta(days=1)))

    def filter_due(self, queryset, name, value):
        return queryset.overdue() if value == DueState.OVERDUE else queryset.due_soon()


# --- sort orders (keyset pagination walks the matching composite index) ------------------------------
ORDERINGS = Orderings(
    {
        "-received_at": (_("Newest first"), Ordering("received_at", descending=True)),
        "received_at": (_("Oldest first"), Ordering("received_at", descending=False)),
        "due_at": (_("Deadline, soonest first"), Ordering("due_at", descending=False, nullable=True)),
        "-due_at": (_("Deadline, latest first"), Ordering("due_at", descending=True, nullable=True)),
    },
    default="-received_at",
)
