import django_filters

from ..models import CalendarDay, DayKind, DaySource


class CalendarDayFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="date__year")
    kind = django_filters.ChoiceFilter(choices=DayKind.choices)
    source = django_filters.ChoiceFilter(choices=DaySource.choices)
    date = django_filters.DateFromToRangeFilter()

    class Meta:
        model = CalendarDay
        fields = ["year", "kind", "source", "date"]
