"""The campaigns' API (PRODUCT §7): `/api/v1/campaigns/` (with `measures/`), `/api/v1/campaigns/<id>/logs/`
and `/api/v1/rectifications/`.

A campaign is planned with POST and changed with PATCH (its `version`, or If-Match); it starts, concludes
and is cancelled through its workflow's actions, `POST /api/v1/campaigns/<id>/<action>/`. Field logs are
added, never changed. A rectification item is recorded with POST, gets its photos at `<id>/photos/`, and
moves on through `POST /api/v1/rectifications/<id>/<action>/` (the notice, the re-check, the escalation to a
case); its notice is among `<id>/documents/`. Each step answers with the record's detail. Refusals are mapped
by the central exception handler: out of scope 404, a role 403, the record's state or a stale version 409,
bad input 400 — in words."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404  # a malformed id is a 404 too, not a 500
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from enforcement.audit.api import TimelineMixin
from enforcement.documents.api import RecordDocumentsMixin
from enforcement.files.api import AttachmentsMixin
from enforcement.keyset import KeysetPagination, Ordering, Orderings
from enforcement.replicas import replica_reads
from enforcement.viewsets import ScopedModelViewSet
from enforcement.workflow.api import ACTION_PREFIX, WorkflowActionsMixin

from .. import measures, services
from ..choices import HANDLERS, PLANNERS, CampaignKind
from ..filtersets import CAMPAIGN_ORDERINGS, ITEM_ORDERINGS, CampaignFilterSet, ItemFilterSet
from ..models import Campaign, CampaignGoal, FieldLog, FieldLogPhoto, ItemPhoto, RectificationItem
from ..workflow import CAMPAIGN_WORKFLOW, ITEM_WORKFLOW
from .serializers import (
    CampaignDetailSerializer,
    CampaignEditSerializer,
    CampaignListSerializer,
    CampaignWriteSerializer,
    EscalateSerializer,
    FieldLogCreateSerializer,
    FieldLogSerializer,
    ItemCreateSerializer,
    ItemDetailSerializer,
    ItemIdentifySerializer,
    ItemListSerializer,
    ItemPhotoSerializer,
    LogPhotoSerializer,
    LogQuerySerializer,
    MeasureSerializer,
)

WRITE_ROLES = tuple(sorted({*PLANNERS, *HANDLERS}))  # each service says in words who may do what
HANDLER_ROLES = tuple(sorted(HANDLERS))
LOG_ORDERINGS = Orderings(
    {
        "-day": (_("Newest first"), Ordering("day", descending=True)),
        "day": (_("Oldest first"), Ordering("day", descending=False)),
    },
    default="-day",
)


class ServicedWorkflow:
    """The workflow with the campaigns' services for its actions: `perform` runs the action's service
    (services.start, conclude, cancel, issue_notice, recheck) with the inputs the table declares — the one
    the workflow registers, else the one named here."""

    def __init__(self, workflow, functions):
        self._workflow, self._functions = workflow, functions

    def __getattr__(self, name):
        return getattr(self._workflow, name)

    def perform(self, slug, obj, *, by, version=None, **inputs):
        service = self._workflow.services.get(slug) or self._functions.get(slug)
        if service is None:
            return self._workflow.perform(slug, obj, by=by, version=version, **inputs)
        names = self._workflow.transitions[slug].fields
        return service(obj, by=by, version=version, **{k: v for k, v in inputs.items() if k in names})


def _if_match(request, body_version):
    return request.headers.get("If-Match", "").strip().removeprefix("W/").strip('"') or body_version


# --- campaigns ------------------------------------------------------------------------------------------------
class CampaignViewSet(TimelineMixin, WorkflowActionsMixin, ScopedModelViewSet):
    """Campaigns (专项整治). POST plans one (goals as [{measure, unit, target}], `unit` empty for the total);
    PATCH changes it with the `version` you read (or If-Match); every status change is
    `POST /api/v1/campaigns/<id>/<action>/`, and `allowed_actions` on the detail lists those you may take now.
    A squadron sees the campaigns it takes part in; the detail's `progress` is the figures against the goals."""

    queryset = Campaign.objects.all()
    workflow = ServicedWorkflow(
        CAMPAIGN_WORKFLOW,
        {"start": services.start, "conclude": services.conclude, "cancel": services.cancel},
    )
    detail_serializer_class = CampaignDetailSerializer
    filterset_class = CampaignFilterSet
    filter_backends = [DjangoFilterBackend]
    pagination_class = KeysetPagination
    orderings = CAMPAIGN_ORDERINGS
    write_roles = WRITE_ROLES
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        queryset = super().get_queryset().select_related("lead_unit")  # the scoping rule
        return queryset if self.action == "list" else self.with_detail(queryset)

    @staticmethod
    def with_detail(queryset):
        return queryset.select_related("created_by").prefetch_related(
            "units", "grids", Prefetch("goals", CampaignGoal.objects.select_related("unit"))
        )

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset  # a campaign is found by its id alone
        return super().filter_queryset(queryset)

    @replica_reads
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_serializer_class(self):
        if self.action == "list":
            return CampaignListSerializer
        if self.action == "create":
            return CampaignWriteSerializer
        if self.action == "partial_update":
            return CampaignEditSerializer
        if (self.action or "").startswith(ACTION_PREFIX):
            return super().get_serializer_class()  # the action's, from the workflow
        return CampaignDetailSerializer

    def _detail(self, campaign, code=status.HTTP_200_OK):
        # Answered though the step took the campaign out of the user's scope (a unit no longer taking part).
        fresh = self.with_detail(Campaign.objects.select_related("lead_unit")).get(pk=campaign.pk)
        return Response(
            CampaignDetailSerializer(fresh, context=self.get_serializer_context()).data, status=code
        )

    def action_response(self, campaign):
        return self._detail(campaign)

    @extend_schema(request=CampaignWriteSerializer, responses={201: CampaignDetailSerializer})
    def create(self, request, *args, **kwargs):
        serializer = CampaignWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        inputs = serializer.inputs()
        inputs.setdefault("lead_unit", request.user.unit)
        campaign = services.plan_campaign(by=request.user, **inputs)
        return self._detail(campaign, status.HTTP_201_CREATED)

    @extend_schema(
        request=CampaignEditSerializer,
        responses=CampaignDetailSerializer,
        parameters=[
            OpenApiParameter(
                "If-Match",
                str,
                OpenApiParameter.HEADER,
                required=False,
                description="The version you read (instead of `version`).",
            )
        ],
    )
    def partial_update(self, request, *args, **kwargs):
        campaign = self.get_object()
        expected = self.given_version(request, campaign)  # none given: 428
        serializer = CampaignEditSerializer(
            data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        version = _if_match(request, None) or expected
        campaign = services.update_campaign(campaign, by=request.user, version=version, **serializer.inputs())
        return self._detail(campaign)

    @extend_schema(exclude=True)
    def update(self, request, *args, **kwargs):
        return Response(status=status.HTTP_405_METHOD_NOT_ALLOWED)

    @extend_schema(
        summary="The declared measures of field work",
        description="What field logs count and goals target, with their unit and definition (`kind`: the "
        "measures a campaign of that kind uses).",
        parameters=[OpenApiParameter("kind", str, enum=CampaignKind.values)],
        responses=MeasureSerializer(many=True),
        filters=False,
    )
    @action(detail=False, methods=["get"], url_path="measures", filter_backends=[], pagination_class=None)
    def measures(self, request):
        kind = request.query_params.get("kind")
        listed = measures.for_kind(kind) if kind in CampaignKind.values else list(measures.MEASURES)
        return Response(MeasureSerializer(listed, many=True).data)


# --- field logs -------------------------------------------------------------------------------------------------
@extend_schema(parameters=[OpenApiParameter("campaign_pk", int, OpenApiParameter.PATH)])
class FieldLogViewSet(AttachmentsMixin, ScopedModelViewSet):
    """A campaign's field logs: what a unit's patrol or operation did on a day, a value per measure
    (`values`: {measure: value}). You see your units' logs of a campaign you see; filter by `unit` and
    `day_from`/`day_to`. POST logs work for your unit (or one under you) taking part, within the period
    (JSON); then POST each photo to `<id>/photos/` (multipart `file`, optional `captured_at`, `lat`, `lng`)
    while the campaign has not ended."""

    queryset = FieldLog.objects.all()
    pagination_class = KeysetPagination
    orderings = LOG_ORDERINGS
    write_roles = HANDLER_ROLES
    http_method_names = ["get", "post", "head", "options"]

    def campaign(self):
        if not hasattr(self, "_campaign"):
            campaigns = Campaign.objects.visible_to(self.request.user)
            self._campaign = get_object_or_404(campaigns, pk=self.kwargs.get("campaign_pk"))
        return self._campaign

    def get_queryset(self):
        queryset = (
            super()
            .get_queryset()  # the scoping rule: the logs of the user's units
            .filter(campaign=self.campaign())
            .select_related("unit", "logged_by")
            .prefetch_related(
                "values", Prefetch("photos", FieldLogPhoto.objects.select_related("uploaded_by"))
            )
        )
        if self.action == "list":
            query = LogQuerySerializer(data=self.request.query_params)
            query.is_valid(raise_exception=True)
            given = query.validated_data
            if "unit" in given:
                queryset = queryset.filter(unit_id=given["unit"])
            if "day_from" in given:
                queryset = queryset.filter(day__gte=given["day_from"])
            if "day_to" in given:
                queryset = queryset.filter(day__lte=given["day_to"])
        return queryset

    def get_serializer_class(self):
        return FieldLogCreateSerializer if self.action == "create" else FieldLogSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("unit", int, description="The unit whose logs (not its sub-units')."),
            OpenApiParameter("day_from", str, description="From this day (YYYY-MM-DD)."),
            OpenApiParameter("day_to", str, description="Until this day (YYYY-MM-DD)."),
        ]
    )
    @replica_reads
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=FieldLogCreateSerializer, responses={201: FieldLogSerializer})
    def create(self, request, *args, **kwargs):
        campaign = self.campaign()
        serializer = FieldLogCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        inputs = dict(serializer.validated_data)
        unit = inputs.pop("unit", None) or request.user.unit
        log = services.log_field_work(campaign, by=request.user, unit=unit, **inputs)
        fresh = self.get_queryset().get(pk=log.pk)
        return Response(
            FieldLogSerializer(fresh, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    # --- photos (enforcement/files: GET/POST <id>/photos/) ------------------------------------------------
    attachment_model = FieldLogPhoto
    attachment_serializer_class = LogPhotoSerializer
    attachments_url_path = "photos"

    def perform_attach(self, log, upload, **fields):
        return services.add_log_photo(log, upload, by=self.request.user, **fields)


# --- rectification items ----------------------------------------------------------------------------------------
class RectificationItemViewSet(
    TimelineMixin, RecordDocumentsMixin, AttachmentsMixin, WorkflowActionsMixin, ScopedModelViewSet
):
    """Rectification items (整改对象). POST records one on a campaign under way; `<id>/photos/` takes the
    photos before and after (multipart `file`, `stage`); the steps are `POST /api/v1/rectifications/<id>/
    <action>/`: `issue_notice` (the numbered 责令限期整改通知书, among `<id>/documents/`), `recheck` (with a photo
    after), `escalate` (a case of the general procedure, or decided on the spot). `allowed_actions` on the
    detail lists those you may take now."""

    queryset = RectificationItem.objects.all()
    workflow = ServicedWorkflow(
        ITEM_WORKFLOW, {"issue_notice": services.issue_notice, "recheck": services.recheck}
    )
    detail_serializer_class = ItemDetailSerializer
    filterset_class = ItemFilterSet
    filter_backends = [DjangoFilterBackend]
    pagination_class = KeysetPagination
    orderings = ITEM_ORDERINGS
    write_roles = HANDLER_ROLES
    parser_classes = [JSONParser, FormParser, MultiPartParser]
    http_method_names = ["get", "post", "head", "options"]  # no PUT, PATCH or DELETE: the actions

    def get_queryset(self):
        queryset = super().get_queryset().for_list().select_related("party", "case")  # the scoping rule
        return queryset if self.action == "list" else self.with_detail(queryset)

    @staticmethod
    def with_detail(queryset):
        return queryset.select_related("category", "complaint", "found_by").prefetch_related(
            Prefetch("photos", ItemPhoto.objects.select_related("uploaded_by"))
        )

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset  # an item is found by its id alone
        return super().filter_queryset(queryset)

    @replica_reads
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_serializer_class(self):
        if self.action == "list":
            return ItemListSerializer
        if self.action == "create":
            return ItemCreateSerializer
        if (self.action or "").startswith(ACTION_PREFIX):
            return super().get_serializer_class()  # the action's, from the workflow
        return ItemDetailSerializer

    def _detail(self, item, code=status.HTTP_200_OK):
        fresh = self.with_detail(RectificationItem.objects.for_list().select_related("party", "case")).get(
            pk=item.pk
        )
        return Response(ItemDetailSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    def action_response(self, item):
        return self._detail(item)

    @extend_schema(request=ItemCreateSerializer, responses={201: ItemDetailSerializer})
    def create(self, request, *args, **kwargs):
        serializer = ItemCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        inputs = dict(serializer.validated_data)
        campaign = inputs.pop("campaign")
        inputs["unit"] = inputs.get("unit") or request.user.unit
        item = services.register_item(campaign, by=request.user, **inputs)
        return self._detail(item, status.HTTP_201_CREATED)

    @extend_schema(request=ItemIdentifySerializer, responses=ItemDetailSerializer)
    @action(detail=True, methods=["post"], url_path="identify", serializer_class=ItemIdentifySerializer)
    def identify(self, request, pk=None):
        """Record the party and the category of an item found without them (a case needs both)."""
        item = self.get_object()
        serializer = ItemIdentifySerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        inputs = dict(serializer.validated_data)
        version = _if_match(request, inputs.pop("version", None))
        return self._detail(services.identify_item(item, by=request.user, version=version, **inputs))

    # --- photos (enforcement/files: GET/POST <id>/photos/) ------------------------------------------------
    attachment_model = ItemPhoto
    attachment_serializer_class = ItemPhotoSerializer
    attachments_url_path = "photos"

    def perform_attach(self, item, upload, **fields):
        return services.add_item_photo(item, upload, by=self.request.user, **fields)


def _escalate(self, request, pk=None):
    """Escalate to a case: from not_rectified to escalated. `procedure` general opens a lead; simple records
    the decision on the spot (`penalty_kinds`, `fine`, `correction_order`, `paid_on_spot`, `receipt_no`)."""
    item = self.get_object()
    serializer = EscalateSerializer(data=request.data, context=self.get_serializer_context())
    serializer.is_valid(raise_exception=True)
    inputs = dict(serializer.validated_data)
    version = _if_match(request, inputs.pop("version", None))
    if inputs["procedure"] != "simple":
        inputs = {k: inputs[k] for k in ("procedure", "note") if k in inputs}
    return self.action_response(services.escalate(item, by=request.user, version=version, **inputs))


# The escalation takes the on-the-spot decision's inputs besides the table's: its own route, same name.
_escalate.__name__ = ACTION_PREFIX + "escalate"
RectificationItemViewSet.act_escalate = extend_schema(
    request=EscalateSerializer, responses=ItemDetailSerializer
)(
    action(
        detail=True,
        methods=["post"],
        url_path="escalate",
        url_name="escalate",
        serializer_class=EscalateSerializer,
    )(_escalate)
)
RectificationItemViewSet.action_serializers = {
    **RectificationItemViewSet.action_serializers,
    "escalate": EscalateSerializer,
}
