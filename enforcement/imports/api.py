"""The history import API: `/api/v1/imports/` lists the jobs of the user's scope, POST (multipart
{kind, file}) checks the file's header, stores it and answers 202 with the job, which the worker then runs;
the detail gives its progress and its first errors, worded; `/api/v1/imports/layouts/` documents the
columns of each kind. Administrators and statisticians only (others 403); another scope's job is 404."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, parsers, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from . import layouts, services
from .models import ImportJob, ImportKind


class CanImport(permissions.BasePermission):
    def has_permission(self, request, view):
        return services.can_import(request.user)


class ImportErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    column = serializers.CharField()
    code = serializers.CharField()
    value = serializers.CharField(required=False)
    message = serializers.CharField()


class ImportJobSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=ImportKind.choices)
    file = serializers.FileField(write_only=True)
    started_by = serializers.CharField(source="created_by.__str__", read_only=True)
    percent = serializers.IntegerField(read_only=True)
    errors = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "kind",
            "file",
            "file_name",
            "status",
            "total",
            "processed",
            "percent",
            "created",
            "skipped",
            "failed",
            "message",
            "errors",
            "started_by",
            "created_at",
            "finished_at",
        ]
        read_only_fields = [f for f in fields if f not in ("kind", "file")]

    @extend_schema(responses=ImportErrorSerializer(many=True))
    def get_errors(self, job) -> list:
        return [{**error, "message": str(layouts.error_message(job.kind, error))} for error in job.errors]


class LayoutColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    header_zh = serializers.CharField()
    header_en = serializers.CharField()
    label = serializers.CharField()
    required = serializers.BooleanField()
    format = serializers.CharField()
    format_help = serializers.CharField()
    choices = serializers.ListField(child=serializers.DictField())
    example = serializers.CharField()
    note = serializers.CharField()


class LayoutSerializer(serializers.Serializer):
    kind = serializers.CharField()
    columns = LayoutColumnSerializer(many=True)


class ImportJobViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = ImportJobSerializer
    permission_classes = [CanImport]
    parser_classes = [parsers.MultiPartParser, parsers.FormParser]
    queryset = ImportJob.objects.select_related("created_by")

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    @extend_schema(
        responses={
            202: OpenApiResponse(ImportJobSerializer, description=_("Stored and queued: the job, pending."))
        }
    )
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        job = services.start_import(kind=data["kind"], upload=data["file"], by=request.user)
        return Response(self.get_serializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses=LayoutSerializer(many=True))
    @action(detail=False, permission_classes=[permissions.IsAuthenticated], pagination_class=None)
    def layouts(self, request):
        data = [
            {"kind": layout.kind, "columns": [c.as_dict() for c in layout.columns]}
            for layout in layouts.all_layouts()
        ]
        return Response(data)
