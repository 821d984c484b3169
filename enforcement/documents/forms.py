"""Browser forms of the documents pages. They collect input; services.py decides and writes."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcement.org.forms import BootstrapFormMixin
from enforcement.org.models import OrgUnit

from .choices import DocumentStatus
from .models import NumberingPattern, ServiceRecord
from .types import type_choices

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ReasonForm(BootstrapFormMixin, forms.Form):
    """The reason of a correction or a voiding; an empty one is refused by the service, in its words."""

    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ServiceForm(BootstrapFormMixin, forms.ModelForm):
    """The proof of service (送达回证); services.record_service checks the law of service."""

    class Meta:
        model = ServiceRecord
        fields = ["method", "served_at", "recipient", "relation", "address", "witness", "consent_ref", "note"]
        widgets = {"served_at": DATETIME_INPUT, "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["served_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
        if not self.is_bound:
            self.initial.setdefault("served_at", timezone.localtime().replace(second=0, microsecond=0))

    def _post_clean(self):
        pass  # the service validates the record as a whole (it knows the document)


class NumberingPatternForm(BootstrapFormMixin, forms.ModelForm):
    """A numbering pattern of a unit (or the city's default). The serials are not here: never edited."""

    class Meta:
        model = NumberingPattern
        fields = ["unit", "doc_type", "pattern", "serial_digits"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        unit = self.fields["unit"]
        unit.queryset = OrgUnit.objects.visible_to(user).order_by("path")
        if not user.is_city_admin:  # the city's default is the city administrator's
            unit.required = True
            unit.empty_label = None
        else:
            unit.empty_label = _("The city's default (every unit)")
        self.fields["doc_type"].choices = [("", _("Every type"))] + type_choices()

    def clean(self):
        """A second pattern for the same unit and type, said in words (on the type field, so the model's
        constraint, whose message names the constraint, is not checked again)."""
        data = super().clean()
        if "unit" in data and "doc_type" in data:
            candidate = NumberingPattern(
                pk=self.instance.pk, unit=data["unit"], doc_type=data["doc_type"] or ""
            )
            if problem := candidate.duplicate_problem():
                self.add_error("doc_type", problem)
        return data


class DocumentFilterForm(BootstrapFormMixin, forms.Form):
    doc_type = forms.ChoiceField(label=_("Document type"), required=False)
    unit = forms.ModelChoiceField(
        label=_("Issuing unit"), queryset=OrgUnit.objects.none(), required=False, empty_label=_("Any")
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    status = forms.ChoiceField(label=_("Status"), required=False)
    q = forms.CharField(label=_("Number"), required=False, max_length=100)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["doc_type"].choices = [("", _("Any"))] + type_choices()
        self.fields["status"].choices = [("", _("Any"))] + list(DocumentStatus.choices)
        self.fields["unit"].queryset = OrgUnit.objects.visible_to(user).order_by("path")

    def filter(self, queryset):
        if not self.is_valid():
            return queryset.none()
        data = self.cleaned_data
        if data["doc_type"]:
            queryset = queryset.filter(doc_type=data["doc_type"])
        if data["unit"]:
            queryset = queryset.filter(unit=data["unit"])
        if data["year"]:
            queryset = queryset.filter(year=data["year"])
        if data["status"]:
            queryset = queryset.filter(status=data["status"])
        if data["q"].strip():
            queryset = queryset.filter(number__icontains=data["q"].strip())
        return queryset
