"""Writing audit events. Services call `record_event` inside their transaction, so an event exists
exactly when the change it describes was committed."""

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from .context import current_source
from .models import AuditAction, AuditEvent

_SKIP_FIELDS = {"password", "path", "version"}


def snapshot(obj, fields=None):
    """A JSON-safe dict of the concrete fields of `obj` (foreign keys as ids)."""
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name in _SKIP_FIELDS or (fields is not None and field.name not in fields):
            continue
        value = getattr(obj, field.attname)
        if isinstance(field, models.FileField):
            value = str(value) if value else ""
        data[field.name] = DjangoJSONEncoder().default(value) if _needs_encoding(value) else value
    return data


def _needs_encoding(value):
    return value is not None and not isinstance(value, str | int | float | bool | list | dict)


def record_event(obj, action, *, actor=None, before=None, after=None, verb="", note="", source=None):
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEvent.objects.create(
        actor=actor,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        action=action,
        verb=verb,
        source=source or current_source(),
        before=before,
        after=after,
        note=note,
    )


def record_create(obj, *, actor, note=""):
    return record_event(obj, AuditAction.CREATE, actor=actor, after=snapshot(obj), note=note)


def record_update(obj, before, *, actor, note=""):
    """Records an edit if anything changed; `before` is a snapshot taken before the edit."""
    after = snapshot(obj)
    changed = {k for k in after if before.get(k) != after.get(k)}
    if not changed:
        return None
    return record_event(
        obj, AuditAction.UPDATE, actor=actor,
        before={k: before.get(k) for k in changed}, after={k: after[k] for k in changed}, note=note,
    )


def record_transition(obj, verb, from_status, to_status, *, actor, note="", extra=None):
    return record_event(
        obj, AuditAction.TRANSITION, actor=actor, verb=verb,
        before={"status": from_status}, after={"status": to_status, **(extra or {})}, note=note,
    )


def timeline(obj):
    return AuditEvent.objects.for_object(obj).select_related("actor")
