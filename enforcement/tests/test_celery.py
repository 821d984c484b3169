"""Queues (CELERY_TASK_ROUTES): the PDFs of issued documents go to "heavy", so a burst of them never delays
the reminder sweeps on the default queue."""

import pytest

from enforcement.celery import app


def queue_of(task_name):
    return app.amqp.router.route({}, task_name)["queue"].name


def test_document_rendering_goes_to_the_heavy_queue():
    import enforcement.documents.tasks  # noqa: F401  (registered as the worker registers it)

    assert queue_of("enforcement.documents.tasks.render_document_pdf_task") == "heavy"


@pytest.mark.parametrize(
    "task_name",
    [
        "enforcement.notifications.tasks.send_due_reminders_task",
        "enforcement.notifications.tasks.retry_deliveries_task",
        "enforcement.files.tasks.purge_pending_uploads_task",
    ],
)
def test_reminders_and_housekeeping_stay_on_the_default_queue(task_name):
    assert queue_of(task_name) == "celery"


def test_every_scheduled_task_exists_and_none_is_heavy():
    app.loader.import_default_modules()
    for entry in app.conf.beat_schedule.values():
        assert entry["task"] in app.tasks
        assert queue_of(entry["task"]) == "celery"
