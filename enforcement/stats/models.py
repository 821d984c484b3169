"""Stored tallies, the month they were computed for, annual targets and the submitted (locked) months.

Reports read `MonthlyTally` only, never the records: a unit's subtree is read from its own summed rows (the
tree grains), so a year of the whole city by category is a few thousand rows of one index.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Grain(models.TextChoices):
    """The ways a month is stored: from the records, per unit (the totals every report starts from), per
    unit × category family (大类), per unit × channel (complaints) and per unit × person responsible (the
    assessment); and, summed from the first two, the same per unit with sub-units over its subtree."""

    UNIT = "unit", _("Unit")
    CATEGORY = "category", _("Category")
    CHANNEL = "channel", _("Channel")
    PERSON = "person", _("Person")  # the assessment (考评) of each officer, for their own leaders
    # A unit with sub-units, its whole subtree summed (compute.roll, from the unit and category rows, by the
    # tree as it is): a report of any unit reads a few rows of one unit, not every squadron's.
    TREE = "tree", _("Unit and its sub-units")
    TREE_CATEGORY = "treecat", _("Unit and its sub-units × category")


class TallyMonth(models.Model):
    """One row per month ever computed: recomputation locks it (select_for_update), so two workers
    recomputing the same month run one after the other and leave one set of rows."""

    month = models.DateField(_("month"), unique=True)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    seconds = models.FloatField(_("took (s)"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)

    class Meta:
        verbose_name = _("computed month")
        verbose_name_plural = _("computed months")
        ordering = ["-month"]

    def __str__(self):
        return f"{self.month:%Y-%m}"


class MonthlyTally(models.Model):
    month = models.DateField(_("month"))  # its first day
    grain = models.CharField(_("grain"), max_length=8, choices=Grain.choices)
    # No constraints nor indexes of their own on the keys (every read goes through tally_grain_month).
    unit = models.ForeignKey(
        "org.OrgUnit",
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    category = models.ForeignKey(
        "catalog.ViolationCategory",
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    channel = models.CharField(_("channel"), max_length=20, blank=True, default="")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    measure = models.CharField(_("measure"), max_length=48)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)

    class Meta:
        verbose_name = _("monthly tally")
        verbose_name_plural = _("monthly tallies")
        indexes = [
            # Every report: one grain over a run of months, then units by path and measures (the value is
            # in the index, so PostgreSQL sums from it alone).
            # A recompute deletes one month through it too (every grain named). No other index: a month's
            # rows are written at once, and each index more is a share of a recompute's time.
            # The other keys ride along (PostgreSQL's INCLUDE), so a report is an index-only scan.
            models.Index(
                fields=["grain", "month", "unit", "measure", "value"],
                include=["category", "channel", "person"],
                name="tally_grain_month",
            ),
            # The subtrees' sums, read one unit at a time (a few hundred rows a month for the whole city).
            models.Index(
                fields=["grain", "unit", "month", "measure", "value"],
                include=["category"],
                condition=Q(grain__in=["tree", "treecat"]),
                name="tally_tree",
            ),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.measure} {self.value}"


class AnnualTarget(models.Model):
    """目标任务书: what a unit is to achieve in a year on one measure, entered by an administrator."""

    year = models.PositiveSmallIntegerField(_("year"))
    unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    measure = models.CharField(_("measure"), max_length=48)
    target = models.DecimalField(_("target"), max_digits=16, decimal_places=2)
    note = models.CharField(_("note"), max_length=200, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("set by"), on_delete=models.PROTECT, related_name="+"
    )
    set_at = models.DateTimeField(_("set at"), auto_now=True)

    class Meta:
        verbose_name = _("annual target")
        verbose_name_plural = _("annual targets")
        ordering = ["year", "unit__path", "measure"]
        constraints = [
            models.UniqueConstraint(fields=["year", "unit", "measure"], name="target_one_per_measure"),
            models.CheckConstraint(condition=Q(target__gt=0), name="target_positive"),
        ]

    def __str__(self):
        return f"{self.year} {self.measure} {self.target}"


class TallySubmission(models.Model):
    """A month submitted (locked) for a unit by its statistics staff: `figures` keeps the unit's totals
    as they were ({measure: "value"}), whatever later edits to the records do. A new submission replaces
    the current one, which stays as history; an unlock ends it without a replacement."""

    unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("month"))
    figures = models.JSONField(_("figures as submitted"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    ended_at = models.DateTimeField(_("replaced or unlocked at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("replaced or unlocked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unlock_reason = models.CharField(_("reason for unlocking"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("submitted month")
        verbose_name_plural = _("submitted months")
        ordering = ["-month", "unit__path", "-submitted_at"]
        constraints = [
            # One current submission per unit and month; the earlier ones are history.
            models.UniqueConstraint(
                fields=["unit", "month"], condition=Q(ended_at__isnull=True), name="submission_one_current"
            ),
        ]
        indexes = [models.Index(fields=["month", "ended_at"], name="submission_month")]

    def __str__(self):
        return f"{self.unit} {self.month:%Y-%m}"

    @property
    def is_current(self):
        return self.ended_at is None
