"""The units a legal period is counted in, one list for every workflow and the legal parameters.

How each is counted (`calendar.due_after`):
- working days: the law's short periods ("2, 3, 5, 7 days") exclude statutory holidays (行政处罚法 Art. 85,
  行政强制法 Art. 69);
- days, months, years: the start day does not count (民法典 Art. 201); a period of months or years ends on
  the corresponding day of the last month, or that month's last day if it has none (Art. 202); a last day
  on a statutory holiday or rest day moves to the first working day after it, and the period ends at 24:00
  of its last day (Art. 203);
- working hours: office hours of working days (a service rule, e.g. a hotline's answer within 2 hours).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("working days")
    DAYS = "days", _("days")
    WORKING_HOURS = "working_hours", _("working hours")
    MONTHS = "months", _("months")
    YEARS = "years", _("years")
