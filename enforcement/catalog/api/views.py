from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from enforcement.org.permissions import CityWidePermission
from enforcement.viewsets import ScopedModelViewSet

from ..models import LegalParameter, ViolationCategory
from ..services import save_changes, set_category_active
from .filtersets import LegalParameterFilterSet, ViolationCategoryFilterSet
from .serializers import LegalParameterSerializer, ViolationCategorySerializer


class CatalogViewSet(ScopedModelViewSet):
    permission_classes = [CityWidePermission]  # city administrators write

    def expected_version(self):
        data = (
            self.request.data if hasattr(self.request.data, "get") else {}
        )  # a JSON null or list: no version
        return self.request.headers.get("If-Match", "").strip('"') or data.get("version") or None

    def perform_update(self, serializer):
        # One versioned write (no plain save first), validated and audited by the service.
        save_changes(
            serializer.instance,
            serializer.validated_data,
            by=self.request.user,
            expected_version=self.expected_version(),
        )


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, help_text=_("The version you read (or send If-Match).")
    )


class ViolationCategoryViewSet(CatalogViewSet):
    queryset = ViolationCategory.objects.prefetch_related("children")
    serializer_class = ViolationCategorySerializer
    filterset_class = ViolationCategoryFilterSet
    ordering_fields = ["sort_order", "code", "name"]

    def _set_active(self, active):
        category = self.get_object()
        set_category_active(category, active, by=self.request.user, expected_version=self.expected_version())
        category = self.get_queryset().get(pk=category.pk)
        return Response(self.get_serializer(category).data)

    @extend_schema(request=VersionSerializer, responses=ViolationCategorySerializer)
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        """Deactivates the category (and, for a major category, its sub-categories)."""
        return self._set_active(False)

    @extend_schema(request=VersionSerializer, responses=ViolationCategorySerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        """Reactivates the category (a sub-category only under an active major category)."""
        return self._set_active(True)


class LegalParameterViewSet(CatalogViewSet):
    queryset = LegalParameter.objects.all()
    serializer_class = LegalParameterSerializer
    filterset_class = LegalParameterFilterSet
    ordering_fields = ["key"]
