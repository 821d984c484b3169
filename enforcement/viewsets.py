"""What every API endpoint shares: the scoped and audited base viewset (NetBox style: scoping done
once, in the base queryset), scoped foreign keys and role-based write permission."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, permissions, serializers, status, viewsets
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


class PreconditionRequired(exceptions.APIException):
    """An update of a versioned record that does not say which version it was based on (428): without it,
    a change made in between would be silently overwritten."""

    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_code = "precondition_required"
    default_detail = _(
        "Say which version of the record you changed: send its “version” (or an If-Match header with the ETag "
        "you read), so that nobody's change is overwritten."
    )


def etag_for(version):
    """A record's ETag: weak, since what a reader gets of one version depends on who reads it (their actions,
    a masked name) and in which language; If-Match accepts it as it is (versioning._version)."""
    return f'W/"{version}"'


class ScopedModelViewSet(viewsets.ModelViewSet):
    """List/detail through `visible_to(user)` (out of scope → 404); create/update write audit events.
    A detail response carries the record's version as its ETag; an update of a versioned record must say
    which version it changed (body `version` or If-Match), else 428, and a stale one answers 409."""

    permission_classes = [RolePermission]
    write_roles = ("admin",)

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        data = getattr(response, "data", None)
        if (
            self.kwargs.get(self.lookup_url_kwarg or self.lookup_field) is not None
            and isinstance(data, dict)
            and isinstance(data.get("version"), int)
            and response.status_code < 300
        ):
            response["ETag"] = etag_for(data["version"])
        return response

    def given_version(self, request, instance):
        """The version an update of `instance` says it changed (If-Match, else the body's `version`); 428
        if it says none and the record is versioned. Call after loading the record (404 and 403 first)."""
        given = request.headers.get("If-Match") or (
            request.data.get("version") if hasattr(request.data, "get") else None
        )
        if hasattr(instance, "claim_version") and given in (None, ""):
            raise PreconditionRequired()
        return given

    def update(self, request, *args, **kwargs):
        self.given_version(request, self.get_object())
        return super().update(request, *args, **kwargs)

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
