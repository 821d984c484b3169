from django.core.exceptions import ValidationError as DjangoValidationError
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from enforcement.audit.api import TimelineMixin
from enforcement.documents.api import RecordDocumentsMixin
from enforcement.files.api import AttachmentsMixin
from enforcement.keyset import KeysetPagination
from enforcement.org.permissions import CityWidePermission
from enforcement.replicas import replica_reads
from enforcement.viewsets import ScopedModelViewSet
from enforcement.workflow.api import ACTION_PREFIX, WorkflowActionsMixin

from .. import services
from ..choices import ANY_CHANNEL_REGISTER_ROLES, HANDLERS, REGISTER_ROLES, TRANSITIONS
from ..duplicates import find_duplicates
from ..filtersets import ORDERINGS, ComplaintFilterSet, paging_for
from ..models import Complaint, ComplaintAttachment, DeadlinePolicy, attach_people
from ..workflow import WORKFLOW
from .serializers import (
    AttachmentSerializer,
    ComplaintDetailSerializer,
    ComplaintListSerializer,
    ComplaintWriteSerializer,
    DeadlinePolicySerializer,
    DuplicateQuerySerializer,
    DuplicateSerializer,
)

WORKFLOW_ROLES = tuple(
    sorted(
        set(REGISTER_ROLES)
        | set(ANY_CHANNEL_REGISTER_ROLES)
        | set(HANDLERS)
        | {role for t in TRANSITIONS.values() for role in t.roles}
    )
)


class ComplaintViewSet(
    TimelineMixin, RecordDocumentsMixin, AttachmentsMixin, WorkflowActionsMixin, ScopedModelViewSet
):
    """Complaints (投诉/举报). Workflow steps are `POST /api/v1/complaints/<id>/<action>/`, one per action of
    the transition table; `allowed_actions` on the detail lists those the current user may take now."""

    queryset = Complaint.objects.all()
    workflow = WORKFLOW
    detail_serializer_class = ComplaintDetailSerializer
    filterset_class = ComplaintFilterSet
    filter_backends = [DjangoFilterBackend]
    pagination_class = KeysetPagination
    orderings = ORDERINGS  # the list's sort orders, each walking a composite index (filtersets.py)
    write_roles = WORKFLOW_ROLES
    parser_classes = [JSONParser, FormParser, MultiPartParser]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def keyset_options(self, request, ordering, queryset):
        return paging_for(request, request.query_params, ordering, queryset.db)  # a search is not counted

    def get_queryset(self):
        queryset = super().get_queryset()  # the scoping rule
        if self.action == "list":
            return queryset.for_list_rows()
        return queryset.for_detail().prefetch_related("links__content_type")

    def get_object(self):
        return attach_people(super().get_object())

    @replica_reads
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_serializer_class(self):
        if self.action == "list":
            return ComplaintListSerializer
        if self.action in ("create", "partial_update", "update"):
            return ComplaintWriteSerializer
        if (self.action or "").startswith(ACTION_PREFIX):
            return super().get_serializer_class()  # the action's, from the workflow
        return ComplaintDetailSerializer

    def action_response(self, complaint):
        return self._detail(complaint)

    def _detail(self, complaint, code=status.HTTP_200_OK):
        fresh = self.get_queryset().filter(pk=complaint.pk).first()
        if fresh is None:  # the step moved it out of the user's scope (sent back): the record as it now is
            fresh = (
                Complaint.objects.all()
                .for_detail()
                .prefetch_related("links__content_type")
                .get(pk=complaint.pk)
            )
        fresh = attach_people(fresh)
        return Response(
            ComplaintDetailSerializer(fresh, context=self.get_serializer_context()).data, status=code
        )

    @extend_schema(request=ComplaintWriteSerializer, responses={201: ComplaintDetailSerializer})
    def create(self, request, *args, **kwargs):
        serializer = ComplaintWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        complaint = services.register_complaint(by=request.user, **data)
        return self._detail(complaint, status.HTTP_201_CREATED)

    @extend_schema(request=ComplaintWriteSerializer, responses=ComplaintDetailSerializer)
    def partial_update(self, request, *args, **kwargs):
        complaint = self.get_object()
        expected = self.given_version(request, complaint)
        serializer = ComplaintWriteSerializer(
            complaint, data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        changes.pop("unit", None)
        changes.pop("version", None)
        complaint = services.edit_complaint(complaint, by=request.user, changes=changes, version=expected)
        return self._detail(complaint)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    # --- attachments (enforcement/files: GET/POST <id>/attachments/) ----------------------------------
    attachment_model = ComplaintAttachment
    attachment_serializer_class = AttachmentSerializer

    def perform_attach(self, complaint, upload, **fields):
        return services.add_attachment(complaint, upload, by=self.request.user, **fields)

    # --- duplicates ----------------------------------------------------------------------------------
    @extend_schema(responses=DuplicateSerializer(many=True))
    @action(
        detail=True,
        methods=["get"],
        url_path="duplicates",
        serializer_class=DuplicateSerializer,
        filter_backends=[],
        pagination_class=None,
    )  # a plain list, as answered
    def duplicates(self, request, pk=None):
        """Possible duplicates of this complaint: same category, nearby, recent."""
        complaint = self.get_object()
        found = find_duplicates(
            user=request.user,
            category_id=complaint.category_id,
            lat=complaint.lat,
            lng=complaint.lng,
            address=complaint.address,
            exclude_id=complaint.pk,
        )
        return Response(DuplicateSerializer(found, many=True).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("category", int),
            OpenApiParameter("lat", float),
            OpenApiParameter("lng", float),
            OpenApiParameter("address", str),
        ],
        responses=DuplicateSerializer(many=True),
    )
    @action(
        detail=False,
        methods=["get"],
        url_path="possible-duplicates",
        serializer_class=DuplicateSerializer,
        filter_backends=[],
        pagination_class=None,
    )
    def possible_duplicates(self, request):
        """At intake, before saving: complaints that may be the same matter as the one being typed in."""
        query = DuplicateQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        found = find_duplicates(
            user=request.user,
            category_id=data["category"].pk,
            lat=data.get("lat"),
            lng=data.get("lng"),
            address=data.get("address", ""),
        )
        return Response(DuplicateSerializer(found, many=True).data)


class DeadlinePolicyViewSet(ScopedModelViewSet):
    """Deadline policies per channel (optionally per category): everyone reads, city administrators edit
    (they are city-wide: `org.permissions`)."""

    permission_classes = [CityWidePermission]
    queryset = DeadlinePolicy.objects.select_related("category")
    serializer_class = DeadlinePolicySerializer
    filterset_fields = ["channel", "category"]
    ordering_fields = ["channel"]
    http_method_names = ["get", "post", "patch", "put", "head", "options"]

    def perform_create(self, serializer):
        _validate_policy(serializer)
        super().perform_create(serializer)

    def perform_update(self, serializer):
        _validate_policy(serializer)
        super().perform_update(serializer)


def _validate_policy(serializer):
    instance = serializer.instance or DeadlinePolicy()
    for key, value in serializer.validated_data.items():
        setattr(instance, key, value)
    try:
        instance.full_clean(exclude=["version"])
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.message_dict) from exc
