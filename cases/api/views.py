"""The cases' API (PRODUCT §3, §5): `/api/v1/cases/` and `/api/v1/parties/`.

A case is never edited, replaced or deleted through the API: it is opened (a lead, or a decision on the spot)
and then changes only through its workflow's actions, `POST /api/v1/cases/<id>/<action>/`, each answering
with the case's detail. Refusals are mapped by the central exception handler: out of scope 404, a role 403,
the procedure or the law 409 (the message names the article), bad input 400, a stale version 409."""

from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from enforcement.audit.api import TimelineMixin
from enforcement.documents.api import RecordDocumentsMixin
from enforcement.files.api import AttachmentsMixin
from enforcement.keyset import KeysetPagination
from enforcement.replicas import replica_reads
from enforcement.viewsets import ScopedModelViewSet
from enforcement.workflow.api import ACTION_PREFIX, WorkflowActionsMixin

from .. import services
from ..choices import Procedure
from ..exports import export_cases, too_many
from ..filtersets import ORDERINGS, CaseFilterSet, PartyFilterSet
from ..models import Case, CaseEvidence, Party, attach_people
from ..permissions import CASE_ROLES, party_standing
from ..workflow import WORKFLOW
from .serializers import (
    EARLIER_CASES,
    CaseCreateSerializer,
    CaseDetailSerializer,
    CaseEvidenceSerializer,
    CaseListSerializer,
    PartyDetailSerializer,
    PartyEditSerializer,
    PartySerializer,
    PartyWriteSerializer,
)

# Who writes cases and parties: the roles that work on cases. Each action's own roles are the table's.
CASE_WRITE_ROLES = tuple(sorted(CASE_ROLES))
LIST_ACTIONS = ("list", "export")


