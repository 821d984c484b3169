"""Reminder bookkeeping (PRODUCT §8): a `Reminder` per (record, deadline kind, deadline moment, level),
an `EventNotice` per (audit event, user) for what happened to a record (events.py), a `Delivery` per
(reminder or notice, user, channel) with its own status, the in-app `Notification`, each user's
`NotificationPreference`s and the admins' `ReminderSetting` per deadline kind.

Uniqueness is what makes reminders and notices "exactly once": the sweep and the notice task insert with
ON CONFLICT DO NOTHING, so any number of runs — retried, late, or running in two workers at once — leave
one row per key, and only the run that inserted a row makes its deliveries."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcement.org.models import ScopedQuerySet
from enforcement.versioning import VersionedModel


class ReminderLevel(models.TextChoices):
    WARNING = "warning", _("Deadline approaching")
    OVERDUE = "overdue", _("Overdue")
    ESCALATED = "escalated", _("Escalated")


class NotificationLevel(models.TextChoices):
    """What a notification is about, for the inbox and for the preferences: the reminders' levels, and
    events on a user's records (an event notice)."""

    WARNING = ReminderLevel.WARNING.value, ReminderLevel.WARNING.label
    OVERDUE = ReminderLevel.OVERDUE.value, ReminderLevel.OVERDUE.label
    ESCALATED = ReminderLevel.ESCALATED.value, ReminderLevel.ESCALATED.label
    EVENTS = "events", _("Events on your records")


class Channel(models.TextChoices):
    INBOX = "inbox", _("In-app inbox")
    EMAIL = "email", _("Email")
    WEBHOOK = "webhook", _("SMS gateway (webhook)")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    # The deadline was met (or moved) before the message went out: nothing left to say.
    CANCELLED = "cancelled", _("Cancelled")


RETRYABLE_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)


class ReminderQuerySet(ScopedQuerySet):
    scope_field = "unit"


