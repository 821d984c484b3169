"""A record of a submitted month changed: recompute that month soon (after the commit, on Celery), so the
month's report shows the correction against its locked figures the same minute, not the next night. A unit
added to the tree or moved in it: the subtrees' sums again, at once (`compute.reroll`, from stored rows).

Sources name the models they count and the months a record falls in (`Source.watch`); the months that
are submitted are cached for a minute and forgotten whenever a month is submitted or unlocked."""

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_save

from . import measures

LOCKED_KEY = "stats:locked-months"
LOCKED_SECONDS = 60


def forget_locked_months():
    cache.delete(LOCKED_KEY)


def _locked_months():
    months = cache.get(LOCKED_KEY)
    if months is None:
        from .services import locked_months

        months = {day.isoformat() for day in locked_months()}
        cache.set(LOCKED_KEY, months, LOCKED_SECONDS)
    return months


def _watched():
    found = {}
    for source in measures.sources():
        for model, months_of in source.watch or ():
            found.setdefault(model, []).append(months_of)
    return found


def record_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    readers = _watched().get(sender)
    if not readers:
        return
    months = {day.replace(day=1).isoformat() for months_of in readers for day in months_of(instance) if day}
    due = sorted(months & _locked_months())
    if due:
        from enforcement.celery import send

        from .tasks import recompute_months_task

        for month in due:  # not queued (the broker down): the nightly run recomputes every submitted month
            transaction.on_commit(lambda month=month: send(recompute_months_task, month))


def tree_changed(sender, unit, **kwargs):
    """A unit added to the tree or moved in it: the subtrees' stored sums follow the tree as it is now."""
    from .compute import reroll
    from .models import MonthlyTally

    if MonthlyTally.objects.exists():
        reroll()


def connect():
    from enforcement.org.models import tree_changed as tree_signal

    post_save.connect(record_saved, dispatch_uid="stats-record-saved")
    tree_signal.connect(tree_changed, dispatch_uid="stats-tree-changed")
