"""Delivering: inbox exactly once, email through Django's backend, the signed webhook, failures kept with
their error and retried with backoff, deliveries of deadlines met in the meantime cancelled."""

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.utils import timezone

from enforcement.notifications.delivery import backoff, deliver, requeue_due_deliveries, webhook_signature
from enforcement.notifications.models import Channel, Delivery, DeliveryStatus, Notification
from enforcement.notifications.sweep import send_due_reminders

from .conftest import end_of, local

pytestmark = pytest.mark.django_db


@pytest.fixture
def warned(make_inspection, people):
    """An inspection whose warning has been made (its deliveries not yet sent)."""
    inspection = make_inspection(
        timezone.now() + timedelta(hours=3), opened_at=timezone.now() - timedelta(days=1)
    )
    send_due_reminders()
    return inspection


def delivery(channel, user=None):
    qs = Delivery.objects.filter(channel=channel)
    return qs.get(user=user) if user else qs.get()


class Gateway:
    """A local SMS gateway: records what it is sent and answers with `status`."""

    def __init__(self):
        self.requests = []
        self.status = 200
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                gateway.requests.append((self.headers, body))
                self.send_response(gateway.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/sms"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway(settings):
    gw = Gateway()
    settings.NOTIFICATIONS_WEBHOOK_URL = gw.url
    settings.NOTIFICATIONS_WEBHOOK_SECRET = "s3cret"
    yield gw
    gw.close()


def test_inbox_delivery_makes_one_notification_however_often_it_runs(warned, people):
    d = delivery(Channel.INBOX)
    assert deliver(d.pk) == DeliveryStatus.SENT
    assert deliver(d.pk) is None
    note = Notification.objects.get()
    assert note.user == people["officer"]
    assert note.level == "warning"
    assert note.url == warned.get_absolute_url()
    assert warned.title in note.title
    d.refresh_from_db()
    assert (d.status, d.attempts, d.sent_at is not None) == ("sent", 1, True)


def test_email_goes_through_djangos_backend(warned, people):
    deliver(delivery(Channel.EMAIL).pk)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [people["officer"].email]
    assert warned.title in message.subject
    assert warned.get_absolute_url() in message.body


def test_the_webhook_is_signed_and_carries_an_idempotency_key(make_inspection, people, gateway):
    make_inspection(timezone.now() + timedelta(hours=3), opened_at=timezone.now() - timedelta(days=1))
    send_due_reminders()
    d = delivery(Channel.WEBHOOK)
    assert deliver(d.pk) == DeliveryStatus.SENT
    headers, body = gateway.requests[0]
    expected = hmac.new(b"s3cret", f"{headers['X-Timestamp']}.".encode() + body, hashlib.sha256).hexdigest()
    assert (
        headers["X-Signature-SHA256"] == expected == webhook_signature("s3cret", headers["X-Timestamp"], body)
    )
    assert headers["X-Delivery-Id"] == str(d.pk)
    payload = json.loads(body)
    assert payload["recipient"]["phone"] == people["officer"].phone
    assert payload["level"] == "warning"
    assert payload["url"].startswith("http")


def test_a_failing_webhook_is_kept_retried_with_backoff_and_finally_left_to_an_admin(
    make_inspection, gateway, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    gateway.status = 503
    make_inspection(timezone.now() + timedelta(hours=3), opened_at=timezone.now() - timedelta(days=1))
    send_due_reminders()
    d = delivery(Channel.WEBHOOK)
    before = timezone.now()
    assert deliver(d.pk) == DeliveryStatus.FAILED
    d.refresh_from_db()
    assert d.status == "failed"
    assert "503" in d.last_error
    assert d.attempts == 1
    assert (
        before + timedelta(seconds=backoff(1))
        <= d.next_attempt_at
        <= timezone.now() + timedelta(seconds=backoff(1))
    )
    assert backoff(1) < backoff(2) < backoff(3)

    # Not yet due: the retry sweep leaves it; once the backoff has passed it is queued (and, eagerly, sent).
    assert requeue_due_deliveries(now=timezone.now()) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_due_deliveries(now=d.next_attempt_at + timedelta(seconds=1)) == 1
    d.refresh_from_db()
    assert (d.status, d.attempts) == ("failed", 2)
    deliver(d.pk)
    d.refresh_from_db()
    assert (d.status, d.attempts, d.next_attempt_at) == ("failed", 3, None)  # gave up: an admin retries
    assert not Delivery.objects.retry_due(timezone.now() + timedelta(days=30)).filter(pk=d.pk).exists()

    gateway.status = 200
    assert deliver(d.pk) == DeliveryStatus.SENT  # a retry by hand goes through
    assert len(gateway.requests) == 4


def test_a_deadline_met_before_sending_cancels_the_delivery(warned):
    warned.status = "visited"
    warned.save()
    d = delivery(Channel.INBOX)
    assert deliver(d.pk) == DeliveryStatus.CANCELLED
    assert Notification.objects.count() == 0


def test_a_lost_message_is_queued_again_after_the_grace_period(
    warned, settings, django_capture_on_commit_callbacks
):
    d = delivery(Channel.INBOX)
    assert requeue_due_deliveries(now=timezone.now()) == 0
    later = timezone.now() + timedelta(seconds=settings.NOTIFICATIONS_PENDING_GRACE_SECONDS + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_due_deliveries(now=later) == 2  # inbox and email
    d.refresh_from_db()
    assert d.status == "sent"  # run eagerly here


def test_a_claimed_delivery_is_not_sent_by_a_second_worker(warned):
    d = delivery(Channel.INBOX)
    Delivery.objects.filter(pk=d.pk).update(locked_until=timezone.now() + timedelta(minutes=5))
    assert deliver(d.pk) is None
    # The lease of a worker killed mid-send runs out, and then the delivery is sent.
    assert deliver(d.pk, now=timezone.now() + timedelta(minutes=6)) == DeliveryStatus.SENT


@pytest.mark.django_db(transaction=True)
def test_deliveries_are_queued_when_the_sweep_commits(make_inspection, people):
    make_inspection(end_of(2026, 11, 16), opened_at=local(2026, 11, 10, 9))
    send_due_reminders(local(2026, 11, 17, 9))  # committed; the eager tasks run on commit
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    assert sorted(Notification.objects.values_list("user__username", flat=True)) == ["leader-a1", "officer-a"]
    assert len(mail.outbox) == 2


def test_a_webhook_without_a_secret_fails_the_system_check(settings):
    from enforcement.notifications.checks import webhook_is_signed

    settings.NOTIFICATIONS_WEBHOOK_URL = "https://sms.example.org/hook"
    settings.NOTIFICATIONS_WEBHOOK_SECRET = ""
    assert [e.id for e in webhook_is_signed(None)] == ["notifications.E001"]
    settings.NOTIFICATIONS_WEBHOOK_SECRET = "s3cret"
    assert webhook_is_signed(None) == []
