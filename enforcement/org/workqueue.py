"""The work queue (待办): each domain app registers a provider that lists what waits for a user; the
page merges them by time left, overdue first.

    from enforcement.org.workqueue import WorkItem, register

    @register
    def complaints_waiting(user):
        return [WorkItem(title=..., url=..., due_at=..., kind=_("Complaint"), status=...), ...]

A provider must use `visible_to(user)` and a bounded, indexed query (it runs on every home page view).
The page filters by next step (`WorkItem.step`): a provider that has steps takes a `step` keyword and
declares them with `@provider_steps(steps)`: `steps(user)`, the steps a user may see, runs no query.
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
    step: str = ""  # the next step's key, for the filter
    step_label: str = ""  # what to do next, in words (待受理, 待派遣 …)

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


def provider_steps(steps):
    """Declares `steps(user) -> [(key, label)]`, the next steps the decorated provider can filter by."""

    def decorate(provider):
        provider.steps = steps
        return provider

    return decorate


def steps_for(user):
    """[(key, label)] of the next steps the user's queue can be filtered by, in the providers' order."""
    steps = {}
    for provider in _providers:
        for key, label in getattr(provider, "steps", lambda user: [])(user):
            steps.setdefault(key, label)
    return list(steps.items())


def items_for(user, step=""):
    """What waits for `user`, by time left; with `step`, only what waits for that next step."""
    items = []
    for provider in _providers:
        if not step:
            items.extend(provider(user)[:MAX_ITEMS_PER_PROVIDER])
        elif hasattr(provider, "steps"):
            items.extend(provider(user, step=step)[:MAX_ITEMS_PER_PROVIDER])
    far_future = timezone.now().replace(year=9999)
    return sorted(items, key=lambda item: item.due_at or far_future)
