"""The fine's execution on the platform's workflow engine: the table (choices.TRANSITIONS) and its inputs,
declared once for the page's forms and the API's serializers."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cases.workflow import money_api_field, money_form_field
from enforcement.approvals.choices import DECISION_ACTIONS
from enforcement.workflow.core import Workflow
from enforcement.workflow.inputs import Choice, Custom, Text

from .choices import TRANSITIONS, PaymentChannel

DATE_MESSAGES = {"invalid": _("Enter a date, e.g. 2026-12-01.")}


def date_form_field(label):
    def build(required, user, obj):
        return forms.DateField(
            label=label,
            required=required,
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            error_messages=DATE_MESSAGES,
        )

    return build


def date_api_field(required):
    return serializers.DateField(required=required, allow_null=not required, error_messages=DATE_MESSAGES)


class DueDatesField(forms.CharField):
    """New due dates typed one per line or separated by commas or spaces (2027-01-15, 2027-02-15)."""

    def to_python(self, value):
        text = super().to_python(value)
        return parse_due_dates(text)


def parse_due_dates(text):
    if isinstance(text, list | tuple):
        items = [str(item) for item in text]
    else:
        items = str(text or "").replace(",", " ").replace("，", " ").split()
    dates = []
    for item in items:
        try:
            dates.append(datetime.date.fromisoformat(item.strip()))
        except ValueError:
            raise forms.ValidationError(
                _("“%(value)s” is not a date: write each due date as 2027-01-15.") % {"value": item}
            ) from None
    return sorted(dates)


def due_dates_form_field(required, user, obj):
    return DueDatesField(
        label=_("New due dates (one per instalment)"),
        required=required,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "2027-01-15, 2027-02-15"}),
    )


class DueDatesApiField(serializers.ListField):
    def to_internal_value(self, data):
        try:
            return parse_due_dates(data)
        except forms.ValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None


def due_dates_api_field(required):
    return DueDatesApiField(child=serializers.DateField(), required=required, allow_empty=False)


INPUTS = {
    "note": Text(_("Note")),
    "reason": Text(_("Reason")),
    "opinion": Text(_("Opinion")),
    "decision": Choice(_("Decision"), DECISION_ACTIONS),
    "amount": Custom(money_form_field(_("Amount (yuan)")), money_api_field),
    "paid_on": Custom(date_form_field(_("Paid on")), date_api_field),
    "channel": Choice(_("Paid through"), PaymentChannel.choices),
    "reference": Text(_("Bank or platform reference"), max_length=64, rows=1),
    "due_dates": Custom(due_dates_form_field, due_dates_api_field),
    "court": Text(_("Court applied to"), max_length=200, rows=1),
}

WORKFLOW = Workflow(
    "penalties.Execution",
    TRANSITIONS,
    inputs=INPUTS,
    lock_related=("case",),
    steps={
        "open_execution": _("Collection of the fine opened"),
        "import_payment": _("Payment imported from a bank statement"),
    },
)
# The steps of the records without a transition table, as their timelines name them.
REVIEW_STEPS = Workflow(
    "penalties.Review",
    {},
    status_field="outcome",
    steps={
        "file_review": _("Reconsideration or lawsuit recorded"),
        "review_hearing": _("Hearing date recorded"),
        "review_outcome": _("Outcome of the reconsideration or lawsuit"),
    },
)
SEIZURE_STEPS = Workflow(
    "penalties.Seizure",
    {},
    steps={"seize": _("Seized or sealed"), "end_seizure": _("Seizure ended")},
)
PUBLICATION_STEPS = Workflow(
    "penalties.Publication",
    {},
    steps={"publish": _("Decision published"), "withdraw_publication": _("Publication withdrawn")},
)
DEMOLITION_STEPS = Workflow(
    "penalties.Demolition",
    {},
    steps={
        "open_demolition": _("Order to demolish in force (decision served)"),
        "give_notice": _("Public notice to demolish given"),
        "record_demolished": _("Demolition recorded"),
        "revoke_demolition": _("Order to demolish revoked with the decision"),
    },
)
