"""Sending one `Delivery` of a reminder or an event notice: claim it, check a reminder's deadline is still
to be met, send over its channel, record the outcome. Failures are kept with their error and retried with
exponential backoff; after `NOTIFICATIONS_MAX_ATTEMPTS` they wait for an administrator (the
failed-deliveries page) — never silent.

Claiming is one conditional UPDATE (status pending/failed and no live lease), so two workers handed the
same delivery send it once. The inbox writes its `Notification` in the same transaction that marks the
delivery sent: exactly once. Email and webhook can only be at-least-once: a worker killed between the
send and the commit leaves a lease that expires and the delivery is tried again; the webhook carries the
delivery id as an idempotency key (`X-Delivery-Id`) for the gateway."""

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from . import registry
from .models import (
    RETRYABLE_STATUSES,
    Channel,
    Delivery,
    DeliveryStatus,
    EventNotice,
    Notification,
    ReminderLevel,
)

logger = logging.getLogger(__name__)

CHUNK = 100  # deliveries per task message
LEASE = timedelta(minutes=5)
EXTERNAL_GROUP = 10  # emails and webhook calls claimed at a time


def backoff(attempts):
    """Seconds to wait after the `attempts`-th failed try: 1, 2, 4, … minutes, at most 6 hours."""
    base = settings.NOTIFICATIONS_RETRY_BASE_SECONDS
    return min(base * 2 ** max(attempts - 1, 0), 6 * 3600)


def enqueue_deliveries(delivery_ids):
    """In messages of CHUNK; with the broker down the pending ones wait for the retry sweep (requeue_at)."""
    from enforcement.celery import send_all

    from .tasks import deliver_notifications_task

    ids = list(delivery_ids)
    send_all(
        deliver_notifications_task, [(ids[start : start + CHUNK],) for start in range(0, len(ids), CHUNK)]
    )


# --- the message --------------------------------------------------------------------------------------
def kind_label(slug):
    try:
        return str(registry.get(slug).label)
    except KeyError:
        return slug


def reminder_text(reminder):
    """One sentence saying what is due, in the active language and the pages' date format."""
    due = formats.date_format(timezone.localtime(reminder.due_at), "SHORT_DATETIME_FORMAT")
    values = {"kind": kind_label(reminder.kind), "record": reminder.title, "due": due}
    if reminder.level == ReminderLevel.WARNING:
        return _("%(kind)s for %(record)s is due by %(due)s.") % values
    if reminder.level == ReminderLevel.OVERDUE:
        return _("%(kind)s for %(record)s was due by %(due)s and is overdue.") % values
    return _("%(kind)s for %(record)s was due by %(due)s and is still overdue: escalated to you.") % values


def text_of(about):
    """What a reminder or an event notice says, in the active language."""
    return about.text() if isinstance(about, EventNotice) else reminder_text(about)


def absolute_url(path):
    return f"{settings.SITE_URL.rstrip('/')}{path}" if path else settings.SITE_URL


# --- the channels -------------------------------------------------------------------------------------
def inbox_notification(delivery):
    if delivery.notice_id is not None:
        notice = delivery.notice
        return Notification(
            user_id=delivery.user_id,
            delivery=delivery,
            notice=notice,
            level=notice.level,
            title=notice.title,
            body=notice.text(),
            url=notice.url,
        )
    reminder = delivery.reminder
    return Notification(
        user_id=delivery.user_id,
        delivery=delivery,
        reminder=reminder,
        level=reminder.level,
        title=reminder.title,
        body=reminder_text(reminder),
        url=reminder.url,
    )


def send_email(delivery):
    about = delivery.about
    subject = f"[{about.get_level_display()}] {about.title}"
    body = f"{text_of(about)}\n\n{absolute_url(about.url)}\n"
    send_mail(subject, body, None, [delivery.user.email], fail_silently=False)


