from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    SetPasswordForm,
    SetPasswordMixin,
)
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .auth import ADDRESS_BLOCKED_MESSAGE, LOCKED_MESSAGE, is_address_blocked, is_locked
from .choices import Role
from .models import Grid, OrgUnit, User, unit_role_errors


# --- Bootstrap rendering -------------------------------------------------------------------------
class BootstrapFormMixin:
    """Gives every widget its Bootstrap class; `templates/includes/form_fields.html` renders the rest."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields(self.fields.values())

    @staticmethod
    def style_fields(fields):
        """Bootstrap classes for these fields (also for fields a form adds after its __init__)."""
        for field in fields:
            widget = field.widget
            if widget.is_hidden:
                continue
            # CheckboxSelectMultiple is a RadioSelect, so this covers every kind of checkbox.
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class LoginForm(BootstrapFormMixin, AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": LOCKED_MESSAGE,
        "address_blocked": ADDRESS_BLOCKED_MESSAGE,
    }

    def clean(self):
        username = self.data.get("username")
        self._refuse_if_limited(username)
        try:
            return super().clean()
        except ValidationError:
            # The failure that reaches a limit locks the account or blocks the address: say so now, not on
            # the next try.
            self._refuse_if_limited(username)
            raise

    def _refuse_if_limited(self, username):
        if is_address_blocked(self.request):
            raise ValidationError(self.error_messages["address_blocked"], code="address_blocked")
        if is_locked(username):
            raise ValidationError(self.error_messages["locked"], code="locked")

    @property
    def locked(self):
        return any(error.code == "locked" for error in self.non_field_errors().as_data())


class VersionedFormMixin:
    """Editing a saved record carries the version it was loaded at (enforcement/versioning.py); the
    view passes it to `save_versioned`, so a concurrent edit is refused instead of overwritten."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"] = forms.IntegerField(
                widget=forms.HiddenInput, initial=self.instance.version
            )


TREE_INDENT = "\u3000"  # an ideographic space per level shows the tree inside a <select>


def unit_choice_label(unit):
    return f"{TREE_INDENT * unit.depth}{unit.display_name}"


class ScopedUnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return unit_choice_label(obj)


