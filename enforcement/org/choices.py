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


# Supervisors approve, review and see complainants' contact details (PRODUCT §1).
SUPERVISOR_ROLES = frozenset({Role.SQUAD_LEADER, Role.LEGAL_REVIEWER, Role.BUREAU_HEAD})
