"""The inbox's filters, one form for the page and the API: the kind (among those the user decides) and
the decision (pending by default)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import registry
from .choices import ApprovalDecision

ALL = "all"


class InboxFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    status = forms.ChoiceField(
        label=_("Decision"),
        required=False,
        choices=[*ApprovalDecision.choices, (ALL, _("All"))],
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, data=None, *, user):
        super().__init__(data)
        self.fields["kind"].choices = [
            ("", _("All kinds")),
            *((kind.slug, kind.label) for kind in registry.kinds_decided_by(user)),
        ]

    def inbox_args(self):
        """The arguments of `services.inbox_for`: pending of every kind unless the filters say otherwise."""
        data = self.cleaned_data if self.is_valid() else {}
        status = data.get("status") or ApprovalDecision.PENDING
        return {"kind": data.get("kind") or None, "decision": None if status == ALL else status}
