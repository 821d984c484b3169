"""The complaint list's filters: one FilterSet for the API and the browser list. Each filter is a condition
on an indexed column or an id subquery (unit subtree, category with its sub-categories), so none costs an
extra query and all stay cheap at millions of rows."""

from datetime import timedelta

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcement.catalog.models import ViolationCategory
from enforcement.org.models import OrgUnit

from .choices import Channel, ComplaintStatus, Satisfaction
from .keyset import Ordering
from .models import Complaint
from .permissions import can_see_complainant

DUE_SOON_HOURS = 24


class DueState:
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    CHOICES = [(OVERDUE, _("Overdue")), (DUE_SOON, _("Due within a day"))]


class ComplaintFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search", label=_("Search"),
        help_text=_("Number, description or address; intake and supervisors also find a complainant's phone."),
    )
    status = django_filters.MultipleChoiceFilter(choices=ComplaintStatus.choices, label=_("Status"))
    channel = django_filters.MultipleChoiceFilter(choices=Channel.choices, label=_("Channel"))
    category = django_filters.NumberFilter(method="filter_category", label=_("Category (with sub-categories)"))
    unit = django_filters.NumberFilter(method="filter_unit", label=_("Unit (with sub-units)"))
    grid = django_filters.NumberFilter(field_name="grid_id", label=_("Grid"))
    handler = django_filters.NumberFilter(field_name="handler_id", label=_("Handler"))
    received_from = django_filters.DateFilter(
        method="filter_received_from", label=_("Received from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    received_to = django_filters.DateFilter(
        method="filter_received_to", label=_("Received until"), widget=forms.DateInput(attrs={"type": "date"})
    )
    due = django_filters.ChoiceFilter(choices=DueState.CHOICES, method="filter_due", label=_("Deadline"),
                                      empty_label=_("Any"))
    satisfaction = django_filters.ChoiceFilter(choices=Satisfaction.choices, label=_("Satisfaction"),
                                               empty_label=_("Any"))
    on_the_spot = django_filters.BooleanFilter(label=_("Fixed on the spot"))

    class Meta:
        model = Complaint
        fields = []

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q(number=value.upper()) | Q(description__icontains=value) | Q(address__icontains=value)
        user = getattr(self.request, "user", None)
        digits = value.replace(" ", "").replace("-", "")
        if digits.isdigit() and len(digits) >= 7 and can_see_complainant(user):
            condition |= Q(complainant_phone=digits)
        return queryset.filter(condition)

    def filter_category(self, queryset, name, value):
        ids = ViolationCategory.objects.filter(Q(pk=value) | Q(parent_id=value)).values("pk")
        return queryset.filter(category_id__in=ids)

    def filter_unit(self, queryset, name, value):
        # The unit's subtree as a subquery on the materialised path: no extra round trip.
        path = OrgUnit.objects.filter(pk=value).values("path")[:1]
        return queryset.filter(unit_id__in=OrgUnit.objects.filter(path__startswith=path).values("pk"))

    def filter_received_from(self, queryset, name, value):
        return queryset.filter(received_at__gte=_start_of(value))

    def filter_received_to(self, queryset, name, value):
        return queryset.filter(received_at__lt=_start_of(value + timedelta(days=1)))

    def filter_due(self, queryset, name, value):
        now = timezone.now()
        if value == DueState.OVERDUE:
            return queryset.filter(due_at__lt=now)
        return queryset.filter(due_at__gte=now, due_at__lt=now + timedelta(hours=DUE_SOON_HOURS))


def _start_of(day):
    from datetime import datetime, time

    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())


# --- sort orders (keyset pagination walks the matching composite index) ------------------------------
ORDERINGS = {
    "-received_at": (_("Newest first"), Ordering("received_at", descending=True)),
    "received_at": (_("Oldest first"), Ordering("received_at", descending=False)),
    "due_at": (_("Deadline, soonest first"), Ordering("due_at", descending=False, nullable=True)),
    "-due_at": (_("Deadline, latest first"), Ordering("due_at", descending=True, nullable=True)),
}
DEFAULT_ORDERING = "-received_at"


def ordering_for(value):
    return ORDERINGS.get(value or DEFAULT_ORDERING, ORDERINGS[DEFAULT_ORDERING])[1]
