"""How a case's timeline reads the details its services write beside the fields (enforcement/audit/labels.py):
a proposed or decided penalty, and which review a report went to, in the reader's language when shown."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enforcement.audit.labels import register_key, role_labels

from .choices import PenaltyKind


def proposal_text(value):
    """{"kinds": [...], "fine": "400.00", …} → "Fine 400.00 yuan; order to correct: …"."""
    if not isinstance(value, dict):
        return str(value)
    labels = dict(PenaltyKind.choices)
    parts = []
    for kind in value.get("kinds") or []:
        label = str(labels.get(kind, kind))
        amount = value.get("fine") if kind == PenaltyKind.FINE else None
        if kind in (PenaltyKind.CONFISCATE_GAINS, PenaltyKind.CONFISCATE_PROPERTY):
            amount = value.get("confiscation_value")
        if kind == PenaltyKind.DEMOLISH and value.get("demolish_area"):
            label = _("%(penalty)s: %(area)s m² within %(days)s days") % {
                "penalty": label,
                "area": value["demolish_area"],
                "days": value.get("demolish_days"),
            }
        parts.append(
            _("%(penalty)s %(amount)s yuan") % {"penalty": label, "amount": amount} if amount else label
        )
    text = _(", ").join(parts) if parts else ""
    if value.get("detail"):
        text += f" ({value['detail']})"
    if value.get("correction_order"):
        text += "; " + _("order to correct: %(order)s") % {"order": value["correction_order"]}
    return text


def review_text(value):
    from enforcement.approvals.registry import all_kinds

    labels = {kind.slug: kind.label for kind in all_kinds()}
    return str(labels.get(value, value))


def register():
    for model in ("cases.Case", "cases.CaseApproval"):
        register_key("proposal", gettext_lazy("proposed penalty"), model=model, display=proposal_text)
    register_key("review", gettext_lazy("review"), model="cases.Case", display=review_text)
    register_key(
        "decided_by_role", gettext_lazy("decided as"), model="cases.CaseApproval", display=role_labels
    )
