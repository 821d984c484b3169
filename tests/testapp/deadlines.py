"""The test-only inspection's deadline kinds: declarations only, on the platform's registry (the sweep's
own tests, enforcement/notifications/tests, run on these, never on a domain app's). Labels are plain
text: test-only, not in the translation catalogue."""

from collections import defaultdict

from enforcement.notifications.models import ReminderLevel
from enforcement.notifications.registry import DeadlineKind, register

from .models import Inspection, PermitStatus


def inspection_reviewers(kind, level, objects):
    """The reviewers of a batch of inspections, in one query: they hold the review (warned, and told
    when it is overdue); escalation is the hierarchy's."""
    if level == ReminderLevel.ESCALATED:
        return {}
    found = defaultdict(list)
    rows = Inspection.reviewers.through.objects.filter(inspection_id__in=[obj.pk for obj in objects])
    for inspection_id, user_id in rows.order_by("pk").values_list("inspection_id", "user_id"):
        found[inspection_id].append(user_id)
    return found


INSPECTION_BOOKING = register(
    DeadlineKind(
        slug="inspection_booking",
        label="Inspection booking",
        model="testapp.Inspection",
        due_field="book_due_at",
        live_statuses={"open"},
        met_field="booked_at",
        start_field="opened_at",
        changed_field="updated_at",
    )
)
INSPECTION_VISIT = register(
    DeadlineKind(
        slug="inspection_visit",
        label="Inspection visit",
        model="testapp.Inspection",
        due_field="visit_due_at",
        live_statuses={"booked", "in_progress"},
        met_field="visited_at",
        start_field="opened_at",
        changed_field="updated_at",
        handler_fields=("handler", "second_officer"),
    )
)
INSPECTION_REVIEW = register(
    DeadlineKind(
        slug="inspection_review",
        label="Inspection review",
        model="testapp.Inspection",
        due_field="review_due_at",
        live_statuses={"visited"},
        met_field="reviewed_at",
        start_field="visited_at",
        changed_field="updated_at",
        handler_fields=(),
        recipients="tests.testapp.deadlines.inspection_reviewers",
    )
)

# The permit workflow's one deadline: a submitted permit is decided by `due_at`.
PERMIT_DECISION = register(
    DeadlineKind(
        slug="permit_decision",
        label="Permit decision",
        model="testapp.Permit",
        due_field="due_at",
        live_statuses={PermitStatus.SUBMITTED},
        met_field="decided_at",
        changed_field="updated_at",
    )
)
