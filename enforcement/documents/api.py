"""The documents' API (PRODUCT §6):

- `GET /api/v1/documents/` (filters: filtersets.DocumentFilterSet) and `/api/v1/documents/<id>/`: what
  whoever sees the record sees; an issued document is never changed or deleted (PUT/PATCH/DELETE → 405).
- `GET …/<id>/html/` and `…/<id>/pdf/`: the renditions frozen at issue (the PDF rendered on first download if
  the worker has not yet); 403 for a role that does not read the document's content.
- `POST …/<id>/void/`, `…/correct/`, `…/service/`: the acts of services.py, whose refusals the central
  handler maps (404 out of scope, 403 role, 409 state, 400 a missing reason or a bad proof of service).
- `GET/POST /api/v1/<records>/<id>/documents/` (RecordDocumentsMixin): a record's documents, what may be
  issued on it now, and issuing.
- `/api/v1/numbering-patterns/`: the administrators' numbering patterns (never the serials).
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from enforcement.api_utils import StandardPagination
from enforcement.audit.models import AuditAction
from enforcement.audit.services import record_event, snapshot
from enforcement.files.api import AnyFileRenderer
from enforcement.files.downloads import stored_file_response
from enforcement.replicas import replica_reads
from enforcement.viewsets import ScopedModelViewSet

from . import services
from .filtersets import DocumentFilterSet
from .models import Document, DocumentFrozen, NumberingPattern
from .permissions import may_read, may_set_pattern
from .serializers import (
    CITY_DEFAULT_REFUSAL,
    PATTERNS_REFUSAL,
    CorrectSerializer,
    DocumentDetailSerializer,
    DocumentListSerializer,
    IssueSerializer,
    NumberingPatternSerializer,
    RecordDocumentsSerializer,
    RefusalSerializer,
    ServiceInputSerializer,
    VoidSerializer,
)

DOCUMENT_JOINS = ("content_type", "unit", "issued_by", "replaces", "correction", "service__recorded_by")
# The frozen page needs nothing from outside (its style is inlined): a browser opening it loads nothing else.
HTML_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:"
RENDITIONS = ("html", "pdf")
ERRORS = {403: RefusalSerializer, 404: RefusalSerializer}


class PDFRenderer(AnyFileRenderer):
    """Lets a client ask for `Accept: application/pdf`; the PDF itself is streamed or redirected to."""

    media_type = "application/pdf"
    format = "pdf"


class HTMLRenderer(PDFRenderer):
    media_type = "text/html"
    format = "html"
    charset = "utf-8"
    render_style = "text"


def document_response(document_id, request, code=status.HTTP_200_OK):
    document = Document.objects.select_related(*DOCUMENT_JOINS).get(pk=document_id)
    return Response(DocumentDetailSerializer(document, context={"request": request}).data, status=code)


FROZEN = OpenApiResponse(RefusalSerializer, description=str(DocumentFrozen.message))


class DocumentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Issued documents (执法文书), visible to whoever sees their record, newest first."""

    queryset = Document.objects.all()
    permission_classes = [permissions.IsAuthenticated]  # who may act: services.py, in words
    filterset_class = DocumentFilterSet
    filter_backends = [DjangoFilterBackend]
    pagination_class = StandardPagination

    def get_queryset(self):
        queryset = Document.objects.visible_to(self.request.user).select_related(*DOCUMENT_JOINS)
        if self.action == "list":
            return queryset.prefetch_related("record")  # one query per kind of record, for its url
        return queryset

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset  # a document is found by its id alone
        return super().filter_queryset(queryset)

    def get_serializer_class(self):
        return DocumentListSerializer if self.action == "list" else DocumentDetailSerializer

    @replica_reads
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        response["ETag"] = f'W/"{response.data["version"]}"'  # what void's If-Match sends back
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        # A rendition's refusal is JSON, whatever rendition the client asked for.
        if self.action in RENDITIONS and isinstance(response, Response) and response.status_code >= 400:
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/json"
        return super().finalize_response(request, response, *args, **kwargs)

    # --- never changed, never deleted ------------------------------------------------------------------
    def _frozen(self):
        self.get_object()  # out of scope: 404, as for a read
        return Response(
            {"detail": DocumentFrozen.message},
            status=status.HTTP_405_METHOD_NOT_ALLOWED,
            headers={"Allow": "GET, HEAD, OPTIONS"},
        )

    @extend_schema(request=None, responses={405: FROZEN, 404: RefusalSerializer})
    def update(self, request, *args, **kwargs):
        """Refused: an issued document is never changed (issue a correction, or void it)."""
        return self._frozen()

    @extend_schema(request=None, responses={405: FROZEN, 404: RefusalSerializer})
    def partial_update(self, request, *args, **kwargs):
        """Refused: an issued document is never changed (issue a correction, or void it)."""
        return self._frozen()

    @extend_schema(request=None, responses={405: FROZEN, 404: RefusalSerializer})
    def destroy(self, request, *args, **kwargs):
        """Refused: an issued document is never deleted; voiding keeps it, with the reason."""
        return self._frozen()

    # --- renditions ----------------------------------------------------------------------------------------
    def _readable(self):
        document = self.get_object()
        if not may_read(document, self.request.user):
            raise PermissionDenied(
                str(document.spec.read_message) or _("Your role does not read this document.")
            )
        return document

    @extend_schema(
        summary="The document as issued (HTML)",
        responses={
            (200, "text/html"): OpenApiResponse(
                OpenApiTypes.STR, description="The page frozen at issue, as is."
            ),
            **{(code, "application/json"): serializer for code, serializer in ERRORS.items()},
        },
    )
    @action(detail=True, methods=["get"], url_path="html", renderer_classes=[JSONRenderer, HTMLRenderer])
    def html(self, request, pk=None):
        """The page frozen at issue, as it was issued (its style inlined; it loads nothing else)."""
        document = self._readable()
        response = HttpResponse(document.html, content_type="text/html; charset=utf-8")
        response["Content-Security-Policy"] = HTML_CSP
        return response

    @extend_schema(
        summary="The document as issued (PDF)",
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description=(
                    "The PDF rendered from the frozen page; its SHA-256 is the metadata's pdf_sha256."
                ),
            ),
            302: OpenApiResponse(
                description=(
                    "With an object store (STORAGE_BACKEND=s3): the PDF's short-lived signed URL, in Location."
                )
            ),
            **{(code, "application/json"): serializer for code, serializer in ERRORS.items()},
        },
    )
    @action(detail=True, methods=["get"], url_path="pdf", renderer_classes=[JSONRenderer, PDFRenderer])
    def pdf(self, request, pk=None):
        """The PDF of the frozen page (rendered now if the worker has not yet), named by the number."""
        document = services.ensure_pdf(self._readable().pk)
        # Streamed, or a redirect (302) to a short-lived signed URL of the object store.
        response = stored_file_response(
            request,
            document.pdf,
            filename=f"{document.number}.pdf",
            content_type="application/pdf",
            inline=False,
        )
        response["ETag"] = f'"{document.pdf_sha256}"'
        return response

    # --- acts ----------------------------------------------------------------------------------------------
    @extend_schema(
        request=VoidSerializer,
        responses={200: DocumentDetailSerializer},
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
    @action(detail=True, methods=["post"], url_path="void")
    def void(self, request, pk=None):
        """Voids (作废) the document, with the reason; its number is never given again."""
        document = self.get_object()
        serializer = VoidSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = request.headers.get("If-Match", "").strip() or serializer.validated_data.get("version")
        services.void_document(
            document, by=request.user, reason=serializer.validated_data.get("reason", ""), version=version
        )
        return document_response(document.pk, request)

    @extend_schema(request=CorrectSerializer, responses={201: DocumentDetailSerializer})
    @action(detail=True, methods=["post"], url_path="correct")
    def correct(self, request, pk=None):
        """Issues a correction (更正): a new document, with a new number, that replaces this one."""
        document = self.get_object()
        serializer = CorrectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        correction = services.correct_document(
            document, by=request.user, reason=serializer.validated_data.get("reason", "")
        )
        return document_response(correction.pk, request, status.HTTP_201_CREATED)

    @extend_schema(request=ServiceInputSerializer, responses={201: DocumentDetailSerializer})
    @action(detail=True, methods=["post"], url_path="service")
    def service(self, request, pk=None):
        """Records the proof of service (送达回证), once per document."""
        document = self.get_object()
        serializer = ServiceInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.record_service(document, by=request.user, **serializer.fields_for_service())
        return document_response(document.pk, request, status.HTTP_201_CREATED)


# --- on the records' viewsets --------------------------------------------------------------------------------
class RecordDocumentsMixin:
    """Adds `GET/POST /api/v1/<records>/<id>/documents/` to a record viewset (put it before the base
    viewset): the record's documents, whole, with the types the user may issue now; POST {doc_type} issues
    one. The record is loaded through the viewset's `get_object()` (out of scope → 404)."""

    def _record_documents(self, request, pk=None):
        record = self.get_object()
        context = {"request": request}
        if request.method != "POST":
            documents = list(services.documents_of(record).select_related("content_type", "correction"))
            for document in documents:
                Document.record.set_cached_value(document, record)
            issuable = [
                {"type": spec.type, "name": str(spec.name)}
                for spec in services.issuable(record, request.user)
            ]
            return Response(
                RecordDocumentsSerializer(
                    {"documents": documents, "issuable": issuable}, context=context
                ).data
            )
        serializer = IssueSerializer(data=request.data, record_model=type(record))
        serializer.is_valid(raise_exception=True)
        document = services.issue_document(record, serializer.validated_data["doc_type"], by=request.user)
        return document_response(document.pk, request, status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses=RecordDocumentsSerializer, filters=False)
    @extend_schema(methods=["POST"], request=IssueSerializer, responses={201: DocumentDetailSerializer})
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="documents",
        url_name="documents",
        filter_backends=[],
        pagination_class=None,
    )
    def documents(self, request, pk=None):
        """The record's documents (newest first) and the types you may issue on it now; POST `doc_type` to
        issue one (409 with the step's words when the record is not at its step)."""
        return self._record_documents(request, pk)


# --- numbering patterns ----------------------------------------------------------------------------------------
class NumberingPatternPermission(permissions.BasePermission):
    message = PATTERNS_REFUSAL

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False
        return request.method in permissions.SAFE_METHODS or request.user.is_admin

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        if not may_set_pattern(request.user, obj.unit):
            raise PermissionDenied(CITY_DEFAULT_REFUSAL if obj.unit_id is None else PATTERNS_REFUSAL)
        return True


class NumberingPatternViewSet(ScopedModelViewSet):
    """Numbering patterns per issuing unit and type (`example`: the number one gives with serial 123). Read:
    the city's defaults and the patterns of the units you see or belong under; written by administrators."""

    queryset = NumberingPattern.objects.select_related("unit")
    serializer_class = NumberingPatternSerializer
    permission_classes = [NumberingPatternPermission]
    filterset_fields = ["unit", "doc_type"]
    ordering_fields = ["doc_type"]
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def destroy(self, request, *args, **kwargs):
        """Removes a pattern: the unit then numbers with the next one that applies (services.pattern_for)."""
        pattern = self.get_object()
        with transaction.atomic():
            record_event(pattern, AuditAction.DELETE, actor=request.user, before=snapshot(pattern))
            pattern.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
