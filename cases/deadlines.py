"""The case deadlines the reminder sweep watches (PRODUCT §3, §8): the filing decision after a lead, the 90-day
decision limit (warned 10 days before), the hearing request window and the hearing itself, the service of the
decision, and on the spot the cash hand-over and the filing with the bureau. The services stamp when each was
met; a case has two holders, its investigating officers, who are warned; overdue goes to their supervisors."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enforcement.notifications.registry import DeadlineKind, register
from enforcement.org.choices import Role

from .choices import DECISION_LIVE, HOLDER_FIELDS, CaseStatus

S = CaseStatus
HOLDERS = HOLDER_FIELDS
FALLBACK = (Role.SQUAD_LEADER,)


def _kind(**kwargs):
    return register(
        DeadlineKind(
            model="cases.Case",
            changed_field="updated_at",
            handler_fields=HOLDERS,
            fallback_roles=FALLBACK,
            **kwargs,
        )
    )


CASE_FILING = _kind(
    slug="case_filing",
    label=_("Filing decision on a lead"),
    due_field="filing_due_at",
    live_statuses={S.LEAD},
    met_field="lead_decided_at",
    start_field="registered_at",
)
CASE_DECISION = _kind(
    slug="case_decision",
    label=_("90-day decision limit"),
    due_field="decision_due_at",
    live_statuses=DECISION_LIVE,
    met_field="decided_at",
    start_field="filed_at",
    warning_lead_days=10,
    long_warning_lead_days=10,
)
CASE_HEARING_REQUEST = _kind(
    slug="case_hearing_request",
    label=_("Hearing request window"),
    due_field="hearing_request_due_at",
    live_statuses={S.NOTIFIED},
    met_field="hearing_requested_at",
    start_field="notified_at",
    live_when=Q(hearing_requested_at__isnull=True),
)
CASE_HEARING = _kind(
    slug="case_hearing",
    label=_("Hearing date"),
    due_field="hearing_at",
    live_statuses={S.NOTIFIED},
    met_field="hearing_held_at",
    live_when=Q(hearing_held_at__isnull=True),
)
CASE_SERVICE = _kind(
    slug="case_service",
    label=_("Service of the decision"),
    due_field="service_due_at",
    live_statuses={S.DECIDED},
    met_field="served_at",
    start_field="decided_at",
)
CASE_CASH = _kind(
    slug="case_cash_handover",
    label=_("Cash hand-over to the bureau"),
    due_field="cash_due_at",
    live_statuses={S.DECIDED},
    met_field="cash_handed_over_at",
    start_field="decided_at",
    live_when=Q(cash_handed_over_at__isnull=True),
)
CASE_BUREAU_FILING = _kind(
    slug="case_bureau_filing",
    label=_("Filing of an on-the-spot decision"),
    due_field="bureau_filing_due_at",
    live_statuses={S.DECIDED},
    met_field="bureau_filed_at",
    start_field="decided_at",
    live_when=Q(bureau_filed_at__isnull=True),
)
