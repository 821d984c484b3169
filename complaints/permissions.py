"""Who may do what with a complaint, and who reads the complainant's identity. Services, the API, the UI
and exports all ask here, so the rules hold whatever the entry point."""

from dataclasses import dataclass

from enforcement.org.choices import SUPERVISOR_ROLES, Role
from enforcement.org.models import in_scope  # noqa: F401 — the complaint's callers ask here

from .choices import ANY_CHANNEL_REGISTER_ROLES, REGISTER_ROLES, Channel


# --- scope (the platform's rule: enforcement.org.models.in_scope) ---------------------------------------
def unit_in_scope(user, unit):
    return user.sees_all_units or unit.pk in user.scope_unit_ids


# --- complainant confidentiality (举报人保密, PRODUCT §1) ---------------------------------------------
CONTACT_ROLES = frozenset({Role.INTAKE}) | SUPERVISOR_ROLES


def can_see_complainant(user):
    """Only the intake desk and supervisors read the complainant's name and phone; everyone else, and
    every export, reads them masked."""
    if user is None or not user.is_authenticated:
        return False
    return bool(user.roles & CONTACT_ROLES)


def mask_name(name):
    """ "张三丰" → "张**"; a Latin name keeps its first letter."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)


def mask_phone(phone):
    """ "13812345678" → "138****5678"; short numbers keep only their last two digits."""
    phone = (phone or "").strip()
    if not phone:
        return ""
    if len(phone) >= 11:
        return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
    return "*" * max(len(phone) - 2, 1) + phone[-2:]


@dataclass(frozen=True)
class Complainant:
    name: str
    phone: str
    masked: bool
    is_anonymous: bool


def complainant_for(complaint, user=None, *, export=False):
    """The complainant as `user` may read them: unmasked for intake and supervisors on screen, masked for
    everyone else and in every export."""
    if complaint.is_anonymous:
        return Complainant("", "", masked=False, is_anonymous=True)
    if not export and can_see_complainant(user):
        return Complainant(
            complaint.complainant_name, complaint.complainant_phone, masked=False, is_anonymous=False
        )
    return Complainant(
        mask_name(complaint.complainant_name),
        mask_phone(complaint.complainant_phone),
        masked=True,
        is_anonymous=False,
    )


# --- registering --------------------------------------------------------------------------------------
def can_register(user, channel=None):
    """The intake desk and supervisors register from any channel; officers what they find on patrol."""
    if user is None or not user.is_authenticated:
        return False
    if user.has_role(*ANY_CHANNEL_REGISTER_ROLES):
        return True
    return user.has_role(*REGISTER_ROLES) and channel in (None, Channel.PATROL)
