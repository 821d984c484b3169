from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from enforcement.api_utils import PlausibleDateTimeField

from ..models import CalendarDay, DaySource


class CalendarDaySerializer(serializers.ModelSerializer):
    class Meta:
        model = CalendarDay
        fields = ["id", "date", "kind", "name", "source", "updated_at", "version"]
        read_only_fields = ["source", "updated_at", "version"]

    def validate(self, attrs):
        # Written through the API means entered by hand: a reload from the package keeps it.
        attrs["source"] = DaySource.MANUAL
        day = CalendarDay(**{**self._current(), **attrs})
        day.clean()  # the model's own invariants; a Django ValidationError answers 400
        return attrs

    def _current(self):
        if self.instance is None:
            return {}
        return {"date": self.instance.date, "kind": self.instance.kind, "name": self.instance.name}


class DeadlineQuerySerializer(serializers.Serializer):
    """Exactly one of the period fields."""

    start = PlausibleDateTimeField(
        required=False,
        help_text=_("An ISO date or date-time; a bare date starts at 00:00 local time. Default: now."),
    )
    working_days = serializers.IntegerField(required=False, min_value=0, max_value=3650)
    days = serializers.IntegerField(required=False, min_value=0, max_value=3650)
    working_hours = serializers.DecimalField(
        required=False, min_value=0, max_value=100000, max_digits=9, decimal_places=2
    )

    PERIODS = ("working_days", "days", "working_hours")

    def to_internal_value(self, data):
        data = data.copy()
        start = data.get("start")
        if isinstance(start, str) and len(start) == 10:  # a bare date
            data["start"] = f"{start}T00:00:00"
        return super().to_internal_value(data)

    def validate(self, attrs):
        given = [name for name in self.PERIODS if attrs.get(name) is not None]
        if len(given) != 1:
            raise serializers.ValidationError(
                {"detail": _("Give exactly one of working_days, days or working_hours.")}
            )
        return attrs


class DeadlineSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    deadline = serializers.DateTimeField()
    rule = serializers.ChoiceField(choices=DeadlineQuerySerializer.PERIODS)
    amount = serializers.DecimalField(max_digits=9, decimal_places=2)
    warning = serializers.CharField(allow_null=True)
