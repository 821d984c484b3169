"""The case's workflow on the platform's engine: the table (choices.TRANSITIONS) and the inputs its actions
take, each declared once for the page's forms and the API's serializers."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from enforcement.api_utils import PlausibleDateTimeField
from enforcement.approvals.choices import DECISION_ACTIONS
from enforcement.org.models import User
from enforcement.viewsets import ScopedRelatedField
from enforcement.workflow.core import Workflow
from enforcement.workflow.inputs import Choice, Custom, Integer, Text

from .choices import TRANSITIONS, PenaltyKind

MONEY_MESSAGES = {
    "max_decimal_places": _("Amounts are in yuan with at most two decimal places."),
    "max_digits": _("This amount is too large."),
    "max_whole_digits": _("This amount is too large."),
    "min_value": _("An amount cannot be negative."),
    "invalid": _("Enter an amount in yuan, e.g. 200 or 150.50."),
}
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def money_form_field(label):
    def build(required, user, case):
        return forms.DecimalField(
            label=label,
            required=required,
            max_digits=12,
            decimal_places=2,
            min_value=Decimal("0"),
            error_messages=MONEY_MESSAGES,
            widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
        )

    return build


def money_api_field(required):
    return serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        required=required,
        allow_null=not required,
        error_messages=MONEY_MESSAGES,
    )


def moment_form_field(label):
    def build(required, user, case):
        return forms.DateTimeField(
            label=label,
            required=required,
            widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            input_formats=DATETIME_FORMATS,
        )

    return build


def moment_api_field(required):
    return PlausibleDateTimeField(required=required, allow_null=not required)  # years 1950–2200


def kinds_form_field(required, user, case):
    return forms.MultipleChoiceField(
        label=_("Penalties"),
        choices=PenaltyKind.choices,
        required=required,
        widget=forms.CheckboxSelectMultiple,
    )


def kinds_api_field(required):
    return serializers.ListField(
        child=serializers.ChoiceField(choices=PenaltyKind.choices),
        required=required,
        allow_empty=not required,
    )


def people_for(user, case, *roles):
    """The active officers in the actor's scope (their certificate is checked by the service, which says whose
    has expired)."""
    people = User.objects.visible_to(user).filter(is_active=True)
    if roles:
        people = people.filter(role_assignments__role__in=roles).distinct()
    return people.select_related("unit").order_by("unit__path", "full_name")


def person_form_field(label, *roles):
    def build(required, user, case):
        return forms.ModelChoiceField(label=label, queryset=people_for(user, case, *roles), required=required)

    return build


def person_api_field(required):
    return ScopedRelatedField(
        queryset=User.objects.filter(is_active=True),
        required=required,
        error_messages={"does_not_exist": _("Choose a person within your own unit.")},
    )


def area_form_field(required, user, case):
    return forms.DecimalField(
        label=_("Area to demolish (m²)"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        help_text=_("Only with an order to demolish."),
        error_messages={"invalid": _("Give the area in square metres, e.g. 35.5.")},
    )


def area_api_field(required):
    return serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        required=False,
        allow_null=True,
        help_text=_("Only with an order to demolish: the structure's area, in m²."),
    )


def days_form_field(required, user, case):
    return forms.IntegerField(
        label=_("Days to demolish it, from service"),
        required=False,
        min_value=1,
        help_text=_("Only with an order to demolish."),
    )


def days_api_field(required):
    return serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text=_("Only with an order to demolish: the days the party has, counted from service."),
    )


def flag_form_field(label, field=None):
    """A yes/no input; with `field`, it starts as the case has it (a report confirms or corrects the flag)."""

    def build(required, user, case):
        initial = bool(getattr(case, field)) if field else False
        return forms.BooleanField(label=label, required=False, initial=initial)

    return build


def flag_api_field(required):
    return serializers.BooleanField(required=False, default=False)


def kept_flag_api_field(required):
    return serializers.BooleanField(
        required=False, allow_null=True, help_text=_("Absent: as the case has it.")
    )


INPUTS = {
    "note": Text(_("Note")),
    "reason": Text(_("Reason")),
    "opinion": Text(_("Opinion")),
    "decision": Choice(_("Decision"), DECISION_ACTIONS),
    "report": Text(
        _("Investigation report: facts found, evidence, proposed penalty"), max_length=20000, rows=6
    ),
    "penalty_kinds": Custom(kinds_form_field, kinds_api_field),
    "fine": Custom(money_form_field(_("Fine (yuan)")), money_api_field),
    "confiscation_value": Custom(money_form_field(_("Value confiscated (yuan)")), money_api_field),
    "demolish_area": Custom(area_form_field, area_api_field),
    "demolish_days": Custom(days_form_field, days_api_field),
    "penalty_detail": Text(_("Details of the penalty (items, licence, structure)"), max_length=4000),
    "correction_order": Text(_("Order to correct (what the party must do, by when)"), max_length=4000),
    "statement": Text(_("The party's statement and defence"), max_length=20000, rows=4),
    "requested_at": Custom(moment_form_field(_("Requested at (empty: now)")), moment_api_field),
    "hearing_at": Custom(moment_form_field(_("Hearing at")), moment_api_field),
    "hearing_place": Text(_("Hearing place"), max_length=255, rows=1),
    "chair": Custom(person_form_field(_("Hearing chair")), person_api_field),
    "hearing_record": Text(_("Hearing record"), max_length=20000, rows=4),
    "facts": Text(_("Facts found (empty: as registered)"), max_length=20000, rows=4),
    "legal_basis": Text(_("Provision violated (empty: as registered)"), max_length=4000),
    "penalty_basis": Text(_("Penalty provision (empty: as registered)"), max_length=4000),
    "is_complex": Custom(
        flag_form_field(_("Complex or major case (collective discussion, Art. 57)"), "is_complex"),
        kept_flag_api_field,
    ),
    "major_public_interest": Custom(
        flag_form_field(_("Involves major public interest (legal review, Art. 58)"), "major_public_interest"),
        kept_flag_api_field,
    ),
    "first_violation": Custom(
        flag_form_field(_("First minor violation, corrected in time (Art. 33)")), flag_api_field
    ),
    "transferred_to": Text(_("Transferred to (the receiving authority)"), max_length=200, rows=1),
    "days": Integer(_("Extension, in days")),  # the longest is a legal parameter, checked by the service
    "handler": Custom(
        person_form_field(_("Investigating officer"), "officer", "squad_leader"), person_api_field
    ),
    "co_handler": Custom(
        person_form_field(_("Second investigating officer"), "officer", "squad_leader"), person_api_field
    ),
}

WORKFLOW = Workflow(
    "cases.Case",
    TRANSITIONS,
    inputs=INPUTS,
    lock_related=("category", "party"),
    steps={"register_case": _("Register"), "decide_on_the_spot": _("Decided on the spot")},
)
