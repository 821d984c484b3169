"""The campaigns' list filters: one FilterSet per list for the API and the browser list alike (as
cases/filtersets.py): campaigns by kind, status, unit, period; rectification items by campaign, kind,
status, unit, grid, period found, overdue re-check, free text. Each filter is a condition on an indexed
column, but the text search, said where it is."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcement.filters import CheckboxFilter, IdFilter, UnitFilter, in_unit_subtree
from enforcement.keyset import Ordering, Orderings

from .choices import CampaignKind, CampaignStatus, ItemKind, ItemStatus
from .models import Campaign, CampaignUnit, RectificationItem

MIN_TERM_CHARS = 2
MAX_TERM_CHARS = 64
DATE = forms.DateInput(attrs={"type": "date"})


class CampaignFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search",
        label=_("Search"),
        min_length=MIN_TERM_CHARS,
        max_length=MAX_TERM_CHARS,
        help_text=_("Part of the campaign's name, or its number."),
    )
    kind = django_filters.MultipleChoiceFilter(choices=CampaignKind.choices, label=_("Kind"), distinct=False)
    status = django_filters.MultipleChoiceFilter(
        choices=CampaignStatus.choices, label=_("Status"), distinct=False
    )
    unit = IdFilter(method="filter_unit", label=_("Unit (leading or taking part, with sub-units)"))
    active_on = django_filters.DateFilter(method="filter_active_on", label=_("Running on"), widget=DATE)
    year = django_filters.NumberFilter(method="filter_year", label=_("Year"), min_value=1900, max_value=2100)

    class Meta:
        model = Campaign
        fields = []

    def search(self, queryset, name, value):
        term = (value or "").strip()
        if not term:
            return queryset
        return queryset.filter(Q(number=term.upper()) | Q(name__icontains=term))  # a few hundred rows a year

    def filter_unit(self, queryset, name, value):
        units = in_unit_subtree(CampaignUnit.objects.all(), value, getattr(self.request, "user", None))
        return queryset.filter(Exists(units.filter(campaign=OuterRef("pk"))))

    def filter_active_on(self, queryset, name, value):
        return queryset.filter(starts_on__lte=value, ends_on__gte=value)

    def filter_year(self, queryset, name, value):
        return queryset.filter(starts_on__year__lte=value, ends_on__year__gte=value)


class ItemFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search",
        label=_("Search"),
        min_length=MIN_TERM_CHARS,
        max_length=MAX_TERM_CHARS,
        help_text=_("Part of the party's or shop's name, or of the place."),
    )
    campaign = IdFilter(field_name="campaign_id", label=_("Campaign"))
    kind = django_filters.MultipleChoiceFilter(choices=ItemKind.choices, label=_("Kind"), distinct=False)
    status = django_filters.MultipleChoiceFilter(
        choices=ItemStatus.choices, label=_("Status"), distinct=False
    )
    unit = UnitFilter()
    grid = IdFilter(field_name="grid_id", label=_("Grid"))
    found_from = django_filters.DateFilter(
        field_name="found_on", lookup_expr="gte", label=_("Found from"), widget=DATE
    )
    found_to = django_filters.DateFilter(
        field_name="found_on", lookup_expr="lte", label=_("Found until"), widget=DATE
    )
    overdue = CheckboxFilter(method="filter_overdue", label=_("Re-check overdue"))

    class Meta:
        model = RectificationItem
        fields = []

    def search(self, queryset, name, value):
        term = (value or "").strip()
        if not term:
            return queryset
        # Not index-backed: within the other filters (a unit's items, a campaign's) a scan of few rows.
        return queryset.filter(Q(party_name__icontains=term) | Q(address__icontains=term))

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            status=ItemStatus.NOTICED, recheck_due_at__lt=timezone.now()
        )  # item_recheck_due


# --- sort orders (keyset pagination walks the matching composite index) ------------------------------
CAMPAIGN_ORDERINGS = Orderings(
    {
        "-starts_on": (_("Newest first"), Ordering("starts_on", descending=True)),
        "starts_on": (_("Oldest first"), Ordering("starts_on", descending=False)),
    },
    default="-starts_on",
)
ITEM_ORDERINGS = Orderings(
    {
        "-found_on": (_("Newest first"), Ordering("found_on", descending=True)),
        "found_on": (_("Oldest first"), Ordering("found_on", descending=False)),
    },
    default="-found_on",
)