def webhook_signature(secret, timestamp, body):
    """HMAC-SHA256 over "<timestamp>.<body>", hex: the gateway recomputes it with the shared secret."""
    message = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def send_webhook(delivery):
    about, user = delivery.about, delivery.user
    if delivery.notice_id is not None:
        what = {
            "event": "notice",
            "delivery_id": delivery.pk,
            "level": about.level,
            "action": about.action,
            "reason": about.reason,
        }
    else:
        what = {
            "event": "reminder",
            "delivery_id": delivery.pk,
            "level": about.level,
            "kind": about.kind,
            "due_at": about.due_at.isoformat(),
        }
    payload = {
        **what,
        "record": about.title,
        "url": absolute_url(about.url),
        "recipient": {"id": user.pk, "username": user.username, "name": str(user), "phone": user.phone},
        "text": text_of(about),
    }
    body = json.dumps(payload, ensure_ascii=False).encode()
    timestamp = str(int(time.time()))
    request = urllib.request.Request(
        settings.NOTIFICATIONS_WEBHOOK_URL,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "X-Delivery-Id": str(delivery.pk),
            "X-Timestamp": timestamp,
            "X-Signature-SHA256": webhook_signature(settings.NOTIFICATIONS_WEBHOOK_SECRET, timestamp, body),
        },
    )
    # urlopen raises HTTPError for any status outside 2xx (a failed delivery, retried); the response is
    # only closed.
    with urllib.request.urlopen(request, timeout=settings.NOTIFICATIONS_WEBHOOK_TIMEOUT):  # noqa: S310
        pass


SENDERS = {Channel.EMAIL: send_email, Channel.WEBHOOK: send_webhook}  # the inbox is written in bulk


# --- delivering -----------------------------------------------------------------------------------------
def _lease_free(now):
    """Deliveries no worker holds: never claimed, or the claim's lease has run out (its worker died)."""
    return Q(locked_until__isnull=True) | Q(locked_until__lt=now)


def claim(delivery_ids, now, lease=LEASE):
    """Takes the deliveries still to send that no other worker holds; returns them, with their reminder and
    user. One UPDATE: of two workers handed the same ids, each delivery goes to exactly one."""
    if not delivery_ids:
        return []
    token = uuid.uuid4()
    claimed = Delivery.objects.filter(
        _lease_free(now), pk__in=delivery_ids, status__in=RETRYABLE_STATUSES
    ).update(locked_until=now + lease, claim_token=token, attempts=F("attempts") + 1)
    if not claimed:
        return []
    return list(Delivery.objects.filter(claim_token=token).select_related("reminder", "user"))


def deliver_many(delivery_ids, *, now=None):
    """Sends the given deliveries, skipping those sent, cancelled or being sent by another worker.
    Returns {id: final status} for the ones this call handled. The inbox ones are claimed and written
    together; email and webhook in groups of EXTERNAL_GROUP, each group claimed just before it goes for
    long enough that even servers answering at their timeout cannot outlast the lease."""
    clock = (lambda: now) if now else timezone.now
    channels = dict(
        Delivery.objects.filter(pk__in=delivery_ids, status__in=RETRYABLE_STATUSES).values_list(
            "pk", "channel"
        )
    )
    outcome = _deliver_claimed(claim([pk for pk, ch in channels.items() if ch == Channel.INBOX], clock()))
    external = sorted(pk for pk, ch in channels.items() if ch != Channel.INBOX)
    per_message = timedelta(seconds=max(settings.NOTIFICATIONS_WEBHOOK_TIMEOUT, settings.EMAIL_TIMEOUT or 60))
    for start in range(0, len(external), EXTERNAL_GROUP):
        group = external[start : start + EXTERNAL_GROUP]
        outcome.update(_deliver_claimed(claim(group, clock(), lease=LEASE + len(group) * per_message)))
    return outcome


def _deliver_claimed(deliveries):
    if not deliveries:
        return {}
    outcome = {}

    _load_notices(deliveries)
    # Met or moved since the reminder was made (or the user left): nothing to tell any more. An event
    # happened, whatever came after it.
    live = _live_reminder_ids({d.reminder for d in deliveries if d.reminder_id is not None})
    cancelled = [
        d
        for d in deliveries
        if (d.reminder_id is not None and d.reminder_id not in live) or not d.user.is_active
    ]
    if cancelled:
        _finish([d.pk for d in cancelled], status=DeliveryStatus.CANCELLED)
        outcome.update({d.pk: DeliveryStatus.CANCELLED for d in cancelled})
    deliveries = [d for d in deliveries if d.pk not in outcome]

    with translation.override(settings.LANGUAGE_CODE):
        inbox = [d for d in deliveries if d.channel == Channel.INBOX]
        if inbox:
            # The notifications and "sent" commit together: exactly once.
            with transaction.atomic():
                Notification.objects.bulk_create(
                    [inbox_notification(d) for d in inbox], ignore_conflicts=True
                )
                _finish([d.pk for d in inbox], status=DeliveryStatus.SENT, sent_at=timezone.now())
            outcome.update({d.pk: DeliveryStatus.SENT for d in inbox})
        for delivery in deliveries:
            if delivery.channel != Channel.INBOX:
                outcome[delivery.pk] = _send_one(delivery)
    return outcome


