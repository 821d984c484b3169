"""The complaint deadlines the reminder sweep watches (PRODUCT §2, §8). Each due moment is live only in
the statuses named in choices.*_LIVE, so a complaint that met its deadline leaves the sweep's query; an
approved extension moves `reply_due_at`, and the new moment gets reminders of its own. The services stamp
when each deadline was met (accepted_at, replied_at, visited_at): "closed on time" compares that moment with
the due one. A complaint has one holder, its `handler` (the kinds' default). Every save of a complaint sets
`updated_at` (the services save whole rows), which tells the sweep what changed."""

from django.utils.translation import gettext_lazy as _

from enforcement.notifications.registry import DeadlineKind, register
from enforcement.org.choices import Role

from .choices import ACCEPT_LIVE, RECHECK_LIVE, REPLY_LIVE, REVIEW_LIVE, VISIT_LIVE

# Nobody holds a complaint yet (or the handler left): the intake desk of its unit hears of it — they
# accept, reply and make the follow-up visits (PRODUCT §0 users). At an external responsible unit
# (外部责任单位) its liaisons hear of it: only external units have them, so the walk up stops there.
FALLBACK = (Role.INTAKE, Role.LIAISON)

COMPLAINT_ACCEPT = register(
    DeadlineKind(
        slug="complaint_accept",
        label=_("Complaint acceptance"),
        model="complaints.Complaint",
        due_field="accept_due_at",
        live_statuses=ACCEPT_LIVE,
        met_field="accepted_at",
        start_field="received_at",
        changed_field="updated_at",
        fallback_roles=FALLBACK,
    )
)
COMPLAINT_REPLY = register(
    DeadlineKind(
        slug="complaint_reply",
        label=_("Complaint reply"),
        model="complaints.Complaint",
        due_field="reply_due_at",
        live_statuses=REPLY_LIVE,
        met_field="replied_at",
        start_field="received_at",
        changed_field="updated_at",
        fallback_roles=FALLBACK,
    )
)
COMPLAINT_VISIT = register(
    DeadlineKind(
        slug="complaint_visit",
        label=_("Follow-up visit"),
        model="complaints.Complaint",
        due_field="visit_due_at",
        live_statuses=VISIT_LIVE,
        met_field="visited_at",
        start_field="replied_at",
        changed_field="updated_at",
        fallback_roles=FALLBACK,
    )
)
# A petition's review and second review (信访工作条例 Art. 35-36), answered by the unit one level up: nobody
# holds it there yet (the services clear the handler), so its intake desk hears of it.
COMPLAINT_REVIEW = register(
    DeadlineKind(
        slug="complaint_review",
        label=_("Petition review"),
        model="complaints.Complaint",
        due_field="review_due_at",
        live_statuses=REVIEW_LIVE,
        met_field="review_answered_at",
        start_field="review_requested_at",
        changed_field="updated_at",
        fallback_roles=FALLBACK,
    )
)
COMPLAINT_RECHECK = register(
    DeadlineKind(
        slug="complaint_recheck",
        label=_("Petition second review"),
        model="complaints.Complaint",
        due_field="recheck_due_at",
        live_statuses=RECHECK_LIVE,
        met_field="recheck_answered_at",
        start_field="recheck_requested_at",
        changed_field="updated_at",
        fallback_roles=FALLBACK,
    )
)
