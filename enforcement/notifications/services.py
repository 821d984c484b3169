"""What users and administrators do with notifications: read them, choose channels, set the reminder
periods per deadline kind, retry failed deliveries. The sweep is in sweep.py, sending in delivery.py."""

from django.db import transaction
from django.utils import timezone

from enforcement.audit.services import record_create, record_transition, record_update, snapshot

from . import registry
from .delivery import enqueue_deliveries, requeue_at
from .models import Delivery, DeliveryStatus, Notification, NotificationPreference, ReminderSetting
from .recipients import OPTIONAL_LEVELS


# --- the inbox ----------------------------------------------------------------------------------------
def inbox_for(user):
    return Notification.objects.filter(user=user)


def unread_count(user):
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(user, notification_ids):
    """Marks the user's own notifications read (others' ids are ignored); returns how many changed."""
    return Notification.objects.filter(user=user, pk__in=notification_ids, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def mark_all_read(user):
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


# --- preferences --------------------------------------------------------------------------------------
def preferences_of(user):
    """{(channel, level): enabled} for the levels a user may switch off; missing means on."""
    return {(p.channel, p.level): p.enabled for p in NotificationPreference.objects.filter(user=user)}


def set_preferences(user, choices):
    """`choices`: {(channel, level): enabled}. Escalations cannot be switched off: such keys are refused."""
    for (_channel, level), _enabled in choices.items():
        if level not in OPTIONAL_LEVELS:
            raise ValueError(f"Reminders of level {level!r} cannot be switched off.")
    with transaction.atomic():
        for (channel, level), enabled in choices.items():
            NotificationPreference.objects.update_or_create(
                user=user, channel=channel, level=level, defaults={"enabled": bool(enabled)}
            )


# --- reminder settings per deadline kind ----------------------------------------------------------------
def setting_for(kind):
    """The saved setting of a kind, or an unsaved one holding the kind's defaults."""
    existing = ReminderSetting.objects.filter(kind=kind.slug).first()
    if existing is not None:
        return existing
    defaults = kind.defaults()
    return ReminderSetting(kind=kind.slug, **defaults)


def save_setting(setting, *, by, expected_version=None):
    """Creates or updates (optimistic: a stale `expected_version` raises StaleEdit), audited."""
    registry.get(setting.kind)  # only registered kinds have settings
    setting.full_clean()
    setting.updated_by = by
    with transaction.atomic():
        if setting.pk is None:
            setting.save()
            record_create(setting, actor=by)
        else:
            before = snapshot(ReminderSetting.objects.get(pk=setting.pk))
            setting.save_versioned(expected_version=expected_version)
            record_update(setting, before, actor=by)
    return setting


# --- failed deliveries ----------------------------------------------------------------------------------
def retry_deliveries(deliveries, *, by):
    """An administrator's retry: the failed deliveries go back to pending and are sent at once."""
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            Delivery.objects.select_for_update().filter(
                pk__in=[d.pk for d in deliveries], status=DeliveryStatus.FAILED
            )
        )
        ids = [d.pk for d in rows]
        Delivery.objects.filter(pk__in=ids).update(
            status=DeliveryStatus.PENDING, next_attempt_at=requeue_at(now), locked_until=None, updated_at=now
        )
        for delivery in rows:
            record_transition(delivery, "retry", DeliveryStatus.FAILED, DeliveryStatus.PENDING, actor=by)
        transaction.on_commit(lambda: enqueue_deliveries(ids), robust=True)
    return len(ids)
