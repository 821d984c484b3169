import django_filters

from enforcement.filters import BoundedFilterSet, YearFilter

from ..models import CalendarDay, DayKind, DaySource


class CalendarDayFilterSet(BoundedFilterSet):
    year = YearFilter(field_name="date__year")
    kind = django_filters.ChoiceFilter(choices=DayKind.choices)
    source = django_filters.ChoiceFilter(choices=DaySource.choices)
    date = django_filters.DateFromToRangeFilter()

    class Meta:
        model = CalendarDay
        fields = ["year", "kind", "source", "date"]
