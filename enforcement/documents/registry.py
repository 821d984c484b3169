"""Which document types can be issued on which records: apps declare them in their `documents.py`
(autodiscovered), e.g. complaints/documents.py:

    register(DocumentSpec(
        type="refusal_notice", model="complaints.Complaint",
        step=Step(lambda c: c.status == "rejected", _("…only once the complaint has been rejected.")),
        fields=(Field("complainant", _("complainant")), Field("reason", _("reason for the refusal")), …),
        context=refusal_context, template="complaints/documents/refusal_notice.html",
        roles=INTAKE | SUPERVISORS, once=True,
    ))

`context(record) -> dict` gives the values the paper carries, by field key (and anything else its template
reads); the fields are listed in the order the paper form has them. Issuing refuses when the step does not
hold (409, with the step's words) or a required field is empty (409, naming the field in words).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.utils.functional import Promise

from enforcement.org.choices import LINE_SUPERVISOR_ROLES

from .types import TYPES


@dataclass(frozen=True)
class Step:
    """When a document may be issued: `holds(record) -> bool`, and the words that say when, shown when it
    does not hold (e.g. "A refusal notice is issued once the complaint has been rejected.")."""

    holds: Callable
    message: Promise | str


@dataclass(frozen=True)
class Field:
    key: str
    label: Promise | str  # in the reader's language, for the refusal that names a missing field
    required: bool = True


@dataclass(frozen=True)
class DocumentSpec:
    type: str  # a slug of types.TYPES
    model: str  # "app_label.Model" of the record it is issued for
    step: Step
    fields: tuple
    context: Callable
    template: str
    roles: frozenset  # who may issue it, and correct it
    once: bool = False  # at most one live (not voided, not corrected) document of this type per record
    void_roles: frozenset = LINE_SUPERVISOR_ROLES
    issuing_unit: Callable | None = None  # (record, user) -> OrgUnit; default: services.numbering_unit
    # Who, among those who see the record, reads the content (e.g. a paper that names a complainant, 举报人保密);
    # None: all of them. `read_message` says why the others may not.
    may_read: Callable | None = None  # user -> bool
    read_message: Promise | str = ""
    # Called as `served(record, service)` once a proof of service is recorded, inside its transaction (e.g. a
    # demand to pay starts the 10 working days of 行政强制法 Art. 54); what it raises rolls the service back.
    served: Callable | None = None

    @property
    def document_type(self):
        return TYPES[self.type]

    @property
    def name(self):
        return self.document_type.name

    @property
    def record_model(self):
        return apps.get_model(self.model)


_specs = {}  # (model label lower, type) -> DocumentSpec


def register(spec):
    if spec.type not in TYPES:
        raise ValueError(f"Document type {spec.type!r} is not in enforcement/documents/types.py.")
    _specs[(spec.model.lower(), spec.type)] = spec
    return spec


def spec_for(model, doc_type):
    label = model if isinstance(model, str) else model._meta.label
    return _specs.get((label.lower(), doc_type))


def specs_for(model):
    """The document types issuable on records of `model`, in declaration order."""
    label = (model if isinstance(model, str) else model._meta.label).lower()
    return [spec for (model_label, _type), spec in _specs.items() if model_label == label]


def record_models():
    """The models documents are issued for (the scoping of documents goes through them)."""
    return sorted({spec.record_model for spec in _specs.values()}, key=lambda m: m._meta.label)
