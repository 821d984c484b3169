"""Campaigns (专项整治, PRODUCT §7): a campaign with its units, partners, target grids and goals; the units'
daily field logs, a value per declared measure (measures.py); and the rectification items (整改对象) found
in it, each with its notice, re-check and, if not rectified, the case it escalated to."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcement.files.models import Attachment
from enforcement.org.models import ScopedQuerySet
from enforcement.versioning import VersionedModel

from . import measures
from .choices import (
    CampaignKind,
    CampaignStatus,
    ItemKind,
    ItemStatus,
    Partner,
    PhotoStage,
    RecheckResult,
)

LAT_VALIDATORS = [MinValueValidator(Decimal("-90")), MaxValueValidator(Decimal("90"))]
LNG_VALIDATORS = [MinValueValidator(Decimal("-180")), MaxValueValidator(Decimal("180"))]
NUMBER_PREFIX = "ZX"  # 专项
VALUE = {"max_digits": 14, "decimal_places": 2}


class CampaignQuerySet(models.QuerySet):
    """The scoping rule for a campaign (PRODUCT §1): a user sees it when the lead unit or one of the
    participating units is within the user's scope — a squadron sees the district's campaign it takes part
    in (its own logs and items stay scoped by their unit)."""

    def visible_to(self, user):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.sees_all_units:
            return self.all()
        ids = user.scope_unit_ids
        takes_part = CampaignUnit.objects.filter(campaign=OuterRef("pk"), unit_id__in=ids)
        return self.filter(Q(lead_unit_id__in=ids) | Exists(takes_part))

    def scope_units_of(self, campaign):
        """The units that carry `campaign` for the scoping rule (`org.models.in_scope`): read once per loaded
        campaign (a page asks for each of its actions)."""
        ids = getattr(campaign, "_scope_unit_ids", None)
        if ids is None:
            ids = set(CampaignUnit.objects.filter(campaign=campaign).values_list("unit_id", flat=True))
            ids = campaign._scope_unit_ids = frozenset(ids | {campaign.lead_unit_id})
        return ids


class Campaign(VersionedModel):
    number = models.CharField(_("number"), max_length=24, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=24, choices=CampaignKind.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=CampaignStatus.choices, default=CampaignStatus.PLANNED
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    lead_unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("lead unit"), on_delete=models.PROTECT, related_name="+"
    )
    units = models.ManyToManyField(
        "org.OrgUnit", through="CampaignUnit", related_name="campaigns", verbose_name=_("participating units")
    )
    partners = models.JSONField(_("partner departments"), default=list, blank=True)  # Partner values
    grids = models.ManyToManyField(
        "org.Grid", blank=True, related_name="campaigns", verbose_name=_("target areas")
    )
    description = models.TextField(_("aims and arrangements"), blank=True)
    summary = models.TextField(_("summary"), blank=True)  # written when concluded
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("planned by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("planned at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)  # concluded or cancelled
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on", "-id"]
        indexes = [
            models.Index(fields=["status", "-starts_on"], name="campaign_status"),
            models.Index(fields=["lead_unit", "-starts_on"], name="campaign_lead_unit"),
            models.Index(fields=["kind", "-starts_on"], name="campaign_kind"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_period"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("campaigns:detail", args=[self.pk])

    @property
    def partner_labels(self):
        labels = dict(Partner.choices)
        return [str(labels.get(value, value)) for value in self.partners]

    def measures(self):
        return measures.for_kind(self.kind)

    def in_period(self, day):
        return self.starts_on <= day <= self.ends_on

    @property
    def has_ended(self):
        """Concluded or cancelled: its record (logs and their photos) is final."""
        return self.status in (CampaignStatus.CONCLUDED, CampaignStatus.CANCELLED)

    # --- workflow questions (choices.CAMPAIGN_TRANSITIONS) -------------------------------------------
    def can_manage(self, user):
        """Planning, changing, starting and ending a campaign are its lead unit's (and above): a unit that
        takes part sees it and logs on it."""
        return user.sees_all_units or self.lead_unit_id in user.scope_unit_ids

    def actor_refusal(self, user):
        if self.can_manage(user):
            return None
        return _("Your unit takes part in this campaign; its lead unit plans and manages it.")

    def can_start(self, user):
        return timezone.localdate() >= self.starts_on and self.goals.exists()

    def allowed_actions(self, user):
        from .workflow import CAMPAIGN_WORKFLOW

        return CAMPAIGN_WORKFLOW.allowed_actions(self, user)


class CampaignUnit(models.Model):
    """A unit taking part in a campaign; the lead unit is one."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="participations")
    unit = models.ForeignKey("org.OrgUnit", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("participating unit")
        verbose_name_plural = _("participating units")
        constraints = [models.UniqueConstraint(fields=["campaign", "unit"], name="campaign_unit_unique")]
        indexes = [models.Index(fields=["unit", "campaign"], name="campaign_unit_by_unit")]

    def __str__(self):
        return f"{self.campaign_id}:{self.unit_id}"


class CampaignGoal(models.Model):
    """A target for one measure, for one participating unit or (unit empty) for the campaign in total."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="goals")
    measure = models.CharField(_("measure"), max_length=32, choices=measures.CHOICES)
    unit = models.ForeignKey(
        "org.OrgUnit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    target = models.DecimalField(_("target"), validators=[MinValueValidator(Decimal("0.01"))], **VALUE)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["campaign", "measure", "unit_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "measure"], condition=Q(unit__isnull=True), name="campaign_goal_total"
            ),
            models.UniqueConstraint(
                fields=["campaign", "measure", "unit"],
                condition=Q(unit__isnull=False),
                name="campaign_goal_unit",
            ),
            models.CheckConstraint(condition=Q(target__gt=0), name="campaign_goal_target"),
        ]

    def __str__(self):
        return f"{self.measure} {self.target}"

    @property
    def measure_def(self):
        return measures.get(self.measure)


class LogQuerySet(ScopedQuerySet):
    scope_field = "unit"


class FieldLog(VersionedModel):
    """What one unit's patrol or operation did on one day of a campaign (several a day are fine)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="logs")
    unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField(_("day"))
    place = models.CharField(_("where"), max_length=255, blank=True)
    note = models.TextField(_("what was done"), blank=True)
    partners = models.JSONField(_("partner departments"), default=list, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("logged by"), on_delete=models.PROTECT, related_name="+"
    )
    logged_at = models.DateTimeField(_("logged at"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LogQuerySet.as_manager()

    class Meta:
        verbose_name = _("field log")
        verbose_name_plural = _("field logs")
        ordering = ["-day", "-id"]
        indexes = [
            models.Index(fields=["campaign", "unit", "day"], name="field_log_campaign"),
            models.Index(
                fields=["unit", "day"], name="field_log_unit_day"
            ),  # the statistics by unit and month
        ]

    def __str__(self):
        return f"{self.campaign_id} {self.day} {self.unit_id}"

    def get_absolute_url(self):
        return reverse("campaigns:log", args=[self.campaign_id, self.pk])


class FieldLogValue(models.Model):
    """One measure's value in a field log (never negative; whole for counts)."""

    log = models.ForeignKey(FieldLog, on_delete=models.CASCADE, related_name="values")
    measure = models.CharField(_("measure"), max_length=32, choices=measures.CHOICES)
    value = models.DecimalField(_("value"), **VALUE)

    class Meta:
        verbose_name = _("logged value")
        verbose_name_plural = _("logged values")
        constraints = [
            models.UniqueConstraint(fields=["log", "measure"], name="field_log_value_unique"),
            models.CheckConstraint(condition=Q(value__gte=0), name="field_log_value_not_negative"),
        ]

    def __str__(self):
        return f"{self.measure}={self.value}"


class FieldLogPhoto(Attachment):
    parent_field = "log"
    audit_hidden_fields = ("original_name", "content_type", "uploaded_by")
    audit_summary_fields = ("kind", "size")

    log = models.ForeignKey(FieldLog, on_delete=models.PROTECT, related_name="photos")

    class Meta(Attachment.Meta):
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def get_download_url(self):
        return reverse("campaigns:log-photo", args=[self.log_id, self.pk])


class ItemQuerySet(ScopedQuerySet):
    scope_field = "unit"

    def for_list(self):
        return self.select_related("campaign", "unit", "grid")

    def overdue(self, now=None):
        """Re-check overdue: the notice's deadline passed without a re-check (index item_recheck_due)."""
        return self.filter(status=ItemStatus.NOTICED, recheck_due_at__lt=now or timezone.now())


class RectificationItem(VersionedModel):
    """整改对象: a shop, stall, structure or sign found in a campaign (or taken from a complaint), its notice
    (责令限期整改通知书, numbered) with a deadline, the re-check on or after it, and, not rectified, the case it
    escalated to (once: the one-to-one link)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="items")
    unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ItemKind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=ItemStatus.choices, default=ItemStatus.FOUND
    )
    party = models.ForeignKey(
        "cases.Party",
        verbose_name=_("party"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    party_name = models.CharField(_("party or shop name"), max_length=200, blank=True)
    category = models.ForeignKey(
        "catalog.ViolationCategory",
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.TextField(_("what was found"))
    address = models.CharField(_("place"), max_length=255)
    lat = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True, validators=LAT_VALIDATORS
    )
    lng = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True, validators=LNG_VALIDATORS
    )
    grid = models.ForeignKey(
        "org.Grid", verbose_name=_("grid"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("from complaint"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    found_on = models.DateField(_("found on"))
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("found by"), on_delete=models.PROTECT, related_name="+"
    )
    requirement = models.TextField(_("what must be done"), blank=True)  # the notice's order
    noticed_at = models.DateTimeField(_("notice issued at"), null=True, blank=True)
    deadline_on = models.DateField(_("rectify by"), null=True, blank=True)
    recheck_due_at = models.DateTimeField(
        _("re-check due"), null=True, blank=True
    )  # deadline_on's end: the sweep
    rechecked_on = models.DateField(_("re-checked on"), null=True, blank=True)
    rechecked_at = models.DateTimeField(_("re-check recorded at"), null=True, blank=True)
    recheck_result = models.CharField(
        _("re-check result"), max_length=16, choices=RecheckResult.choices, blank=True
    )
    recheck_note = models.TextField(_("re-check note"), blank=True)
    case = models.OneToOneField(
        "cases.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rectification_item",
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification item")
        verbose_name_plural = _("rectification items")
        ordering = ["-found_on", "-id"]
        indexes = [
            # The items list of a unit, newest first, and its status filter; a district's or the city's list
            # walks the newest-first index instead of sorting its every item (bench: 50 → 8 ms).
            models.Index(fields=["unit", "-found_on", "-id"], name="item_unit_found"),
            models.Index(fields=["-found_on", "-id"], name="item_found"),
            models.Index(fields=["status", "unit", "-found_on"], name="item_status_unit"),
            models.Index(fields=["campaign", "status"], name="item_campaign_status"),
            # The reminders' sweep and the overdue filter: noticed items by their re-check deadline.
            models.Index(fields=["status", "recheck_due_at"], name="item_recheck_due"),
            models.Index(fields=["grid", "status"], name="item_grid_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=ItemStatus.ESCALATED, case__isnull=False)
                | (~Q(status=ItemStatus.ESCALATED) & Q(case__isnull=True)),
                name="item_escalated_has_case",
            ),
        ]

    def __str__(self):
        return f"{self.party_name or self.get_kind_display()} · {self.address}"

    def get_absolute_url(self):
        return reverse("campaigns:item", args=[self.pk])

    @property
    def display_party(self):
        return self.party.name if self.party_id else self.party_name

    def is_overdue(self, now=None):
        return (
            self.status == ItemStatus.NOTICED
            and self.recheck_due_at is not None
            and self.recheck_due_at < (now or timezone.now())
        )

    # --- workflow questions (choices.ITEM_TRANSITIONS) ------------------------------------------------
    def escalation_problem(self, user=None):
        from . import rules

        return rules.escalation_problem(self)

    def can_escalate(self, user):
        return self.escalation_problem(user) is None

    def allowed_actions(self, user):
        from .workflow import ITEM_WORKFLOW

        return ITEM_WORKFLOW.allowed_actions(self, user)


class ItemPhoto(Attachment):
    """A photo of an item: before the rectification (when found) or after (at the re-check)."""

    parent_field = "item"
    audit_hidden_fields = ("original_name", "content_type", "uploaded_by")
    audit_summary_fields = ("kind", "stage", "size")

    item = models.ForeignKey(RectificationItem, on_delete=models.PROTECT, related_name="photos")
    stage = models.CharField(_("stage"), max_length=8, choices=PhotoStage.choices, default=PhotoStage.BEFORE)

    class Meta(Attachment.Meta):
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def get_download_url(self):
        return reverse("campaigns:item-photo", args=[self.item_id, self.pk])