def deliver(delivery_id, *, now=None):
    """Sends one delivery; its final status, or None when there was nothing to do."""
    return deliver_many([delivery_id], now=now).get(delivery_id)


def _load_notices(deliveries):
    """The event notices of the claimed deliveries with their units (what their words name), in one query
    and only when there are any: a batch of reminders is claimed and sent as before."""
    ids = {d.notice_id for d in deliveries if d.notice_id is not None}
    if ids:
        notices = EventNotice.objects.select_related("unit").in_bulk(ids)
        for d in deliveries:
            if d.notice_id is not None:
                d.notice = notices[d.notice_id]


def _live_reminder_ids(reminders):
    """The reminders whose deadline is still to be met: the record is in a live state with the same due
    moment. One query per deadline kind."""
    live = set()
    by_kind = {}
    for reminder in reminders:
        by_kind.setdefault(reminder.kind, []).append(reminder)
    for slug, group in by_kind.items():
        try:
            kind = registry.get(slug)
        except KeyError:  # a kind no longer registered: send what was decided then
            live.update(r.pk for r in group)
            continue
        current = set(
            kind.live_queryset().filter(pk__in=[r.object_id for r in group]).values_list("pk", kind.due_field)
        )
        live.update(r.pk for r in group if (r.object_id, r.due_at) in current)
    return live


def _send_one(delivery):
    """Email or webhook: network I/O outside any transaction, so no database lock waits on a slow server."""
    try:
        SENDERS[delivery.channel](delivery)
    except Exception as exc:  # noqa: BLE001 — any failure is recorded on the row and retried
        attempts = delivery.attempts  # counted by the claim
        gave_up = attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS
        next_at = None if gave_up else timezone.now() + timedelta(seconds=backoff(attempts))
        logger.warning(
            "Delivery %s (%s) failed on attempt %s: %s", delivery.pk, delivery.channel, attempts, exc
        )
        _finish(
            [delivery.pk],
            status=DeliveryStatus.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            next_attempt_at=next_at,
        )
        return DeliveryStatus.FAILED
    _finish([delivery.pk], status=DeliveryStatus.SENT, sent_at=timezone.now())
    return DeliveryStatus.SENT


def _finish(delivery_ids, *, status, error="", sent_at=None, next_attempt_at=None):
    Delivery.objects.filter(pk__in=delivery_ids).update(
        status=status,
        last_error=error,
        sent_at=sent_at,
        next_attempt_at=next_attempt_at,
        locked_until=None,
        claim_token=None,
        updated_at=timezone.now(),
    )


# --- the retry sweep --------------------------------------------------------------------------------------
RETRY_BATCH = 5000


def requeue_at(now):
    """When a pending delivery counts as lost (its task never ran) and the retry sweep sends it again."""
    return now + timedelta(seconds=settings.NOTIFICATIONS_PENDING_GRACE_SECONDS)


def requeue_due_deliveries(now=None):
    """Enqueue deliveries whose next try is due: failed ones after their backoff, pending ones whose task
    was lost (a broker outage, a killed worker). Returns how many."""
    now = now or timezone.now()
    ids = list(
        Delivery.objects.retry_due(now)
        .filter(_lease_free(now))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:RETRY_BATCH]
    )
    if not ids:
        return 0
    with transaction.atomic():
        # If this message is lost too, the next retry sweep after the grace period tries again.
        Delivery.objects.filter(pk__in=ids).update(next_attempt_at=requeue_at(now))
        transaction.on_commit(lambda: enqueue_deliveries(ids), robust=True)
    return len(ids)
