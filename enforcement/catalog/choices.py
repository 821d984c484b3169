from django.db import models
from django.utils.translation import gettext_lazy as _

from enforcement.workdays.periods import PeriodUnit


class PartyType(models.TextChoices):
    """Who a penalty is imposed on: the law sets different ceilings for the two (e.g. Art. 51, 63)."""

    INDIVIDUAL = "individual", _("Individual")
    ORGANISATION = "organisation", _("Organisation")


def _period(unit):
    return unit.value, unit.label


class ParamUnit(models.TextChoices):
    """Amounts, shares and periods. A period's unit is the calendar's own (`PeriodUnit`), so a parameter
    goes into `calendar.due_after(moment, value, unit)` as it is."""

    YUAN = "yuan", _("yuan")
    DAYS = _period(PeriodUnit.DAYS)
    # 行政处罚法 Art. 85 / 行政强制法 Art. 69: short periods count working days, holidays excluded.
    WORKING_DAYS = _period(PeriodUnit.WORKING_DAYS)
    MONTHS = _period(PeriodUnit.MONTHS)
    YEARS = _period(PeriodUnit.YEARS)
    PERCENT = "percent", _("percent")


# Units whose values count periods, so they must be whole numbers.
PERIOD_UNITS = frozenset(unit for unit in ParamUnit if unit in PeriodUnit.values)
