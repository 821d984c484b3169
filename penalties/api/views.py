"""The penalties' API (PRODUCT §4): `/api/v1/penalties/`, `/api/v1/reviews/`, `/api/v1/seizures/`,
`/api/v1/demolitions/` and `/api/v1/payments/imports/`.

An execution is never edited through the API: it changes only through its workflow's actions,
`POST /api/v1/penalties/<id>/<action>/`, each answering with its detail. Reviews, seizures, orders to
demolish and imports are created and moved on through their services (penalties/reviews.py, seizures.py,
demolitions.py, imports.py). Refusals are
mapped by the central exception handler: out of scope 404, a role 403, the procedure or the law 409 (the
message names the article), bad input 400."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from enforcement.api_utils import StandardPagination
from enforcement.audit.api import TimelineMixin
from enforcement.documents.api import RecordDocumentsMixin
from enforcement.keyset import KeysetPagination
from enforcement.org.models import OrgUnit
from enforcement.viewsets import ScopedModelViewSet
from enforcement.workflow.api import ACTION_PREFIX, WorkflowActionsMixin

from .. import demolitions, imports, reviews, seizures
from ..choices import HANDLERS, MONEY_DESK, ItemKind
from ..filtersets import EXECUTION_ORDERINGS, DemolitionFilterSet, ExecutionFilterSet
from ..models import Demolition, Execution, Payment, Review, Seizure, StatementImport, StatementLine
from ..workflow import WORKFLOW
from .serializers import (
    DemolitionDetailSerializer,
    DemolitionDoneSerializer,
    DemolitionNoticeSerializer,
    DemolitionSerializer,
    ExecutionDetailSerializer,
    ExecutionListSerializer,
    LineResolveSerializer,
    ReviewCreateSerializer,
    ReviewOutcomeSerializer,
    ReviewSerializer,
    SeizureCreateSerializer,
    SeizureDecisionSerializer,
    SeizureEndSerializer,
    SeizureExtensionSerializer,
    SeizureSerializer,
    StatementImportDetailSerializer,
    StatementImportSerializer,
    StatementLineSerializer,
    StatementUploadSerializer,
)

WRITE_ROLES = tuple(sorted(MONEY_DESK))
SEIZURE_WRITE_ROLES = tuple(sorted({*HANDLERS, *MONEY_DESK}))  # the bureau head decides extensions


# --- executions ---------------------------------------------------------------------------------------
class ExecutionViewSet(TimelineMixin, WorkflowActionsMixin, ScopedModelViewSet):
    """Fine executions (罚款的执行): what is owed today, with the surcharge of Art. 72 computed live. Every
    step is `POST /api/v1/penalties/<id>/<action>/` (record a payment, request or decide a deferral, apply
    to the court, end); `allowed_actions` on the detail lists those the current user may take now."""

    queryset = Execution.objects.all()
    workflow = WORKFLOW
    detail_serializer_class = ExecutionDetailSerializer
    filterset_class = ExecutionFilterSet
    filter_backends = [DjangoFilterBackend]
    pagination_class = KeysetPagination
    orderings = EXECUTION_ORDERINGS
    write_roles = WRITE_ROLES
    http_method_names = ["get", "post", "head", "options"]  # no create, PUT, PATCH or DELETE: the actions

    def get_queryset(self):
        queryset = super().get_queryset().select_related("case__party")  # the scoping rule
        if self.action == "list":
            return queryset.with_money(timezone.localdate())
        return queryset.prefetch_related(
            "instalments", Prefetch("payments", Payment.objects.select_related("recorded_by"))
        )

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset  # an execution is found by its id alone
        return super().filter_queryset(queryset)

    def get_serializer_class(self):
        if self.action == "list":
            return ExecutionListSerializer
        if (self.action or "").startswith(ACTION_PREFIX):
            return super().get_serializer_class()  # the action's, from the workflow
        return ExecutionDetailSerializer

    @extend_schema(exclude=True)
    def create(self, request, *args, **kwargs):
        # Opened by the case's service of its decision (services.open_execution), never by hand.
        return Response(status=status.HTTP_405_METHOD_NOT_ALLOWED)

    def action_response(self, execution):
        fresh = self.get_queryset().get(pk=execution.pk)
        return Response(ExecutionDetailSerializer(fresh, context=self.get_serializer_context()).data)


# --- reviews ------------------------------------------------------------------------------------------
class ReviewViewSet(ScopedModelViewSet):
    """Reconsiderations (行政复议) and lawsuits (行政诉讼) against a decision. A filing after its period is
    recorded with `late: true`, not refused; `POST <id>/outcome/` records the body's decision."""

    queryset = Review.objects.select_related("case", "recorded_by")
    write_roles = WRITE_ROLES
    http_method_names = ["get", "post", "head", "options"]

    def get_serializer_class(self):
        if self.action == "create":
            return ReviewCreateSerializer
        if self.action == "outcome":
            return ReviewOutcomeSerializer
        return ReviewSerializer

    def _detail(self, review, code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=review.pk)
        return Response(ReviewSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=ReviewCreateSerializer, responses={201: ReviewSerializer})
    def create(self, request, *args, **kwargs):
        serializer = ReviewCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        inputs = dict(serializer.validated_data)
        review = reviews.file_review(inputs.pop("case"), by=request.user, **inputs)
        return self._detail(review, status.HTTP_201_CREATED)

    @extend_schema(request=ReviewOutcomeSerializer, responses=ReviewSerializer)
    @action(detail=True, methods=["post"], url_path="outcome")
    def outcome(self, request, pk=None):
        review = self.get_object()
        serializer = ReviewOutcomeSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return self._detail(reviews.record_outcome(review, by=request.user, **serializer.validated_data))


