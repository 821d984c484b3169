import django_filters

from enforcement.filters import BoundedFilterSet

from ..models import Notification, NotificationLevel


class NotificationFilterSet(BoundedFilterSet):
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", label="unread")
    level = django_filters.ChoiceFilter(choices=NotificationLevel.choices)

    class Meta:
        model = Notification
        fields = ["unread", "level"]
