"""The case approvals the platform's inbox lists (PRODUCT §5): filing (立案审批), the review of the investigation
report by the unit's supervisors or the legal review by a legal reviewer (法制审核, Art. 58), the collective
discussion (集体讨论, Art. 57), the decision (Art. 57: by the bureau head), an extension of the 90-day limit
(Art. 60) and closing (结案). Nobody decides their own request, nor a case they investigated or reported on:
the investigating officers and the report's author are excluded from every kind."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from enforcement.approvals.registry import ApprovalKind, register
from enforcement.org.choices import LINE_SUPERVISOR_ROLES

from .choices import HEAD, INVESTIGATOR_FIELDS, LEGAL, OPEN_STATUSES
from .models import (
    CLOSING_KIND,
    DECISION_KIND,
    DISCUSSION_KIND,
    EXTENSION_KIND,
    FILING_KIND,
    LEGAL_REVIEW_KIND,
    REPORT_REVIEW_KIND,
)

INVESTIGATORS = INVESTIGATOR_FIELDS


def _kind(slug, label, deciders):
    return register(
        ApprovalKind(
            slug=slug,
            label=label,
            model="cases.CaseApproval",
            subject_field="case",
            decider_roles=deciders,
            excluded_fields=INVESTIGATORS,
            open_subjects=Q(status__in=sorted(OPEN_STATUSES)),  # a case that ended leaves no request waiting
        )
    )


FILING = _kind(FILING_KIND, _("Case filing"), LINE_SUPERVISOR_ROLES)
REPORT_REVIEW = _kind(REPORT_REVIEW_KIND, _("Review of the investigation report"), LINE_SUPERVISOR_ROLES)
LEGAL_REVIEW = _kind(LEGAL_REVIEW_KIND, _("Legal review"), LEGAL)
DISCUSSION = _kind(DISCUSSION_KIND, _("Collective discussion"), HEAD)
DECISION = _kind(DECISION_KIND, pgettext_lazy("approval kind", "Penalty decision"), HEAD)
EXTENSION = _kind(EXTENSION_KIND, _("Extension of the decision period"), HEAD)
CLOSING = _kind(CLOSING_KIND, _("Case closing"), LINE_SUPERVISOR_ROLES)
