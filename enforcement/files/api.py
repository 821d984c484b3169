"""`GET/POST /api/v1/<resource>/<id>/attachments/` for any viewset of records with files.

    class PermitViewSet(AttachmentsMixin, ScopedModelViewSet):
        attachment_model = PermitAttachment              # an Attachment subclass
        attachment_serializer_class = PermitAttachmentSerializer

        def perform_attach(self, permit, upload, **fields):   # the domain's rule: who may add and when
            return services.add_permit_file(permit, upload, by=self.request.user, **fields)

The record is loaded through the viewset's scoped queryset (out of scope → 404). An upload over the size
limit is refused (413) before authentication reads the body; a file of a type not accepted is 400.

`GET /api/v1/<resource>/<id>/attachments/<file id>/` is the file itself, for whoever the API signs in (an
API token as well as a session): streamed, or a redirect to a short-lived signed URL of the object store;
each attachment's `url` in the API names it."""

from urllib.parse import urlsplit

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from enforcement.api_utils import PlausibleDateTimeField

from .services import store_attachment
from .uploads import UploadTooLarge, check_upload, guard_upload
from .views import serve_attachment

ACTION = "attachments"
FILE_SUFFIX = "-file"
FILE_MEDIA_TYPES = (
    "image/*",
    "video/*",
    "audio/*",
    "application/pdf",
)  # the url_name of one file's route: "<url_path>-file"


class AnyFileRenderer(BaseRenderer):
    """Lets a client ask for the file's own type (`Accept: image/jpeg`, `*/*`); the file itself is streamed
    or redirected to, never rendered."""

    media_type = "*/*"
    format = "file"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


class UploadedBySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="full_name")


class AttachmentSerializer(serializers.ModelSerializer):
    """The fields every attachment has; a domain's serializer adds its own (a stage) and names its model.
    `file` is written (multipart), `url` read: the scoped download."""

    file = serializers.FileField(write_only=True)
    captured_at = PlausibleDateTimeField(required=False, allow_null=True)
    url = serializers.SerializerMethodField()
    uploaded_by = UploadedBySerializer(read_only=True)

    class Meta:
        fields = [
            "id",
            "file",
            "url",
            "kind",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "captured_at",
            "lat",
            "lng",
            "uploaded_by",
            "uploaded_at",
        ]
        read_only_fields = ["kind", "original_name", "content_type", "size", "sha256", "uploaded_at"]

    def get_url(self, obj) -> str:
        """The file's API route (a token signs it in), when serialized by a viewset that has it; else the
        browser's download page."""
        view = self.context.get("view")
        url_path = getattr(view, "attachments_url_path", None)
        if url_path is None or not isinstance(obj, view.attachment_model):
            return obj.get_download_url()
        parent = getattr(obj, f"{obj.parent_field}_id")
        kwargs = {**view.kwargs, view.lookup_url_kwarg or view.lookup_field: parent, "file_id": obj.pk}
        # A path, as the browser's is: the client's own host and scheme, whatever the proxy in between.
        return urlsplit(view.reverse_action(f"{url_path}{FILE_SUFFIX}", kwargs=kwargs)).path


