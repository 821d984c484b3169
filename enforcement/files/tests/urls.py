"""A test-only permit endpoint and download page built on enforcement/files, as a domain app would."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404
from django.urls import include, path
from rest_framework import routers, serializers

from enforcement.files.api import AttachmentSerializer, AttachmentsMixin
from enforcement.files.views import serve_attachment
from enforcement.viewsets import ScopedModelViewSet
from tests.testapp.models import Permit, PermitAttachment


class PermitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Permit
        fields = ["id", "title"]


class PermitAttachmentSerializer(AttachmentSerializer):
    class Meta(AttachmentSerializer.Meta):
        model = PermitAttachment


class PermitViewSet(AttachmentsMixin, ScopedModelViewSet):
    queryset = Permit.objects.all()
    serializer_class = PermitSerializer
    write_roles = ("officer",)
    attachment_model = PermitAttachment
    attachment_serializer_class = PermitAttachmentSerializer


@login_required
def permit_file(request, pk, attachment_id):
    permit = get_object_or_404(Permit.objects.visible_to(request.user), pk=pk)
    return serve_attachment(request, get_object_or_404(PermitAttachment, permit=permit, pk=attachment_id))


router = routers.SimpleRouter()
router.register("permits", PermitViewSet)

urlpatterns = [
    path("api/", include(router.urls)),
    path("permits/<int:pk>/files/<int:attachment_id>/", permit_file),
    path("", include("enforcement.urls")),  # the site's pages (the 404 page links to them)
]
