from django import forms

from enforcement.org.forms import BootstrapFormMixin, VersionedFormMixin

from .models import NotificationLevel, ReminderSetting
from .recipients import OPTIONAL_LEVELS, available_channels


def preference_field_name(channel, level):
    return f"{channel}__{level}"


class NotificationPreferencesForm(BootstrapFormMixin, forms.Form):
    """One checkbox per (channel the user can be reached on, level: the reminders' and events on one's
    records). Escalations are shown checked and disabled: supervisors cannot switch them off (the service
    refuses it too)."""

    levels = NotificationLevel.choices  # the table's columns

    def __init__(self, *args, user, current, **kwargs):
        super().__init__(*args, **kwargs)
        self.channels = available_channels(user)
        self.rows = []
        for channel in self.channels:
            row = []
            for level, level_label in self.levels:
                name = preference_field_name(channel, level)
                optional = level in OPTIONAL_LEVELS
                self.fields[name] = forms.BooleanField(
                    label=f"{channel.label} · {level_label}", required=False, disabled=not optional,
                    initial=current.get((channel, level), True) if optional else True,
                )
                row.append(name)
            self.rows.append((channel, [self[name] for name in row]))
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
            "is_active", "warning_lead_days", "long_deadline_days", "long_warning_lead_days",
            "escalation_delay_days",
        ]
