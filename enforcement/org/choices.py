from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitLevel(models.TextChoices):
    CITY = "city", _("City bureau")
    DISTRICT = "district", _("District bureau")
    BRIGADE = "brigade", _("Brigade")
    SQUADRON = "squadron", _("Squadron")


class Role(models.TextChoices):
    OFFICER = "officer", _("Officer")
    SQUAD_LEADER = "squad_leader", _("Squad leader")
    LEGAL_REVIEWER = "legal_reviewer", _("Legal reviewer")
    BUREAU_HEAD = "bureau_head", _("Bureau head")
    INTAKE = "intake", _("Intake desk")
    STATISTICIAN = "statistician", _("Statistician")
    ADMIN = "admin", _("Administrator")


# Named role sets: every app says "supervisors" with one of these, never a set of its own.
# Supervisors approve, review and see complainants' contact details (PRODUCT §1).
SUPERVISOR_ROLES = frozenset({Role.SQUAD_LEADER, Role.LEGAL_REVIEWER, Role.BUREAU_HEAD})
# Those who run a unit's work: they approve extensions and are told when its deadlines pass (a legal
# reviewer reviews cases; they do not direct a squadron).
LINE_SUPERVISOR_ROLES = frozenset({Role.SQUAD_LEADER, Role.BUREAU_HEAD})
# Who handles a record in the field.
HANDLER_ROLES = frozenset({Role.OFFICER, Role.SQUAD_LEADER})
INTAKE_ROLES = frozenset({Role.INTAKE})
