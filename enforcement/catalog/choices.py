from django.db import models
from django.utils.translation import gettext_lazy as _


class PartyType(models.TextChoices):
    """Who a penalty is imposed on: the law sets different ceilings for the two (e.g. Art. 51, 63)."""

    INDIVIDUAL = "individual", _("Individual")
    ORGANISATION = "organisation", _("Organisation")


class ParamUnit(models.TextChoices):
    YUAN = "yuan", _("yuan")
    DAYS = "days", _("days")
    # 行政处罚法 Art. 85 / 行政强制法 Art. 69: short periods count working days, holidays excluded.
    WORKING_DAYS = "working_days", _("working days")
    MONTHS = "months", _("months")
    YEARS = "years", _("years")
    PERCENT = "percent", _("percent")


# Units whose values count periods, so they must be whole numbers.
PERIOD_UNITS = frozenset({ParamUnit.DAYS, ParamUnit.WORKING_DAYS, ParamUnit.MONTHS, ParamUnit.YEARS})
