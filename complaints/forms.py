"""Browser forms. They collect input; the services decide and write (forms never set `status`)."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcement.catalog.models import ViolationCategory
from enforcement.files.forms import (
    ACCEPT_EVIDENCE,
    CaptureFieldsMixin,
    CheckedFileField,
    KeptUploadsMixin,
    MultipleFileField,
)
from enforcement.org.forms import BootstrapFormMixin
from enforcement.org.models import OrgUnit

from .choices import AttachmentStage, Channel
from .models import LAT_VALIDATORS, LNG_VALIDATORS, DeadlinePolicy
from .permissions import can_register


class CategoryChoiceField(forms.ModelChoiceField):
    """Active categories; the template groups them under their major category
    (enforcement/catalog/cached.py)."""

    def __init__(self, **kwargs):
        super().__init__(queryset=ViolationCategory.objects.active().select_related("parent"), **kwargs)

    def label_from_instance(self, obj):
        return f"{obj.code} {obj.display_name}"


class LocationMixin(forms.Form):
    address = forms.CharField(label=_("Address"), max_length=255)
    lat = forms.DecimalField(
        label=_("Latitude"),
        max_digits=9,
        decimal_places=6,
        required=False,
        validators=LAT_VALIDATORS,
        widget=forms.NumberInput(attrs={"step": "0.000001"}),
    )
    lng = forms.DecimalField(
        label=_("Longitude"),
        max_digits=9,
        decimal_places=6,
        required=False,
        validators=LNG_VALIDATORS,
        widget=forms.NumberInput(attrs={"step": "0.000001"}),
    )

    def clean(self):
        data = super().clean()
        if (
            (data.get("lat") is None) != (data.get("lng") is None)
            and not self.errors.get("lat")
            and not self.errors.get("lng")
        ):
            self.add_error("lng", _("Give both latitude and longitude, or neither."))
        return data


class ComplaintIntakeForm(KeptUploadsMixin, BootstrapFormMixin, LocationMixin):
    """The intake desk's one-page form: a call registered in under a minute."""

    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.HOTLINE_12345)
    received_at = forms.DateTimeField(
        label=_("Received at"),
        required=False,
        help_text=_("Leave empty for now."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    # The 12345 platform's own work-order number (工单号), kept as the complaint's external reference.
    external_ref = forms.RegexField(
        label=_("12345 ticket number"),
        required=False,
        max_length=64,
        regex=r"^[A-Za-z0-9][A-Za-z0-9-]*$",
        error_messages={"invalid": _("A ticket number has letters, digits and hyphens only.")},
        help_text=_("The number the 12345 platform gave the ticket."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    category = CategoryChoiceField(label=_("Category"))
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10000
    )
    is_anonymous = forms.BooleanField(label=_("Anonymous"), required=False)
    complainant_name = forms.CharField(label=_("Complainant's name"), max_length=100, required=False)
    complainant_phone = forms.CharField(
        label=_("Complainant's phone"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    unit = forms.ModelChoiceField(
        label=_("Receiving unit"),
        queryset=OrgUnit.objects.none(),
        required=False,
        help_text=_("Default: your own unit."),
    )
    files = MultipleFileField(label=_("Photos, videos, recordings, documents"))

    field_order = [
        "channel",
        "received_at",
        "external_ref",
        "category",
        "description",
        "address",
        "lat",
        "lng",
        "is_anonymous",
        "complainant_name",
        "complainant_phone",
        "unit",
        "files",
    ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["unit"].queryset = OrgUnit.objects.visible_to(user).filter(is_active=True)
        self.fields["files"].widget.attrs["accept"] = ACCEPT_EVIDENCE
        if not can_register(user, Channel.HOTLINE_12345):  # officers: patrol only
            self.fields["channel"].choices = [(Channel.PATROL, Channel.PATROL.label)]
            self.fields["channel"].initial = Channel.PATROL

    def clean_received_at(self):
        value = self.cleaned_data.get("received_at")
        if value and value > timezone.now() + timedelta(minutes=5):
            raise forms.ValidationError(_("The time of receipt cannot be in the future."))
        return value

    def clean(self):
        data = super().clean()
        if data.get("is_anonymous") and (data.get("complainant_name") or data.get("complainant_phone")):
            self.add_error(
                "is_anonymous", _("An anonymous complaint has no name or phone of the complainant.")
            )
        if data.get("channel") and not can_register(self.user, data["channel"]):
            self.add_error("channel", _("Your role does not allow registering complaints from this channel."))
        if data.get("external_ref") and data.get("channel") != Channel.HOTLINE_12345:
            self.add_error(
                "external_ref", _("Only a complaint from the 12345 hotline has a 12345 ticket number.")
            )
        return data


class PatrolForm(KeptUploadsMixin, BootstrapFormMixin, LocationMixin):
    """An officer on patrol, on a phone: what, where, a photo; fixed on the spot closes it at once, with a
    note and a photo after the fix, which the page marks as required once the box is ticked."""

    category = CategoryChoiceField(label=_("Category"))
    description = forms.CharField(
        label=_("What did you find?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10000
    )
    photos = MultipleFileField(label=_("Photos"))
    fixed_on_the_spot = forms.BooleanField(label=_("Fixed on the spot"), required=False)
    closure_note = forms.CharField(
        label=_("How was it fixed?"),
        required=False,
        max_length=2000,
        help_text=_("Required when it was fixed on the spot."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    after_photo = CheckedFileField(
        label=_("Photo after the fix"), required=False, help_text=_("Required when it was fixed on the spot.")
    )

    field_order = [
        "category",
        "description",
        "address",
        "lat",
        "lng",
        "photos",
        "fixed_on_the_spot",
        "closure_note",
        "after_photo",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("photos", "after_photo"):
            self.fields[name].widget.attrs.update({"accept": "image/*", "capture": "environment"})
        for name in ("closure_note", "after_photo"):  # complaints.js marks them when the box is ticked
            self.fields[name].widget.attrs["data-required-when"] = "fixed_on_the_spot"

    def clean(self):
        data = super().clean()
        if data.get("fixed_on_the_spot"):
            if not (data.get("closure_note") or "").strip():
                self.add_error("closure_note", _("Say how it was fixed."))
            if not self.has_upload("after_photo") and "after_photo" not in self.errors:
                self.add_error("after_photo", _("Add a photo taken after the fix."))
        return data


class AttachmentForm(BootstrapFormMixin, CaptureFieldsMixin):
    files = MultipleFileField(label=_("Add files"), required=True)
    stage = forms.ChoiceField(
        label=_("Stage"), choices=AttachmentStage.choices, initial=AttachmentStage.EVIDENCE
    )

    field_order = ["files", "stage", "captured_at", "captured_lat", "captured_lng"]


class DeadlinePolicyForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = DeadlinePolicy
        fields = [
            "channel",
            "category",
            "unit",
            "accept_within",
            "reply_within",
            "reply_counts_from",
            "visit_within",
            "visit_unit",
            "max_extensions",
            "max_extension",
            "note",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = ViolationCategory.objects.active()
        self.fields["category"].required = False
        self.fields["version"] = forms.IntegerField(
            widget=forms.HiddenInput,
            required=False,
            initial=self.instance.version if self.instance.pk else None,
        )