class AnyAcceptNegotiation(DefaultContentNegotiation):
    """The export answers CSV whatever the client accepts (`Accept: text/csv` is no 406), and its refusals
    (a bad filter) JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class CaseViewSet(
    TimelineMixin, RecordDocumentsMixin, AttachmentsMixin, WorkflowActionsMixin, ScopedModelViewSet
):
    """Cases (案件). Open one with POST (a lead, or `procedure: "simple"` for a decision on the spot); every
    later step is `POST /api/v1/cases/<id>/<action>/`, and `allowed_actions` on the detail lists those the
    current user may take now. Evidence is added, never changed or deleted (`<id>/evidence/`)."""

    queryset = Case.objects.all()
    workflow = WORKFLOW
    detail_serializer_class = CaseDetailSerializer
    filterset_class = CaseFilterSet
    filter_backends = [DjangoFilterBackend]
    pagination_class = KeysetPagination
    orderings = ORDERINGS  # each walks a composite index (filtersets.py)
    write_roles = CASE_WRITE_ROLES
    parser_classes = [JSONParser, FormParser, MultiPartParser]
    http_method_names = ["get", "post", "head", "options"]  # no PUT, PATCH or DELETE: the actions

    def keyset_options(self, request, ordering, queryset):
        # A free-text search is not counted: its page stops at the 26th match, a count would find them all.
        return {"count": not (request.query_params.get("q") or "").strip()}

    def get_queryset(self):
        queryset = super().get_queryset()  # the scoping rule
        if self.action == "list":
            return queryset.for_list_rows()
        if self.action == "export":
            return queryset
        return queryset.for_detail()

    def get_object(self):
        case = super().get_object()
        return attach_people(case) if self.action == "retrieve" else case

    def filter_queryset(self, queryset):
        if self.action not in LIST_ACTIONS:
            return queryset  # a case is found by its id alone
        return super().filter_queryset(queryset)

    @replica_reads
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_serializer_class(self):
        if self.action == "list":
            return CaseListSerializer
        if self.action == "create":
            return CaseCreateSerializer
        if (self.action or "").startswith(ACTION_PREFIX):
            return super().get_serializer_class()  # the action's, from the workflow
        return CaseDetailSerializer

    def action_response(self, case):
        return self._detail(case)

    def _detail(self, case, code=status.HTTP_200_OK):
        fresh = attach_people(Case.objects.for_detail().get(pk=case.pk))
        return Response(CaseDetailSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=CaseCreateSerializer, responses={201: CaseDetailSerializer})
    def create(self, request, *args, **kwargs):
        serializer = CaseCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        if serializer.validated_data["procedure"] == Procedure.SIMPLE:
            case = services.decide_on_the_spot(by=request.user, **serializer.simple_inputs())
        else:
            case = services.open_lead(by=request.user, **serializer.lead_inputs())
        return self._detail(case, status.HTTP_201_CREATED)

    # --- evidence (enforcement/files: GET/POST <id>/evidence/) ---------------------------------------
    attachment_model = CaseEvidence
    attachment_serializer_class = CaseEvidenceSerializer
    attachments_url_path = "evidence"

    def perform_attach(self, case, upload, **fields):
        return services.add_evidence(case, upload, by=self.request.user, **fields)

    # --- export --------------------------------------------------------------------------------------
    @extend_schema(
        summary="The filtered list as CSV",
        description=(
            "UTF-8 with a BOM; ID numbers masked for everyone; newest first. More than 100,000 matching "
            "answers 400 with a message to narrow the filters (a file is never cut short)."
        ),
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="The CSV file.")},
        filters=True,  # the list's filters; a bad one answers 400, which naming one of them documents:
        parameters=[
            OpenApiParameter("q", str, description=CaseFilterSet.base_filters["q"].extra["help_text"])
        ],
    )
    @action(
        detail=False,
        methods=["get"],
        url_path="export",
        pagination_class=None,
        renderer_classes=[JSONRenderer],
        content_negotiation_class=AnyAcceptNegotiation,
    )
    @replica_reads
    def export(self, request):
        queryset = self.filter_queryset(self.get_queryset())
        refusal = too_many(queryset)
        if refusal:
            return Response({"detail": refusal}, status=status.HTTP_400_BAD_REQUEST)
        return export_cases(queryset, request.user)


class PartyViewSet(ScopedModelViewSet):
    """Parties (当事人): the city's one register, searched at every new case (`q`: an ID number, a credit
    code, a phone, the beginning of a name). POST registers one, or answers the party already registered with
    that ID number or credit code (200). The detail lists the party's earlier cases you may see and counts their
    decided cases city-wide. ID numbers are masked in the list for everyone; in full on the detail for the case
    roles who see one of the party's cases or registered the party."""

    queryset = Party.objects.all()
    filterset_class = PartyFilterSet
    filter_backends = [DjangoFilterBackend]
    write_roles = CASE_WRITE_ROLES
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self):
        if self.action == "list":
            return PartySerializer
        if self.action == "create":
            return PartyWriteSerializer
        if self.action in ("partial_update", "update"):
            return PartyEditSerializer
        return PartyDetailSerializer

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def _detail(self, party, code=status.HTTP_200_OK):
        earlier = (
            Case.objects.visible_to(self.request.user)
            .filter(party=party)
            .select_related("category")
            .order_by("-registered_at", "-id")[:EARLIER_CASES]
        )
        standing = party_standing(party, self.request.user)
        context = {
            **self.get_serializer_context(),
            "party_cases": list(earlier),
            "full_id_number": standing.full,
            "earlier_cases_citywide": standing.earlier_citywide,
            "earlier_cases_in_scope": standing.earlier_in_scope,
        }
        return Response(PartyDetailSerializer(party, context=context).data, status=code)

    def retrieve(self, request, *args, **kwargs):
        return self._detail(self.get_object())

    @extend_schema(
        request=PartyWriteSerializer,
        responses={201: PartyDetailSerializer, 200: PartyDetailSerializer},
    )
    def create(self, request, *args, **kwargs):
        serializer = PartyWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        started = timezone.now()
        party = services.register_party(by=request.user, **serializer.validated_data)
        # The service answers the party already registered with this identity, or the one it registered now.
        registered_now = party.created_by_id == request.user.pk and party.created_at >= started
        return self._detail(party, status.HTTP_201_CREATED if registered_now else status.HTTP_200_OK)

    @extend_schema(request=PartyEditSerializer, responses=PartyDetailSerializer)
    def partial_update(self, request, *args, **kwargs):
        party = self.get_object()
        expected = self.given_version(request, party)
        serializer = PartyEditSerializer(
            data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        changes.pop("version", None)
        party = services.edit_party(party, by=request.user, changes=changes, version=expected)
        return self._detail(party)
