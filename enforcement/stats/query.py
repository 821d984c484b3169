"""What a report asks for, read from a page's or the API's query string, the same way for both:
`year` and `month` (one month), or `from` and `to` ("YYYY-MM", a range); `unit` (an id; the user's own
scope by default; out of scope is 404); `group_by` (unit, category, channel, month); `family`
(repeatable)."""

import datetime
from dataclasses import dataclass

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcement.org.choices import Role
from enforcement.org.models import OrgUnit

from . import measures, read
from .measures import Period

MAX_MONTHS = 120  # ten years in one view


@dataclass
class ReportQuery:
    unit: OrgUnit
    first: Period
    last: Period
    group_by: str
    families: list

    def report(self):
        return read.report(self.unit, self.first, self.last, group_by=self.group_by, families=self.families)

    @property
    def is_one_month(self):
        return self.first == self.last

    def params(self, **changes):
        """The query string's values for a link to this view with `changes`."""
        values = {
            "unit": self.unit.pk,
            "group_by": self.group_by,
            "from": str(self.first),
            "to": str(self.last),
        }
        if self.families:
            values["family"] = self.families
        values.update(changes)
        return values


def period_of(text, name):
    try:
        day = datetime.datetime.strptime(str(text).strip(), "%Y-%m").date()
    except ValueError:
        raise ValidationError({name: _("Give a month as YYYY-MM, for example 2026-03.")}) from None
    if not 1950 <= day.year <= 2200:
        raise ValidationError({name: _("Give a month between 1950 and 2200.")})
    return Period(day)


class ReportQueryForm(forms.Form):
    """The report's filters on the page (GET); the API reads the same parameters with `parse`."""

    unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none(), required=False)
    from_ = forms.CharField(label=_("From month"), required=False)
    to = forms.CharField(label=_("To month"), required=False)
    group_by = forms.ChoiceField(label=_("Group by"), choices=read.GroupBy.CHOICES, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.visible_to(user)
        self.fields["from_"].widget.attrs.update(type="month")
        self.fields["to"].widget.attrs.update(type="month")

    def add_prefix(self, field_name):
        return "from" if field_name == "from_" else super().add_prefix(field_name)


def parse(params, user, *, default_group_by=read.GroupBy.UNIT):
    """A `ReportQuery` from a QueryDict or dict. Raises ValidationError ({parameter: message}) for bad
    input and Http404 for a unit the user cannot see."""
    errors = {}
    first = last = None
    try:
        if params.get("year") or params.get("month"):
            try:
                year = int(params.get("year") or timezone.localdate().year)
                month = int(params.get("month") or 0)
                if not 1950 <= year <= 2200:
                    raise ValueError(year)
                first = last = Period.of(year, month)
            except (TypeError, ValueError):
                raise ValidationError(
                    {"month": _("Give a year from 1950 to 2200 and a month from 1 to 12.")}
                ) from None
        else:
            if params.get("from"):
                first = period_of(params["from"], "from")
            if params.get("to"):
                last = period_of(params["to"], "to")
    except ValidationError as error:
        errors.update(error.message_dict)
    if not errors:
        current = Period.current()
        first = first or last or current
        last = last or first
        if last < first:
            errors["to"] = [_("The last month comes before the first.")]
        elif sum(1 for _period in Period.range(first, last)) > MAX_MONTHS:
            errors["to"] = [_("A view covers at most ten years; choose a shorter range.")]
    group_by = params.get("group_by") or default_group_by
    if group_by not in dict(read.GroupBy.CHOICES):
        errors["group_by"] = [_("Group by sub-unit, category, channel or month.")]
    families = [family for family in _list(params, "family") if family]
    unknown = [family for family in families if family not in measures.FAMILIES]
    if unknown:
        errors["family"] = [
            _("There is no such group of figures: %(names)s.") % {"names": ", ".join(unknown)}
        ]
    try:
        unit = unit_of(params, user)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    if group_by == read.GroupBy.PERSON and not may_see_people(user):
        raise PermissionDenied(_("Each officer's figures are for their own leaders and statistics staff."))
    return ReportQuery(unit, first, last, group_by, families)


def unit_of(params, user):
    """The unit `params` names (in the user's scope, else Http404), or the top of the user's scope."""
    unit_id = params.get("unit")
    if unit_id:
        try:
            return OrgUnit.objects.visible_to(user).get(pk=int(unit_id))
        except (TypeError, ValueError):
            raise ValidationError({"unit": _("Choose a unit from the list.")}) from None
        except OrgUnit.DoesNotExist:
            raise Http404 from None
    unit = read.default_unit(user)
    if unit is None:
        raise Http404
    return unit


def may_see_people(user):
    """The assessment of each person (考评) is read by the unit's leaders and statistics staff, in their
    own scope (the unit chosen is already in it)."""
    return user.is_supervisor or user.has_role(Role.STATISTICIAN, Role.ADMIN)


def _list(params, name):
    if hasattr(params, "getlist"):
        return params.getlist(name)
    value = params.get(name)
    return value if isinstance(value, list | tuple) else [value] if value else []
