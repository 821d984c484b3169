"""Numeric list filters with bounds, for every FilterSet of the project (API and pages alike): a value out of
range is the filter's error (400 in the API, the message on a list page), never a query the database cannot
run — an id beyond SQLite's 64-bit integers, or a year `datetime.date` cannot hold, used to answer 500.

- `IdFilter`: a record's id, 1 … 2^63 − 1 (the signed 64-bit range of a BigAutoField on both databases);
- `YearFilter`: a calendar year, 1900 … 2100 (well beyond the calendar's data, and `date` holds each);
- `BoundedFilterSet`: a FilterSet whose generated filters (`Meta.fields`) on a foreign key are bounded the
  same way; `FilterBackend` (the API's, settings) does the same for a viewset's `filterset_fields`.
"""

import django_filters
from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as rest_filters

MAX_ID = 2**63 - 1
MIN_YEAR, MAX_YEAR = 1900, 2100


class _BoundedIntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField
    min_value = max_value = None

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", self.min_value)
        kwargs.setdefault("max_value", self.max_value)
        super().__init__(*args, **kwargs)

    def get_max_validator(self):
        return None  # max_value says it


class IdFilter(_BoundedIntegerFilter):
    min_value, max_value = 1, MAX_ID

    def __init__(self, *args, **kwargs):
        # The list offers its choices; a number beyond any id is one of them no more than a missing one.
        message = forms.ModelChoiceField.default_error_messages["invalid_choice"]
        kwargs.setdefault("error_messages", {"min_value": message, "max_value": message})
        super().__init__(*args, **kwargs)


class YearFilter(_BoundedIntegerFilter):
    min_value, max_value = MIN_YEAR, MAX_YEAR

    def __init__(self, *args, **kwargs):
        message = _("Enter a year from 1900 to 2100.")  # MIN_YEAR, MAX_YEAR
        kwargs.setdefault("error_messages", {"min_value": message, "max_value": message})
        super().__init__(*args, **kwargs)


class BoundedModelChoiceField(django_filters.fields.ModelChoiceField):
    """A foreign key's choice by id: an id out of range is "not one of the choices", not a failed query."""

    def to_python(self, value):
        if value not in self.empty_values and str(value).strip().lstrip("-").isdigit():
            if not 1 <= int(value) <= MAX_ID:
                raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class BoundedModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = BoundedModelChoiceField


def _bounded(defaults):
    return {
        **defaults,
        models.ForeignKey: {**defaults[models.ForeignKey], "filter_class": BoundedModelChoiceFilter},
    }


class BoundedFilterSet(django_filters.FilterSet):
    FILTER_DEFAULTS = _bounded(django_filters.FilterSet.FILTER_DEFAULTS)


class BoundedAPIFilterSet(rest_filters.FilterSet):
    FILTER_DEFAULTS = _bounded(rest_filters.FilterSet.FILTER_DEFAULTS)


class FilterBackend(rest_filters.DjangoFilterBackend):
    """The API's filter backend (settings): a viewset's `filterset_fields` are bounded too."""

    filterset_base = BoundedAPIFilterSet


# --- a list page's filters on its query string (every app's browser list and its CSV export) ----------------
def filter_list(filterset_class, request, base):
    """(the FilterSet, the rows it matches) for a list page's query string: empty "any" choices dropped; an
    invalid filter matches nothing and shows its errors, rather than quietly showing everything."""
    params = request.GET.copy()
    for key in list(params):
        values = [v for v in params.getlist(key) if v.strip()]
        if values:
            params.setlist(key, values)
        else:
            del params[key]
    filterset = filterset_class(params, queryset=base, request=request)
    return filterset, (filterset.qs if filterset.is_valid() else base.none())


def query_without(params, *names):
    """The query string `params` without `names` (a list's first page: without its cursor)."""
    params = params.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


# --- filters every list shares ------------------------------------------------------------------------------
def in_unit_subtree(queryset, unit_id, user, field="unit_id"):
    """The records of the unit `unit_id` and its sub-units: your own unit is your scope, loaded already (no
    query); another, one query on the small unit table for its subtree (materialised path), as a literal id
    list the records' (unit, …) index is probed with."""
    from enforcement.org.models import OrgUnit

    if user is not None and user.is_authenticated and user.unit_id == unit_id:
        return queryset.filter(**{f"{field}__in": user.scope_unit_ids})
    path = OrgUnit.objects.filter(pk=unit_id).values("path")[:1]
    ids = list(OrgUnit.objects.filter(path__startswith=path).values_list("pk", flat=True))
    return queryset.filter(**{f"{field}__in": ids})


class UnitFilter(IdFilter):
    """A unit with its sub-units (`in_unit_subtree`)."""

    def __init__(self, *args, field="unit_id", **kwargs):
        self.unit_field = field
        kwargs.setdefault("label", _("Unit (with sub-units)"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        return in_unit_subtree(qs, value, getattr(self.parent.request, "user", None), self.unit_field)


TICKED = (True, "on", "true", "True", "1")  # "on": what a browser sends for a ticked checkbox


class _Checkbox(forms.CheckboxInput):
    """A checkbox on the page, the value passed on as sent ("on", or the API's "true" and "false")."""

    def __init__(self, attrs=None):
        super().__init__(attrs, check_test=lambda value: value in TICKED)

    def value_from_datadict(self, data, files, name):
        return data.get(name)  # CheckboxInput's own reading would take "0" or "no" for ticked

    def format_value(self, value):
        return None  # ticked, the page sends "on" (not "false" it may have been given)


class CheckboxField(forms.NullBooleanField):
    widget = _Checkbox

    def to_python(self, value):
        return True if value in TICKED else super().to_python(value)


class CheckboxFilter(django_filters.BooleanFilter):
    """A yes/no filter (a boolean in the API's schema) that a page renders as a checkbox."""

    field_class = CheckboxField
