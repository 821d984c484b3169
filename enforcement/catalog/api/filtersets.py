import django_filters
from django.utils.translation import gettext_lazy as _

from enforcement.filters import BoundedFilterSet

from ..choices import ParamUnit
from ..models import LegalParameter, ViolationCategory


class ViolationCategoryFilterSet(BoundedFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search in name and code"))
    level = django_filters.ChoiceFilter(
        choices=[(1, _("Major category")), (2, _("Sub-category"))], method="filter_level", label=_("Level")
    )

    class Meta:
        model = ViolationCategory
        fields = ["parent", "is_active", "is_urgent", "simple_procedure_allowed"]

    def search(self, queryset, name, value):
        return queryset.search(value)

    def filter_level(self, queryset, name, value):
        return queryset.filter(parent__isnull=str(value) == "1")


class LegalParameterFilterSet(BoundedFilterSet):
    unit = django_filters.ChoiceFilter(choices=ParamUnit.choices)

    class Meta:
        model = LegalParameter
        fields = ["key", "unit"]
