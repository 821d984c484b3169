"""What every API endpoint shares: the scoped and audited base viewset (NetBox style: scoping done
once, in the base queryset), scoped foreign keys and role-based write permission."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.response import Response

from enforcement.audit.services import record_create, record_update, snapshot


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A foreign key that accepts only objects visible to the requesting user: an out-of-scope id
    reads as unknown, exactly like a missing one."""

    def get_queryset(self):
        request = self.context.get("request")
        return super().get_queryset().visible_to(getattr(request, "user", None))


class RolePermission(permissions.BasePermission):
    """Reads for any signed-in user (scope still applies); writes for the roles the view names."""

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        write_roles = getattr(view, "write_roles", ())
        return request.user.is_superuser or request.user.has_role(*write_roles)


class ScopedModelViewSet(viewsets.ModelViewSet):
    """List/detail through `visible_to(user)` (out of scope → 404); create/update write audit events;
    an update carrying a stale `version` (body or If-Match) answers 409."""

    permission_classes = [RolePermission]
    write_roles = ("admin",)

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    def perform_create(self, serializer):
        with transaction.atomic():
            obj = serializer.save()
            record_create(obj, actor=self.request.user)

    def perform_update(self, serializer):
        instance = serializer.instance
        expected = self.request.headers.get("If-Match") or self.request.data.get("version")
        with transaction.atomic():
            if hasattr(instance, "claim_version"):
                instance.claim_version(expected)  # row lock first: a concurrent editor gets 409
            before = snapshot(instance)
            obj = serializer.save()
            record_update(obj, before, actor=self.request.user)

    def destroy(self, request, *args, **kwargs):
        return Response(
            {"detail": _("Records are deactivated, not deleted.")}, status=status.HTTP_405_METHOD_NOT_ALLOWED
        )
