"""The broker down when work is queued (enforcement.celery.send): what the user saved stays saved and answers
as usual, the work not queued is picked up later by what each caller names, and a request that only
queues says so in words (the API 503, the report page's message). The Celery app is pointed at a Redis
port where nothing listens, so the publish fails as it does in production (kombu's OperationalError, after
Celery's retries)."""

import datetime
import socket

import pytest
from django.urls import reverse
from django.utils import timezone

from enforcement.audit.models import AuditEvent
from enforcement.celery import app, send, send_all
from enforcement.imports import services as imports
from enforcement.imports.models import ImportJob, ImportStatus
from enforcement.imports.tasks import requeue_waiting_imports_task, run_import_task
from enforcement.imports.tests.conftest import csv_bytes, line, upload
from enforcement.notifications.events import STEP, requeue_unsent_notices
from enforcement.notifications.models import EventNotice, UnsentEventNotice
from enforcement.notifications.tasks import retry_deliveries_task, send_event_notices_task
from tests.testapp.models import Permit, PermitStatus
from tests.testapp.workflow import WORKFLOW

RECOMPUTE = "/api/v1/stats/recompute/"


def unused_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def point_broker_at(monkeypatch, url, options):
    monkeypatch.setitem(app.conf, "broker_url", url)
    monkeypatch.setitem(app.conf, "broker_transport_options", options)
    # The app keeps its connections and producers: new ones for the new URL (and again after the test).
    app._pool = app.amqp._producer_pool = None


@pytest.fixture
def broker_back(monkeypatch):
    """Down for the test; calling it brings the test settings' broker back (and so does the teardown)."""
    url, options = app.conf.broker_url, app.conf.broker_transport_options
    point_broker_at(monkeypatch, f"redis://127.0.0.1:{unused_port()}/0", {})
    back = lambda: point_broker_at(monkeypatch, url, options)  # noqa: E731
    yield back
    back()


@pytest.fixture
def broker_down(broker_back):
    return None


@pytest.fixture
def statistician_a(make_user, district_a):
    return make_user("statistician", unit=district_a, username="stat-a")


def test_send_answers_false_and_logs(broker_down, caplog):
    assert send(requeue_waiting_imports_task) is False
    (record,) = [r for r in caplog.records if r.name == "enforcement.celery"]
    assert "requeue_waiting_imports_task not queued" in record.getMessage() and record.exc_info


def test_send_all_stops_at_the_first_refusal(broker_down, caplog):
    assert send_all(requeue_waiting_imports_task, [(), (), ()]) == 0
    assert len([r for r in caplog.records if r.name == "enforcement.celery"]) == 1  # tried once, not thrice


def test_send_answers_true_when_the_broker_takes_it(db):
    assert send(requeue_waiting_imports_task) is True


def test_an_import_started_meanwhile_is_kept_and_queued_again(db, broker_down, monkeypatch, statistician_a):
    from enforcement.catalog.tests.factories import ViolationCategoryFactory

    ViolationCategoryFactory(code="ZDJY", name="占道经营", name_en="Street vending")
    job = imports.start_import(kind="complaints", upload=upload(csv_bytes([line("H-1")])), by=statistician_a)
    job.refresh_from_db()
    assert job.status == ImportStatus.PENDING  # saved with its file; its message was lost
    later = timezone.now() + imports.REQUEUE_AFTER + datetime.timedelta(seconds=1)
    assert imports.requeue_waiting(now=later) == 0  # the broker still down: nothing queued, the job waits
    sent = []
    monkeypatch.setattr(run_import_task, "delay", lambda *args: sent.append(args))
    assert imports.requeue_waiting() == 0  # started a moment ago: perhaps still queued
    assert imports.requeue_waiting(now=later) == 1 and sent == [(job.pk,)]
    # A second message for a job a worker took finds it claimed.
    run_import_task(job.pk)
    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.DONE
    assert run_import_task(job.pk) is None
    assert imports.requeue_waiting(now=later) == 0


def test_the_api_recompute_answers_503_in_words(db, broker_down, api_as, statistician_a):
    response = api_as(statistician_a).post(RECOMPUTE, {"from": "2026-01", "to": "2026-03"}, format="json")
    assert response.status_code == 503
    assert response.json() == {
        "detail": "The task queue is not answering, so nothing was queued; try again in a few minutes."
    }


def test_the_report_page_says_nothing_was_recomputed(db, broker_down, client, statistician_a, district_a):
    client.force_login(statistician_a)
    fields = {"unit": district_a.pk, "from": "2024-01", "to": "2025-02"}  # more than a year: for the worker
    page = client.post(reverse("stats:recompute"), fields, follow=True)
    assert page.status_code == 200
    text = page.content.decode()
    assert "were not recomputed: the task queue is not answering" in text, text[:3000]


def test_a_steps_notices_are_kept_and_queued_once_the_broker_answers(
    db, broker_back, monkeypatch, make_user, squad_a, django_capture_on_commit_callbacks
):
    officer = make_user("officer", unit=squad_a, username="officer-a")
    leader = make_user("squad_leader", unit=squad_a, username="leader-a1")
    permit = Permit.objects.create(
        title="户外广告许可", unit=squad_a, handler=officer, status=PermitStatus.SUBMITTED
    )
    with django_capture_on_commit_callbacks(execute=True):
        WORKFLOW.perform("approve", permit, by=leader, note="材料齐全")
    permit.refresh_from_db()
    assert permit.status == PermitStatus.APPROVED  # the step stands
    [kept] = UnsentEventNotice.objects.all()
    assert (kept.event, kept.topic) == (AuditEvent.objects.get(verb="approve"), STEP)
    assert requeue_unsent_notices() == 0 and UnsentEventNotice.objects.count() == 1  # still down: kept

    broker_back()
    sent = []
    monkeypatch.setattr(send_event_notices_task, "delay", lambda *args: sent.append(args))
    retry_deliveries_task()  # the retry sweep, beat's every minute
    assert sent == [(kept.event_id, STEP)] and not UnsentEventNotice.objects.exists()
    send_event_notices_task(*sent[0])  # what the worker does with it
    [notice] = EventNotice.objects.all()
    assert (notice.user, notice.action) == (officer, "approve")
