"""What the timeline calls the audited keys that are not fields of the record's model, in the reader's
language, and how it shows their values: a user's roles, a transition's details, a calendar load's counts.

A key that is a field needs nothing here (its verbose name and choices say it). For the other keys its
services write, a model declares `audit_labels = {"duplicate_number": _("merged duplicate")}`, or an app
registers them, from its AppConfig.ready or here for the platform's own models:

    register_key("model", _("linked record"), display=model_name)           # whatever the model
    register_key("created", _("days added"), model="workdays.CalendarYear")

A key nobody registered is still shown (history is not hidden for lack of a label), named by its key's
words through gettext: register it so that it reads in the user's language.
"""

from dataclasses import dataclass

from django.apps import apps
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class AuditKey:
    label: str
    display: object = None  # value -> str; None: shown as it is stored


_keys = {}  # (model label in lower case, or None for every model, key) -> AuditKey


def register_key(key, label, *, model=None, display=None):
    _keys[(model.lower() if model else None, key)] = AuditKey(label, display)


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
register_key("model", _("linked record"), display=model_name)  # a link to a record of another app
# A load of the working-day calendar from the package (workdays.services.load_from_package).
register_key("created", _("days added"), model="workdays.CalendarYear")
register_key("updated", _("days changed"), model="workdays.CalendarYear")
register_key("deleted", _("days removed"), model="workdays.CalendarYear")
register_key("replace", _("replaced the year's days"), model="workdays.CalendarYear", display=yes_no)
# Documents (enforcement/documents): a correction names the document that replaces the original.
register_key("corrected_by", _("corrected by"), model="documents.Document")
