"""The abstract approval record and the constraints every concrete one declares (PRODUCT §5).

class ComplaintExtension(ApprovalRecord):
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="extensions")
    days = ...

    class Meta(ApprovalRecord.Meta):
        constraints = approval_constraints("complaint", "complaint_extension")
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import registry
from .choices import DECIDED, DECISION_ACTIONS, ApprovalDecision

__all__ = ["DECIDED", "DECISION_ACTIONS", "ApprovalDecision", "ApprovalRecord", "approval_constraints"]


class ApprovalRecord(models.Model):
    """One request for a decision and the decision itself: who asked, when, why, by when; who decided,
    when, how, with what opinion. Only the services (services.py) write one."""

    kind = models.CharField(_("kind"), max_length=64, choices=registry.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    reason = models.TextField(_("reason"))
    # When the decision is due (the inbox shows the oldest first); empty when nothing sets one.
    due_at = models.DateTimeField(_("decision due"), null=True, blank=True)
    decision = models.CharField(
        _("decision"), max_length=12, choices=ApprovalDecision.choices, default=ApprovalDecision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    opinion = models.TextField(_("opinion"), blank=True)

    class Meta:
        abstract = True
        ordering = ["requested_at", "id"]

    @property
    def is_pending(self):
        return self.decision == ApprovalDecision.PENDING

    @property
    def approval_kind(self):
        return registry.get(self.kind)


def approval_constraints(subject_field, name_prefix):
    """The database's guarantees for one concrete approval model: at most one pending approval per
    subject and kind (a second request waits until the first is decided; the partial unique index also
    keeps the pending rows — the inbox's — a small set to read); nobody decides their own request; a
    decided approval says who decided and when, a pending one neither."""
    pending = Q(decision=ApprovalDecision.PENDING)
    return [
        models.UniqueConstraint(
            fields=[subject_field, "kind"],
            condition=pending,
            name=f"{name_prefix}_one_pending",
            violation_error_message=_("A request of this kind is already waiting for a decision."),
        ),
        models.CheckConstraint(
            condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
            name=f"{name_prefix}_not_self_decided",
        ),
        models.CheckConstraint(
            condition=(pending & Q(decided_by__isnull=True, decided_at__isnull=True))
            | (~pending & Q(decided_by__isnull=False, decided_at__isnull=False)),
            name=f"{name_prefix}_decided_has_decider",
        ),
    ]
