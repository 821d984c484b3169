"""The working-day calendar: statutory holidays and make-up working days (调休), city-wide.

"2/3/5/7 days" in the Administrative Penalty Law are working days excluding statutory holidays (行政处罚法
Art. 85). A date without a row is a working day from Monday to Friday and a rest day on the weekend;
a row overrides that. `CalendarYear` records which years hold a complete list; for the others the
arithmetic counts weekends only and says so (`calendar.coverage_warning`)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from enforcement.org.models import CityWideQuerySet
from enforcement.versioning import VersionedModel


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday")
    WORKDAY = "workday", _("Make-up working day")


class DaySource(models.TextChoices):
    PACKAGE = "package", _("Calendar package")
    MANUAL = "manual", _("Entered by an administrator")


# The names the calendar package uses, so that they read in the user's language.
HOLIDAY_NAMES = {
    "New Year's Day": _("New Year's Day"),
    "Spring Festival": _("Spring Festival"),
    "Tomb-sweeping Day": _("Tomb-sweeping Day"),
    "Labour Day": _("Labour Day"),
    "Dragon Boat Festival": _("Dragon Boat Festival"),
    "National Day": _("National Day"),
    "Mid-autumn Festival": _("Mid-autumn Festival"),
    "Anti-Fascist 70th Day": _("Anti-Fascist 70th Day"),
}


class CalendarDay(VersionedModel):
    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=DaySource.choices, default=DaySource.MANUAL)
    # Also the calendar cache's change stamp (see calendar.py): every write must touch it.
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    objects = CityWideQuerySet.as_manager()

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date.isoformat()} {self.get_kind_display()} {self.display_name}".strip()

    @property
    def display_name(self):
        return HOLIDAY_NAMES.get(self.name, self.name)

    def clean(self):
        # A make-up working day replaces a weekend day; on a weekday it would change nothing.
        if self.kind == DayKind.WORKDAY and self.date and self.date.weekday() < 5:
            raise ValidationError({"kind": _("A make-up working day must fall on a Saturday or Sunday.")})


class CalendarYear(models.Model):
    """A year whose holidays and make-up days are complete (loaded from the package or confirmed by an
    administrator)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=16, choices=DaySource.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    objects = CityWideQuerySet.as_manager()

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]

    def __str__(self):
        return str(self.year)
