"""The case list's filters: one FilterSet for the API and the browser list (status, procedure, unit subtree,
category family, officer, party, date range, overdue deadline, free text). Each filter is a condition on an
indexed column; the unit subtree and the category family are resolved to literal id lists first, as the
complaints' list does."""

from datetime import timedelta

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enforcement.catalog.cached import category_family
from enforcement.catalog.choices import PartyType
from enforcement.filters import IdFilter, in_unit_subtree
from enforcement.keyset import Ordering, Orderings
from enforcement.workdays.calendar import start_of_day

from .choices import CaseSource, CaseStatus, Procedure
from .models import Case, Party

MIN_TERM_CHARS = 2
PARTY_IDS = 2000
ADDRESS_TERM_CHARS = 3  # a trigram index finds nothing shorter: a two-character place would read every case


class DueState:
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    CHOICES = [(OVERDUE, _("Overdue")), (DUE_SOON, _("Due within a day"))]


class CaseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search",
        label=_("Search"),
        min_length=MIN_TERM_CHARS,
        help_text=_("Case number, the party's name, ID number or credit code, or the place."),
    )
    status = django_filters.MultipleChoiceFilter(
        choices=CaseStatus.choices, label=_("Status"), distinct=False
    )
    procedure = django_filters.ChoiceFilter(
        choices=Procedure.choices, label=_("Procedure"), empty_label=_("Any")
    )
    source = django_filters.ChoiceFilter(choices=CaseSource.choices, label=_("Source"), empty_label=_("Any"))
    category = IdFilter(method="filter_category", label=_("Category (with sub-categories)"))
    unit = IdFilter(method="filter_unit", label=_("Unit (with sub-units)"))
    officer = IdFilter(method="filter_officer", label=_("Investigating officer"))
    party = IdFilter(field_name="party_id", label=_("Party"))
    complaint = IdFilter(field_name="complaint_id", label=_("From complaint"))
    registered_from = django_filters.DateFilter(
        method="filter_from", label=_("Registered from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    registered_to = django_filters.DateFilter(
        method="filter_to", label=_("Registered until"), widget=forms.DateInput(attrs={"type": "date"})
    )
    due = django_filters.ChoiceFilter(
        choices=DueState.CHOICES, method="filter_due", label=_("Deadline"), empty_label=_("Any")
    )

    class Meta:
        model = Case
        fields = []

    def search(self, queryset, name, value):
        term = (value or "").strip()
        if not term:
            return queryset
        # The party register's own search (PartyQuerySet.search), as a subquery: every case of every
        # matching party, however common the name.
        # The matching parties' ids as a literal list: inside the OR an IN (subquery) is a filter on every case of
        # the scope (420 ms at 500,000 cases), a list is an index probe per party (bench/RESULTS.md). Past a
        # few thousand parties (a very common name) the subquery still finds them all, only slower.
        parties = Party.objects.search(term)
        ids = list(parties.values_list("pk", flat=True)[: PARTY_IDS + 1])
        found = Q(number=term.upper()) | (
            Q(party__in=parties.values("pk")) if len(ids) > PARTY_IDS else Q(party_id__in=ids)
        )
        if (
            len(term) >= ADDRESS_TERM_CHARS
        ):  # the place through its trigram index (migration 0003, PostgreSQL)
            found |= Q(address__contains=term)
        return queryset.filter(found)

    def filter_category(self, queryset, name, value):
        return queryset.filter(category_id__in=category_family(value))

    def filter_unit(self, queryset, name, value):
        return in_unit_subtree(queryset, value, getattr(self.request, "user", None))

    def filter_officer(self, queryset, name, value):
        return queryset.filter(Q(handler_id=value) | Q(co_handler_id=value))

    def filter_from(self, queryset, name, value):
        return queryset.filter(registered_at__gte=start_of_day(value))

    def filter_to(self, queryset, name, value):
        return queryset.filter(registered_at__lt=start_of_day(value + timedelta(days=1)))

    def filter_due(self, queryset, name, value):
        return queryset.overdue() if value == DueState.OVERDUE else queryset.due_soon()


# --- sort orders (keyset pagination walks the matching composite index) ------------------------------
ORDERINGS = Orderings(
    {
        "-registered_at": (_("Newest first"), Ordering("registered_at", descending=True)),
        "registered_at": (_("Oldest first"), Ordering("registered_at", descending=False)),
        "due_at": (_("Deadline, soonest first"), Ordering("due_at", descending=False, nullable=True)),
    },
    default="-registered_at",
)


class PartyFilterSet(django_filters.FilterSet):
    """The party register's search (at every new case): an exact ID number, credit code or phone, or the
    beginning of a name — each an indexed lookup (models.PartyQuerySet.search)."""

    q = django_filters.CharFilter(
        method="search",
        label=_("Search"),
        help_text=_("ID number, credit code, phone, or the beginning of the name."),
    )
    party_type = django_filters.ChoiceFilter(
        choices=PartyType.choices, label=_("Party type"), empty_label=_("Any")
    )

    class Meta:
        model = Party
        fields = []

    def search(self, queryset, name, value):
        return queryset.search(value)
