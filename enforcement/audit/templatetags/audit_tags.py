"""The audit timeline of a record, for every record page (PRODUCT §10):

    {% load audit_tags %}
    {% audit_timeline complaint %}

Newest first: when (local time), who, from where (browser, API, task), what, and each changed value as
before → after, said as a person understands it:
- labels in the reader's language: a field's verbose name, else the key's declared or registered label
  (enforcement/audit/labels.py);
- values as people say them: choices by their label, foreign keys (and a model's `audit_references`) by
  the record's name, moments in local time, a file's size in KB or MB, yes or no; a value whose earlier
  state the event did not record (a step's details) without a "— →" before it;
- the events of the record's child records (an attachment, an approval request: recorded with `root=`)
  on the parent's timeline, each saying what the child is (its model's verbose name);
- never: ids, `version`, hashes, stored file paths, timestamps the event's own time says, a child's
  link to the record whose page this is, and what a model lists in `audit_hidden_fields` (counters
  that a step's name says better). A new record shows only the values it was given (no defaults).

A model may declare, all optional:

    audit_hidden_fields = ("sent_back_count",)          keys the timeline does not show
    audit_labels = {"duplicate_number": _("…")}         labels of keys that are not fields (labels.py)
    audit_references = {"attachment": "app.Model"}     keys (not fields) holding another record's id
    audit_summary_fields = ("kind", "size")            the record is named, wherever it is shown as a
                                                       child or a reference, by its name and these
                                                       details: "Attachment: 现场.jpg (Photo, 117.2 KB)"
                                                       (its own values: no references)

The rows are built in enforcement/audit/timeline.py, which the API's `timeline` action (audit/api.py)
uses too; this tag adds the page's badges and icons. Queries: one for the events with their actors and
models, and one per model that the values shown refer to. The page decides who may see the record; the timeline shows everything recorded about it.
"""

from django import template

from enforcement.audit.models import AuditAction
from enforcement.audit.timeline import events_for, timeline_rows

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


@register.inclusion_tag("audit/_timeline.html")
def audit_timeline(obj, limit=MAX_EVENTS):
    events = list(events_for(obj)[: limit + 1])
    truncated = len(events) > limit
    rows = timeline_rows(obj, events[:limit])
    for row in rows:
        row["source_badge"] = SOURCE_BADGES.get(row["event"].source, "text-bg-secondary")
        row["icon"] = ACTION_ICONS.get(row["event"].action, "bi-dot")
    return {"rows": rows, "truncated": truncated, "limit": limit}
