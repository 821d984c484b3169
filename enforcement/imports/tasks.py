"""The history import on Celery's "heavy" queue (settings CELERY_TASK_ROUTES), and the sweep that queues again
a job whose message was lost."""

from celery import shared_task
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.audit.context import audit_source

from .models import ImportJob, ImportStatus
from .services import claim, requeue_waiting, run_import


@shared_task(acks_late=True, ignore_result=True)
def run_import_task(job_id):
    """Runs a pending job once: a second delivery finds it claimed and returns."""
    job = claim(job_id)
    if job is None:
        return None
    try:
        with audit_source("task"):
            return run_import(job).status
    except Exception:
        # The batches written stay (a re-import skips them); the job must not look as if it still ran.
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportStatus.FAILED,
            message=_("The import stopped on an unexpected error; the lines saved before it stay imported."),
            finished_at=timezone.now(),
        )
        raise


@shared_task(acks_late=True, ignore_result=True)
def requeue_waiting_imports_task():
    """Beat, every few minutes: the jobs whose message never reached the broker (services.requeue_waiting)."""
    return requeue_waiting()
