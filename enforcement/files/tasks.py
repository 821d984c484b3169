"""Celery tasks of the files app."""

from celery import shared_task

from .services import purge_expired_pending_uploads


@shared_task(acks_late=True, ignore_result=True)
def purge_pending_uploads_task():
    """Hourly (beat): files a failed form kept and nobody came back for. Re-running is harmless."""
    return purge_expired_pending_uploads()
