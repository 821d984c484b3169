"""Documents: gapless numbering now; printable, frozen documents next (STYLE.md)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class NumberCounter(models.Model):
    """The last number given out for one key: a scope ("complaint", later a kind of document or case), an
    optional unit that numbers on its own, and a period the numbers restart with ("2026" for a year,
    "2026-11-25" for a day, "" for never). Taken only through `numbering.next_number`."""

    scope = models.CharField(_("numbered records"), max_length=40)
    unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField(_("numbering period"), max_length=16, blank=True)
    last = models.PositiveIntegerField(_("last number given"), default=0)

    class Meta:
        verbose_name = _("number counter")
        verbose_name_plural = _("number counters")
        # Two partial constraints: a unique constraint never treats two NULL units as equal.
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "unit", "period"], condition=Q(unit__isnull=False), name="numbercounter_unit_key"
            ),
            models.UniqueConstraint(
                fields=["scope", "period"], condition=Q(unit__isnull=True), name="numbercounter_city_key"
            ),
        ]

    def __str__(self):
        parts = [self.scope, str(self.unit_id or ""), self.period]
        return f"{'/'.join(part for part in parts if part)}: {self.last}"
