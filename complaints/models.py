"""Complaints (投诉/举报, 来信来电来访): the record, its attachments, extension requests, links to what it
spawned, and the deadline policy per channel (PRODUCT §2)."""

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcement.approvals.models import ApprovalDecision, ApprovalRecord, approval_constraints
from enforcement.approvals.registry import choices as approval_kinds
from enforcement.documents.numbering import next_number
from enforcement.files.choices import FileKind
from enforcement.files.models import Attachment
from enforcement.org.models import CityWideQuerySet, ScopedQuerySet
from enforcement.org.workqueue import DUE_SOON
from enforcement.versioning import VersionedModel
from enforcement.workdays.periods import PeriodUnit

from .choices import (
    ACCEPT_LIVE,
    OPEN_STATUSES,
    PETITION_CHANNELS,
    RECHECK_LIVE,
    REPLY_LIVE,
    REVIEW_LIVE,
    VISIT_LIVE,
    AttachmentStage,
    Channel,
    ComplaintStatus,
    ReplyCountsFrom,
    Satisfaction,
)

NUMBER_PREFIX = "TS"  # 投诉
EXTENSION_KIND = "complaint_extension"  # the approval kind of ComplaintExtension (approvals.py)
NUMBER_SCOPE = "complaint"  # the key of the day counters in documents.NumberCounter
TITLE_CHARS = 24
_STATUS_LABELS = dict(ComplaintStatus.choices)
_CHANNEL_LABELS = dict(Channel.choices)

LAT_VALIDATORS = [MinValueValidator(Decimal("-90")), MaxValueValidator(Decimal("90"))]
LNG_VALIDATORS = [MinValueValidator(Decimal("-180")), MaxValueValidator(Decimal("180"))]


class ComplaintQuerySet(ScopedQuerySet):
    scope_field = "unit"

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def counted(self):
        """What statistics count: a duplicate merged into another record is counted once, there."""
        return self.exclude(status=ComplaintStatus.MERGED)

    def overdue(self, now=None):
        return self.filter(due_at__lt=now or timezone.now())

    def due_soon(self, now=None):
        now = now or timezone.now()
        return self.filter(due_at__gte=now, due_at__lt=now + DUE_SOON)

    def for_list(self):
        return self.select_related("category", "unit", "grid", "handler")

    def for_list_rows(self):
        """for_list() with only the columns a list row shows (API and page): 30 of the 110 the joins carry,
        which PostgreSQL no longer sends and psycopg no longer converts (15 timestamps a row among them)."""
        return self.for_list().only(*LIST_COLUMNS)

    def for_detail(self):
        """One record with its small related rows joined, and its attachments and extensions with their
        people. The complaint's own people (handler, received by, replied by) are loaded by `attach_people`
        instead: joined too, the query has ten tables and PostgreSQL spent 5–10 ms planning it for half a
        millisecond of execution."""
        return self.select_related(
            "category", "unit", "grid", "intake_unit", "previous_unit"
        ).prefetch_related(
            models.Prefetch("attachments", ComplaintAttachment.objects.select_related("uploaded_by")),
            models.Prefetch(
                "extensions", ComplaintExtension.objects.select_related("requested_by", "decided_by")
            ),
        )


LIST_COLUMNS = (
    "version",
    "number",
    "received_at",
    "channel",
    "status",
    "description",
    "address",
    "is_anonymous",
    "complainant_name",
    "complainant_phone",
    "due_at",
    "satisfaction",
    "on_the_spot",
    "reopen_count",
    "category__code",
    "category__name",
    "category__name_en",
    "unit__name",
    "unit__name_en",
    "grid__code",
    "handler__full_name",
    "handler__username",
)
PEOPLE = ("handler", "received_by", "replied_by")


def attach_people(complaint):
    """Sets the complaint's handler, received_by and replied_by from one query."""
    from enforcement.org.models import attach_users

    return attach_users(complaint, PEOPLE)


