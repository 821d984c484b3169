"""Writing audit events. Services call `record_event` inside their transaction, so an event exists
exactly when the change it describes was committed."""

from datetime import UTC, datetime

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from .context import current_source
from .models import AuditAction, AuditEvent

_SKIP_FIELDS = {"password", "path", "version"}


def snapshot(obj, fields=None):
    """A JSON-safe dict of the concrete fields of `obj` (foreign keys as ids), as the audit trail keeps
    it. Moments are spelled in UTC (one spelling per instant, whatever zone computed them); a timestamp
    every save sets (`auto_now`) is left out, since the event's own time says when. A model adjusts what
    is kept with a hook, `audit_snapshot(self, data) -> data` (e.g. masking a complainant's phone)."""
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name in _SKIP_FIELDS or (fields is not None and field.name not in fields):
            continue
        if getattr(field, "auto_now", False):
            continue
        value = getattr(obj, field.attname)
        if isinstance(field, models.FileField):
            value = str(value) if value else ""
        elif isinstance(value, datetime) and timezone.is_aware(value):
            value = value.astimezone(UTC)
        data[field.name] = DjangoJSONEncoder().default(value) if _needs_encoding(value) else value
    hook = getattr(obj, "audit_snapshot", None)
    return hook(data) if hook is not None else data


def changed(before, after):
    """What changed between two snapshots: (before, after), each holding only the keys that differ."""
    keys = [key for key in {**before, **after} if before.get(key) != after.get(key)]
    return {key: before.get(key) for key in keys}, {key: after.get(key) for key in keys}


def _needs_encoding(value):
    return value is not None and not isinstance(value, str | int | float | bool | list | dict)


def record_event(
    obj, action, *, actor=None, before=None, after=None, verb="", note="", source=None, root=None
):
    """Writes one event about `obj`. `root` is the record whose timeline it belongs to when `obj` is a
    child record (an attachment, an approval request, a hearing), so the parent's page shows it."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    content_type = ContentType.objects.get_for_model(obj)
    root_content_type = root_object_id = None
    if root is not None:
        root_content_type = ContentType.objects.get_for_model(root)
        if (root_content_type, str(root.pk)) == (content_type, str(obj.pk)):
            root_content_type = None  # its own root: stored as null (AuditEvent.root_content_type)
        else:
            root_object_id = str(root.pk)
    return AuditEvent.objects.create(
        actor=actor,
        content_type=content_type,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        root_content_type=root_content_type,
        root_object_id=root_object_id,
        action=action,
        verb=verb,
        source=source or current_source(),
        before=before,
        after=after,
        note=note,
    )


def record_create(obj, *, actor, note="", root=None):
    return record_event(obj, AuditAction.CREATE, actor=actor, after=snapshot(obj), note=note, root=root)


def record_update(obj, before, *, actor, note="", root=None, after=None):
    """Records an edit if anything changed; `before` is a snapshot taken before the edit, `after` one taken
    after it when the caller's snapshot is not `snapshot(obj)` (e.g. with a user's roles)."""
    old, new = changed(before, snapshot(obj) if after is None else after)
    if not new:
        return None
    return record_event(obj, AuditAction.UPDATE, actor=actor, before=old, after=new, note=note, root=root)


def record_transition(obj, verb, from_status, to_status, *, actor, note="", extra=None, root=None):
    return record_event(
        obj,
        AuditAction.TRANSITION,
        actor=actor,
        verb=verb,
        before={"status": from_status},
        after={"status": to_status, **(extra or {})},
        note=note,
        root=root,
    )


def allow_truncate(connection):
    """Lets TRUNCATE empty the audit table until the current transaction ends, which PostgreSQL refuses
    otherwise (migrations/0004_refuse_truncate.py): for emptying a whole database on purpose, the
    benchmark's reload and the test suite's flush, never for removing history."""
    if connection.vendor != "postgresql":
        return
    if not connection.in_atomic_block:
        raise RuntimeError("allow_truncate() holds for one transaction: call it inside transaction.atomic().")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL audit.allow_truncate = on")


def timeline(obj):
    """What happened to `obj` and to its child records (events recorded with `root=obj`), newest first."""
    return AuditEvent.objects.for_timeline(obj).select_related("actor")
