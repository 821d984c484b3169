from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CalendarDay


class CalendarDayForm(forms.ModelForm):
    # The version the editor started from: a concurrent edit makes the save fail instead of overwriting.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = CalendarDay
        fields = ["date", "kind", "name"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
            "kind": forms.Select(attrs={"class": "form-select"}),
            "name": forms.TextInput(attrs={"class": "form-control"}),
        }
        help_texts = {
            "kind": _(
                "A make-up working day (调休) is a Saturday or Sunday worked in exchange for a holiday."
            ),
            "name": _("For example: National Day."),
        }


class ReloadYearForm(forms.Form):
    replace = forms.BooleanField(
        label=_("Also remove the days entered by hand"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
