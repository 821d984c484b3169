"""The penalties pages' forms: a statement upload and the settling of its problem lines, a reconsideration or
lawsuit and its outcome, a seizure with its items and its extension and end, an order to demolish's public
notice and demolition (the lists' filters: filtersets.py). Forms collect input; the services (services.py,
imports.py, reviews.py, seizures.py, demolitions.py) decide and write."""

from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.models import Case
from cases.workflow import MONEY_MESSAGES
from enforcement.approvals.choices import DECISION_ACTIONS
from enforcement.org.forms import BootstrapFormMixin

from .choices import ItemKind, PaymentChannel, ReviewKind, ReviewOutcome, SeizureKind
from .models import Execution
from .workflow import DATE_MESSAGES


def date_field(label, *, required=True):
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages=DATE_MESSAGES,
    )


class StatementUploadForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Statement file"),
        help_text=_("The bank's or the payment platform's statement, as CSV or XLSX."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
    channel = forms.ChoiceField(
        label=_("Paid through"),
        choices=[(v, label) for v, label in PaymentChannel.choices if v != PaymentChannel.COURT],
    )


class RecordLineForm(BootstrapFormMixin, forms.Form):
    """A problem line recorded on the penalty a person names by its decision number or payment code."""

    target = forms.CharField(label=_("Decision number or payment code"), max_length=64)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_target(self):
        term = self.cleaned_data["target"].strip()
        found = list(
            Execution.objects.visible_to(self.user).filter(Q(decision_number=term) | Q(payment_code=term))[:2]
        )
        if not found:
            raise forms.ValidationError(_("No penalty of yours has this decision number or payment code."))
        if len(found) > 1:
            raise forms.ValidationError(
                _("Several penalties have this decision number: give the payment code instead.")
            )
        self.execution = found[0]
        return term


class DismissLineForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Why it is not recorded"),
        widget=forms.Textarea(
            attrs={"rows": 2, "placeholder": _("e.g. paid to another authority; refunded")}
        ),
    )


class CaseNumberField(forms.CharField):
    """A case the user may see, by its number."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Case number"))
        kwargs.setdefault("max_length", 40)
        super().__init__(*args, **kwargs)


class _CaseForm(BootstrapFormMixin, forms.Form):
    case = CaseNumberField()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_case(self):
        number = self.cleaned_data["case"].strip().upper()
        case = Case.objects.visible_to(self.user).filter(number=number).first()
        if case is None:
            raise forms.ValidationError(_("No case of yours has this number."))
        return case


class ReviewForm(_CaseForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=ReviewKind.choices)
    body = forms.CharField(label=_("Reviewing body or court"), max_length=200)
    filed_on = date_field(_("Filed on"))
    hearing_on = date_field(_("Hearing on"), required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class OutcomeForm(BootstrapFormMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[(v, label) for v, label in ReviewOutcome.choices if v != "pending"]
    )
    outcome_on = date_field(_("Outcome on"))
    outcome_received_on = date_field(_("Received by the party on (empty: the same day)"), required=False)
    varied_fine = forms.DecimalField(
        label=_("Fine as varied (yuan)"),
        help_text=_("Only for a varied decision: the fine owed from then on."),
        required=False,
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        error_messages=MONEY_MESSAGES,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SeizureForm(_CaseForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=SeizureKind.choices)
    custody_place = forms.CharField(label=_("Custody place"), max_length=255)
    seized_on = date_field(_("Seized on"))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SeizedItemForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *ItemKind.choices], required=False)
    description = forms.CharField(label=_("Description"), max_length=255, required=False)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, required=False)

    def item(self):
        data = self.cleaned_data
        if not (data.get("kind") or data.get("description")):
            return None  # an empty row
        return {
            "kind": data.get("kind"),
            "description": data.get("description"),
            "quantity": data.get("quantity"),
        }


SeizedItemFormSet = forms.formset_factory(SeizedItemForm, extra=3, max_num=50, validate_max=True)


class ExtensionRequestForm(BootstrapFormMixin, forms.Form):
    days = forms.IntegerField(label=_("Extension (days)"), min_value=1)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionDecisionForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISION_ACTIONS)
    opinion = forms.CharField(label=_("Opinion"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class EndSeizureForm(BootstrapFormMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=pgettext_lazy("seizure", "Ended by"),
        choices=[("returned", _("Returned")), ("confiscated", _("Confiscated"))],
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


# --- orders to demolish ---------------------------------------------------------------------------------
AREA_WORDS = _("Give the area demolished in square metres, e.g. 35.5 (at most two decimals).")
AREA_MESSAGES = {"invalid": AREA_WORDS, "required": AREA_WORDS}


class _VersionedForm(BootstrapFormMixin, forms.Form):
    """Carries the version of the order the page showed: a change made meanwhile is refused (409)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class DemolitionNoticeForm(_VersionedForm):
    notice_on = date_field(_("Public notice on"))
    deadline_on = date_field(_("Deadline the notice gives"))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DemolishedForm(_VersionedForm):
    demolished_on = date_field(_("Demolished on"))
    # The service checks the area (rules.area_problem) and says what is wrong in the clerk's words.
    area = forms.DecimalField(
        label=_("Area demolished (m²)"),
        error_messages=AREA_MESSAGES,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "inputmode": "decimal"}),
    )
    by_force = forms.BooleanField(label=_("Demolished by force (Art. 44)"), required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
