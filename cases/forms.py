"""Browser forms of cases. They collect input; the services decide and write (a form never sets `status`).
The law's rules (Art. 51's ceilings, the category's range, cash on the spot, the limitation period) are the
services' and rules.py's: a refusal comes back as the service's ValidationError, shown on its field."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.forms import LocationMixin
from enforcement.catalog.choices import PartyType
from enforcement.catalog.models import ViolationCategory
from enforcement.files.forms import ACCEPT_EVIDENCE, CaptureFieldsMixin, CheckedFileField
from enforcement.org.forms import BootstrapFormMixin

from .choices import SIMPLE_KINDS, EvidenceType, PenaltyKind
from .models import Party
from .workflow import MONEY_MESSAGES

# The party's inputs on a case form: a party picked from the register (`party`), or a new one typed in.
PARTY_INPUTS = ("party_type", "name", "id_number", "credit_code", "legal_representative", "phone", "address")


def party_field(name):
    """The form's name of a new party's input (`party_name` for the party's `name`; `party_type` itself)."""
    return name if name.startswith("party_") else f"party_{name}"


class CategoryField(forms.ModelChoiceField):
    """Active categories; the page groups them under their major category and carries each one's legal basis
    for the form to prefill (cases.js)."""

    def __init__(self, **kwargs):
        super().__init__(queryset=ViolationCategory.objects.active(), **kwargs)

    def label_from_instance(self, obj):
        return f"{obj.code} {obj.display_name}"


class PartyFieldsMixin(forms.Form):
    """A party from the register (searched by ID number, credit code or name), or a new one."""

    party = forms.ModelChoiceField(
        queryset=Party.objects.all(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("This party is no longer in the register: search again.")},
    )
    party_type = forms.ChoiceField(
        label=_("Type of party"), choices=PartyType.choices, initial=PartyType.INDIVIDUAL, required=False
    )
    party_name = forms.CharField(label=_("Name of the party"), max_length=200, required=False)
    party_id_number = forms.CharField(
        label=_("ID number"),
        max_length=24,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    party_credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=24,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    party_legal_representative = forms.CharField(
        label=_("Legal representative"), max_length=100, required=False
    )
    party_phone = forms.CharField(
        label=_("Party's phone"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    party_address = forms.CharField(label=_("Party's address"), max_length=255, required=False)

    def clean(self):
        data = super().clean()
        if data.get("party") is None and "party" not in self.errors:
            if not (data.get("party_name") or "").strip():
                self.add_error(
                    "party_name", _("Choose a party from the register, or give the new party's name.")
                )
            if not data.get("party_type"):
                self.add_error("party_type", _("Say whether the party is an individual or an organisation."))
        return data

    def party_inputs(self):
        """What services.register_party takes for a new party."""
        return {name: self.cleaned_data.get(party_field(name)) or "" for name in PARTY_INPUTS}

    def party_for(self, by):
        """The party picked from the register, or the new one registered now (call inside the transaction
        of what it is for). Refused: its errors on the party's inputs, and PartyRefused."""
        from . import services

        party = self.cleaned_data.get("party")
        if party is not None:
            return party
        try:
            return services.register_party(by=by, **self.party_inputs())
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for name, errors in exc.message_dict.items():
                    target = party_field(name)
                    self.add_error(target if target in self.fields else None, errors)
            else:
                self.add_error(None, exc.messages)
            raise PartyRefused from exc


class PartyRefused(Exception):
    """The new party was not registered: the form says why."""


class PlaceMixin(LocationMixin):
    """Where the act took place (the map point optional, from the device's location)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["address"].label = _("Place of the act")


def _act_date_field():
    return forms.DateField(
        label=_("Date of the act"),
        initial=timezone.localdate,
        help_text=_("For a continuing act, the day it ended."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def _text(label, rows=3, max_length=10000, required=True):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class CaseFormBase(BootstrapFormMixin, PartyFieldsMixin, PlaceMixin):
    category = CategoryField(label=_("Category"))
    act_date = _act_date_field()
    facts = _text(_("Facts found"), rows=3)
    legal_basis = _text(
        _("Provision violated"), rows=2, max_length=4000, required=False
    )  # 违反的规定; empty: the category's
    penalty_basis = _text(_("Penalty provision"), rows=2, max_length=4000, required=False)  # 处罚依据

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("legal_basis", "penalty_basis"):
            self.fields[name].help_text = _("Filled in from the category; correct it if the case needs.")
            self.fields[name].widget.attrs["data-prefill"] = name  # cases.js: from the chosen category

    def clean_act_date(self):
        value = self.cleaned_data.get("act_date")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The date of the act cannot be in the future."))
        return value


class OnTheSpotForm(CaseFormBase):
    """当场处罚 (simple procedure, Art. 51–52): one phone screen, submitted on the spot."""

    penalty_kinds = forms.MultipleChoiceField(
        label=_("Kind of penalty"),
        choices=[(k.value, k.label) for k in PenaltyKind if k in SIMPLE_KINDS],
        widget=forms.CheckboxSelectMultiple,
        initial=[PenaltyKind.FINE],
    )
    fine = forms.DecimalField(
        label=_("Fine (yuan)"),
        required=False,
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        error_messages=MONEY_MESSAGES,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    correction_order = _text(_("Order to correct (what the party must do, by when)"), rows=2, max_length=4000)
    paid_on_spot = forms.BooleanField(label=_("Fine paid in cash on the spot"), required=False)
    receipt_no = forms.CharField(
        label=_("Receipt number"),
        max_length=64,
        required=False,
        help_text=_("The number of the official receipt handed to the party (Art. 70)."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-required-when": "paid_on_spot"}),
    )
    complaint = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        kinds = data.get("penalty_kinds") or []
        if PenaltyKind.FINE in kinds and data.get("fine") is None and "fine" not in self.errors:
            self.add_error("fine", _("Give the amount of the fine, in yuan."))
        return data


class LeadForm(CaseFormBase):
    """A lead (线索) of the general procedure, for a supervisor to file or not."""

    act_continuing = forms.BooleanField(label=_("Continuing act"), required=False)
    harms_safety = forms.BooleanField(
        label=_("Harmed life, health or financial safety"),
        required=False,
        help_text=_("The limitation period is then five years instead of two (Art. 36)."),
    )
    is_complex = forms.BooleanField(
        label=_("Complex or major case"),
        required=False,
        help_text=_("Discussed collectively and legally reviewed before the decision (Art. 57, 58)."),
    )
    major_public_interest = forms.BooleanField(
        label=_("Involves major public interest"),
        required=False,
        help_text=_("Legally reviewed before the decision (Art. 58)."),
    )
    complaint = forms.IntegerField(required=False, widget=forms.HiddenInput)


class EvidenceForm(BootstrapFormMixin, CaptureFieldsMixin):
    """An item of evidence (Art. 46): what it is, what it shows, when and where it was taken."""

    evidence_type = forms.ChoiceField(label=_("Type of evidence"), choices=EvidenceType.choices)
    description = forms.CharField(label=_("Description"), max_length=500, required=False)
    file = CheckedFileField(label=_("File"))

    field_order = ["evidence_type", "description", "file", "captured_at", "captured_lat", "captured_lng"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ACCEPT_EVIDENCE


class PartySearchForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(
        label=_("ID number, credit code, name or phone"),
        min_length=2,
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
