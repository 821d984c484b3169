import django_filters

from enforcement.filters import BoundedFilterSet, IdFilter

from ..choices import Role, UnitLevel
from ..models import Grid, OrgUnit, User


class OrgUnitFilterSet(BoundedFilterSet):
    q = django_filters.CharFilter(method="search", label="search")
    level = django_filters.ChoiceFilter(choices=UnitLevel.choices)
    within = IdFilter(method="filter_within", label="unit id: this unit and its sub-units")

    class Meta:
        model = OrgUnit
        fields = ["parent", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(name__icontains=value) | queryset.filter(code__icontains=value)

    def filter_within(self, queryset, name, value):
        unit = queryset.filter(pk=value).first()  # the queryset is already scoped to the user
        return queryset.filter(path__startswith=unit.path) if unit else queryset.none()


class GridFilterSet(BoundedFilterSet):
    q = django_filters.CharFilter(method="search", label="search")

    class Meta:
        model = Grid
        fields = ["unit", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(name__icontains=value) | queryset.filter(code__icontains=value)


class UserFilterSet(BoundedFilterSet):
    q = django_filters.CharFilter(method="search", label="search")
    role = django_filters.ChoiceFilter(choices=Role.choices, method="filter_role")

    class Meta:
        model = User
        fields = ["unit", "is_active"]

    def search(self, queryset, name, value):
        return (
            queryset.filter(username__icontains=value)
            | queryset.filter(full_name__icontains=value)
            | queryset.filter(certificate_no__icontains=value)
        )

    def filter_role(self, queryset, name, value):
        return queryset.filter(role_assignments__role=value).distinct()