class Reminder(models.Model):
    """One reminder about one deadline of one record. `title` and `url` are copied from the record when
    the reminder is made, so inboxes and admin pages render without loading the records."""

    kind = models.CharField(_("deadline kind"), max_length=64)
    # Found by the unique key below; the foreign keys need no indexes of their own (fewer to keep up to date
    # when a sweep inserts thousands of rows).
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+", db_index=False)
    object_id = models.PositiveBigIntegerField()
    due_at = models.DateTimeField(_("deadline"))
    level = models.CharField(_("level"), max_length=16, choices=ReminderLevel.choices)
    unit = models.ForeignKey(
        "org.OrgUnit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    title = models.CharField(_("record"), max_length=255)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = ReminderQuerySet.as_manager()

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-created_at", "-id"]
        constraints = [
            # PRODUCT §8: each reminder (object, deadline, level) exists — and is sent — once. Kind and
            # level lead, so the sweep's anti-join reads one kind and level's range of the index.
            models.UniqueConstraint(
                fields=["kind", "level", "object_id", "due_at", "content_type"],
                name="reminder_once_per_deadline",
            ),
        ]

    def __str__(self):
        return f"{self.get_level_display()}: {self.title}"


class NoticeReason(models.TextChoices):
    """Why a user hears of an event; the notice's words follow from it (events.notice_text)."""

    HOLDER = "holder", _("The record is theirs")
    UNIT = "unit", _("The record is their unit's")
    DECIDER = "decider", _("An approval waits for them")
    REQUESTER = "requester", _("Their request was decided")


class EventNoticeQuerySet(ScopedQuerySet):
    scope_field = "unit"


class EventNotice(models.Model):
    """One event told to one user (events.py): a workflow step on a record they or their unit hold, an
    approval waiting for their decision, the decision on their request. Keyed by the event's audit event
    and the user, so the notice task run twice — a retried signal, a redelivered message — makes no second
    notice. Delivered like a reminder, by `Delivery` rows (one per channel): the same retries, preferences
    (level "events") and failed-deliveries page. It keeps what the words are made of, not the words: each
    reader sees it in their own language (`text`)."""

    # The unique key (event, user) serves lookups by event; audit events are never deleted and users are
    # deactivated, not deleted.
    event = models.ForeignKey("audit.AuditEvent", on_delete=models.PROTECT, related_name="+", db_index=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    reason = models.CharField(_("reason"), max_length=16, choices=NoticeReason.choices)
    # The step's slug (reasons holder and unit) or the approval kind's slug (decider and requester).
    action = models.CharField(_("event"), max_length=64)
    # The record the event is about; for an approval, the record the approval is about.
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+", db_index=False)
    object_id = models.PositiveBigIntegerField()
    unit = models.ForeignKey(
        "org.OrgUnit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    title = models.CharField(_("record"), max_length=255)
    url = models.CharField(max_length=500, blank=True)
    # What the words are made of besides the record and its unit: who acted, their note or reason, an
    # approval's decision.
    params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = EventNoticeQuerySet.as_manager()

    level = NotificationLevel.EVENTS  # what the preferences, badges and subjects call it

    class Meta:
        verbose_name = _("event notice")
        verbose_name_plural = _("event notices")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="event_notice_once"),
        ]

    def __str__(self):
        return f"{self.get_level_display()}: {self.title}"

    def get_level_display(self):
        return NotificationLevel.EVENTS.label

    def text(self):
        """The notice in the active language."""
        from .events import notice_text

        return notice_text(self)


class UnsentEventNotice(models.Model):
    """The notices of a step whose task could not be queued when the step committed (the broker down):
    kept here so the retry sweep queues them again (events.requeue_unsent_notices) and deletes the row once
    the broker took it. The task makes no notice twice, so a row queued twice costs nothing."""

    event = models.ForeignKey("audit.AuditEvent", on_delete=models.PROTECT, related_name="+", db_index=False)
    topic = models.CharField(max_length=32)  # events.STEP, APPROVAL_REQUESTED, APPROVAL_DECIDED
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("event notice not yet queued")
        verbose_name_plural = _("event notices not yet queued")
        constraints = [
            models.UniqueConstraint(fields=["event", "topic"], name="unsent_event_notice_once"),
        ]

    def __str__(self):
        return f"{self.topic} {self.event_id}"


class DeliveryQuerySet(ScopedQuerySet):
    scope_field = "reminder__unit"

    def visible_to(self, user):
        """The scoping rule through the unit of what is delivered: a reminder's or an event notice's."""
        if user is None or not user.is_authenticated or not user.is_active or user.sees_all_units:
            return super().visible_to(user)
        units = user.scope_unit_ids
        return self.filter(Q(reminder__unit__in=units) | Q(notice__unit__in=units))

    def retry_due(self, now):
        return self.filter(status__in=RETRYABLE_STATUSES, next_attempt_at__lte=now)


class Delivery(models.Model):
    """One reminder or one event notice to one user over one channel. `attempts` counts tries; a failed
    delivery keeps its error and the time of its next try (None once it gave up: then only an admin's retry
    sends it)."""

    # The unique key (reminder, user, channel) serves lookups by reminder; users are deactivated, not
    # deleted. No separate indexes, so the sweep's inserts stay cheap.
    reminder = models.ForeignKey(
        Reminder, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries", db_index=False
    )
    # Or the event notice it sends (exactly one of the two); served by `delivery_once_per_notice`.
    notice = models.ForeignKey(
        EventNotice,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliveries",
        db_index=False,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    # A worker claims a delivery until this moment; a worker killed mid-send leaves a lease that expires.
    locked_until = models.DateTimeField(null=True, blank=True)
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["reminder", "user", "channel"], name="delivery_once_per_channel"),
            # Partial: the sweep's reminder deliveries are not in it (their inserts keep one unique index).
            models.UniqueConstraint(
                fields=["notice", "channel"],
                name="delivery_once_per_notice",
                condition=Q(notice__isnull=False),
            ),
            models.CheckConstraint(
                condition=(
                    Q(reminder__isnull=False, notice__isnull=True)
                    | Q(reminder__isnull=True, notice__isnull=False)
                ),
                name="delivery_of_reminder_or_notice",
            ),
        ]
        indexes = [
            # The retry sweep and the failed-deliveries page read only unfinished rows.
            models.Index(
                fields=["next_attempt_at"],
                name="delivery_retry_due",
                condition=Q(status__in=RETRYABLE_STATUSES),
            ),
            models.Index(fields=["-updated_at"], name="delivery_failed_recent", condition=Q(status="failed")),
            models.Index(
                fields=["claim_token"], name="delivery_claimed", condition=Q(claim_token__isnull=False)
            ),
        ]

    def __str__(self):
        return f"{self.about} → {self.user} ({self.get_channel_display()})"

    @property
    def about(self):
        """What this delivery says: its reminder or its event notice."""
        return self.reminder if self.reminder_id is not None else self.notice


