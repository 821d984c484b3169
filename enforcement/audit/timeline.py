"""A record's audit timeline as rows a person reads, for every reader of it: the record pages' template tag
(templatetags/audit_tags.py: the rules, in its docstring) and the API's `timeline` action (api.py). One
implementation, so the page and the API say the same thing in the same words.

    rows = timeline_rows(obj, events)   # events: a slice of events_for(obj), newest first

Each row: `event`, `at` (local time), `actor` (a name), `step` (the step's label), `subject` (the child
record an event is about, if any) and `changes` (label, before, after, only_after), with no ids or hashes.
"""

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from enforcement.audit.labels import key_for, read_key, referenced_model_for
from enforcement.audit.models import AuditAction
from enforcement.audit.services import snapshot, timeline

# Never news, whatever the model: an edit counter (optimistic locking) and a file's fingerprint.
HIDDEN_KEYS = frozenset({"version", "sha256"})
EMPTY = "—"


def events_for(obj):
    """The events of `obj`'s timeline, newest first, with what a row needs (actor, model) joined."""
    return timeline(obj).select_related("content_type")


def timeline_rows(obj, events):
    """The rows of these events of `obj`'s timeline: one query per model their values refer to."""
    rows = _Timeline(obj)
    rows.load_references(events)
    return [rows.row(event) for event in events]


def _step_label(event):
    # A workflow step's label comes from its model's transition table (enforcement/workflow), in the
    # reader's language; other verbs from the app's or the platform's list of steps.
    from django.contrib.contenttypes.models import ContentType

    from enforcement.workflow.core import step_label

    if not event.verb:
        return ""
    return step_label(ContentType.objects.get_for_id(event.content_type_id).model_class(), event.verb)


def changes_of(event):
    """The event's (key, before, after), each key under the name it is read by (labels.read_key)."""
    return [(read_key(event.verb, key), before, after) for key, before, after in event.changes]


class _ModelRules:
    """How the audited keys of one model are labelled, shown or left out."""

    def __init__(self, model, timeline):
        self.model = model
        self.timeline = timeline
        self.hidden = frozenset(getattr(model, "audit_hidden_fields", ()))
        self._references = {}  # key -> model or None (audit_references, or a platform app's registration)
        # A child record is named on its parent's timeline by what it is, and by its own name (as recorded)
        # only if its model declares its summary: a name in the recorder's words (an approval's "+2
        # (Pending)", the parent's number again) would mislead; a file's name and size do not.
        self.named = hasattr(model, "audit_summary_fields")
        self.summary_fields = tuple(getattr(model, "audit_summary_fields", ()))
        self.has_file = any(isinstance(f, models.FileField) for f in model._meta.concrete_fields)

    def field(self, key):
        """The model's own field named `key` (never a reverse relation, which an audited key may share a
        name with), or None."""
        try:
            field = self.model._meta.get_field(key)
        except FieldDoesNotExist:
            return None
        return None if field.auto_created and not field.concrete else field

    def reference(self, key):
        """The model whose ids `key` (not a field) holds, or None (labels.referenced_model_for)."""
        if key not in self._references:
            self._references[key] = referenced_model_for(self.model, key)
        return self._references[key]

    def shown(self, key, parent_model=None):
        """False for what a person has no use for (module docstring); `parent_model`: the model whose
        timeline shows this child record's event (the child's link to it is not news there)."""
        if key in HIDDEN_KEYS or key in self.hidden:
            return False
        registered = key_for(self.model, key)
        if registered is not None and registered.hidden_beside and self.reference(registered.hidden_beside):
            return False  # the record named beside it says it (a file's name, kind and size)
        field = self.field(key)
        if field is None:
            return True
        if field.primary_key or isinstance(field, models.FileField):
            return False
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return False  # the event's own time says when
        return not (parent_model is not None and field.is_relation and field.related_model is parent_model)

    def is_default(self, key, value):
        field = self.field(key)
        return (
            field is not None
            and field.has_default()
            and not callable(field.default)
            and value == field.default
        )

    def referenced_model(self, key):
        field = self.field(key)
        if isinstance(field, models.ForeignKey):
            return field.related_model
        return self.reference(key) if field is None else None

    def label(self, key):
        field = self.field(key)
        if field is not None and hasattr(field, "verbose_name"):
            if field.is_relation and not isinstance(field.verbose_name, Promise):
                # A link given no name of its own ("campaign" from the field's name, never translated) is
                # called what the record it links to is called.
                return capfirst(field.related_model._meta.verbose_name)
            return capfirst(field.verbose_name)
        if field is None and (referenced := self.reference(key)) is not None:
            return capfirst(referenced._meta.verbose_name)
        registered = key_for(self.model, key)
        if registered is not None:
            return capfirst(registered.label)
        return capfirst(_(key.replace("_", " ")))  # not registered (labels.py): its words, if translated

    def display(self, key, value):
        if value is None or value == "" or value == []:
            return EMPTY
        registered = key_for(self.model, key)
        if registered is not None and registered.display is not None:
            return registered.display(value)  # the app's words for what its services write (labels.py)
        related = self.referenced_model(key)
        if related is not None:
            record = self.timeline.records.get(related, {}).get(str(value))
            return self.timeline.name_of(record) if record is not None else _("a deleted record")
        field = self.field(key)
        if field is None:
            return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
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
        if key == "size" and self.has_file and isinstance(value, int):
            return filesizeformat(value)  # a file's size in bytes (files.Attachment)
        return str(value)

    def describe(self, name, data):
        """`name (detail、detail)`: a record of this model named, with its `audit_summary_fields`."""
        details = [
            self.display(key, data.get(key)) for key in self.summary_fields if data.get(key) not in (None, "")
        ]
        if not details:
            return name
        separator = pgettext("list separator", ", ")
        return _("%(name)s (%(details)s)") % {"name": name, "details": separator.join(details)}


