"""Recomputing tallies on Celery: nightly for the current and previous month and every submitted month
(so their corrections show the records as they are), on demand for a range, and soon after a record of a
submitted month changes (`signals.py`). Re-running any of them is harmless: a recompute replaces rows."""

import datetime

from celery import shared_task

from enforcement.audit.context import audit_source

from .compute import recompute
from .measures import Period
from .services import locked_months

# How far back the nightly run keeps submitted months current.
LOCKED_MONTHS_KEPT_DAYS = 3 * 366


@shared_task(acks_late=True, ignore_result=True)
def recompute_recent_months_task():
    current = Period.current()
    since = current.first_day - datetime.timedelta(days=LOCKED_MONTHS_KEPT_DAYS)
    periods = {current, current.previous(), *(Period(day) for day in locked_months(since=since))}
    with audit_source("task"):
        return {str(period): recompute(period).rows for period in sorted(periods)}


@shared_task(acks_late=True, ignore_result=True)
def recompute_months_task(first, last=None):
    """Months `first` to `last` ("YYYY-MM-DD" of their first days), one transaction each."""
    first = Period(datetime.date.fromisoformat(first))
    last = Period(datetime.date.fromisoformat(last)) if last else first
    with audit_source("task"):
        return {str(period): recompute(period).rows for period in Period.range(first, last)}
