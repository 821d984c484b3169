from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from enforcement.org.permissions import CityWidePermission
from enforcement.viewsets import ScopedModelViewSet

from .. import calendar
from ..models import CalendarDay
from ..services import delete_day
from .filtersets import CalendarDayFilterSet
from .serializers import CalendarDaySerializer, DeadlineQuerySerializer, DeadlineSerializer


class CalendarDayViewSet(ScopedModelViewSet):
    """Holidays and make-up working days. City-wide: every signed-in user reads all of it; city
    administrators write. Days are really deleted (the audit keeps the record)."""

    queryset = CalendarDay.objects.all()
    serializer_class = CalendarDaySerializer
    permission_classes = [CityWidePermission]
    filterset_class = CalendarDayFilterSet
    ordering_fields = ["date"]

    def destroy(self, request, *args, **kwargs):
        delete_day(self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(parameters=[DeadlineQuerySerializer], responses=DeadlineSerializer)
    @action(detail=False, methods=["get"])
    def deadline(self, request):
        """The deadline of a period from `start`: `working_days` (行政处罚法 Art. 85), calendar `days` (a last
        day on a holiday moves to the next working day) or `working_hours`, plus the coverage warning."""
        query = DeadlineQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        start = query.validated_data.get("start") or timezone.now()
        cal = calendar.get_calendar()
        rule = next(name for name in query.PERIODS if query.validated_data.get(name) is not None)
        amount = query.validated_data[rule]
        deadline = cal.due_after(start, amount, rule)  # the query's field names are PeriodUnit values
        data = {
            "start": start,
            "deadline": deadline,
            "rule": rule,
            "amount": amount,
            "warning": cal.coverage_warning(start, deadline),
        }
        return Response(DeadlineSerializer(data).data)