class _Timeline:
    """The rules of each model on one timeline, and the records its values refer to, loaded once."""

    def __init__(self, obj):
        self.obj = obj
        self.root_model = type(obj)
        self.records = {}  # model -> {str(pk): record}: what the events' values refer to
        self._rules = {}

    def rules(self, model):
        if model not in self._rules:
            self._rules[model] = _ModelRules(model, self)
        return self._rules[model]

    def name_of(self, record):
        """How a referenced record reads: its name, with its summary details if its model declares some."""
        rules = self.rules(type(record))
        return rules.describe(str(record), snapshot(record)) if rules.summary_fields else str(record)

    def is_child(self, event):
        return event.content_type.model_class() is not self.root_model or event.object_id != str(self.obj.pk)

    def load_references(self, events):
        """One query per referenced model for the values of these events that name another record."""
        wanted = {}
        for event in events:
            rules = self.rules(event.content_type.model_class())
            parent = self.root_model if self.is_child(event) else None
            for key, before, after in changes_of(event):
                related = rules.referenced_model(key) if rules.shown(key, parent) else None
                if related is not None:
                    ids = wanted.setdefault(related, set())
                    ids.update(str(value) for value in (before, after) if value not in (None, ""))
        for model, ids in wanted.items():
            self.records[model] = {str(row.pk): row for row in model._base_manager.filter(pk__in=ids)}

    def row(self, event):
        model = event.content_type.model_class()
        rules = self.rules(model)
        child = self.is_child(event)
        created = event.action == AuditAction.CREATE
        recorded_before = {read_key(event.verb, key) for key in event.before or {}}
        subject = ""
        if child:
            subject = capfirst(model._meta.verbose_name)
            if rules.named:
                name = rules.describe(event.object_repr, event.after or {}) if created else event.object_repr
                subject = _("%(record)s: %(name)s") % {"record": subject, "name": name}
        changes = []
        for key, before, after in changes_of(event):
            if not rules.shown(key, self.root_model if child else None):
                continue
            if created and (after in (None, "", []) or rules.is_default(key, after)):
                continue  # a new record: only the values it was given
            if created and child and key in rules.summary_fields:
                continue  # said in the subject
            changes.append(
                {
                    "label": rules.label(key),
                    "before": rules.display(key, before),
                    "after": rules.display(key, after),
                    # A new record, or a value whose earlier state the event did not record (a step's details).
                    "only_after": created or key not in recorded_before,
                }
            )
        return {
            "event": event,
            "at": timezone.localtime(event.at),
            "actor": (event.actor.full_name or event.actor.username) if event.actor else _("System"),
            "step": _step_label(event),
            "subject": subject,
            "changes": changes,
        }
