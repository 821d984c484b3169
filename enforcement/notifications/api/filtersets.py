import django_filters

from ..models import Notification, NotificationLevel


class NotificationFilterSet(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", label="unread")
    level = django_filters.ChoiceFilter(choices=NotificationLevel.choices)

    class Meta:
        model = Notification
        fields = ["unread", "level"]
