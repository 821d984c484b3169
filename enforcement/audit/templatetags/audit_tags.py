"""The audit timeline of a record, for every record page (PRODUCT §10):

    {% load audit_tags %}
    {% audit_timeline complaint %}

Newest first: when (local time), who, from where (browser, API, task), what, and each changed field as
before → after, with the model's field names and choice labels. One query loads the events with their
actors; a change of foreign keys adds one query per referenced model to show names instead of ids.
The page decides who may see the record; the timeline shows everything recorded about it.
"""

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from enforcement.audit.models import AuditAction
from enforcement.audit.services import timeline

register = template.Library()

MAX_EVENTS = 200

SOURCE_BADGES = {
    "ui": "text-bg-primary",
    "api": "text-bg-info",
    "task": "text-bg-secondary",
    "system": "text-bg-dark",
}
ACTION_ICONS = {
    AuditAction.CREATE: "bi-plus-circle",
    AuditAction.UPDATE: "bi-pencil",
    AuditAction.TRANSITION: "bi-arrow-right-circle",
    AuditAction.DELETE: "bi-trash",
}


def _extra_fields(model):
    """Audited values that are not concrete fields of the model: (label, choices) by key."""
    from enforcement.org.choices import Role  # the roles of a user live in their own table

    if model._meta.label_lower == "org.user":
        return {"roles": (_("roles"), dict(Role.choices))}
    return {}


def _step_label(verb):
    # Workflow steps are slugs ("dispatch"); their label is the capitalised words, translated when an
    # app declares that msgid (its transition table's labels do).
    return _(capfirst(verb.replace("_", " "))) if verb else ""


class _Fields:
    """Labels and display values for one model's audited keys."""

    def __init__(self, model):
        self.model = model
        self.extra = _extra_fields(model)
        self.related = {}  # model → {pk: str}

    def field(self, key):
        try:
            return self.model._meta.get_field(key)
        except FieldDoesNotExist:
            return None

    def is_primary_key(self, key):
        field = self.field(key)
        return field is not None and field.primary_key

    def label(self, key):
        field = self.field(key)
        if field is not None and hasattr(field, "verbose_name"):
            return capfirst(field.verbose_name)
        if key in self.extra:
            return capfirst(self.extra[key][0])
        return capfirst(key.replace("_", " "))

    def collect_related(self, events):
        """One query per referenced model for the foreign-key values in these events."""
        wanted = {}
        for event in events:
            for key, before, after in event.changes:
                field = self.field(key)
                if isinstance(field, models.ForeignKey):
                    ids = wanted.setdefault(field.related_model, set())
                    ids.update(v for v in (before, after) if v is not None)
        for model, ids in wanted.items():
            self.related[model] = {obj.pk: str(obj) for obj in model._base_manager.filter(pk__in=ids)}

    def display(self, key, value):
        if value is None or value == "":
            return "—"
        field = self.field(key)
        if key in self.extra and field is None:
            choices = self.extra[key][1]
            values = value if isinstance(value, list) else [value]
            return ", ".join(str(choices.get(v, v)) for v in values) or "—"
        if field is None:
            return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        if isinstance(field, models.ForeignKey):
            return self.related.get(field.related_model, {}).get(value, f"#{value}")
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(field, models.BooleanField):
            return _("Yes") if value else _("No")
        if (
            isinstance(field, models.DateTimeField)
            and isinstance(value, str)
            and (parsed := parse_datetime(value))
        ):
            return formats.date_format(timezone.localtime(parsed), "SHORT_DATETIME_FORMAT")
        if isinstance(field, models.DateField) and isinstance(value, str) and (parsed := parse_date(value)):
            return formats.date_format(parsed, "DATE_FORMAT")
        return str(value)


@register.inclusion_tag("audit/_timeline.html")
def audit_timeline(obj, limit=MAX_EVENTS):
    events = list(timeline(obj)[: limit + 1])
    truncated = len(events) > limit
    events = events[:limit]
    fields = _Fields(type(obj))
    fields.collect_related(events)
    rows = []
    for event in events:
        changes = [
            {
                "label": fields.label(key),
                "before": fields.display(key, before),
                "after": fields.display(key, after),
            }
            for key, before, after in event.changes
            if not fields.is_primary_key(key)
        ]
        if event.action == AuditAction.CREATE:
            changes = [c for c in changes if c["after"] != "—"]  # a new record: only the values it was given
        rows.append(
            {
                "event": event,
                "at": timezone.localtime(event.at),
                "actor": (event.actor.full_name or event.actor.username) if event.actor else _("System"),
                "source_badge": SOURCE_BADGES.get(event.source, "text-bg-secondary"),
                "icon": ACTION_ICONS.get(event.action, "bi-dot"),
                "step": _step_label(event.verb),
                "changes": changes,
            }
        )
    return {"rows": rows, "truncated": truncated, "limit": limit}
