from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitLevel(models.TextChoices):
    CITY = "city", _("City bureau")
    DISTRICT = "district", _("District bureau")
    BRIGADE = "brigade", _("Brigade")
    SQUADRON = "squadron", _("Squadron")
    # 外部责任单位: a department, town or street office the digital city-management centre dispatches to.
    # It sits under the unit that dispatches to it (so that unit's scope covers it) but is outside the
    # bureau's chain of command: it has no sub-units, and its users are liaisons.
    EXTERNAL = "external", _("External responsible unit")


class Role(models.TextChoices):
    OFFICER = "officer", _("Officer")
    SQUAD_LEADER = "squad_leader", _("Squad leader")
    LEGAL_REVIEWER = "legal_reviewer", _("Legal reviewer")
    BUREAU_HEAD = "bureau_head", _("Bureau head")
    INTAKE = "intake", _("Intake desk")
    STATISTICIAN = "statistician", _("Statistician")
    ADMIN = "admin", _("Administrator")
    LIAISON = "liaison", _("Liaison (external unit)")


# Named role sets: every app says "supervisors" with one of these, never a set of its own.
# Supervisors approve, review and see complainants' contact details (PRODUCT §1).
SUPERVISOR_ROLES = frozenset({Role.SQUAD_LEADER, Role.LEGAL_REVIEWER, Role.BUREAU_HEAD})
# Those who run a unit's work: they approve extensions and are told when its deadlines pass (a legal
# reviewer reviews cases; they do not direct a squadron).
LINE_SUPERVISOR_ROLES = frozenset({Role.SQUAD_LEADER, Role.BUREAU_HEAD})
# Who handles a record in the field.
HANDLER_ROLES = frozenset({Role.OFFICER, Role.SQUAD_LEADER})
INTAKE_ROLES = frozenset({Role.INTAKE})
# The users of an external responsible unit: they handle, reply to or send back what was dispatched to it.
LIAISON_ROLES = frozenset({Role.LIAISON})
# Who takes up a record dispatched to a unit: the bureau's handlers, or an external unit's liaisons.
RECEIVER_ROLES = HANDLER_ROLES | LIAISON_ROLES
