"""The work queue (待办): each domain app registers a provider that lists what waits for a user; the
page merges them by time left, overdue first.

    from enforcement.org.workqueue import WorkItem, register

    @register
    def complaints_waiting(user):
        return [WorkItem(title=..., url=..., due_at=..., kind=_("Complaint"), status=...), ...]

A provider must use `visible_to(user)` and a bounded, indexed query (it runs on every home page view).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

_providers = []
MAX_ITEMS_PER_PROVIDER = 50
# How close a deadline is before lists and the work queue show it as "due soon" (amber).
DUE_SOON = timedelta(hours=24)


@dataclass(frozen=True)
class WorkItem:
    title: str
    url: str
    kind: str
    due_at: datetime | None = None
    status: str = ""
    detail: str = ""

    @property
    def seconds_left(self):
        if self.due_at is None:
            return None
        return (self.due_at - timezone.now()).total_seconds()

    @property
    def urgency(self):
        """'overdue', 'due_soon' (within a day), 'ok' or 'none' — the colour the page gives it."""
        left = self.seconds_left
        if left is None:
            return "none"
        if left < 0:
            return "overdue"
        if left < DUE_SOON.total_seconds():
            return "due_soon"
        return "ok"


def register(provider):
    if provider not in _providers:
        _providers.append(provider)
    return provider


def items_for(user):
    items = []
    for provider in _providers:
        items.extend(provider(user)[:MAX_ITEMS_PER_PROVIDER])
    far_future = timezone.now().replace(year=9999)
    return sorted(items, key=lambda item: item.due_at or far_future)
