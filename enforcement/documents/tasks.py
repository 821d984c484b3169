"""Celery tasks of the documents app."""

from celery import shared_task

from .services import ensure_pdf


@shared_task(acks_late=True, ignore_result=True)
def render_document_pdf_task(document_id):
    """The PDF of an issued document, from its frozen HTML (services.schedule_pdf). Re-running is harmless:
    a document that has its PDF keeps it."""
    ensure_pdf(document_id)
