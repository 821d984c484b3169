"""Who may do what with a document, in one place for the services, the pages and the API.

- Seeing a document: whoever sees its record (models.DocumentQuerySet.visible_to); out of scope is 404.
- Reading what it says: those its type lets read it (`DocumentSpec.may_read`, e.g. a paper that names a
  complainant, 举报人保密); the others see that it exists, its number and status.
- Correcting: the roles that issue the type; voiding: its `void_roles`; recording its service: the issuers
  and the officers who hand it over. Only a document in force is corrected or voided; a void one is not served.
- Numbering patterns: administrators — a city administrator every pattern (the city's defaults included), a
  district's administrator those of the units in its scope.
"""

from enforcement.org.choices import HANDLER_ROLES
from enforcement.org.models import in_scope

from .choices import DocumentStatus

ACTS = ("correct", "void", "serve")


def act_roles(spec, act):
    """The roles that may take `act` ("correct", "void", "serve") on documents of `spec`."""
    if spec is None:
        return frozenset()
    return {"correct": spec.roles, "void": spec.void_roles, "serve": spec.roles | HANDLER_ROLES}[act]


def may_read(document, user):
    """May `user`, who sees `document`'s record, read what it says?"""
    spec = document.spec
    return spec is None or spec.may_read is None or bool(spec.may_read(user))


def service_of(document):
    """The document's proof of service, or None."""
    try:
        return document.service
    except type(document).service.RelatedObjectDoesNotExist:
        return None


def correction_of(document):
    """The document that corrects `document`, or None."""
    try:
        return document.correction
    except type(document).correction.RelatedObjectDoesNotExist:
        return None


def act_possible(document, act):
    """Whether the document's state allows `act` (the role aside)."""
    if act == "serve":
        return document.status != DocumentStatus.VOIDED and service_of(document) is None
    return document.status == DocumentStatus.ISSUED


def allowed_acts(document, user):
    """The acts `user` may take on `document` now (the services check them again when they are taken)."""
    if user is None or not user.is_authenticated:
        return []
    spec = document.spec
    return [act for act in ACTS if user.roles & act_roles(spec, act) and act_possible(document, act)]


def may_manage_numbering(user):
    return bool(user.is_authenticated and user.is_admin)


def may_set_pattern(user, unit):
    """City administrators set any pattern; a district's administrator those of the units in its scope."""
    if not may_manage_numbering(user):
        return False
    return user.is_city_admin if unit is None else in_scope(user, unit)
