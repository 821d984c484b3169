"""Form fields for files: each upload is checked like an API upload (type from its bytes, a photo opens,
size), and the fields for when and where evidence was taken."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import LAT_VALIDATORS, LNG_VALIDATORS
from .services import inspect_upload

MAX_FILES = 9
ACCEPT_EVIDENCE = "image/*,video/*,audio/*,application/pdf"


def check_file(upload):
    """The platform's check of one upload, as a form error naming the file."""
    inspect_upload(upload)
    return upload


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input, each checked."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if self.required and not files and not initial:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if len(files) > MAX_FILES:
            raise forms.ValidationError(_("At most %(count)d files at a time.") % {"count": MAX_FILES})
        return [check_file(upload) for upload in files]


class CheckedFileField(forms.FileField):
    """One file, checked."""

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        return check_file(upload) if upload else upload


class KeptUploadsMixin:
    """A form whose accepted files outlive a failed submission (pending.KeptUploads): a file field counts as
    filled when the user's kept files hold one, and `uploads(name)` gives the new files and the kept ones."""

    def __init__(self, *args, kept=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept = kept
        self._mark_kept()

    def _mark_kept(self):
        for name in self._kept_fields():
            if self.kept.has(name):
                self.fields[name].required = False
                self.fields[name].widget.attrs["data-kept"] = "true"  # the page's script: already filled

    def keep_uploads(self, request):
        """After a failed submission: keeps the accepted files of the request for the next try."""
        self.kept.keep(request)
        self._mark_kept()

    def _kept_fields(self):
        return [name for name in (self.kept.fields if self.kept is not None else ()) if name in self.fields]

    def has_upload(self, name):
        return bool(self.cleaned_data.get(name)) or (name in self._kept_fields() and self.kept.has(name))

    def uploads(self, name):
        value = self.cleaned_data.get(name)
        new = list(value) if isinstance(value, list | tuple) else [value] if value else []
        if name not in self._kept_fields():
            return new
        if new and not isinstance(self.fields[name], MultipleFileField):
            return new  # a new file for a one-file field replaces the kept one
        return new + self.kept.files(name)

    def clean(self):
        data = super().clean()
        for name in self._kept_fields():
            field = self.fields[name]
            if (
                isinstance(field, MultipleFileField)
                and len(data.get(name) or []) + len(self.kept[name]) > MAX_FILES
            ):
                self.add_error(name, _("At most %(count)d files at a time.") % {"count": MAX_FILES})
        return data


class CaptureFieldsMixin(forms.Form):
    """When and where evidence was taken, when the person adding it knows (optional)."""

    captured_at = forms.DateTimeField(
        label=_("Taken at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    captured_lat = forms.DecimalField(
        label=_("Latitude where taken"),
        max_digits=9,
        decimal_places=6,
        required=False,
        validators=LAT_VALIDATORS,
        widget=forms.NumberInput(attrs={"step": "0.000001"}),
    )
    captured_lng = forms.DecimalField(
        label=_("Longitude where taken"),
        max_digits=9,
        decimal_places=6,
        required=False,
        validators=LNG_VALIDATORS,
        widget=forms.NumberInput(attrs={"step": "0.000001"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("captured_at") and data["captured_at"] > timezone.now() + timedelta(minutes=5):
            self.add_error("captured_at", _("The time it was taken cannot be in the future."))
        if (data.get("captured_lat") is None) != (data.get("captured_lng") is None) and not (
            self.errors.get("captured_lat") or self.errors.get("captured_lng")
        ):
            self.add_error("captured_lng", _("Give both latitude and longitude, or neither."))
        return data

    def capture(self):
        """The model fields of the capture, those given."""
        data = self.cleaned_data
        values = {
            "captured_at": data.get("captured_at"),
            "lat": data.get("captured_lat"),
            "lng": data.get("captured_lng"),
        }
        return {key: value for key, value in values.items() if value is not None}
