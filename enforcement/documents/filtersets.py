"""The document list's filters (API): by record (`record_type` as app_label.model and `record_id`), type,
issuing unit (with its sub-units), year, number (exact, or a part of it) and status. The ids and the year
are bounded (enforcement/filters.py): a value out of range is 400, never a failed query."""

import django_filters
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from enforcement.filters import IdFilter, YearFilter
from enforcement.org.models import OrgUnit

from .choices import DocumentStatus
from .models import Document
from .registry import record_models
from .types import type_choices


def record_type_choices():
    return [(model._meta.label_lower, model._meta.verbose_name) for model in record_models()]


class DocumentFilterSet(django_filters.FilterSet):
    record_type = django_filters.ChoiceFilter(
        choices=record_type_choices,
        method="filter_record_type",
        label=_("Kind of record"),
        help_text=_("The record's kind, as app_label.model, e.g. complaints.complaint."),
    )
    record_id = IdFilter(field_name="object_id", label=_("Record"))
    doc_type = django_filters.MultipleChoiceFilter(
        choices=type_choices(), label=_("Document type"), distinct=False
    )
    unit = IdFilter(method="filter_unit", label=_("Issuing unit (with sub-units)"))
    year = YearFilter(field_name="year", label=_("Year"))
    number = django_filters.CharFilter(field_name="number", lookup_expr="exact", label=_("Document number"))
    number_contains = django_filters.CharFilter(
        field_name="number", lookup_expr="icontains", label=_("Document number contains")
    )
    status = django_filters.MultipleChoiceFilter(
        choices=DocumentStatus.choices, label=_("Status"), distinct=False
    )

    class Meta:
        model = Document
        fields = []

    def filter_record_type(self, queryset, name, value: str):
        app_label, _dot, model = value.partition(".")
        return queryset.filter(content_type=ContentType.objects.get_by_natural_key(app_label, model))

    def filter_unit(self, queryset, name, value):
        unit = OrgUnit.objects.filter(pk=value).first()
        if unit is None:
            return queryset.none()
        return queryset.filter(unit_id__in=list(OrgUnit.objects.subtree(unit).values_list("pk", flat=True)))
