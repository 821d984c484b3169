from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .auth import is_locked


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _("Too many failed logins: this account is locked for a while. Try again later."),
    }

    def clean(self):
        if is_locked(self.data.get("username")):
            raise forms.ValidationError(self.error_messages["locked"], code="locked")
        return super().clean()
