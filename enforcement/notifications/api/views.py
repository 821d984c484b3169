"""`/api/v1/notifications/`: the signed-in user's own inbox (anyone else's notification is 404), with
the unread count in every list response, `POST <id>/mark-read/`, `POST mark-all-read/` and
`GET unread-count/`."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from enforcement.api_utils import StandardPagination

from .. import services
from ..models import Notification
from .filtersets import NotificationFilterSet
from .serializers import MarkAllReadSerializer, NotificationSerializer, UnreadCountSerializer


class InboxPagination(StandardPagination):
    """The standard page plus `unread_count`, so a client refreshes list and badge in one request."""

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["unread_count"] = services.unread_count(self.request.user)
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["unread_count"] = {"type": "integer", "example": 3}
        schema["required"] = [*schema.get("required", []), "unread_count"]
        return schema


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = InboxPagination
    filterset_class = NotificationFilterSet
    ordering_fields = ["created_at", "read_at"]
    queryset = Notification.objects.none()  # for the schema; requests read get_queryset()

    def get_queryset(self):
        return services.inbox_for(self.request.user).select_related("reminder", "notice__unit")

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"], url_path="mark-read")
    def mark_read(self, request, pk=None):
        note = self.get_object()
        services.mark_read(request.user, [note.pk])
        note.refresh_from_db()
        return Response(self.get_serializer(note).data)

    @extend_schema(request=None, responses=MarkAllReadSerializer)
    @action(detail=False, methods=["post"], url_path="mark-all-read")
    def mark_all_read(self, request):
        marked = services.mark_all_read(request.user)
        return Response({"marked": marked, "unread_count": services.unread_count(request.user)})

    @extend_schema(responses=UnreadCountSerializer)
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request):
        return Response({"unread_count": services.unread_count(request.user)})
