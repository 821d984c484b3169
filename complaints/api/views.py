from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, pagination, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from enforcement.api_utils import Conflict
from enforcement.viewsets import ScopedModelViewSet

from .. import services
from ..choices import ANY_CHANNEL_REGISTER_ROLES, HANDLERS, REGISTER_ROLES, TRANSITIONS
from ..duplicates import find_duplicates
from ..filtersets import DEFAULT_ORDERING, ORDERINGS, ComplaintFilterSet, ordering_for, paging_for
from ..keyset import paginate
from ..models import Complaint, DeadlinePolicy, attach_people
from ..uploads import UploadTooLarge, check_upload, guard_upload
from .serializers import (
    ACTION_SERIALIZERS,
    AttachmentSerializer,
    ComplaintDetailSerializer,
    ComplaintListSerializer,
    ComplaintWriteSerializer,
    DeadlinePolicySerializer,
    DuplicateQuerySerializer,
    DuplicateSerializer,
)

WORKFLOW_ROLES = tuple(sorted(set(REGISTER_ROLES) | set(ANY_CHANNEL_REGISTER_ROLES) | set(HANDLERS)
                              | {role for t in TRANSITIONS.values() for role in t.roles}))


ACTION_PREFIX = "act_"


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


class KeysetPagination(pagination.BasePagination):
    """Seek pagination with a capped count (keyset.py): constant cost at any depth, constant queries. A
    free-text search is not counted (`count` null) unless its first page holds every match."""

    page_size = 25
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        try:
            size = int(request.query_params.get("page_size", self.page_size))
        except ValueError:
            size = self.page_size
        size = max(1, min(size, self.max_page_size))
        ordering = ordering_for(request.query_params.get("ordering"))
        self.page = paginate(queryset, ordering, cursor=request.query_params.get("cursor"), page_size=size,
                             **paging_for(request, request.query_params, ordering, queryset.db))
        return self.page.rows

    def _link(self, cursor):
        if cursor is None:
            return None
        return self.request.build_absolute_uri(
            self.request.get_full_path().split("?")[0] + "?" + self._query(cursor)
        )

    def _query(self, cursor):
        params = self.request.query_params.copy()
        params["cursor"] = cursor
        return params.urlencode()

    def get_paginated_response(self, data):
        return Response({
            "count": self.page.count, "count_capped": self.page.count_capped,
            "next": self._link(self.page.next_cursor), "previous": self._link(self.page.previous_cursor),
            "results": data,
        })

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object", "required": ["count", "results"],
            "properties": {
                "count": {"type": "integer", "nullable": True,
                          "description": "Matches, counted up to 1000. Null for a free-text search (`q`) "
                                         "with more matches than one page: a search is not counted."},
                "count_capped": {"type": "boolean", "description": "True when there are more than 1000."},
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {"name": "cursor", "in": "query", "required": False, "schema": {"type": "string"},
             "description": "The page position, from a `next` or `previous` link."},
            {"name": "page_size", "in": "query", "required": False, "schema": {"type": "integer"}},
            {"name": "ordering", "in": "query", "required": False,
             "schema": {"type": "string", "enum": list(ORDERINGS), "default": DEFAULT_ORDERING}},
        ]


def _run(call):
    """Maps the services' refusals onto API answers (403/404/400 pass through the exception handler)."""
    try:
        return call()
    except services.TransitionNotAllowed as exc:
        raise Conflict(exc.message) from exc
    except UploadTooLarge as exc:
        raise RequestTooLarge(exc.message) from exc