class Notification(models.Model):
    """An item in a user's in-app inbox. Made by an inbox delivery (at most one per delivery), of a reminder
    or of an event notice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("user"),
    )
    delivery = models.OneToOneField(
        Delivery, null=True, blank=True, on_delete=models.SET_NULL, related_name="notification"
    )
    reminder = models.ForeignKey(Reminder, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # No index: notices go with their user (both cascade), and the inbox reads by user.
    notice = models.ForeignKey(
        EventNotice, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    level = models.CharField(_("level"), max_length=16, choices=NotificationLevel.choices, blank=True)
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_inbox"),
            # The unread badge on every page: a count over this small partial index.
            models.Index(fields=["user"], name="notification_unread", condition=Q(read_at__isnull=True)),
        ]

    def __str__(self):
        return self.title

    @property
    def is_read(self):
        return self.read_at is not None

    @property
    def text(self):
        """The message in the reader's language (`body` keeps it in the site's default language)."""
        if self.notice_id is not None:
            return self.notice.text()
        if self.reminder_id is None:
            return self.body
        from .delivery import reminder_text

        return reminder_text(self.reminder)


class NotificationPreference(models.Model):
    """A user's choice for one channel and level. No row means the default: on."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    level = models.CharField(_("level"), max_length=16, choices=NotificationLevel.choices)
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "channel", "level"], name="preference_once"),
        ]

    def __str__(self):
        return f"{self.user} {self.channel} {self.level}: {self.enabled}"


class ReminderSetting(VersionedModel):
    """Administrators' settings for one deadline kind; the kind's declared defaults apply until a row
    exists. Leads and delays count working days (行政处罚法 Art. 85: statutory holidays excluded)."""

    kind = models.CharField(_("deadline kind"), max_length=64, unique=True)
    is_active = models.BooleanField(_("send reminders"), default=True)
    warning_lead_days = models.PositiveSmallIntegerField(
        _("warning lead (working days)"),
        validators=[MaxValueValidator(30)],
        help_text=_("Warn this many working days before the deadline."),
    )
    long_deadline_days = models.PositiveSmallIntegerField(
        _("long deadline from (days)"),
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_("Deadlines at least this many days after their start count as long."),
    )
    long_warning_lead_days = models.PositiveSmallIntegerField(
        _("warning lead for long deadlines (working days)"),
        validators=[MaxValueValidator(30)],
    )
    escalation_delay_days = models.PositiveSmallIntegerField(
        _("escalate after (working days overdue)"),
        validators=[MaxValueValidator(30)],
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("reminder setting")
        verbose_name_plural = _("reminder settings")
        ordering = ["kind"]

    def __str__(self):
        return self.kind


class SweepMark(models.Model):
    """Where the sweep of one deadline kind has got to (bookkeeping, not shown to users). `swept_at` is the
    moment of the last sweep that finished; the next sweep reads only what became due since then, or
    changed since then (`DeadlineKind.changed_field`), instead of every record in its warning period or
    overdue. A full sweep reads them all: the first one, at least every REMINDER_FULL_SWEEP_SECONDS, when
    the clock went back, or when the kind's settings or the working-day calendar changed (`fingerprint`)."""

    kind = models.CharField(max_length=64, unique=True)
    swept_at = models.DateTimeField()
    full_at = models.DateTimeField()
    fingerprint = models.CharField(max_length=64)

    def __str__(self):
        return f"{self.kind}: {self.swept_at} (full {self.full_at})"