# --- seizures -----------------------------------------------------------------------------------------
class SeizurePagination(StandardPagination):
    """The page of seizures, with the items of all those listed (not only this page's) by kind."""

    def paginate_queryset(self, queryset, request, view=None):
        self.counts = seizures.seized_counts(queryset)
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["counts"] = self.counts
        return response

    def get_paginated_response_schema(self, schema):
        page = super().get_paginated_response_schema(schema)
        page["properties"]["counts"] = {
            "type": "object",
            "description": "Items seized or sealed by kind, over every seizure listed.",
            "properties": {kind: {"type": "integer"} for kind in ItemKind.values},
            "required": list(ItemKind.values),
        }
        page.setdefault("required", []).append("counts")
        return page


class SeizureViewSet(ScopedModelViewSet):
    """Seizures and sealings (查封、扣押, 行政强制法 Art. 22-28) with their items. The list answers the item
    counts of all the seizures it lists, by kind (`counts`); `<id>/extension/` asks for the one extension of
    Art. 25, `<id>/decide-extension/` decides it, `<id>/end/` returns or confiscates the items."""

    queryset = Seizure.objects.select_related("case").prefetch_related("items")
    pagination_class = SeizurePagination
    write_roles = SEIZURE_WRITE_ROLES
    http_method_names = ["get", "post", "head", "options"]

    def get_serializer_class(self):
        return {
            "create": SeizureCreateSerializer,
            "extension": SeizureExtensionSerializer,
            "decide_extension": SeizureDecisionSerializer,
            "end": SeizureEndSerializer,
        }.get(self.action, SeizureSerializer)

    def _detail(self, seizure, code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=seizure.pk)
        return Response(SeizureSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=SeizureCreateSerializer, responses={201: SeizureSerializer})
    def create(self, request, *args, **kwargs):
        serializer = SeizureCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        inputs = dict(serializer.validated_data)
        inputs["items"] = [dict(item) for item in inputs["items"]]
        seizure = seizures.seize(inputs.pop("case"), by=request.user, **inputs)
        return self._detail(seizure, status.HTTP_201_CREATED)

    def _step(self, request, serializer_class, step):
        seizure = self.get_object()
        serializer = serializer_class(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return self._detail(step(seizure, by=request.user, **serializer.validated_data))

    @extend_schema(request=SeizureExtensionSerializer, responses=SeizureSerializer)
    @action(detail=True, methods=["post"], url_path="extension")
    def extension(self, request, pk=None):
        return self._step(request, SeizureExtensionSerializer, seizures.request_extension)

    @extend_schema(request=SeizureDecisionSerializer, responses=SeizureSerializer)
    @action(detail=True, methods=["post"], url_path="decide-extension")
    def decide_extension(self, request, pk=None):
        return self._step(request, SeizureDecisionSerializer, seizures.decide_extension)

    @extend_schema(request=SeizureEndSerializer, responses=SeizureSerializer)
    @action(detail=True, methods=["post"], url_path="end")
    def end(self, request, pk=None):
        return self._step(request, SeizureEndSerializer, seizures.end_seizure)


# --- orders to demolish -------------------------------------------------------------------------------
class DemolitionPagination(StandardPagination):
    """The page of orders to demolish, with the m² demolished over all those listed (not only this page's)."""

    def paginate_queryset(self, queryset, request, view=None):
        self.area_demolished = demolitions.demolished_area(queryset)
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["area_demolished"] = f"{self.area_demolished:.2f}"
        return response

    def get_paginated_response_schema(self, schema):
        page = super().get_paginated_response_schema(schema)
        page["properties"]["area_demolished"] = {
            "type": "string",
            "format": "decimal",
            "description": "The m² demolished (by the parties and by force), over every order listed.",
        }
        page.setdefault("required", []).append("area_demolished")
        return page


class DemolitionViewSet(RecordDocumentsMixin, ScopedModelViewSet):
    """Orders to demolish (责令限期拆除, 行政强制法 Art. 44), opened when a decision ordering one is served.
    `<id>/notice/` records the public notice (公告) and its deadline, once the decision's own has passed;
    `<id>/demolished/` records the structure demolished by the party, or by force (`by_force`) once the notice's
    deadline and the appeal periods have passed. Each takes the `version` you read (or If-Match): a newer one
    answers 409. `<id>/documents/` issues the public notice's paper."""

    queryset = Demolition.objects.select_related("case__party", "handler")
    filterset_class = DemolitionFilterSet
    filter_backends = [DjangoFilterBackend]
    pagination_class = DemolitionPagination
    write_roles = tuple(sorted(HANDLERS))
    http_method_names = ["get", "post", "head", "options"]

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset  # an order is found by its id alone
        return super().filter_queryset(queryset)

    def get_serializer_class(self):
        return {
            "list": DemolitionSerializer,
            "notice": DemolitionNoticeSerializer,
            "demolished": DemolitionDoneSerializer,
        }.get(self.action, DemolitionDetailSerializer)

    @extend_schema(exclude=True)
    def create(self, request, *args, **kwargs):
        # Opened by the service of the decision (demolitions.open_demolition), never by hand.
        return Response(status=status.HTTP_405_METHOD_NOT_ALLOWED)

    def _step(self, request, serializer_class, step):
        demolition = self.get_object()
        serializer = serializer_class(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        inputs = dict(serializer.validated_data)
        body_version = inputs.pop("version", None)
        version = request.headers.get("If-Match") or body_version
        done = step(demolition, by=request.user, version=version, **inputs)
        fresh = self.get_queryset().get(pk=done.pk)
        return Response(DemolitionDetailSerializer(fresh, context=self.get_serializer_context()).data)

    @extend_schema(request=DemolitionNoticeSerializer, responses=DemolitionDetailSerializer)
    @action(detail=True, methods=["post"], url_path="notice")
    def notice(self, request, pk=None):
        return self._step(request, DemolitionNoticeSerializer, demolitions.give_notice)

    @extend_schema(request=DemolitionDoneSerializer, responses=DemolitionDetailSerializer)
    @action(detail=True, methods=["post"], url_path="demolished")
    def demolished(self, request, pk=None):
        return self._step(request, DemolitionDoneSerializer, demolitions.record_demolished)


# --- bank statements ----------------------------------------------------------------------------------
class StatementImportViewSet(ScopedModelViewSet):
    """Bank and payment-platform statements (罚缴分离, Art. 67): POST a file (multipart `file`, `channel`,
    `unit` — yours if not given); it is read whole or refused with the line at fault, nothing recorded.
    The detail lists the lines a person must settle: `POST lines/<line id>/resolve/` records one on a
    penalty (`execution`) or dismisses it with a `note`."""

    queryset = StatementImport.objects.select_related("imported_by")
    write_roles = WRITE_ROLES
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            return queryset.prefetch_related("problem_lines")
        return queryset

    def get_serializer_class(self):
        if self.action == "create":
            return StatementUploadSerializer
        if self.action == "resolve":
            return LineResolveSerializer
        if self.action == "list":
            return StatementImportSerializer
        return StatementImportDetailSerializer

    @extend_schema(
        request={"multipart/form-data": StatementUploadSerializer},
        responses={201: StatementImportDetailSerializer},
    )
    def create(self, request, *args, **kwargs):
        serializer = StatementUploadSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        unit = request.user.unit
        if data.get("unit") is not None:
            unit = OrgUnit.objects.filter(pk=data["unit"]).first()  # import_statement checks the scope
        upload = data["file"]
        record = imports.import_statement(
            upload.read(), upload.name, by=request.user, unit=unit, channel=data["channel"]
        )
        fresh = self.get_queryset().prefetch_related("problem_lines").get(pk=record.pk)
        return Response(
            StatementImportDetailSerializer(fresh, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=LineResolveSerializer, responses=StatementLineSerializer)
    @action(detail=False, methods=["post"], url_path=r"lines/(?P<line_id>\d+)/resolve", url_name="resolve")
    def resolve(self, request, line_id=None):
        lines = StatementLine.objects.filter(statement__in=self.get_queryset().values("pk"))
        line = get_object_or_404(lines.select_related("statement"), pk=line_id)  # out of scope: 404
        serializer = LineResolveSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        line = imports.resolve_line(line, by=request.user, **serializer.validated_data)
        return Response(StatementLineSerializer(line, context=self.get_serializer_context()).data)
