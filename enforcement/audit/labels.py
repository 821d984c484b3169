"""What the timeline calls the audited keys that are not fields of the record's model, in the reader's
language, and how it shows their values: a user's roles, a transition's details, a calendar load's counts.

A key that is a field needs nothing here (its verbose name and choices say it). For the other keys its
services write, a model declares `audit_labels = {"duplicate_number": _("merged duplicate")}`, or an app
registers them, from its AppConfig.ready or here for the platform's own models:

    register_key("model", _("linked record"), display=model_name)           # whatever the model
    register_key("created", _("days added"), model="workdays.CalendarYear")

A key nobody registered is still shown (history is not hidden for lack of a label), named by its key's
words through gettext: register it so that it reads in the user's language.

A platform app whose events name a record of the parent's own app (a file) says how to find that model
for any parent, and which of its details the named record already says:

    register_reference("attachment", attachment_model_for)       # parent model -> the referenced model
    register_key("file_size", _("file size"), display=..., hidden_beside="attachment")

History is append-only, so a key an older event wrote under another name is read under its new one:

    register_renamed_key("add_attachment", "size", "file_size")   # verb, key as written, key as read
"""

from dataclasses import dataclass

from django.apps import apps
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class AuditKey:
    label: str
    display: object = None  # value -> str; None: shown as it is stored
    hidden_beside: str = None  # not shown where this other key names its record (that record says it)


_keys = {}  # (model label in lower case, or None for every model, key) -> AuditKey
_references = {}  # key -> (model -> the model whose ids the key holds on that model's events, or None)
_renamed = {}  # verb -> {key as an older event wrote it: key as it is read}


def register_key(key, label, *, model=None, display=None, hidden_beside=None):
    _keys[(model.lower() if model else None, key)] = AuditKey(label, display, hidden_beside)


def register_reference(key, resolve):
    _references[key] = resolve


def register_renamed_key(verb, written, read):
    _renamed.setdefault(verb, {})[written] = read


def referenced_model_for(model, key):
    """The model whose ids `key` holds on `model`'s events: the model's `audit_references`, else a
    platform app's registered reference; None if neither."""
    declared = getattr(model, "audit_references", {})
    if key in declared:
        return apps.get_model(declared[key])
    resolve = _references.get(key)
    return resolve(model) if resolve is not None else None


def read_key(verb, key):
    """The name an event's `key` is read under (an older event of `verb` may have written it otherwise)."""
    return _renamed.get(verb, {}).get(key, key)


def key_for(model, key):
    """The AuditKey of `key` on `model` (a model class): the model's own declaration or registration
    first, then the key's registration for every model; None if there is none."""
    declared = getattr(model, "audit_labels", {})
    if key in declared:
        return AuditKey(declared[key])
    return _keys.get((model._meta.label_lower, key)) or _keys.get((None, key))


def role_labels(value):
    from enforcement.org.choices import Role

    labels = dict(Role.choices)
    return ", ".join(str(labels.get(role, role)) for role in (value if isinstance(value, list) else [value]))


def model_name(value):
    """A model's `model_name` (as a link to another record stores it) as people call that kind of record."""
    for model in apps.get_models():
        if model._meta.model_name == value:
            return str(model._meta.verbose_name)
    return str(value)


def yes_no(value):
    return str(_("Yes") if value else _("No"))


# The platform's own records.
register_key("roles", _("roles"), model="org.User", display=role_labels)
register_key("device", _("API token's device"), model="org.User")  # enforcement/org/tokens.py
register_key("model", _("linked record"), display=model_name)  # a link to a record of another app
# A load of the working-day calendar from the package (workdays.services.load_from_package).
register_key("created", _("days added"), model="workdays.CalendarYear")
register_key("updated", _("days changed"), model="workdays.CalendarYear")
register_key("deleted", _("days removed"), model="workdays.CalendarYear")
register_key("replace", _("replaced the year's days"), model="workdays.CalendarYear", display=yes_no)
# Documents (enforcement/documents): a correction names the document that replaces the original.
register_key("corrected_by", _("corrected by"), model="documents.Document")