def next_complaint_number(moment=None):
    """ "TS" + local date + a 4-digit serial of the day, e.g. TS202611250001, from the platform's gapless
    counter (key "complaint", the day as its period). Call inside the transaction that saves the complaint."""
    day = timezone.localdate(moment or timezone.now())
    return f"{NUMBER_PREFIX}{day:%Y%m%d}{next_number(NUMBER_SCOPE, period=day.isoformat()):04d}"


class Complaint(VersionedModel):
    number = models.CharField(_("number"), max_length=24, unique=True, editable=False)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    # The sender's own reference (another platform's request id, a letter's file number, a demo key).
    external_ref = models.CharField(_("external reference"), max_length=64, blank=True, db_index=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)

    # The complainant (举报人保密: see permissions.complainant_for for who reads these unmasked).
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    complainant_name = models.CharField(_("complainant's name"), max_length=100, blank=True)
    complainant_phone = models.CharField(_("complainant's phone"), max_length=32, blank=True)

    address = models.CharField(_("address"), max_length=255)
    lat = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True, validators=LAT_VALIDATORS
    )
    lng = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True, validators=LNG_VALIDATORS
    )
    grid = models.ForeignKey(
        "org.Grid", verbose_name=_("grid"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    category = models.ForeignKey(
        "catalog.ViolationCategory", verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField(_("description"))

    # Responsibility: `unit` is the receiving unit at intake and the target unit after dispatch.
    unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="+"
    )
    intake_unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("receiving unit"), on_delete=models.PROTECT, related_name="+"
    )
    previous_unit = models.ForeignKey(  # who dispatched it here: a send-back returns it there
        "org.OrgUnit",
        verbose_name=_("dispatched from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("received by"), on_delete=models.PROTECT, related_name="+"
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ComplaintStatus.choices, default=ComplaintStatus.RECEIVED
    )

    # Due moments, kept by the services; each is live in the statuses named in choices.*_LIVE.
    accept_due_at = models.DateTimeField(_("accept by"), null=True, blank=True)
    reply_due_at = models.DateTimeField(_("reply by"), null=True, blank=True)
    visit_due_at = models.DateTimeField(_("visit by"), null=True, blank=True)
    # The live one of the three (null when none is): what lists sort and filter by deadline on.
    due_at = models.DateTimeField(_("due"), null=True, blank=True, editable=False)

    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    visited_at = models.DateTimeField(_("visited at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    reject_reason = models.TextField(_("reason for rejection"), blank=True)
    sent_back_count = models.PositiveSmallIntegerField(_("times sent back"), default=0)
    reply_text = models.TextField(_("reply"), blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("replied by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    satisfaction = models.CharField(
        _("satisfaction"), max_length=24, choices=Satisfaction.choices, blank=True
    )
    visit_note = models.TextField(_("visit note"), blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    extension_count = models.PositiveSmallIntegerField(_("extensions approved"), default=0)
    extended_days = models.PositiveIntegerField(_("extended by"), default=0)

    on_the_spot = models.BooleanField(_("fixed on the spot"), default=False)
    closure_note = models.TextField(_("closing note"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_duplicates",
    )

    # A petition's review (复查) and second review (复核) one level up (信访工作条例 Art. 35-36): each requested
    # within 30 days of the answer before it and answered within 30 days; the second review's answer is final.
    review_requested_at = models.DateTimeField(_("review requested at"), null=True, blank=True)
    review_reason = models.TextField(_("reason for the review"), blank=True)
    review_due_at = models.DateTimeField(_("review answer by"), null=True, blank=True)
    review_answer = models.TextField(_("review answer"), blank=True)
    review_answered_at = models.DateTimeField(_("review answered at"), null=True, blank=True)
    recheck_requested_at = models.DateTimeField(_("second review requested at"), null=True, blank=True)
    recheck_reason = models.TextField(_("reason for the second review"), blank=True)
    recheck_due_at = models.DateTimeField(_("second review answer by"), null=True, blank=True)
    recheck_answer = models.TextField(_("second review answer"), blank=True)
    recheck_answered_at = models.DateTimeField(_("second review answered at"), null=True, blank=True)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ComplaintQuerySet.as_manager()

    # The timeline (enforcement/audit): not the counters a step's name says better, nor `due_at` (it repeats
    # one of the three deadlines), nor ids beside the name that says it.
    audit_hidden_fields = (
        "due_at",
        "sent_back_count",
        "reopen_count",
        "extension_count",
        "extended_days",
        "duplicate",
        "object_id",
    )
    audit_labels = {"duplicate_number": _("merged duplicate")}

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_at", "-id"]
        indexes = [
            # Lists: newest first, per unit, by deadline (keyset pagination walks these).
            models.Index(fields=["received_at", "id"], name="complaint_received"),
            models.Index(fields=["unit", "received_at"], name="complaint_unit_received"),
            # The open complaints (~1 % of all) per unit: the lists people work from, by category and date.
            # A status filter within the open statuses implies the predicate, so the planner can use it, and
            # a count of such a list is an index-only scan (0.4 ms for 600 of a district's 2,000 rows).
            models.Index(
                fields=["unit", "category", "received_at"],
                name="complaint_open_unit_category",
                condition=Q(status__in=sorted(OPEN_STATUSES)),
            ),
            models.Index(fields=["due_at", "id"], name="complaint_due"),
            models.Index(fields=["unit", "due_at"], name="complaint_unit_due"),
            models.Index(fields=["category", "received_at"], name="complaint_category_received"),
            # The reminders' sweeps: state + due moment.
            models.Index(fields=["status", "accept_due_at"], name="complaint_accept_sweep"),
            models.Index(fields=["status", "reply_due_at"], name="complaint_reply_sweep"),
            models.Index(fields=["status", "visit_due_at"], name="complaint_visit_sweep"),
            models.Index(fields=["status", "review_due_at"], name="complaint_review_sweep"),
            models.Index(fields=["status", "recheck_due_at"], name="complaint_recheck_sweep"),
            # … and what changed since the last sweep (DeadlineKind.changed_field): a few rows each time.
            models.Index(fields=["updated_at"], name="complaint_updated"),
            # Duplicates: same category, a bounding box around the point.
            models.Index(fields=["category", "lat", "lng"], name="complaint_category_point"),
            models.Index(fields=["complainant_phone"], name="complaint_phone"),
            # An officer's work queue: what they hold in a waiting status, soonest deadline first. Without
            # the status an officer's whole history (thousands of closed rows) is read for a hundred open.
            models.Index(fields=["handler", "status", "due_at"], name="complaint_handler_status_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(lat__isnull=True) | (Q(lat__gte=-90) & Q(lat__lte=90)), name="complaint_lat_range"
            ),
            models.CheckConstraint(
                condition=Q(lng__isnull=True) | (Q(lng__gte=-180) & Q(lng__lte=180)),
                name="complaint_lng_range",
            ),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | Q(status=ComplaintStatus.MERGED),
                name="complaint_merged_has_status",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def title(self):
        text = " ".join(self.description.split())
        return text if len(text) <= TITLE_CHARS else text[: TITLE_CHARS - 1] + "…"  # Truncator: 45 µs a row

    def get_absolute_url(self):
        return reverse("complaints:detail", args=[self.pk])

    # Django's generic get_FOO_display() hashes (and so translates) every label of the choices on each call;
    # lists call these once or twice per row, so look the one label up instead.
    def get_status_display(self):
        return str(_STATUS_LABELS.get(self.status, self.status))

    def get_channel_display(self):
        return str(_CHANNEL_LABELS.get(self.channel, self.channel))

    def audit_snapshot(self, data):
        """The audit trail keeps the complainant's contact details masked, since every reader of the
        record's timeline (and any audit export) would see them (举报人保密, PRODUCT §1)."""
        from .permissions import mask_name, mask_phone

        data["complainant_name"] = mask_name(self.complainant_name)
        data["complainant_phone"] = mask_phone(self.complainant_phone)
        return data

    def clean(self):
        errors = {}
        if (self.lat is None) != (self.lng is None):
            errors["lng" if self.lng is None else "lat"] = _("Give both latitude and longitude, or neither.")
        if self.is_anonymous and (self.complainant_name or self.complainant_phone):
            errors["is_anonymous"] = _("An anonymous complaint has no name or phone of the complainant.")
        if self.category_id and not self.category.is_active:
            errors["category"] = _("This category is no longer in use.")
        if errors:
            raise ValidationError(errors)

    # --- deadlines -------------------------------------------------------------------------------
    def live_due_at(self):
        if self.status in ACCEPT_LIVE:
            return self.accept_due_at
        if self.status in REPLY_LIVE:
            return self.reply_due_at
        if self.status in VISIT_LIVE:
            return self.visit_due_at
        if self.status in REVIEW_LIVE:
            return self.review_due_at
        if self.status in RECHECK_LIVE:
            return self.recheck_due_at
        return None

    def refresh_due_at(self):
        self.due_at = self.live_due_at()

    def save(self, *args, **kwargs):
        self.refresh_due_at()
        super().save(*args, **kwargs)

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    # --- the workflow (the table lives in choices.TRANSITIONS; workflow.py hands it to the engine) ----
    def allowed_actions(self, user):
        from .workflow import WORKFLOW

        return WORKFLOW.allowed_actions(self, user)

    # Guards: does the action apply now, beyond the status? Named by the Guards in choices.py.
    def can_be_sent_back(self, user):
        return self.sent_back_count < 1 and self.previous_unit_id is not None

    def can_be_reopened(self, user):
        return self.satisfaction == Satisfaction.UNSATISFIED

    def _extensions(self):
        # Uses the prefetched list on detail pages, so checking guards costs no queries there.
        return list(self.extensions.all())

    def pending_extension(self):
        return next((e for e in self._extensions() if e.decision == ApprovalDecision.PENDING), None)

    def deadline_policy(self):
        """The policy of this complaint's channel and category, read once per loaded record (a detail page
        asks for it in the extension's guard and in its form's label)."""
        if getattr(self, "_policy_key", None) != (self.channel, self.category_id):
            from .policies import policy_for

            self._policy_key, self._policy = (
                (self.channel, self.category_id),
                policy_for(self.channel, self.category_id),
            )
        return self._policy

    def can_request_extension(self, user):
        if self.pending_extension() is not None:
            return False
        return self.extension_count < self.deadline_policy().max_extensions

    def can_decide_extension(self, user):
        """A pending request that `user` may decide: not their own, not as this complaint's handler, and in
        a role that decides extensions (the approval kind's rule, approvals.py)."""
        from enforcement.approvals.services import may_decide

        return may_decide(EXTENSION_KIND, self.pending_extension(), self, user)

    def can_request_review(self, user):
        """A petition replied to within the review period, not reviewed yet, with a unit one level up."""
        from .policies import REVIEW

        return (
            self.channel in PETITION_CHANNELS
            and self.review_requested_at is None
            and self.replied_at is not None
            and self.unit.parent_id is not None
            and timezone.now() <= REVIEW.request_ends(self)
        )

    def can_request_recheck(self, user):
        """A review answered within the second review's period, not rechecked yet, with a unit one level up."""
        from .policies import RECHECK

        return (
            self.review_answered_at is not None
            and self.recheck_requested_at is None
            and self.unit.parent_id is not None
            and timezone.now() <= RECHECK.request_ends(self)
        )

    def can_close_on_the_spot(self, user):
        return self.channel == Channel.PATROL and any(
            a.stage == AttachmentStage.AFTER and a.kind == FileKind.PHOTO for a in self.attachments.all()
        )


class ComplaintAttachment(Attachment):
    """A file of a complaint: evidence at intake, the photo after a fix, or one sent with the reply."""

    parent_field = "complaint"
    # On the complaint's timeline: "Attachment: 现场.jpg (Photo, Evidence at intake, 117.2 KB)".
    audit_hidden_fields = ("original_name", "content_type", "uploaded_by")
    audit_summary_fields = ("kind", "stage", "size")

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="attachments")
    stage = models.CharField(
        _("stage"), max_length=12, choices=AttachmentStage.choices, default=AttachmentStage.EVIDENCE
    )

    class Meta(Attachment.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def get_download_url(self):
        return reverse("complaints:attachment", args=[self.complaint_id, self.pk])


class ComplaintExtension(ApprovalRecord):
    """A request to move the reply deadline and its decision: an approval record of its own (PRODUCT §5,
    kind "complaint_extension" in approvals.py). At most one pending per complaint; nobody decides their
    own request, nor the complaint's handler."""

    kind = models.CharField(
        _("kind"), max_length=64, choices=approval_kinds, default=EXTENSION_KIND, editable=False
    )
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="extensions")
    days = models.PositiveSmallIntegerField(_("extension"), validators=[MinValueValidator(1)])
    reply_due_before = models.DateTimeField(_("reply due before"), null=True, blank=True)
    reply_due_after = models.DateTimeField(_("reply due after"), null=True, blank=True)

    class Meta(ApprovalRecord.Meta):
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        constraints = approval_constraints("complaint", "complaint_extension")

    def __str__(self):
        return f"{self.complaint.number} +{self.days} ({self.get_decision_display()})"


class ComplaintLink(models.Model):
    """What a complaint spawned: a case (cases app) or a campaign rectification item — any model."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="links")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("linked record")
        verbose_name_plural = _("linked records")
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "content_type", "object_id"], name="complaint_link_unique"
            ),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="complaint_link_target")]

    def __str__(self):
        return f"{self.complaint.number} → {self.content_type.model} {self.object_id}"


class DeadlinePolicy(VersionedModel):
    """Deadlines for one channel, optionally one category (a category row wins over the channel row).
    Where no row applies, the built-in defaults of `policies.default_policy` hold."""

    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    category = models.ForeignKey(
        "catalog.ViolationCategory",
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    unit = models.CharField(
        _("unit of the periods"), max_length=16, choices=PeriodUnit.choices, default=PeriodUnit.WORKING_DAYS
    )
    accept_within = models.PositiveIntegerField(_("accept within"))
    reply_within = models.PositiveIntegerField(_("reply within"))
    reply_counts_from = models.CharField(
        _("reply period counts from"),
        max_length=10,
        choices=ReplyCountsFrom.choices,
        default=ReplyCountsFrom.RECEIVED,
    )
    visit_within = models.PositiveIntegerField(_("visit within"))
    visit_unit = models.CharField(
        _("unit of the visit period"),
        max_length=16,
        choices=PeriodUnit.choices,
        default=PeriodUnit.WORKING_DAYS,
    )
    max_extensions = models.PositiveSmallIntegerField(_("extensions allowed"), default=1)
    max_extension = models.PositiveIntegerField(_("longest extension"), default=0)
    note = models.CharField(_("legal source"), max_length=200, blank=True)

    objects = CityWideQuerySet.as_manager()  # city-wide: city administrators edit it

    class Meta:
        verbose_name = _("deadline policy")
        verbose_name_plural = _("deadline policies")
        ordering = ["channel", "category_id"]  # no join: rows are locked by pk with this ordering applied
        constraints = [
            models.UniqueConstraint(
                fields=["channel"], condition=Q(category__isnull=True), name="deadlinepolicy_channel_unique"
            ),
            models.UniqueConstraint(
                fields=["channel", "category"],
                condition=Q(category__isnull=False),
                name="deadlinepolicy_channel_category_unique",
            ),
        ]

    def __str__(self):
        label = self.get_channel_display()
        if self.category_id:
            label = f"{label} · {self.category}"
        return str(label)

    def clean(self):
        if self.unit == PeriodUnit.WORKING_HOURS and self.reply_within == 0:
            raise ValidationError({"reply_within": _("Give a number of working hours above zero.")})
