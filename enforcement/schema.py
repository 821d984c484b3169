"""The OpenAPI schema's shared parts: the error bodies every operation can answer, documented once here
(`AutoSchema`, the `DEFAULT_SCHEMA_CLASS`), so an endpoint a later issue adds documents them by
construction. The bodies are those `api_utils.exception_handler` gives:

- `{"detail": "..."}` for 403, 404, 405, 409, 413, 415, 428 and 429 (and a 400 the body could not be parsed);
- field messages for 400: `{"field": ["message", ...], ...}` (`non_field_errors` for the whole input).

Which operation answers which error follows from its shape: 400 when it takes a body or query
parameters, 403 unless anybody may call it, 404 when the path names a record, 409 for writes (the
record's state or a newer version refuses), 413 for uploads, 415 for a body of a format the operation
does not read, 428 for PUT/PATCH sent without a version."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular import openapi
from drf_spectacular.plumbing import ResolvedComponent, force_instance
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny

ErrorSerializer = inline_serializer("Error", {"detail": serializers.CharField()})

# DRF's field messages; nested inputs nest the same shape, a list input gives one object per item.
FIELD_ERRORS = ResolvedComponent(
    name="FieldErrors",
    type=ResolvedComponent.SCHEMA,
    object="FieldErrors",
    schema={
        "type": "object",
        "description": "Messages per field; `non_field_errors` for the input as a whole.",
        "additionalProperties": {
            "anyOf": [
                {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "object"}]}},
                {"type": "object"},
                {"type": "string"},
            ],
        },
    },
)

ERROR_DESCRIPTIONS = {
    "400": _("The input was refused: the messages say which field and why."),
    "401": _("The API token was refused (expired, revoked or replaced): sign in again for a new one."),
    "403": _("Not signed in, or your role may not do this (or the account is locked)."),
    "404": _("No such record (or it is outside your scope), or no such page."),
    "405": _("Records of this kind are deactivated, not deleted."),
    "409": _("The record's state does not allow this now, or someone saved a newer version."),
    "413": _("The file is larger than the upload limit."),
    "415": _("The body is not in a format this operation reads (JSON or a form)."),
    "428": _("Send the version you read (If-Match or `version`), so a newer edit is not overwritten."),
    "429": _("Too many attempts: wait a while before trying again."),
}

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema, plus the error responses of each operation (see the module's docstring).
    An operation's own declaration of a code (`@extend_schema(responses={...})`) wins."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        if self.method.upper() == "DELETE" and self._never_deletes():
            responses.pop("204", None)  # the base viewset's DELETE always answers 405
        for code in self.error_codes():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    self.error_body(code), code, direction=direction
                )
            elif not responses[code].get("description"):  # declared by the operation, without words
                responses[code]["description"] = str(ERROR_DESCRIPTIONS[code])
        return responses

    def error_body(self, code):
        if code == "400":
            self.registry.register_on_missing(FIELD_ERRORS)
            body = {"anyOf": [self.resolve_serializer(ErrorSerializer, "response").ref, FIELD_ERRORS.ref]}
        else:
            body = ErrorSerializer
        return OpenApiResponse(response=body, description=str(ERROR_DESCRIPTIONS[code]))

    def error_codes(self):
        method = self.method.upper()
        codes = []
        if method in UNSAFE or self._query_parameters():
            codes.append("400")
        if self._reads_api_tokens():
            codes.append("401")  # a token sent and refused (enforcement/org/api/authentication.py)
        codes.append("403")  # also where anybody may call: a locked account, a refused CSRF check
        if "{" in self.path or (self._is_list_view() and self._get_paginator() is not None):
            codes.append("404")  # a record, or a page past the last
        if method == "DELETE" and self._never_deletes():
            codes.append("405")
        if method in UNSAFE and not self._open_to_anybody():
            codes.append("409")
        if method in UNSAFE and "multipart/form-data" in self.map_parsers() and self._only_multipart():
            codes.append("413")
        if method in ("POST", "PUT", "PATCH") and self.get_request_serializer() is not None:
            codes.append("415")  # a Content-Type its parsers do not read (or a multipart body without one)
        if method in ("PUT", "PATCH"):
            codes.append("428")
        if getattr(self.view, "throttle_scope", None):
            codes.append("429")
        return codes

    def _never_deletes(self):
        from enforcement.viewsets import ScopedModelViewSet  # not at import: DRF's settings load this module

        return getattr(type(self.view), "destroy", None) is ScopedModelViewSet.destroy

    def _reads_api_tokens(self):
        from enforcement.org.api.authentication import ApiTokenAuthentication

        authenticators = self.view.get_authenticators() if hasattr(self.view, "get_authenticators") else []
        return any(isinstance(authenticator, ApiTokenAuthentication) for authenticator in authenticators)

    def _open_to_anybody(self):
        classes = self.view.get_permissions() if hasattr(self.view, "get_permissions") else []
        return not classes or all(isinstance(permission, AllowAny) for permission in classes)

    def _only_multipart(self):
        """An upload route (a file field in its request), not a JSON route that also reads forms."""
        declared = self.get_request_serializer()
        for serializer in declared.values() if isinstance(declared, dict) else [declared]:
            serializer = force_instance(serializer)
            if isinstance(serializer, serializers.Serializer) and any(
                isinstance(field, serializers.FileField) for field in serializer.fields.values()
            ):
                return True
        return False

    def _query_parameters(self):
        if self.get_filter_backends() and self._is_list_view():
            return True
        return any(
            getattr(parameter, "location", "query") == "query" for parameter in self.get_override_parameters()
        )
