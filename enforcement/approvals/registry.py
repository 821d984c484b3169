"""The kinds of approval (PRODUCT §5). Each domain app declares its kinds in an `approvals.py` module,
found at start-up (like `admin.py`, and like the deadline kinds in notifications/registry.py):

    from enforcement.approvals.registry import ApprovalKind, register

    EXTENSION = register(ApprovalKind(
        slug="complaint_extension", label=_("Extension of the reply deadline"),
        model="complaints.ComplaintExtension", subject_field="complaint",
        decider_roles=LINE_SUPERVISOR_ROLES, excluded_fields=("handler",),
    ))

A kind says where its records live (`model`, a concrete `ApprovalRecord`), which of its foreign keys is
the record the approval is about (`subject_field`; the subject's `visible_to(user)` scopes the inbox),
who decides (`decider_roles`, one of the named sets in org/choices.py) and who may not besides the
requester (separation of duties): `excluded_fields` names the subject's user fields whose holders are
excluded (e.g. the handler of a complaint does not approve more time for themselves). A kind with a rule
that fields cannot express (two investigating officers, a reviewer) overrides `excluded_deciders` and
`excluded_filter` in a subclass. `open_subjects` (a filter on the subject) keeps the requests on records that
have ended out of the inbox."""

from dataclasses import dataclass
from functools import cached_property, reduce
from operator import or_

from django.apps import apps
from django.db.models import Q
from django.utils.functional import Promise


@dataclass(frozen=True)
class ApprovalKind:
    slug: str
    label: Promise | str
    model: str  # "app_label.ModelName", a concrete ApprovalRecord
    subject_field: str
    decider_roles: frozenset
    excluded_fields: tuple = ()
    # The subjects whose requests still wait (e.g. a case not yet ended): a request left pending on a record
    # that ended another way (a case transferred during its review) is no longer in anyone's inbox.
    open_subjects: Q | None = None

    @cached_property
    def model_class(self):
        return apps.get_model(self.model)

    @cached_property
    def subject_model(self):
        return self.model_class._meta.get_field(self.subject_field).related_model

    def subject_of(self, approval):
        return getattr(approval, self.subject_field)

    def subject_id_of(self, approval):
        return getattr(approval, f"{self.subject_field}_id")

    def url(self, subject):
        get_url = getattr(subject, "get_absolute_url", None)
        return get_url() if get_url else ""

    # --- who decides -------------------------------------------------------------------------------
    def role_allows(self, user):
        return bool(
            user is not None and user.is_authenticated and user.is_active and user.roles & self.decider_roles
        )

    def excluded_deciders(self, subject):
        """The ids of the users who may not decide this subject's approvals besides the requester."""
        return {getattr(subject, f"{name}_id") for name in self.excluded_fields} - {None}

    def excluded_filter(self, user):
        """The same rule as `excluded_deciders`, as a filter on the approval model: the approvals `user`
        may not decide (the inbox leaves them out). None when the kind excludes nobody."""
        if not self.excluded_fields:
            return None
        return reduce(or_, (Q(**{f"{self.subject_field}__{name}": user}) for name in self.excluded_fields))


_kinds: dict[str, ApprovalKind] = {}


def register(kind):
    existing = _kinds.get(kind.slug)
    if existing is not None and existing != kind:
        raise ValueError(f"Approval kind {kind.slug!r} is registered twice with different definitions.")
    same_model = [k for k in _kinds.values() if k.model.lower() == kind.model.lower() and k.slug != kind.slug]
    if any(k.subject_field != kind.subject_field for k in same_model):
        # The inbox reads one model's kinds in one query, through one subject field.
        raise ValueError(f"Approval kinds of {kind.model} must share one subject field.")
    _kinds[kind.slug] = kind
    return kind


def get(slug):
    return _kinds[slug]


def resolve(kind):
    """An ApprovalKind given itself or its slug."""
    return kind if isinstance(kind, ApprovalKind) else _kinds[kind]


def all_kinds():
    return list(_kinds.values())


def kinds_decided_by(user):
    """The kinds whose decider roles `user` holds."""
    return [kind for kind in _kinds.values() if kind.role_allows(user)]


def decider_roles():
    """Every role that decides some kind (who sees the inbox in the navigation)."""
    return frozenset().union(*(kind.decider_roles for kind in _kinds.values()))


def choices():
    """The kinds as field choices (the `kind` field of every approval model shows its label)."""
    return [(kind.slug, kind.label) for kind in _kinds.values()]
