from django import forms
from django.utils.translation import gettext_lazy as _

from enforcement.org.forms import BootstrapFormMixin, VersionedFormMixin

from .models import Channel, NotificationLevel, ReminderSetting
from .recipients import OPTIONAL_LEVELS, available_channels, webhook_enabled


def preference_field_name(channel, level):
    return f"{channel}__{level}"


# What a user calls a channel: the webhook is how the SMS gateway is reached, which is none of their concern.
CHANNEL_NAMES = {
    Channel.INBOX: _("In-app inbox"),
    Channel.EMAIL: _("Email"),
    Channel.WEBHOOK: _("Text message (SMS)"),
}


class NotificationPreferencesForm(BootstrapFormMixin, forms.Form):
    """One checkbox per (channel the user can be reached on, level: the reminders' and events on one's
    records). Escalations are shown checked and disabled: supervisors cannot switch them off (the service
    refuses it too)."""

    levels = NotificationLevel.choices  # the table's columns

    def __init__(self, *args, user, current, **kwargs):
        super().__init__(*args, **kwargs)
        self.channels = available_channels(user)
        self.sms_gateway = webhook_enabled()  # without one, the page does not speak of text messages
        self.rows = []
        for channel in self.channels:
            row = []
            for level, level_label in self.levels:
                name = preference_field_name(channel, level)
                optional = level in OPTIONAL_LEVELS
                self.fields[name] = forms.BooleanField(
                    label=f"{CHANNEL_NAMES[channel]} · {level_label}",
                    required=False,
                    disabled=not optional,
                    initial=current.get((channel, level), True) if optional else True,
                )
                row.append(name)
            self.rows.append((CHANNEL_NAMES[channel], [self[name] for name in row]))
        for name in self.fields:  # added after BootstrapFormMixin styled the (then empty) form
            self.fields[name].widget.attrs["class"] = "form-check-input"

    def choices(self):
        """{(channel, level): enabled} for the levels users may choose."""
        return {
            (channel, level): self.cleaned_data[preference_field_name(channel, level)]
            for channel in self.channels
            for level in OPTIONAL_LEVELS
        }


class ReminderSettingForm(BootstrapFormMixin, VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = ReminderSetting
        fields = [
            "is_active",
            "warning_lead_days",
            "long_deadline_days",
            "long_warning_lead_days",
            "escalation_delay_days",
        ]
