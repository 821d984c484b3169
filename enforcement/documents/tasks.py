"""Celery tasks of the documents app, and the warm-up of a worker that renders them: each process of a
worker consuming the queue of the PDFs renders a line of the paper's fonts as it starts, so the first
document it renders is as quick as the next (settings.DOCUMENTS_PDF_WARM_UP; off for a worker that never
renders, e.g. `-Q celery` only)."""

import logging
import time

from celery import current_app, shared_task
from celery.signals import worker_process_init
from django.conf import settings

from .services import ensure_pdf

logger = logging.getLogger(__name__)


def renders_pdfs(queues):
    """Whether a worker consuming `queues` (names) is sent the PDFs."""
    route = settings.CELERY_TASK_ROUTES.get("enforcement.documents.tasks.*", {})
    return route.get("queue", getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery")) in queues


@worker_process_init.connect
def _warm_up(**kwargs):
    """Before the process takes its first task (Celery waits CELERY_WORKER_PROC_ALIVE_TIMEOUT for it)."""
    # The worker's queues (its -Q, set before its processes start), else every queue declared.
    queues = current_app.amqp.queues
    if not settings.DOCUMENTS_PDF_WARM_UP or not renders_pdfs(set(queues.consume_from or queues)):
        return
    from .rendering import warm_up

    started = time.monotonic()
    try:
        warm_up()
    except Exception:  # a warm-up that fails leaves the first document to pay, nothing worse
        logger.warning("the PDF warm-up failed", exc_info=True)
        return
    logger.info("PDF rendering warmed up in %.2f s", time.monotonic() - started)


@shared_task(acks_late=True, ignore_result=True)
def render_document_pdf_task(document_id):
    """The PDF of an issued document, from its frozen HTML (services.schedule_pdf). Re-running is harmless:
    a document that has its PDF keeps it."""
    ensure_pdf(document_id)
