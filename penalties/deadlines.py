"""The execution deadlines the reminder sweep watches (PRODUCT §4, §8): the payment due date (its overdue
notice is the start of the surcharge, Art. 72), the demand to pay's 10 working days, the court-application
window (行政强制法 Art. 53), and a seizure's limit (Art. 25)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enforcement.notifications.registry import DeadlineKind, register
from enforcement.org.choices import Role

from .choices import DemolitionStatus, ExecutionStatus, SeizureStatus
from .models import PublicationStatus

E = ExecutionStatus
FALLBACK = (Role.SQUAD_LEADER,)

PAYMENT_DUE = register(
    DeadlineKind(
        slug="penalty_payment",
        label=_("Payment of a fine (the surcharge starts the day after)"),
        model="penalties.Execution",
        due_field="due_at",
        live_statuses={E.AWAITING},
        met_field="ended_at",
        start_field="opened_at",
        changed_field="updated_at",
        handler_fields=("handler",),
        fallback_roles=FALLBACK,
        live_when=Q(outstanding_fen__gt=0, paused=False),
    )
)
DEMAND_ANSWER = register(
    DeadlineKind(
        slug="penalty_demand",
        label=_("Demand to pay answered (then court enforcement)"),
        model="penalties.Execution",
        due_field="demand_due_at",
        live_statuses={E.AWAITING},
        met_field="court_applied_at",
        changed_field="updated_at",
        handler_fields=("handler",),
        fallback_roles=FALLBACK,
    )
)
COURT_WINDOW = register(
    DeadlineKind(
        slug="penalty_court_window",
        label=_("Last day to apply for court enforcement"),
        model="penalties.Execution",
        due_field="court_due_at",
        live_statuses={E.AWAITING},
        met_field="court_applied_at",
        changed_field="updated_at",
        handler_fields=("handler",),
        fallback_roles=FALLBACK,
        live_when=Q(demand_due_at__isnull=False),
    )
)
SEIZURE_LIMIT = register(
    DeadlineKind(
        slug="seizure_limit",
        label=_("End of a seizure or sealing"),
        model="penalties.Seizure",
        due_field="limit_at",
        live_statuses={SeizureStatus.HELD},
        met_field="ended_at",
        changed_field="updated_at",
        handler_fields=("created_by",),
        fallback_roles=FALLBACK,
    )
)
PUBLICATION_WITHDRAWAL = register(
    DeadlineKind(
        slug="publication_withdrawal",
        label=_("Withdrawal of a published decision (3 working days, Art. 48)"),
        model="penalties.Publication",
        due_field="withdraw_due_at",
        live_statuses={PublicationStatus.PUBLISHED},
        met_field="withdrawn_at",
        changed_field="updated_at",
        handler_fields=("handler",),
        fallback_roles=(Role.BUREAU_HEAD,),
    )
)
DEMOLITION_DEADLINE = register(
    DeadlineKind(
        slug="demolition_deadline",
        label=_("The party's deadline to demolish an illegal structure"),
        model="penalties.Demolition",
        due_field="deadline_at",
        live_statuses={DemolitionStatus.ORDERED},
        met_field="ended_at",
        start_field="opened_at",
        changed_field="updated_at",
        handler_fields=("handler",),
        fallback_roles=FALLBACK,
    )
)
DEMOLITION_NOTICE = register(
    DeadlineKind(
        slug="demolition_notice",
        label=_("Deadline of a public notice to demolish (then a forced demolition, Art. 44)"),
        model="penalties.Demolition",
        due_field="notice_deadline_at",
        live_statuses={DemolitionStatus.NOTICED},
        met_field="ended_at",
        changed_field="updated_at",
        handler_fields=("handler",),
        fallback_roles=FALLBACK,
    )
)
