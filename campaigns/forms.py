"""Browser forms of campaigns. They collect input; the services decide and write (a form never sets
`status`). The words of a refusal are the rules' (rules.py): a figure's problem is checked here with the
same rule, so that it is said on its own input."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.choices import SIMPLE_KINDS, PenaltyKind
from cases.forms import PartyFieldsMixin
from cases.models import Party
from complaints.forms import CategoryChoiceField, LocationMixin
from enforcement.files.forms import KeptUploadsMixin, MultipleFileField
from enforcement.org.forms import BootstrapFormMixin, ScopedUnitChoiceField
from enforcement.org.models import Grid, OrgUnit

from . import measures, rules
from .choices import CampaignKind, ItemKind, Partner

DATE = {"type": "date"}


def _date_field(label, **kwargs):
    return forms.DateField(label=label, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"), **kwargs)


def _text(label, rows=3, max_length=10000, required=False):
    return forms.CharField(
        label=label, required=required, max_length=max_length, widget=forms.Textarea(attrs={"rows": rows})
    )


def sub_units(user):
    """The units under the user's own (a district's squadrons): those a campaign of it may take part."""
    if user.unit_id is None:
        return OrgUnit.objects.none()
    return (
        OrgUnit.objects.filter(path__startswith=user.unit.path, is_active=True)
        .exclude(pk=user.unit_id)
        .order_by("path")
    )


class CampaignForm(BootstrapFormMixin, forms.Form):
    """The plan of a campaign (and its edit): the goals are the page's named inputs (`goal-<measure>-total`,
    `goal-<measure>-<unit id>`), read by `goal_rows`."""

    name = forms.CharField(label=_("Name of the campaign"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=CampaignKind.choices, widget=forms.HiddenInput)
    starts_on = _date_field(_("First day"))
    ends_on = _date_field(_("Last day"))
    lead_unit = ScopedUnitChoiceField(label=_("Lead unit"), queryset=OrgUnit.objects.none())
    units = forms.ModelMultipleChoiceField(
        label=_("Units taking part"),
        queryset=OrgUnit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The lead unit always takes part."),
    )
    partners = forms.MultipleChoiceField(
        label=_("Partner departments"),
        choices=Partner.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    grids = forms.ModelMultipleChoiceField(
        label=_("Target areas (grids)"),
        queryset=Grid.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Hold Ctrl (or ⌘) to choose several."),
    )
    description = _text(_("Aims and arrangements"), rows=4)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.campaign = user, campaign
        self.fields["lead_unit"].queryset = (
            OrgUnit.objects.visible_to(user).filter(is_active=True).order_by("path")
        )
        self.fields["lead_unit"].initial = user.unit_id
        lead = campaign.lead_unit if campaign is not None else user.unit
        units = (
            sub_units(user)
            if campaign is None
            else OrgUnit.objects.filter(path__startswith=lead.path, is_active=True)
            .exclude(pk=lead.pk)
            .order_by("path")
        )
        self.fields["units"].queryset = units
        self.fields["units"].label_from_instance = lambda unit: unit.display_name
        grids = Grid.objects.visible_to(user).filter(is_active=True).select_related("unit").order_by("code")
        if campaign is not None:
            grids = Grid.objects.filter(unit__path__startswith=lead.path, is_active=True).order_by("code")
        self.fields["grids"].queryset = grids
        if campaign is not None:
            del self.fields["lead_unit"]
            self.fields["kind"].required = False

    def unit_candidates(self):
        return list(self.fields["units"].queryset)


def goal_rows(data, kind, units):
    """The goals typed on the plan page: [(measure slug, unit or None, raw target)] of the inputs filled."""
    rows = []
    for measure in measures.for_kind(kind):
        raw = (data.get(f"goal-{measure.slug}-total") or "").strip()
        if raw:
            rows.append((measure.slug, None, raw))
        for unit in units:
            raw = (data.get(f"goal-{measure.slug}-{unit.pk}") or "").strip()
            if raw:
                rows.append((measure.slug, unit, raw))
    return rows


def _goal_value(measure, data, goals, key, saved_key):
    if data is not None:
        return data.get(key, "")
    saved = (goals or {}).get(saved_key)
    if saved is None:
        return ""
    return f"{saved:.{measure.decimals}f}" if measure.decimals else f"{int(saved)}"


def goal_table(kind, units, data=None, goals=None):
    """The rows of the goals' inputs: [(measure, total value, [(unit, value)])], from what was typed (`data`)
    or the saved goals ({(slug, unit id or None): target})."""
    table = []
    for m in measures.for_kind(kind):
        total = _goal_value(m, data, goals, f"goal-{m.slug}-total", (m.slug, None))
        per_unit = [
            (unit, _goal_value(m, data, goals, f"goal-{m.slug}-{unit.pk}", (m.slug, unit.pk)))
            for unit in units
        ]
        table.append((m, total, per_unit))
    return table


def value_field_name(measure):
    return f"value_{measure.slug}"


class FieldLogForm(KeptUploadsMixin, BootstrapFormMixin, forms.Form):
    """One phone screen: the day, the unit, a figure per measure of the campaign's kind, where, what, who
    joined, photos."""

    day = _date_field(_("Day of the field work"), initial=timezone.localdate)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    place = forms.CharField(label=pgettext_lazy("field log", "Where"), max_length=255, required=False)
    note = _text(_("What was done"), rows=3)
    partners = forms.MultipleChoiceField(
        label=_("Partner departments that joined"),
        choices=Partner.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    photos = MultipleFileField(label=_("Photos"))

    def __init__(self, *args, campaign, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.fields["unit"].queryset = units
        self.fields["unit"].label_from_instance = lambda unit: unit.display_name
        self.fields["photos"].widget.attrs.update({"accept": "image/*", "capture": "environment"})
        self.measures = campaign.measures()
        added = []
        for measure in self.measures:
            field = forms.CharField(
                label=f"{measure.label}（{measure.unit}）",
                required=False,
                max_length=20,
                help_text=measure.definition,
                widget=forms.NumberInput(
                    attrs={
                        "inputmode": "decimal" if measure.decimals else "numeric",
                        "step": str(measure.step),
                        "min": "0",
                        "data-measure": measure.slug,
                    }
                ),
            )
            self.fields[value_field_name(measure)] = field
            added.append(field)
        self.style_fields(added)

    def value_fields(self):
        return [self[value_field_name(measure)] for measure in self.measures]

    def clean(self):
        data = super().clean()
        for measure in self.measures:
            name = value_field_name(measure)
            raw = (data.get(name) or "").strip()
            if raw:
                problem = rules.value_problem(measure, raw)
                if problem:
                    self.add_error(name, problem)
        return data

    def values(self):
        return {
            measure.slug: (self.cleaned_data.get(value_field_name(measure)) or "").strip()
            for measure in self.measures
        }


class ItemForm(KeptUploadsMixin, BootstrapFormMixin, LocationMixin):
    """整改对象 on a phone: what it is, the party (from the register, or a name), the category, what was
    found and where, photos before."""

    unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    kind = forms.ChoiceField(label=_("What it is"), choices=ItemKind.choices, initial=ItemKind.STALL)
    party = forms.ModelChoiceField(
        queryset=Party.objects.all(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("This party is no longer in the register: search again.")},
    )
    party_name = forms.CharField(
        label=_("Party or shop name"),
        max_length=200,
        required=False,
        help_text=_("A case needs the party from the register: search it above, or type the name for now."),
    )
    category = CategoryChoiceField(label=_("Category"), required=False)
    description = _text(_("What was found"), rows=3, required=True)
    found_on = _date_field(_("Found on"), initial=timezone.localdate)
    photos = MultipleFileField(label=_("Photos before"))
    complaint = forms.IntegerField(required=False, widget=forms.HiddenInput)

    field_order = ["unit", "kind", "party", "party_name", "category", "description", "address", "lat", "lng"]

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].label_from_instance = lambda unit: unit.display_name
        self.fields["address"].label = _("Place")
        self.fields["photos"].widget.attrs.update({"accept": "image/*", "capture": "environment"})


class RecheckPhotosForm(KeptUploadsMixin, forms.Form):
    """The photos after, posted with the re-check's action form."""

    photos = MultipleFileField(label=_("Photos after"))


