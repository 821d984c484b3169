"""The statistics pages' forms: the report's filters (query.ReportQueryForm with the site's classes),
submitting and unlocking a month, the year's targets. The unit and months a POST acts on travel as the
report's own query parameters and are read by `query.parse`, so scope is checked the same way."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from enforcement.org.forms import BootstrapFormMixin
from enforcement.org.models import OrgUnit

from . import measures, query, read

NOTE_LENGTH = 200  # TallySubmission.note, .unlock_reason and AnnualTarget.note


class ReportFilterForm(BootstrapFormMixin, query.ReportQueryForm):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        for name in ("from_", "to"):  # a month picker where the browser has one, text elsewhere
            widget = self.fields[name].widget
            widget.input_type = "month"
            widget.attrs.pop("type", None)
            widget.attrs["placeholder"] = "YYYY-MM"
        self.fields["group_by"].choices = group_by_choices(user)
        unit_choices(self.fields["unit"])


def unit_choices(field):
    """The units as a tree (indented by depth); none chosen is the top of the user's scope."""
    field.empty_label = _("(the top of my scope)")
    field.label_from_instance = lambda unit: "\u00a0\u00a0" * unit.depth + unit.display_name


def group_by_choices(user):
    """Each officer's figures only for those who may read them (query.may_see_people)."""
    return [
        (value, label)
        for value, label in read.GroupBy.CHOICES
        if value != read.GroupBy.PERSON or query.may_see_people(user)
    ]


class SubmitMonthForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Note"),
        max_length=NOTE_LENGTH,
        required=False,
        help_text=_("Kept with the submitted figures, e.g. what was checked."),
    )


class UnlockMonthForm(BootstrapFormMixin, forms.Form):
    submission = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for unlocking"),
        max_length=NOTE_LENGTH,
        help_text=_("Stays with the month's history."),
    )


class TargetYearForm(BootstrapFormMixin, forms.Form):
    """Which unit's targets of which year the page shows (GET)."""

    unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none(), required=False)
    year = forms.IntegerField(label=_("Year"), min_value=1950, max_value=2200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.visible_to(user)
        unit_choices(self.fields["unit"])


class TargetForm(BootstrapFormMixin, forms.Form):
    """One target of 目标任务书: a measure and what the unit is to reach in the year."""

    measure = forms.ChoiceField(label=_("Measure"))
    target = forms.DecimalField(label=_("Target"), max_digits=16, decimal_places=2, min_value=Decimal("0.01"))
    note = forms.CharField(label=_("Note"), max_length=NOTE_LENGTH, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = [
            (str(measures.FAMILIES.get(family, family)), [(m.slug, m.label) for m in items])
            for family, items in _by_family(measures.ordered(measures.all_measures()))
        ]


def _by_family(items):
    groups = {}
    for item in items:
        groups.setdefault(item.family, []).append(item)
    return list(groups.items())
