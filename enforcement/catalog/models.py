from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from enforcement.versioning import VersionedModel


class ViolationCategoryQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def top_level(self):
        return self.filter(parent__isnull=True)

    def visible_to(self, user):
        """The catalogue is shared city-wide: every signed-in user reads it."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.all()


class ViolationCategory(VersionedModel):
    """A violation category, two levels deep (大类 → 小类), with its legal basis and fine ranges for
    individuals and organisations. Whether the simple procedure may be used is per category; the
    statutory ceiling itself (Art. 51) is a legal parameter, not repeated here."""

    parent = models.ForeignKey(
        "self", verbose_name=_("major category"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    penalty_basis = models.TextField(_("penalty basis"), blank=True)
    fine_min_individual = models.DecimalField(_("minimum fine, individual"), max_digits=12, decimal_places=2, null=True, blank=True)
    fine_max_individual = models.DecimalField(_("maximum fine, individual"), max_digits=12, decimal_places=2, null=True, blank=True)
    fine_min_organisation = models.DecimalField(_("minimum fine, organisation"), max_digits=12, decimal_places=2, null=True, blank=True)
    fine_max_organisation = models.DecimalField(_("maximum fine, organisation"), max_digits=12, decimal_places=2, null=True, blank=True)
    simple_procedure_allowed = models.BooleanField(_("simple procedure allowed"), default=False)
    is_urgent = models.BooleanField(_("urgent (handled the same day)"), default=False)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ViolationCategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("violation category")
        verbose_name_plural = _("violation categories")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return f"{self.code} {self.display_name}"

    @property
    def display_name(self):
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name

    def clean(self):
        errors = {}
        if self.parent_id and self.parent.parent_id:
            errors["parent"] = _("Categories have two levels: a sub-category's parent must be a major category.")
        for who in ("individual", "organisation"):
            low, high = getattr(self, f"fine_min_{who}"), getattr(self, f"fine_max_{who}")
            if low is not None and low < Decimal("0"):
                errors[f"fine_min_{who}"] = _("A fine cannot be negative.")
            if low is not None and high is not None and low > high:
                errors[f"fine_max_{who}"] = _("The maximum fine must not be below the minimum.")
        if errors:
            raise ValidationError(errors)


class LegalParameter(VersionedModel):
    """A legal parameter an administrator may adjust (a province's large-fine threshold, a deadline),
    with the article it comes from. Code reads them through `enforcement.catalog.params`."""

    key = models.SlugField(_("key"), max_length=64, unique=True)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=32, help_text=_("yuan, days, working_days, years, percent"))
    article = models.CharField(_("legal source"), max_length=200, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("legal parameter")
        verbose_name_plural = _("legal parameters")
        ordering = ["key"]

    def __str__(self):
        return f"{self.key} = {self.value}"
