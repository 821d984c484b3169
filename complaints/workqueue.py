"""The complaints waiting for a user in the work queue (待办): those on which one of the user's roles has
a next step, soonest deadline first. One bounded query on (unit, due_at) / (due_at, id)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enforcement.org.choices import Role
from enforcement.org.workqueue import MAX_ITEMS_PER_PROVIDER, WorkItem, register

from .choices import TRANSITIONS, ComplaintStatus
from .models import Complaint

# Steps that are bookkeeping rather than the next move (extension, merge) don't put a complaint in a queue.
QUEUE_ACTIONS = ("accept", "reject", "dispatch", "start", "reply", "record_visit", "close", "close_on_the_spot")
S = ComplaintStatus


def waiting_statuses(user):
    roles = user.roles
    return sorted({status for slug in QUEUE_ACTIONS if TRANSITIONS[slug].roles & roles
                   for status in TRANSITIONS[slug].sources})


@register
def complaints_waiting(user):
    statuses = waiting_statuses(user)
    if not statuses:
        return []
    queryset = Complaint.objects.visible_to(user).filter(status__in=statuses)
    if user.roles == {Role.OFFICER}:
        # An officer's queue: what they hold, what reached their unit and nobody took yet, their own finds.
        queryset = queryset.filter(
            Q(handler=user) | Q(handler__isnull=True, status=S.DISPATCHED) | Q(status=S.RECEIVED, received_by=user)
        )
    rows = queryset.select_related("category").order_by("due_at", "id")[:MAX_ITEMS_PER_PROVIDER]
    return [
        WorkItem(
            title=f"{c.number} {c.title}", url=c.get_absolute_url(), kind=str(_("Complaint")), due_at=c.due_at,
            status=c.get_status_display(), detail=f"{c.category.display_name} · {c.address}",
        )
        for c in rows
    ]