class LogPhotosForm(forms.Form):
    """More photos of a day's work, added on the log's page after it was saved."""

    photos = MultipleFileField(
        label=_("Photos"), required=True, error_messages={"required": _("Choose a file to upload.")}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photos"].widget.attrs.update({"accept": "image/*", "class": "form-control"})


class ItemPartyForm(BootstrapFormMixin, PartyFieldsMixin):
    """The party (from the register, or registered now) and the category of an item found without them."""

    category = CategoryChoiceField(label=_("Category"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        if item.party_id is not None:  # only what the item still lacks
            for name in [n for n in self.fields if n.startswith("party")]:
                del self.fields[name]
        if item.category_id is not None:
            del self.fields["category"]

    def gives_party(self):
        data = self.cleaned_data
        return "party" in self.fields and bool(data.get("party") or (data.get("party_name") or "").strip())

    def clean(self):
        data = forms.Form.clean(self)
        if "party" in self.fields and (data.get("party") or (data.get("party_name") or "").strip()):
            return super().clean()  # a party given: from the register, or a new one with its type and name
        if not data.get("category"):
            self.add_error(None, _("Choose the party from the register, or the category."))
        return data


class SimpleEscalationForm(BootstrapFormMixin, forms.Form):
    """转立案 by the simple procedure: the on-the-spot decision (Art. 51) taken on the item."""

    penalty_kinds = forms.MultipleChoiceField(
        label=_("Kind of penalty"),
        choices=[(k.value, k.label) for k in PenaltyKind if k in SIMPLE_KINDS],
        widget=forms.CheckboxSelectMultiple,
        initial=[PenaltyKind.WARNING],
    )
    fine = forms.DecimalField(
        label=_("Fine (yuan)"),
        required=False,
        max_digits=12,
        decimal_places=2,
        min_value=0,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    correction_order = _text(_("Order to correct (what the party must do, by when)"), rows=2, max_length=4000)
    paid_on_spot = forms.BooleanField(label=_("Fine paid in cash on the spot"), required=False)
    receipt_no = forms.CharField(label=_("Receipt number"), max_length=64, required=False)
    note = _text(_("Note"), rows=2, max_length=4000)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self):
        data = super().clean()
        if PenaltyKind.FINE in (data.get("penalty_kinds") or []) and data.get("fine") is None:
            if "fine" not in self.errors:
                self.add_error("fine", _("Give the amount of the fine, in yuan."))
        return data
