"""The complaint's workflow on the platform's engine: the table (choices.TRANSITIONS) and the inputs its
actions take, each declared once for the page's forms and the API's serializers."""

from django import forms
from django.utils.translation import gettext_lazy as _

from enforcement.api_utils import PlausibleDateTimeField
from enforcement.approvals.choices import DECISION_ACTIONS
from enforcement.org.models import OrgUnit, User
from enforcement.viewsets import ScopedRelatedField
from enforcement.workdays.periods import PeriodUnit
from enforcement.workflow.core import Workflow
from enforcement.workflow.inputs import Choice, Custom, Integer, Text

from .choices import TRANSITIONS, Satisfaction
from .notices import NOTICES


class UnitPathSelect(forms.Select):
    """A select whose options carry the path of their unit (`data-path`), so the page's script can offer
    only the officers of the unit chosen for a dispatch (complaints.js; services.dispatch checks it too)."""

    def __init__(self, path_of, attrs=None):
        super().__init__(attrs)
        self.path_of = path_of

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-path"] = self.path_of(instance)
        return option


class DispatchUnitChoiceField(forms.ModelChoiceField):
    """The bureau's units and the external responsible units (外部责任单位) one may dispatch to; the
    latter are marked, since they are departments and street offices outside the bureau."""

    def label_from_instance(self, obj):
        if obj.is_external:
            return _("%(unit)s (external)") % {"unit": obj.display_name}
        return obj.display_name


def _unit_form_field(required, user, complaint):
    units = OrgUnit.objects.visible_to(user).filter(is_active=True).exclude(pk=complaint.unit_id)
    return DispatchUnitChoiceField(
        label=_("To unit"),
        queryset=units,
        required=required,
        widget=UnitPathSelect(lambda unit: unit.path, attrs={"data-unit-select": ""}),
    )


def _unit_api_field(required):
    return ScopedRelatedField(
        queryset=OrgUnit.objects.filter(is_active=True),
        required=required,
        error_messages={"does_not_exist": _("Choose an active unit within your own.")},
    )


def _handler_form_field(required, user, complaint):
    people = (
        User.objects.visible_to(user)
        .with_role("officer")
        .select_related("unit")
        .order_by("unit__path", "full_name")
    )
    return forms.ModelChoiceField(
        label=_("Handler (optional)"),
        queryset=people,
        required=required,
        widget=UnitPathSelect(
            lambda person: person.unit.path if person.unit else "", attrs={"data-follows-unit": ""}
        ),
    )


def _handler_api_field(required):
    return ScopedRelatedField(
        queryset=User.objects.filter(is_active=True), required=required, allow_null=True
    )


class MergeTargetField(forms.CharField):
    """The surviving complaint, by its number (the user types or picks a suggested duplicate)."""

    def __init__(self, *, user, **kwargs):
        self.user = user
        super().__init__(max_length=24, **kwargs)

    def clean(self, value):
        from .models import Complaint

        value = super().clean(value)
        if not value:
            return None
        target = Complaint.objects.visible_to(self.user).filter(number=value.strip().upper()).first()
        if target is None:
            raise forms.ValidationError(_("No complaint with this number that you can see."))
        return target


def _into_api_field(required):
    from .models import Complaint

    return ScopedRelatedField(
        queryset=Complaint.objects.all(),
        required=required,
        error_messages={"does_not_exist": _("Choose a complaint you can see.")},
    )


def _extension_unit(complaint):
    """The unit the complaint's policy counts its periods in: an approved extension moves the reply deadline by
    as many of them (policies.extended_reply_due)."""
    return PeriodUnit(complaint.deadline_policy().unit).label


def _requested_at_form_field(required, user, complaint):
    return forms.DateTimeField(
        label=_("Request received at (empty: now)"),
        required=required,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )


def _requested_at_api_field(required):
    return PlausibleDateTimeField(required=required, allow_null=True)  # years 1950–2200 (api_utils)


INPUTS = {
    "note": Text(_("Note")),
    "reason": Text(_("Reason")),
    "opinion": Text(_("Opinion")),
    "reply_text": Text(_("Reply to the complainant"), max_length=10000, rows=4),
    "answer": Text(_("Answer to the complainant"), max_length=10000, rows=4),
    "requested_at": Custom(_requested_at_form_field, _requested_at_api_field),
    "unit": Custom(_unit_form_field, _unit_api_field),
    "handler": Custom(_handler_form_field, _handler_api_field),
    "satisfaction": Choice(_("Satisfaction"), Satisfaction.choices),
    "days": Integer(lambda complaint: _("Extension, in %(unit)s") % {"unit": _extension_unit(complaint)}),
    "decision": Choice(
        _("Decision"), DECISION_ACTIONS
    ),  # 批准 / 不予批准, never 不予受理 (a complaint's refusal)
    "into": Custom(
        lambda required, user, complaint: MergeTargetField(
            label=_("Number of the complaint to keep"), required=required, user=user
        ),
        _into_api_field,
    ),
}

WORKFLOW = Workflow(
    "complaints.Complaint",
    TRANSITIONS,
    inputs=INPUTS,
    lock_related=("category",),
    steps={"absorb_duplicate": _("Duplicate merged in"), "register": _("Register")},
    notices=NOTICES,
)