class AttachmentsMixin:
    """Adds the `attachments` route to a viewset (put it before the base viewset)."""

    attachment_model = None
    attachment_serializer_class = None
    attachments_url_path = ACTION  # the route's last segment: a case's files are its "evidence"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        serializer = cls.__dict__.get("attachment_serializer_class")
        if serializer is not None:  # the schema names the domain's serializer
            cls.attachments = _attachments_action(serializer, cls.attachments_url_path)
            # One file: named by its route's path, so a viewset's "evidence" is `evidence_file`.
            setattr(
                cls, f"{cls.attachments_url_path}_file", _attachment_file_action(cls.attachments_url_path)
            )

    def initial(self, request, *args, **kwargs):
        # Before authentication: a session's CSRF check reads the body, and a 200 MB body must not be read.
        if getattr(self, "action", None) == ACTION and request.method == "POST":
            try:
                guard_upload(request._request)
            except UploadTooLarge as exc:
                raise RequestTooLarge(exc.message) from exc
        super().initial(request, *args, **kwargs)

    def get_attachments(self, parent):
        """The record's files: those its detail queryset prefetched (with who uploaded each), else one query."""
        field = self.attachment_model._meta.get_field(self.attachment_model.parent_field)
        accessor = field.remote_field.get_accessor_name()
        if accessor in getattr(parent, "_prefetched_objects_cache", {}):
            return getattr(parent, accessor).all()
        return self.attachment_model.objects.filter(**{field.name: parent}).select_related("uploaded_by")

    def perform_attach(self, parent, upload, **fields):
        """Stores the file. A domain overrides this with its service, which checks who may add a file and
        in which state before it calls `store_attachment`."""
        return store_attachment(self.attachment_model, parent, upload, by=self.request.user, **fields)

    def _attachment_file(self, request, file_id):
        parent = self.get_object()  # out of scope: 404
        field = self.attachment_model._meta.get_field(self.attachment_model.parent_field)
        attachment = self.attachment_model.objects.filter(**{field.name: parent}, pk=file_id).first()
        if attachment is None:
            raise Http404
        return serve_attachment(request._request, attachment)

    def finalize_response(self, request, response, *args, **kwargs):
        # A refusal of a file is JSON, whatever type the client asked for.
        one_file = getattr(self, "action", None) == f"{self.attachments_url_path}_file"
        if one_file and response.status_code >= 400:
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/json"
        return super().finalize_response(request, response, *args, **kwargs)

    def _list_or_attach(self, request, pk=None):
        parent = self.get_object()
        context = self.get_serializer_context()
        serializer_class = self.attachment_serializer_class
        if request.method != "POST":
            return Response(serializer_class(self.get_attachments(parent), many=True, context=context).data)
        try:
            upload = request.FILES.get("file")  # parses the body, if authentication did not already
            check_upload(request._request)
        except UploadTooLarge as exc:
            raise RequestTooLarge(exc.message) from exc
        if upload is None:
            raise exceptions.ValidationError({"file": [_("Choose a file to upload.")]})
        serializer = serializer_class(data=request.data, context=context)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        fields.pop("file", None)
        attachment = self.perform_attach(parent, upload, **fields)
        return Response(serializer_class(attachment, context=context).data, status=status.HTTP_201_CREATED)


def _attachments_action(serializer, url_path=ACTION):
    def attachments(self, request, pk=None, **parents):
        """The record's files; POST a multipart `file` (photo, video, audio or PDF: the type is read from
        its bytes) with the optional capture time and place."""
        # `parents`: a nested route's ids (a campaign's logs), which the viewset's queryset reads.
        return self._list_or_attach(request, pk)

    attachments = action(
        detail=True,
        methods=["get", "post"],
        url_path=url_path,
        url_name=url_path,
        serializer_class=serializer,
        parser_classes=[MultiPartParser, FormParser],
        filter_backends=[],
        pagination_class=None,
    )(attachments)  # one record's files, whole
    # After @action: the schema is then kept with the action's own arguments.
    attachments = extend_schema(methods=["GET"], responses=serializer(many=True))(attachments)
    return extend_schema(
        methods=["POST"], request={"multipart/form-data": serializer}, responses={201: serializer}
    )(attachments)


def _attachment_file_action(url_path=ACTION):
    def attachment_file(self, request, pk=None, file_id=None, **parents):
        """The file, as uploaded (its type as sniffed from its bytes); for a token as for a session."""
        return self._attachment_file(request, file_id)

    attachment_file.__name__ = f"{url_path}_file"
    attachment_file = action(
        detail=True,
        methods=["get"],
        url_path=f"{url_path}/(?P<file_id>[0-9]+)",
        url_name=f"{url_path}{FILE_SUFFIX}",
        renderer_classes=[JSONRenderer, AnyFileRenderer],
        filter_backends=[],
        pagination_class=None,
    )(attachment_file)
    return extend_schema(
        summary="One file of the record",
        responses={
            # The kinds of files taken (sniffing.py): a photo, a video, a recording, a PDF.
            **{
                (200, media): OpenApiResponse(
                    OpenApiTypes.BINARY, description="The file, of the type it was stored as."
                )
                for media in FILE_MEDIA_TYPES
            },
            302: OpenApiResponse(
                description="With an object store (STORAGE_BACKEND=s3): the file's short-lived signed URL, in Location."
            ),
        },
    )(attachment_file)
