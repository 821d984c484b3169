"""The complaints waiting for a user in the work queue (待办): those on which one of the user's roles has
the next step, soonest deadline first, each saying what to do next. One bounded query on (unit, due_at) /
(due_at, id)."""

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from enforcement.approvals.choices import ApprovalDecision
from enforcement.org.choices import RECEIVER_ROLES, Role
from enforcement.org.workqueue import MAX_ITEMS_PER_PROVIDER, WorkItem, provider_steps, register

from .choices import REPLY_LIVE, TRANSITIONS, ComplaintStatus
from .models import Complaint, ComplaintExtension

# Steps that are bookkeeping rather than the next move (extension, merge) don't put a complaint in a queue.
QUEUE_ACTIONS = (
    "accept",
    "reject",
    "dispatch",
    "start",
    "reply",
    "record_visit",
    "close",
    "close_on_the_spot",
    "answer_review",
    "answer_recheck",
)
S = ComplaintStatus

APPROVAL_STEP = "approve"  # a pending extension request waits for a supervisor's decision
STEP_LABELS = {
    "accept": pgettext_lazy("next step", "To accept"),
    "dispatch": pgettext_lazy("next step", "To dispatch"),
    "start": pgettext_lazy("next step", "To start handling"),
    "reply": pgettext_lazy("next step", "To reply"),
    "record_visit": pgettext_lazy("next step", "To visit"),
    "close": pgettext_lazy("next step", "To close"),
    "close_on_the_spot": pgettext_lazy("next step", "To finish on the spot"),
    "answer_review": pgettext_lazy("next step", "To answer the review"),
    "answer_recheck": pgettext_lazy("next step", "To answer the second review"),
    APPROVAL_STEP: pgettext_lazy("next step", "Awaiting approval"),
}


def step_label(step):
    return str(STEP_LABELS.get(step) or TRANSITIONS[step].label)


def next_steps(user):
    """{status: the user's next step on it}: the first queue action that leaves the status and one of the
    user's roles takes (a dispatched complaint can be re-dispatched, but what it waits for is its unit
    starting on it). A step officers take waits on the field: it is in the queues of those who handle
    complaints, not of a desk that may also take it (the intake desk may reply, but what is being handled
    waits on the officers)."""
    roles = user.roles
    handles = bool(roles & RECEIVER_ROLES)
    steps = {}
    for slug in QUEUE_ACTIONS:
        transition = TRANSITIONS[slug]
        if not transition.roles & roles or (Role.OFFICER in transition.roles and not handles):
            continue
        for status in sorted(transition.sources):
            if transition.target != status:
                steps.setdefault(status, slug)
    return steps


def _steps(user):
    steps = next_steps(user)
    keys = list(dict.fromkeys(steps.values()))
    if set(steps) & REPLY_LIVE:
        keys.append(APPROVAL_STEP)
    return [(key, step_label(key)) for key in keys]


@register
@provider_steps(_steps)
def complaints_waiting(user, step=""):
    steps = next_steps(user)
    statuses = sorted(status for status, slug in steps.items() if not step or step in (slug, APPROVAL_STEP))
    if not statuses:
        return []
    pending = ComplaintExtension.objects.filter(complaint=OuterRef("pk"), decision=ApprovalDecision.PENDING)
    queryset = (
        Complaint.objects.visible_to(user)
        .filter(status__in=statuses)
        .annotate(extension_pending=Exists(pending))
    )
    if step:  # a complaint with a pending extension request waits for the decision, not for its next step
        queryset = queryset.filter(extension_pending=step == APPROVAL_STEP)
    if user.roles == {Role.OFFICER}:
        # An officer's queue: what they hold, what reached their unit and nobody took yet, their own finds.
        queryset = queryset.filter(
            Q(handler=user)
            | Q(handler__isnull=True, status=S.DISPATCHED)
            | Q(status=S.RECEIVED, received_by=user)
        )
    rows = queryset.select_related("category").order_by("due_at", "id")[:MAX_ITEMS_PER_PROVIDER]
    items = []
    for c in rows:
        next_step = APPROVAL_STEP if c.extension_pending else steps[c.status]
        items.append(
            WorkItem(
                title=f"{c.number} {c.title}",
                url=c.get_absolute_url(),
                kind=str(_("Complaint")),
                due_at=c.due_at,
                status=c.get_status_display(),
                detail=f"{c.category.display_name} · {c.address}",
                step=next_step,
                step_label=step_label(next_step),
            )
        )
    return items
