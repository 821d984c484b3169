"""Browser forms. They collect input; the services decide and write (forms never set `status`)."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcement.catalog.models import ViolationCategory
from enforcement.org.forms import BootstrapFormMixin
from enforcement.org.models import OrgUnit, User

from .choices import TRANSITIONS, AttachmentStage, Channel, ExtensionDecision, Satisfaction
from .files import HEAD_BYTES, max_attachment_bytes, sniff
from .models import LAT_VALIDATORS, LNG_VALIDATORS, Complaint, DeadlinePolicy
from .permissions import can_register

MAX_FILES = 9


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked like an API upload (type from its bytes, size)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(_("At most %(count)d files at a time.") % {"count": MAX_FILES})
        for upload in files:
            check_file(upload)
        return files


def check_file(upload):
    limit = max_attachment_bytes()
    if upload.size > limit:
        raise forms.ValidationError(
            _("“%(name)s” is larger than %(mb)d MB.") % {"name": upload.name, "mb": limit // (1024 * 1024)}
        )
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    if sniff(head) is None:
        raise forms.ValidationError(
            _("“%(name)s” is not a photo, an audio recording or a PDF document.") % {"name": upload.name}
        )


class CategoryChoiceField(forms.ModelChoiceField):
    """Active categories; the template groups them under their major category (cached_choices)."""

    def __init__(self, **kwargs):
        super().__init__(queryset=ViolationCategory.objects.active().select_related("parent"), **kwargs)

    def label_from_instance(self, obj):
        return f"{obj.code} {obj.display_name}"


class LocationMixin(forms.Form):
    address = forms.CharField(label=_("Address"), max_length=255)
    lat = forms.DecimalField(label=_("Latitude"), max_digits=9, decimal_places=6, required=False,
                             validators=LAT_VALIDATORS, widget=forms.NumberInput(attrs={"step": "0.000001"}))
    lng = forms.DecimalField(label=_("Longitude"), max_digits=9, decimal_places=6, required=False,
                             validators=LNG_VALIDATORS, widget=forms.NumberInput(attrs={"step": "0.000001"}))

    def clean(self):
        data = super().clean()
        if (data.get("lat") is None) != (data.get("lng") is None) and not self.errors.get("lat") and not self.errors.get("lng"):
            self.add_error("lng", _("Give both latitude and longitude, or neither."))
        return data


class ComplaintIntakeForm(BootstrapFormMixin, LocationMixin):
    """The intake desk's one-page form: a call registered in under a minute."""

    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.HOTLINE_12345)
    received_at = forms.DateTimeField(
        label=_("Received at"), required=False, help_text=_("Leave empty for now."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    category = CategoryChoiceField(label=_("Category"))
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10000)
    is_anonymous = forms.BooleanField(label=_("Anonymous"), required=False)
    complainant_name = forms.CharField(label=_("Complainant's name"), max_length=100, required=False)
    complainant_phone = forms.CharField(label=_("Complainant's phone"), max_length=32, required=False,
                                        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    unit = forms.ModelChoiceField(label=_("Receiving unit"), queryset=OrgUnit.objects.none(), required=False,
                                  help_text=_("Default: your own unit."))
    files = MultipleFileField(label=_("Photos, recordings, documents"))

    field_order = ["channel", "received_at", "category", "description", "address", "lat", "lng",
                   "is_anonymous", "complainant_name", "complainant_phone", "unit", "files"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["unit"].queryset = OrgUnit.objects.visible_to(user).filter(is_active=True)
        self.fields["files"].widget.attrs["accept"] = "image/*,audio/*,application/pdf"
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
            self.add_error("is_anonymous", _("An anonymous complaint has no name or phone of the complainant."))
        if data.get("channel") and not can_register(self.user, data["channel"]):
            self.add_error("channel", _("Your role does not allow registering complaints from this channel."))
        return data


class PatrolForm(BootstrapFormMixin, LocationMixin):
    """An officer on patrol, on a phone: what, where, a photo; fixed on the spot closes it at once."""

    category = CategoryChoiceField(label=_("Category"))
    description = forms.CharField(label=_("What did you find?"), widget=forms.Textarea(attrs={"rows": 3}),
                                  max_length=10000)
    photos = MultipleFileField(label=_("Photos"))
    fixed_on_the_spot = forms.BooleanField(label=_("Fixed on the spot"), required=False)
    closure_note = forms.CharField(label=_("How was it fixed?"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    after_photo = forms.FileField(label=_("Photo after the fix"), required=False)

    field_order = ["category", "description", "address", "lat", "lng", "photos", "fixed_on_the_spot",
                   "closure_note", "after_photo"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("photos", "after_photo"):
            self.fields[name].widget.attrs.update({"accept": "image/*", "capture": "environment"})

    def clean_after_photo(self):
        upload = self.cleaned_data.get("after_photo")
        if upload:
            check_file(upload)
        return upload

    def clean(self):
        data = super().clean()
        if data.get("fixed_on_the_spot"):
            if not (data.get("closure_note") or "").strip():
                self.add_error("closure_note", _("Say how it was fixed."))
            if not data.get("after_photo") and "after_photo" not in self.errors:
                self.add_error("after_photo", _("Add a photo taken after the fix."))
        return data


class AttachmentForm(BootstrapFormMixin, forms.Form):
    files = MultipleFileField(label=_("Add files"), required=True)
    stage = forms.ChoiceField(label=_("Stage"), choices=AttachmentStage.choices, initial=AttachmentStage.EVIDENCE)


# --- workflow actions: one form per action, from the inputs the transition table declares -----------------
class MergeTargetField(forms.CharField):
    """The surviving complaint, by its number (the user types or picks a suggested duplicate)."""

    def __init__(self, *, user, **kwargs):
        self.user = user
        super().__init__(max_length=24, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        target = Complaint.objects.visible_to(self.user).filter(number=value.strip().upper()).first()
        if target is None:
            raise forms.ValidationError(_("No complaint with this number that you can see."))
        return target


def _action_field(name, required, *, user, complaint):
    if name in ("note", "reason", "opinion"):
        label = {"note": _("Note"), "reason": _("Reason"), "opinion": _("Opinion")}[name]
        return forms.CharField(label=label, required=required, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    if name == "reply_text":
        return forms.CharField(label=_("Reply to the complainant"), required=required, max_length=10000,
                               widget=forms.Textarea(attrs={"rows": 4}))
    if name == "unit":
        units = OrgUnit.objects.visible_to(user).filter(is_active=True).exclude(pk=complaint.unit_id)
        return forms.ModelChoiceField(label=_("To unit"), queryset=units, required=required)
    if name == "handler":
        people = User.objects.visible_to(user).with_role("officer").select_related("unit").order_by("unit__path", "full_name")
        return forms.ModelChoiceField(label=_("Handler (optional)"), queryset=people, required=required)
    if name == "satisfaction":
        return forms.ChoiceField(label=_("Satisfaction"), choices=Satisfaction.choices, required=required,
                                 widget=forms.RadioSelect)
    if name == "days":
        return forms.IntegerField(label=_("Extension"), min_value=1, max_value=366, required=required)
    if name == "decision":
        return forms.ChoiceField(label=_("Decision"), required=required, widget=forms.RadioSelect,
                                 choices=[(ExtensionDecision.APPROVED, _("Approve")),
                                          (ExtensionDecision.REJECTED, _("Reject"))])
    if name == "into":
        return MergeTargetField(label=_("Number of the complaint to keep"), required=required, user=user)
    raise KeyError(name)


def action_form_class(slug):
    transition = TRANSITIONS[slug]

    class ActionForm(BootstrapFormMixin, forms.Form):
        version = forms.IntegerField(widget=forms.HiddenInput, required=False)

        def __init__(self, *args, user, complaint, **kwargs):
            kwargs.setdefault("prefix", slug)
            kwargs.setdefault("initial", {"version": complaint.version})
            super().__init__(*args, **kwargs)
            self.slug, self.transition = slug, transition
            for name in transition.fields:
                self.fields[name] = _action_field(name, name in transition.required, user=user, complaint=complaint)
            # The mixin styled the declared fields only; style the ones added here the same way.
            for field in self.fields.values():
                widget = field.widget
                if widget.is_hidden or "class" in widget.attrs:
                    continue
                if isinstance(widget, forms.RadioSelect):
                    widget.attrs["class"] = "form-check-input"
                elif isinstance(widget, forms.Select):
                    widget.attrs["class"] = "form-select"
                else:
                    widget.attrs["class"] = "form-control"

        def inputs(self):
            return {name: self.cleaned_data.get(name) for name in transition.fields
                    if self.cleaned_data.get(name) not in (None, "")}

    ActionForm.__name__ = "".join(p.title() for p in slug.split("_")) + "Form"
    return ActionForm


ACTION_FORMS = {slug: action_form_class(slug) for slug in TRANSITIONS}


class DeadlinePolicyForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = DeadlinePolicy
        fields = ["channel", "category", "unit", "accept_within", "reply_within", "reply_counts_from",
                  "visit_within", "visit_unit", "max_extensions", "max_extension", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = ViolationCategory.objects.active()
        self.fields["category"].required = False
        self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, required=False,
                                                    initial=self.instance.version if self.instance.pk else None)
