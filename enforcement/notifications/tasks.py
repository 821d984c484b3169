"""Celery tasks: they take ids (or nothing), reload, and return early when the work is done. All are
`acks_late`: a worker killed mid-task leaves the message to be redelivered, and re-running is harmless."""

from celery import shared_task
from django.utils.dateparse import parse_datetime

from enforcement.audit.context import audit_source

from .delivery import deliver_many, requeue_due_deliveries
from .events import requeue_unsent_notices, send_event_notices
from .sweep import BATCH_SIZE, send_due_reminders


@shared_task(acks_late=True, ignore_result=True)
def send_due_reminders_task(now=None, batch_size=BATCH_SIZE):
    """The periodic sweep (beat, every REMINDER_SWEEP_SECONDS). `now` (ISO 8601) moves the clock, for
    tests and for replaying a period."""
    with audit_source("task"):
        result = send_due_reminders(now=parse_datetime(now) if now else None, batch_size=batch_size)
    return result.as_dict()


@shared_task(acks_late=True, ignore_result=True)
def deliver_notifications_task(delivery_ids):
    with audit_source("task"):
        return {str(pk): status for pk, status in deliver_many(delivery_ids).items()}


@shared_task(acks_late=True, ignore_result=True)
def send_event_notices_task(event_id, topic):
    """The notices of one committed step (events.py), from its audit event's id; run again, it makes none."""
    with audit_source("task"):
        return send_event_notices(event_id, topic)


@shared_task(acks_late=True, ignore_result=True)
def retry_deliveries_task():
    """Beat, every minute: the deliveries due again, and the notices of steps taken while the broker was
    down (their deliveries follow from the notice task)."""
    with audit_source("task"):
        requeue_unsent_notices()
        return requeue_due_deliveries()