# --- Org units -----------------------------------------------------------------------------------
class OrgUnitForm(BootstrapFormMixin, VersionedFormMixin, forms.ModelForm):
    parent = ScopedUnitChoiceField(queryset=OrgUnit.objects.none(), required=False, label=_("parent unit"))

    class Meta:
        model = OrgUnit
        fields = ["code", "name", "name_en", "level", "parent", "is_active"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        unit = self.instance
        visible = OrgUnit.objects.visible_to(user)
        parent = self.fields["parent"]
        choices = visible.filter(is_active=True)
        if unit.pk:
            # Not under itself or its own sub-units (OrgUnit.clean says the same for other writers).
            choices = choices.exclude(path__startswith=unit.path)
            if unit.parent_id:
                choices = choices | OrgUnit.objects.filter(pk=unit.parent_id)
        parent.queryset = choices.order_by("path")
        if unit.parent_id and not visible.filter(pk=unit.parent_id).exists():
            # A district admin editing their own district: its parent is out of their reach, so it stays.
            parent.disabled = True
            parent.help_text = _("Only an administrator of the parent unit can move this unit.")
        elif not user.sees_all_units:
            parent.required = True
            parent.help_text = _("Only a city-level administrator can create a top-level unit.")


class GridForm(BootstrapFormMixin, VersionedFormMixin, forms.ModelForm):
    """A grid cell kept by a unit in the administrator's scope; its bounding box (Grid.clean) lets intake
    find the grid of a map point."""

    unit = ScopedUnitChoiceField(queryset=OrgUnit.objects.none(), label=_("unit"))

    class Meta:
        model = Grid
        fields = ["code", "name", "unit", "min_lat", "max_lat", "min_lng", "max_lng", "is_active"]
        labels = {
            "min_lat": _("southern edge (latitude)"),
            "max_lat": _("northern edge (latitude)"),
            "min_lng": _("western edge (longitude)"),
            "max_lng": _("eastern edge (longitude)"),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = (
            OrgUnit.objects.visible_to(user).filter(is_active=True).order_by("path")
        )


# --- Users ---------------------------------------------------------------------------------------
class UserForm(BootstrapFormMixin, VersionedFormMixin, forms.ModelForm):
    unit = ScopedUnitChoiceField(queryset=OrgUnit.objects.none(), required=False, label=_("unit"))
    roles = forms.MultipleChoiceField(
        label=_("roles"), choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = User
        fields = [
            "username",
            "full_name",
            "unit",
            "roles",
            "email",
            "phone",
            "certificate_no",
            "certificate_expires",
        ]
        widgets = {"certificate_expires": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = OrgUnit.objects.visible_to(user).filter(is_active=True)
        if self.instance.unit_id:
            units = units | OrgUnit.objects.filter(pk=self.instance.unit_id)
        self.fields["unit"].queryset = units.order_by("path")
        self.fields["unit"].required = not user.sees_all_units
        self.fields["full_name"].required = True
        if self.instance.pk:
            self.fields["roles"].initial = sorted(self.instance.roles)

    def clean(self):
        cleaned_data = super().clean()
        if "unit" in cleaned_data and "roles" in cleaned_data:
            for error in unit_role_errors(cleaned_data["unit"], cleaned_data["roles"]):
                self.add_error("roles", error)
        return cleaned_data


class UserCreateForm(SetPasswordMixin, UserForm):
    password1, password2 = SetPasswordMixin.create_password_fields()

    def clean(self):
        self.validate_passwords()
        return super().clean()

    def _post_clean(self):
        super()._post_clean()  # fills self.instance, so the validators can compare with name and e-mail
        self.validate_password_for_user(self.instance)


class AdminSetPasswordForm(BootstrapFormMixin, SetPasswordForm):
    """An administrator sets someone's password (Django's validators apply)."""


class OwnPasswordChangeForm(BootstrapFormMixin, PasswordChangeForm):
    """A user changes their own password: the current one proves it is them (a session left open on a
    shared desk is not enough); Django's validators apply to the new one."""


class DeactivateUserForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = []


# --- List filters --------------------------------------------------------------------------------
class UnitSearchForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False)

    def filter(self, queryset):
        if self.is_valid() and (q := self.cleaned_data["q"].strip()):
            queryset = queryset.filter(Q(name__icontains=q) | Q(name_en__icontains=q) | Q(code__icontains=q))
        return queryset


class UserSearchForm(BootstrapFormMixin, forms.Form):
    STATUS_CHOICES = [("active", _("Active")), ("inactive", _("Deactivated")), ("all", _("All"))]

    q = forms.CharField(label=_("Search"), required=False)
    unit = ScopedUnitChoiceField(
        label=_("unit"), queryset=OrgUnit.objects.none(), required=False, empty_label=_("All units")
    )
    role = forms.ChoiceField(label=_("role"), choices=[("", _("All roles")), *Role.choices], required=False)
    status = forms.ChoiceField(label=_("status"), choices=STATUS_CHOICES, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.visible_to(user).order_by("path")
        self.fields["q"].widget.attrs["placeholder"] = _("Name, username or certificate no.")

    def filter(self, queryset):
        if not self.is_valid():
            return queryset.filter(is_active=True)
        data = self.cleaned_data
        if q := data["q"].strip():
            queryset = queryset.filter(
                Q(full_name__icontains=q) | Q(username__icontains=q) | Q(certificate_no__icontains=q)
            )
        if data["unit"]:
            queryset = queryset.filter(unit__path__startswith=data["unit"].path)  # the unit and its sub-units
        if data["role"]:
            queryset = queryset.filter(role_assignments__role=data["role"]).distinct()
        status = data["status"] or "active"
        if status != "all":
            queryset = queryset.filter(is_active=status == "active")
        return queryset
