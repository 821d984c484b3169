from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Edited")
    TRANSITION = "transition", _("Status change")
    DELETE = "delete", _("Deleted")


class AuditSource(models.TextChoices):
    UI = "ui", _("Browser")
    API = "api", _("API")
    TASK = "task", _("Background task")
    SYSTEM = "system", _("System")


class AppendOnlyError(Exception):
    pass


class AuditEventQuerySet(models.QuerySet):
    def for_object(self, obj):
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk))

    def for_timeline(self, obj):
        """The events of `obj` itself and of its child records (those recorded with `root=obj`): one query,
        each half served by its own index (`audit_object_at`, `audit_root_at`)."""
        content_type, object_id = ContentType.objects.get_for_model(obj), str(obj.pk)
        return self.filter(
            Q(content_type=content_type, object_id=object_id)
            | Q(root_content_type=content_type, root_object_id=object_id)
        )

    def update(self, **kwargs):
        raise AppendOnlyError("Audit events are append-only.")

    def delete(self):
        raise AppendOnlyError("Audit events are append-only.")


class AuditEvent(models.Model):
    """One create, edit or transition of any record: append-only (PRODUCT §10). On PostgreSQL a trigger
    refuses UPDATE and DELETE as well, so not even raw SQL rewrites history."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    # The record whose timeline shows this event when it is about a child record (an attachment, an
    # approval request, a hearing): null for an event of a top-level record, which is its own root. Null,
    # not a copy of the object, so the millions of top-level events cost nothing in the root index.
    root_content_type = models.ForeignKey(
        ContentType,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # the leading column of `audit_root_at`, which serves every lookup by root
    )
    root_object_id = models.CharField(max_length=64, null=True, blank=True)
    object_repr = models.CharField(_("record"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=AuditAction.choices)
    # For transitions, the action slug of the workflow (e.g. "dispatch") and the status pair.
    verb = models.CharField(_("step"), max_length=64, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=AuditSource.choices)
    before = models.JSONField(_("before"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("after"), null=True, blank=True, encoder=DjangoJSONEncoder)
    note = models.TextField(_("note"), blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "at"], name="audit_object_at"),
            # A parent's timeline also reads its children's events. Partial: only child events have a root,
            # so at millions of top-level events the index stays as small as the children's share, costs
            # top-level writes nothing, and is built by one scan when the migration runs. A lookup
            # `root_content_type = x` implies the predicate, so the planner uses it (a BitmapOr with
            # `audit_object_at` for `for_timeline`).
            models.Index(
                fields=["root_content_type", "root_object_id", "at"],
                name="audit_root_at",
                condition=Q(root_content_type__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events are append-only.")

    @property
    def changes(self):
        """[(key, before, after)] for the keys that differ (`services.changed`, the one definition)."""
        from .services import changed  # services import this module

        before, after = changed(self.before or {}, self.after or {})
        return [(key, before[key], after[key]) for key in after]
