"""`GET /api/v1/<resource>/<id>/timeline/` for any scoped viewset: the record's history as its page shows
it (enforcement/audit/timeline.py, the same rows), newest first, paginated (`page`, `page_size`).

    class PermitViewSet(TimelineMixin, ScopedModelViewSet): ...

The record is loaded through the viewset's `get_object` (out of scope → 404). What the page leaves out the
API leaves out too: ids, versions, hashes, file paths; the complainant as the audit snapshot recorded it
(masked). Labels in the reader's language (Accept-Language); `action` and `source` are labels too, and
`step_slug` is the workflow step's stable name for a program that reacts to it.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action

from enforcement.api_utils import StandardPagination

from .timeline import events_for, timeline_rows


class TimelineChangeSerializer(serializers.Serializer):
    field = serializers.CharField(source="label", help_text="The field's label.")
    before = serializers.SerializerMethodField(
        help_text="The value before, null if the event did not record it."
    )
    after = serializers.CharField()

    def get_before(self, change) -> str | None:
        return None if change["only_after"] else change["before"]


class TimelineEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    actor = serializers.CharField(help_text="The name of who did it, or System.")
    source = serializers.CharField(
        source="event.get_source_display", help_text="From where: browser, API, task."
    )
    action = serializers.CharField(source="event.get_action_display", help_text="Created, changed, a step …")
    step = serializers.CharField(help_text="The workflow step's label, empty for a plain edit.")
    step_slug = serializers.CharField(source="event.verb", help_text="The workflow step's stable name.")
    subject = serializers.CharField(
        help_text="The child record the event is about (a file, an approval), empty for the record itself."
    )
    note = serializers.CharField(source="event.note")
    changes = TimelineChangeSerializer(many=True)


class TimelinePageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = TimelineEventSerializer(many=True)


class TimelineMixin:
    """Adds the `timeline` route to a scoped viewset (put it before the base viewset)."""

    @extend_schema(
        summary="The record's history",
        description="Who did what and when, newest first, as the record's page shows it.",
        parameters=[
            OpenApiParameter("page", int, description="The page number, from 1."),
            OpenApiParameter(
                "page_size", int, description=f"Events per page (at most {StandardPagination.max_page_size})."
            ),
        ],
        request=None,
        responses=TimelinePageSerializer,
        filters=False,
    )
    # The record is found by its id alone (no list filters), and its events paged by number.
    @action(
        detail=True,
        methods=["get"],
        url_path="timeline",
        filter_backends=[],
        pagination_class=StandardPagination,
    )
    def timeline(self, request, *args, **kwargs):
        record = self.get_object()
        events = self.paginate_queryset(events_for(record))
        rows = timeline_rows(record, events)
        return self.get_paginated_response(TimelineEventSerializer(rows, many=True).data)
