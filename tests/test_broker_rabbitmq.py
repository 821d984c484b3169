"""The broker is a setting (issue 15): CELERY_BROKER_URL names any broker kombu speaks. Tried here against the
machine's RabbitMQ (127.0.0.1:5672, guest/guest; RABBITMQ_URL names another): a real worker on it renders an
issued document's PDF from the "heavy" queue, and readiness checks it. Skipped where no RabbitMQ answers."""

import json
import os
import socket
from urllib.parse import urlsplit

import pytest
from django.test import Client
from kombu import Connection

from complaints.choices import ComplaintStatus
from complaints.tests.factories import ComplaintFactory
from enforcement.celery import app
from enforcement.documents.models import Document
from enforcement.documents.services import issue_document
from tests.test_reminders_worker import Worker, wait_for

RABBITMQ_URL = os.environ.get("RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//")
TASK = "enforcement.documents.tasks.render_document_pdf_task"


def rabbitmq_answers():
    parts = urlsplit(RABBITMQ_URL)
    try:
        with socket.create_connection((parts.hostname, parts.port or 5672), timeout=1):
            return True
    except OSError:
        return False


pytestmark = [
    pytest.mark.skipif(not rabbitmq_answers(), reason=f"no RabbitMQ answers at {RABBITMQ_URL}"),
]


@pytest.mark.django_db
def test_readiness_checks_a_rabbitmq_broker(settings):
    settings.CELERY_BROKER_URL = RABBITMQ_URL
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    assert json.loads(Client().get("/health/ready/").content)["broker"] == "ok"
    settings.CELERY_BROKER_URL = "amqp://guest:wrong-password@127.0.0.1:5672//"
    response = Client().get("/health/ready/")
    assert response.status_code == 503 and json.loads(response.content)["broker"].startswith("error")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_on_rabbitmq_renders_a_document(settings, tmp_path, district_a, intake_a):
    # Issued without a PDF (its rendering queued on this run's own broker, which nobody reads here); the
    # rendering is then sent through RabbitMQ to the worker that listens there.
    settings.DOCUMENTS_RENDER_ASYNC = True
    complaint = ComplaintFactory(unit=district_a, status=ComplaintStatus.REJECTED, reject_reason="重复投诉")
    document = issue_document(complaint, "refusal_notice", by=intake_a)
    assert not Document.objects.get(pk=document.pk).pdf_sha256
    worker = Worker(
        "rabbit",
        tmp_path,
        broker=str(tmp_path / "unused-folder"),
        env={"CELERY_BROKER_URL": RABBITMQ_URL},
        queues=("heavy",),
    )
    try:
        with Connection(RABBITMQ_URL) as connection:
            app.send_task(TASK, args=[document.pk], connection=connection, queue="heavy")
        wait_for(
            lambda: Document.objects.filter(pk=document.pk).exclude(pdf_sha256="").exists(),
            "the worker on RabbitMQ to render the PDF",
            timeout=60,
        )
        assert "amqp://" in worker.log() and f"{TASK}[" in worker.log(), worker.log()
    finally:
        worker.stop()
