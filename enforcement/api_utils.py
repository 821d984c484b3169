"""API settings' plumbing: pagination, JSON error bodies, 409 for conflicts. Kept free of viewset
imports, since DRF imports it while building its own generic views."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, pagination, serializers, status
from rest_framework.views import exception_handler as drf_exception_handler

from enforcement.versioning import StaleEdit
from enforcement.workflow.exceptions import TransitionNotAllowed


class StandardPagination(pagination.PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200


class PlausibleDateTimeField(serializers.DateTimeField):
    """A moment the bureau's work can have: years 1950 to 2200. Far dates have no working-day calendar,
    and before 1901 the local zone's offset has seconds (local mean time), which an ISO date-time in the
    response cannot carry (the fuzzing found both)."""

    default_error_messages = {"implausible": _("Give a date between 1950 and 2200.")}

    def to_internal_value(self, value):
        try:
            moment = super().to_internal_value(value)
        except OverflowError:  # e.g. 0001-01-01 in the local zone: before year 1 in UTC (was a 500)
            self.fail("implausible")
        if not 1950 <= moment.year <= 2200:
            self.fail("implausible")
        return moment


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The record is not in a state that allows this.")
    default_code = "conflict"


class QueueDown(exceptions.APIException):
    """Work for the workers that could not be queued (enforcement.celery.send answered False)."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = _("The task queue is not answering, so nothing was queued; try again in a few minutes.")
    default_code = "queue_down"


def exception_handler(exc, context):
    """DRF's handler, plus Django's ValidationError as 400 with field messages, and a workflow step the
    record's state refuses or a stale edit as 409."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, StaleEdit):
        exc = Conflict(StaleEdit.message)
    elif isinstance(exc, TransitionNotAllowed):
        exc = Conflict(exc.message)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    return drf_exception_handler(exc, context)
