"""`GET /api/v1/approvals/`: the approver's inbox (services.ApprovalInbox), read-only and paginated;
`?kind=<slug>` and `?status=pending|approved|rejected|all` (pending by default)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.permissions import IsAuthenticated

from enforcement.api_utils import StandardPagination
from enforcement.replicas import replica_reads

from . import services
from .choices import ApprovalDecision
from .forms import ALL, InboxFilterForm


class PersonSerializer(serializers.Serializer):
    """A user as {"id", "name"} (joined with the approval: no extra queries)."""

    id = serializers.IntegerField()
    name = serializers.CharField(source="__str__")


class InboxEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="approval.pk", help_text="The id among the approvals of its kind.")
    kind = serializers.CharField(source="kind.slug")
    kind_label = serializers.CharField(source="kind.label")
    subject = serializers.CharField(source="subject_text", help_text="The record the approval is about.")
    subject_url = serializers.CharField()
    requested_by = PersonSerializer(source="approval.requested_by")
    requested_at = serializers.DateTimeField(source="approval.requested_at")
    reason = serializers.CharField(source="approval.reason")
    due_at = serializers.DateTimeField(source="approval.due_at", allow_null=True)
    decision = serializers.ChoiceField(source="approval.decision", choices=ApprovalDecision.choices)
    decision_label = serializers.CharField(source="approval.get_decision_display")
    decided_by = PersonSerializer(source="approval.decided_by", allow_null=True)
    decided_at = serializers.DateTimeField(source="approval.decided_at", allow_null=True)
    opinion = serializers.CharField(source="approval.opinion")


@extend_schema(
    parameters=[
        OpenApiParameter("kind", OpenApiTypes.STR, description="Only this kind of approval (its slug)."),
        OpenApiParameter(
            "status",
            OpenApiTypes.STR,
            enum=[*ApprovalDecision.values, ALL],
            description="The decision; `pending` unless given.",
        ),
    ]
)
class ApprovalViewSet(viewsets.GenericViewSet):
    serializer_class = InboxEntrySerializer
    permission_classes = [IsAuthenticated]
    pagination_class = StandardPagination
    filter_backends = []  # the inbox filters itself (InboxFilterForm) and has one order

    @replica_reads
    def list(self, request):
        form = InboxFilterForm(request.query_params, user=request.user)
        if not form.is_valid():
            raise serializers.ValidationError(form.errors)
        page = self.paginate_queryset(services.inbox_for(request.user, **form.inbox_args()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
