from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from enforcement.org.models import CityWideQuerySet
from enforcement.versioning import VersionedModel

from .choices import PERIOD_UNITS, ParamUnit, PartyType

_NOT_NEGATIVE = [MinValueValidator(Decimal("0"))]


class ViolationCategoryQuerySet(CityWideQuerySet):
    def active(self):
        return self.filter(is_active=True)

    def top_level(self):
        return self.filter(parent__isnull=True)

    def search(self, text):
        return self.filter(Q(name__icontains=text) | Q(name_en__icontains=text) | Q(code__icontains=text))


def _fine_field(label):
    return models.DecimalField(
        label, max_digits=12, decimal_places=2, null=True, blank=True, validators=_NOT_NEGATIVE
    )


def _fine_range_ok(who):
    low, high = f"fine_min_{who}", f"fine_max_{who}"
    return Q(**{f"{low}__isnull": True}) | Q(**{f"{high}__isnull": True}) | Q(**{f"{low}__lte": F(high)})


class ViolationCategory(VersionedModel):
    """A violation category, two levels deep (大类 → 小类), with its legal basis and fine ranges for
    individuals and organisations. Whether the simple procedure may be used is per category; the
    statutory ceiling itself (Art. 51) is a legal parameter, not repeated here."""

    parent = models.ForeignKey(
        "self",
        verbose_name=_("major category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    penalty_basis = models.TextField(_("penalty basis"), blank=True)
    fine_min_individual = _fine_field(_("minimum fine, individual"))
    fine_max_individual = _fine_field(_("maximum fine, individual"))
    fine_min_organisation = _fine_field(_("minimum fine, organisation"))
    fine_max_organisation = _fine_field(_("maximum fine, organisation"))
    simple_procedure_allowed = models.BooleanField(_("simple procedure allowed"), default=False)
    is_urgent = models.BooleanField(_("urgent (handled the same day)"), default=False)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ViolationCategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("violation category")
        verbose_name_plural = _("violation categories")
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=_fine_range_ok(who),
                name=f"category_fine_range_{who}",
                violation_error_message=_("The maximum fine must not be below the minimum."),
            )
            for who in PartyType.values
        ] + [
            models.CheckConstraint(
                condition=~Q(parent=F("pk")),
                name="category_not_own_parent",
                violation_error_message=_("A category cannot be its own major category."),
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.display_name}"

    @property
    def display_name(self):
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name

    @property
    def level(self):
        """1 for a major category (大类), 2 for a sub-category (小类)."""
        return 1 if self.parent_id is None else 2

    def fine_range(self, party):
        """(minimum, maximum) fine for `party` ("individual" or "organisation"); either may be None."""
        party = PartyType(party)
        return getattr(self, f"fine_min_{party}"), getattr(self, f"fine_max_{party}")

    def clean(self):
        errors = {}
        if self.parent_id:
            if self.pk and self.parent_id == self.pk:
                errors["parent"] = _("A category cannot be its own major category.")
            elif self.parent.parent_id:
                errors["parent"] = _(
                    "Categories have two levels: a sub-category's parent must be a major category."
                )
            elif self.pk and self.children.exists():
                errors["parent"] = _(
                    "This category has sub-categories, so it must stay a major category (two levels at most)."
                )
            elif self.is_active and not self.parent.is_active:
                errors["parent"] = _("The major category is inactive; reactivate it first.")
        for who in PartyType.values:
            low, high = self.fine_range(who)
            if low is not None and high is not None and low > high:
                errors[f"fine_max_{who}"] = _("The maximum fine must not be below the minimum.")
        if errors:
            raise ValidationError(errors)


class LegalParameter(VersionedModel):
    """A legal parameter an administrator may adjust (a province's large-fine threshold, a deadline),
    with the article it comes from. Code reads them through `enforcement.catalog.params.get_param`;
    the defaults and their articles live in `params.DEFAULTS`."""

    key = models.SlugField(_("key"), max_length=64, unique=True)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, validators=_NOT_NEGATIVE)
    unit = models.CharField(_("unit"), max_length=32, choices=ParamUnit.choices)
    article = models.CharField(_("legal source"), max_length=200, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)

    objects = CityWideQuerySet.as_manager()

    class Meta:
        verbose_name = _("legal parameter")
        verbose_name_plural = _("legal parameters")
        ordering = ["key"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="legalparameter_not_negative",
                violation_error_message=_("A legal parameter cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.key} = {self.value}"

    @property
    def default(self):
        """The statutory default from `params.DEFAULTS`, or None for a key the code does not know."""
        from .params import DEFAULTS

        return DEFAULTS.get(self.key)

    @property
    def display_article(self):
        return self._in_user_language("article")

    @property
    def display_description(self):
        return self._in_user_language("description")

    def _in_user_language(self, field):
        """Texts still equal to the built-in default show in the user's language; an administrator's
        own text shows as written."""
        from .params import source_text

        stored, default = getattr(self, field), self.default
        if default is not None and stored == source_text(getattr(default, field)):
            return getattr(default, field)
        return stored

    def clean(self):
        if self.value is None:
            return
        if self.unit in PERIOD_UNITS and self.value != self.value.to_integral_value():
            raise ValidationError({"value": _("A period is a whole number of days, months or years.")})
        if self.unit == ParamUnit.PERCENT and self.value > 100:
            raise ValidationError({"value": _("A percentage cannot exceed 100.")})

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self._values_changed()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self._values_changed()
        return result

    def _values_changed(self):
        from .params import invalidate_cache

        invalidate_cache()
