"""The state of an approval and the choices a decider picks from. Words like "Rejected" also name a
complaint's status (不予受理, refusing to take a complaint up), so the approval's own labels carry the
"approval" context and translate as 批准 / 不予批准."""

from django.db import models
from django.utils.translation import pgettext_lazy


class ApprovalDecision(models.TextChoices):
    PENDING = "pending", pgettext_lazy("approval", "Pending")
    APPROVED = "approved", pgettext_lazy("approval", "Approved")
    REJECTED = "rejected", pgettext_lazy("approval", "Rejected")


# What a decider chooses (a verb, not a state): the decide form and the API's decision field.
DECISION_ACTIONS = [
    (ApprovalDecision.APPROVED, pgettext_lazy("approval", "Approve")),
    (ApprovalDecision.REJECTED, pgettext_lazy("approval", "Reject")),
]
DECIDED = frozenset({ApprovalDecision.APPROVED, ApprovalDecision.REJECTED})
