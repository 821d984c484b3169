"""The inputs a workflow action takes, declared once for the page's form and the API's serializer.

An `Input` builds both fields: `form(required, user, obj)` → a Django form field, `api(required)` → a DRF
serializer field. The common kinds are below; an app declares its own for a record picker or a field whose
label depends on the record."""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.functional import Promise
from rest_framework import serializers


class Input:
    def form(self, required, user, obj):
        raise NotImplementedError

    def api(self, required):
        raise NotImplementedError


@dataclass(frozen=True)
class Text(Input):
    label: Promise | str
    max_length: int = 2000
    rows: int = 2

    def form(self, required, user, obj):
        return forms.CharField(
            label=self.label,
            required=required,
            max_length=self.max_length,
            widget=forms.Textarea(attrs={"rows": self.rows}),
        )

    def api(self, required):
        return serializers.CharField(required=required, allow_blank=not required, max_length=self.max_length)


@dataclass(frozen=True)
class Choice(Input):
    label: Promise | str
    choices: Any  # [(value, label)] or a callable returning them
    radio: bool = True

    def _choices(self):
        return list(self.choices() if callable(self.choices) else self.choices)

    def form(self, required, user, obj):
        widget = forms.RadioSelect if self.radio else forms.Select
        return forms.ChoiceField(label=self.label, choices=self._choices(), required=required, widget=widget)

    def api(self, required):
        return serializers.ChoiceField(choices=self._choices(), required=required)


@dataclass(frozen=True)
class Integer(Input):
    label: Any  # a string, or a callable(obj) giving the label for this record (e.g. its period's unit)
    min_value: int = 1
    max_value: int = 366

    def form(self, required, user, obj):
        label = self.label(obj) if callable(self.label) else self.label
        return forms.IntegerField(
            label=label, min_value=self.min_value, max_value=self.max_value, required=required
        )

    def api(self, required):
        return serializers.IntegerField(min_value=self.min_value, max_value=self.max_value, required=required)


@dataclass(frozen=True)
class Custom(Input):
    """An input whose fields the app builds: `form_field(required, user, obj)`, `api_field(required)`."""

    form_field: Any
    api_field: Any

    def form(self, required, user, obj):
        return self.form_field(required, user, obj)

    def api(self, required):
        return self.api_field(required)