class ComplaintViewSet(ScopedModelViewSet):
    """Complaints (投诉/举报). Workflow steps are `POST /api/v1/complaints/<id>/<action>/`, one per action of
    the transition table; `allowed_actions` on the detail lists those the current user may take now."""

    queryset = Complaint.objects.all()
    filterset_class = ComplaintFilterSet
    filter_backends = [DjangoFilterBackend]
    pagination_class = KeysetPagination
    write_roles = WORKFLOW_ROLES
    parser_classes = [JSONParser, FormParser, MultiPartParser]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        queryset = super().get_queryset()  # the scoping rule
        if self.action == "list":
            return queryset.for_list_rows()
        return queryset.for_detail().prefetch_related("links__content_type")

    def get_object(self):
        return attach_people(super().get_object())

    def get_serializer_class(self):
        if self.action == "list":
            return ComplaintListSerializer
        if self.action in ("create", "partial_update", "update"):
            return ComplaintWriteSerializer
        if self.action and self.action.startswith(ACTION_PREFIX):
            return ACTION_SERIALIZERS[self.action[len(ACTION_PREFIX):]]
        return ComplaintDetailSerializer

    def _detail(self, complaint, code=status.HTTP_200_OK):
        fresh = attach_people(self.get_queryset().get(pk=complaint.pk))
        return Response(ComplaintDetailSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=ComplaintWriteSerializer, responses={201: ComplaintDetailSerializer})
    def create(self, request, *args, **kwargs):
        serializer = ComplaintWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        complaint = _run(lambda: services.register_complaint(by=request.user, **data))
        return self._detail(complaint, status.HTTP_201_CREATED)

    @extend_schema(request=ComplaintWriteSerializer, responses=ComplaintDetailSerializer)
    def partial_update(self, request, *args, **kwargs):
        complaint = self.get_object()
        serializer = ComplaintWriteSerializer(complaint, data=request.data, partial=True,
                                              context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        changes.pop("unit", None)
        expected = request.headers.get("If-Match", "").strip('"') or changes.pop("version", None)
        complaint = _run(lambda: services.edit_complaint(complaint, by=request.user, changes=changes, version=expected))
        return self._detail(complaint)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    # --- attachments ---------------------------------------------------------------------------------
    def initial(self, request, *args, **kwargs):
        # Before authentication: a session's CSRF check reads the body, and a 200 MB body must not be read.
        if getattr(self, "action", None) == "attachments" and request.method == "POST":
            _run(lambda: guard_upload(request._request))
        super().initial(request, *args, **kwargs)

    @extend_schema(request={"multipart/form-data": AttachmentSerializer}, responses=AttachmentSerializer(many=True))
    @action(detail=True, methods=["get", "post"], serializer_class=AttachmentSerializer)
    def attachments(self, request, pk=None):
        """Files of the complaint; POST a multipart `file` (photo, audio or PDF; type read from its bytes)."""
        complaint = self.get_object()
        if request.method == "POST":
            upload = request.FILES.get("file")
            _run(lambda: check_upload(request._request))
            if upload is None:
                raise exceptions.ValidationError({"file": [_("Choose a file to upload.")]})
            stage = request.data.get("stage") or "evidence"
            attachment = _run(lambda: services.add_attachment(complaint, upload, by=request.user, stage=stage))
            return Response(AttachmentSerializer(attachment, context=self.get_serializer_context()).data,
                            status=status.HTTP_201_CREATED)
        return Response(AttachmentSerializer(complaint.attachments.all(), many=True,
                                             context=self.get_serializer_context()).data)

    # --- duplicates ----------------------------------------------------------------------------------
    @extend_schema(responses=DuplicateSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="duplicates", serializer_class=DuplicateSerializer)
    def duplicates(self, request, pk=None):
        """Possible duplicates of this complaint: same category, nearby, recent."""
        complaint = self.get_object()
        found = find_duplicates(user=request.user, category_id=complaint.category_id, lat=complaint.lat,
                                lng=complaint.lng, address=complaint.address, exclude_id=complaint.pk)
        return Response(DuplicateSerializer(found, many=True).data)

    @extend_schema(
        parameters=[OpenApiParameter("category", int), OpenApiParameter("lat", float),
                    OpenApiParameter("lng", float), OpenApiParameter("address", str)],
        responses=DuplicateSerializer(many=True),
    )
    @action(detail=False, methods=["get"], url_path="possible-duplicates", serializer_class=DuplicateSerializer,
            filter_backends=[], pagination_class=None)
    def possible_duplicates(self, request):
        """At intake, before saving: complaints that may be the same matter as the one being typed in."""
        query = DuplicateQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        found = find_duplicates(user=request.user, category_id=data["category"].pk, lat=data.get("lat"),
                                lng=data.get("lng"), address=data.get("address", ""))
        return Response(DuplicateSerializer(found, many=True).data)


def _make_action(slug):
    transition = TRANSITIONS[slug]

    def handler(self, request, pk=None):
        complaint = self.get_object()
        serializer = ACTION_SERIALIZERS[slug](data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        inputs = dict(serializer.validated_data)
        version = request.headers.get("If-Match", "").strip('"') or inputs.pop("version", None)
        inputs.pop("version", None)
        done = _run(lambda: services.perform(slug, complaint, by=request.user, version=version, **inputs))
        return self._detail(done)

    handler.__name__ = ACTION_PREFIX + slug
    handler.__doc__ = f"{transition.label}: from {', '.join(sorted(transition.sources))}" + (
        f" to {transition.target}." if transition.target else " (the status stays)."
    )
    handler = extend_schema(request=ACTION_SERIALIZERS[slug], responses=ComplaintDetailSerializer)(handler)
    return action(detail=True, methods=["post"], url_path=slug, url_name=slug,
                  serializer_class=ACTION_SERIALIZERS[slug])(handler)


# Methods are named act_<slug> (a `dispatch` method would replace the view's own); URLs use the slug.
for _slug in TRANSITIONS:
    setattr(ComplaintViewSet, ACTION_PREFIX + _slug, _make_action(_slug))


class DeadlinePolicyViewSet(ScopedModelViewSet):
    """Deadline policies per channel (optionally per category): everyone reads, administrators edit."""

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
