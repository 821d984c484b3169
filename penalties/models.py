"""The execution of decided penalties (PRODUCT §4): one `Execution` per case with a fine to collect, its
payment schedule, the payments, the bank-statement imports; the reconsiderations and lawsuits against a
decision; seizures and sealings with their items. The arithmetic is `ledger.py`'s; `services.refresh`
stores its state on the execution after every event, from which lists compute the live surcharge in SQL."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce, Greatest, Least
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcement.approvals.models import ApprovalRecord, approval_constraints
from enforcement.approvals.registry import choices as approval_kinds
from enforcement.org.models import ScopedQuerySet
from enforcement.versioning import VersionedModel

from . import ledger
from .choices import (
    DEMOLITION_LIVE,
    DemolitionStatus,
    ExecutionStatus,
    ItemKind,
    PaymentChannel,
    ReviewKind,
    ReviewOutcome,
    SeizureKind,
    SeizureStatus,
)

MONEY = {"max_digits": 12, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}
E = ExecutionStatus


class ExecutionQuerySet(ScopedQuerySet):
    def with_money(self, today=None):
        """Annotates `surcharge_fen` and `owed_fen` on `today` (default: the local date) — the same figures as
        `Execution.state().surcharge_fen(today)`, computed by the database from the stored state (one
        correlated sum over the schedule in force), so a list of thousands costs one query."""
        today = ledger.day_number(today or timezone.localdate())
        running = (
            Instalment.objects.filter(execution=OuterRef("pk"), current=True)
            .annotate(late=Greatest(Value(0), Value(today) - Greatest(F("due_day"), OuterRef("state_day"))))
            .annotate(micro=F("outstanding_fen") * F("late"))
            .values("execution")
            .annotate(total=Sum("micro"))
            .values("total")
        )
        running_micro = models.ExpressionWrapper(
            # PostgreSQL's SUM of bigints is numeric: cast, so the division below is an integer one.
            Coalesce(Cast(Subquery(running), models.BigIntegerField()), Value(0)) * F("rate_bp"),
            output_field=models.BigIntegerField(),
        )
        live = Q(paused=False) & ~Q(status=E.REVOKED)
        surcharge = models.Case(
            models.When(status=E.REVOKED, then=Value(0)),
            models.When(
                live,
                then=Least(
                    F("fine_fen"),
                    (F("accrued_micro") + running_micro + Value(ledger.MICRO_PER_FEN // 2))
                    / Value(ledger.MICRO_PER_FEN),
                ),
            ),
            default=Least(
                F("fine_fen"),
                (F("accrued_micro") + Value(ledger.MICRO_PER_FEN // 2)) / Value(ledger.MICRO_PER_FEN),
            ),
            output_field=models.BigIntegerField(),
        )
        return self.annotate(surcharge_fen=surcharge).annotate(
            owed_fen=models.Case(
                models.When(status=E.REVOKED, then=Value(0)),
                default=F("outstanding_fen")
                + Greatest(Value(0), F("surcharge_fen") - F("surcharge_paid_fen")),
                output_field=models.BigIntegerField(),
            )
        )


class Execution(VersionedModel):
    """The collection of one case's fine (罚款的执行): due `payment_days` after service (Art. 67), paid to the
    bank or the platform, never to an officer; the surcharge of Art. 72 while it is late. The `*_fen`,
    `*_micro` and `*_day` fields are the ledger's state on `state_day` (services.refresh writes them)."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="execution")
    unit = models.ForeignKey("org.OrgUnit", on_delete=models.PROTECT, related_name="+")  # the case's unit
    # Who follows the money up: the case's officer (warned of its deadlines).
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=16, choices=ExecutionStatus.choices, default=E.AWAITING)
    decision_number = models.CharField(_("decision number"), max_length=64, db_index=True)
    payment_code = models.CharField(_("payment code"), max_length=20, unique=True)  # 缴款码
    fine = models.DecimalField(_("fine (yuan)"), **MONEY)  # in force (a variation changes it)
    original_fine = models.DecimalField(_("fine decided (yuan)"), **MONEY)
    served_on = models.DateField(_("decision served on"))
    due_on = models.DateField(_("due on"))  # the next instalment's due date, or the original one
    due_at = models.DateTimeField(_("payment deadline"), null=True, blank=True)  # for the reminder sweep
    # The ledger's state.
    rate_bp = models.PositiveIntegerField(default=300)
    fine_fen = models.BigIntegerField(default=0)
    outstanding_fen = models.BigIntegerField(default=0)
    fine_paid_fen = models.BigIntegerField(default=0)
    surcharge_paid_fen = models.BigIntegerField(default=0)
    accrued_micro = models.BigIntegerField(default=0)
    state_day = models.IntegerField(default=0)
    paused = models.BooleanField(_("surcharge paused"), default=False)  # a review pending (Art. 73)
    surcharge_started_at = models.DateTimeField(null=True, blank=True)  # the first day of lateness
    # Execution after non-payment (行政强制法 Art. 53-54).
    court = models.CharField(_("court"), max_length=200, blank=True)
    court_reference = models.CharField(_("court's reference"), max_length=100, blank=True)
    court_applied_at = models.DateTimeField(_("court enforcement applied for at"), null=True, blank=True)
    court_window_opens_on = models.DateField(null=True, blank=True)
    court_window_closes_on = models.DateField(null=True, blank=True)
    court_due_at = models.DateTimeField(null=True, blank=True)  # the window's end, for the sweep
    demand_due_at = models.DateTimeField(null=True, blank=True)  # the demand's 10 working days
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    end_reason = models.TextField(_("reason"), blank=True)
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = ExecutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("fine execution")
        verbose_name_plural = _("fine executions")
        ordering = ["-opened_at", "-id"]
        indexes = [
            # The unpaid list: live ones of a unit, oldest due first.
            models.Index(fields=["status", "unit", "due_on"], name="execution_live"),
            # The city's unpaid list in due order: a walk of this index, not a sort of every unpaid row
            # (bench: the city head's first page p95 54 → 12 ms).
            models.Index(fields=["status", "due_on", "id"], name="execution_unpaid_due"),
            models.Index(fields=["status", "due_at"], name="execution_due"),
            models.Index(fields=["status", "demand_due_at"], name="execution_demand_due"),
            models.Index(fields=["status", "court_due_at"], name="execution_court_due"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(outstanding_fen__gte=0), name="execution_outstanding"),
        ]

    def __str__(self):
        return f"{self.decision_number} {self.fine}"

    # The timeline keeps what a clerk reads: the figures in yuan, not the ledger's working fields.
    LEDGER_FIELDS = (
        "rate_bp",
        "fine_fen",
        "outstanding_fen",
        "fine_paid_fen",
        "surcharge_paid_fen",
        "accrued_micro",
        "state_day",
        "due_at",
        "demand_due_at",
        "court_due_at",
        "court_window_opens_on",
        "court_window_closes_on",
        "surcharge_started_at",
    )
    audit_labels = {
        "outstanding": _("fine still unpaid (yuan)"),
        "paid": _("paid (yuan)"),
        "amount": _("amount (yuan)"),
        "paid_on": _("paid on"),
        "reference": _("bank reference"),
        "due_dates": _("new due dates"),
        "payments": _("payments"),
        "statement": _("statement"),
    }

    def audit_snapshot(self, data):
        for name in self.LEDGER_FIELDS:
            data.pop(name, None)
        data["outstanding"] = str(ledger.to_yuan(self.outstanding_fen))
        data["paid"] = str(ledger.to_yuan(self.fine_paid_fen + self.surcharge_paid_fen))
        return data

    def get_absolute_url(self):
        return reverse("penalties:detail", args=[self.pk])

    # --- money, from the stored state -------------------------------------------------------------
    def state(self):
        return ledger.State(
            day=self.state_day,
            fine_fen=self.fine_fen,
            outstanding=[(i.due_day, i.outstanding_fen) for i in self.current_instalments()],
            accrued_micro=self.accrued_micro,
            fine_paid_fen=self.fine_paid_fen,
            surcharge_paid_fen=self.surcharge_paid_fen,
            paused=self.paused,
            stopped=self.status == E.REVOKED,
            rate_bp=self.rate_bp,
        )

    def current_instalments(self):
        cached = getattr(self, "_prefetched_objects_cache", {}).get("instalments")
        rows = cached if cached is not None else self.instalments.all()
        return [i for i in rows if i.current]

    def money(self, today=None):
        """{decided, fine, paid, surcharge, outstanding, owed} in yuan on `today`: the case page's figures."""
        today = today or timezone.localdate()
        state = self.state()
        surcharge = state.surcharge_fen(today)
        return {
            "decided": self.original_fine,
            "fine": self.fine,
            "paid": ledger.to_yuan(self.fine_paid_fen + self.surcharge_paid_fen),
            "fine_outstanding": ledger.to_yuan(state.fine_outstanding_fen),
            "surcharge": ledger.to_yuan(surcharge),
            "surcharge_paid": ledger.to_yuan(self.surcharge_paid_fen),
            "owed": ledger.to_yuan(state.owed_fen(today)),
            "late_days": max(0, ledger.day_number(today) - ledger.day_number(self.due_on)),
        }

    @property
    def is_live(self):
        return self.status in (E.AWAITING, E.COURT_APPLIED)

    def allowed_actions(self, user):
        from .services import WORKFLOW

        return WORKFLOW.allowed_actions(self, user)

    def can_request_deferral(self, user):
        from . import rules

        return rules.can_request_deferral(self, user)

    def can_decide_deferral(self, user):
        from . import rules

        return rules.can_decide_deferral(self, user)

    def can_apply_to_court(self, user):
        from . import rules

        return rules.court_problem(self) is None


class Instalment(models.Model):
    """One due date of an execution's schedule: the original single one (service + 15 days) or those of an
    approved deferral (Art. 66). `current` rows are the schedule in force; earlier ones are kept."""

    execution = models.ForeignKey(Execution, on_delete=models.CASCADE, related_name="instalments")
    schedule_no = models.PositiveSmallIntegerField(default=1)
    current = models.BooleanField(default=True)
    due_on = models.DateField(_("due on"))
    due_day = models.IntegerField()  # due_on as an ordinal (ledger)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    outstanding_fen = models.BigIntegerField(default=0)
    effective_on = models.DateField(_("in force from"))
    schedule_fine = models.DecimalField(null=True, blank=True, **MONEY)  # the fine in force (a variation)

    class Meta:
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        ordering = ["execution", "schedule_no", "due_on"]
        indexes = [models.Index(fields=["execution", "current"], name="instalment_current")]

    def __str__(self):
        return f"{self.due_on} {self.amount}"


class Payment(models.Model):
    """What the bank or the platform received (罚缴分离, Art. 67), recorded by hand or from a statement.
    The same bank reference is never recorded twice on one channel: re-importing a file adds nothing."""

    execution = models.ForeignKey(Execution, on_delete=models.PROTECT, related_name="payments")
    channel = models.CharField(_("channel"), max_length=10, choices=PaymentChannel.choices)
    reference = models.CharField(_("bank reference"), max_length=64)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    # The part of `amount` that paid the late payment surcharge (Art. 72), not the fine: the ledger pays the
    # fine first, so it is what is left of a payment once the fine is paid (services.apply_history keeps it).
    surcharge_part = models.DecimalField(_("of which surcharge (yuan)"), default=Decimal("0"), **MONEY)
    paid_on = models.DateField(_("paid on"))
    payer = models.CharField(_("payer"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    statement = models.ForeignKey(
        "StatementImport", null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["paid_on", "id"]
        indexes = [models.Index(fields=["paid_on"], name="payment_paid_on")]  # the statistics' months
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "reference"],
                name="payment_reference_once",
                violation_error_message=_("This bank reference has already been recorded."),
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_positive"),
        ]

    def __str__(self):
        return f"{self.reference} {self.amount}"


class StatementImport(models.Model):
    """One bank or platform statement file imported: its lines matched, recorded or left for a person."""

    unit = models.ForeignKey("org.OrgUnit", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("channel"), max_length=10, choices=PaymentChannel.choices)
    file_name = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)
    lines = models.PositiveIntegerField(_("lines"), default=0)
    recorded = models.PositiveIntegerField(_("recorded"), default=0)
    already = models.PositiveIntegerField(_("already recorded"), default=0)
    unmatched = models.PositiveIntegerField(_("unmatched"), default=0)
    refused = models.PositiveIntegerField(_("refused"), default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("statement import")
        verbose_name_plural = _("statement imports")
        ordering = ["-imported_at", "-id"]

    def __str__(self):
        return self.file_name


class LineStatus(models.TextChoices):
    RECORDED = "recorded", _("Recorded")
    ALREADY = "already", _("Already recorded")
    UNMATCHED = "unmatched", _("No penalty found")
    REFUSED = "refused", _("Not recorded")  # more than owed, or the penalty no longer collects
    RESOLVED = "resolved", _("Resolved by hand")


class StatementLine(models.Model):
    """A line of an imported statement that a person must look at (unmatched or refused), or its outcome."""

    statement = models.ForeignKey(StatementImport, on_delete=models.CASCADE, related_name="problem_lines")
    line_no = models.PositiveIntegerField(_("line"))
    reference = models.CharField(_("bank reference"), max_length=64)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    paid_on = models.DateField(_("paid on"))
    payer = models.CharField(_("payer"), max_length=200, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=64, blank=True)
    payment_code = models.CharField(_("payment code"), max_length=20, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=LineStatus.choices)
    message = models.TextField(_("why"), blank=True)
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("statement line")
        verbose_name_plural = _("statement lines")
        ordering = ["statement", "line_no"]

    def __str__(self):
        return f"{self.line_no} {self.reference}"


class Review(models.Model):
    """A reconsideration (行政复议, 60 days from service) or a lawsuit (行政诉讼, 6 months) against a decision.
    A late filing is recorded and flagged, not refused: the body decides whether it hears it. While it is
    pending no surcharge is counted (Art. 73); its outcome changes what is owed."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="reviews")
    unit = models.ForeignKey("org.OrgUnit", on_delete=models.PROTECT, related_name="+")  # the case's unit
    kind = models.CharField(_("kind"), max_length=16, choices=ReviewKind.choices)
    body = models.CharField(_("reviewing body or court"), max_length=200)
    filed_on = models.DateField(_("filed on"))
    window_ends_on = models.DateField(_("last day to file"))
    late = models.BooleanField(_("filed after the period"), default=False)
    hearing_on = models.DateField(_("hearing on"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=ReviewOutcome.choices, default=ReviewOutcome.PENDING
    )
    outcome_on = models.DateField(_("outcome on"), null=True, blank=True)
    # When the decision or judgment reached the party (收到复议决定书 / 判决书送达之日): the 15 days to sue or
    # appeal run from it (行政诉讼法 Art. 45, 85). Empty: the outcome's own day.
    outcome_received_on = models.DateField(_("outcome received by the party on"), null=True, blank=True)
    varied_fine = models.DecimalField(_("fine as varied (yuan)"), null=True, blank=True, **MONEY)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("reconsideration or lawsuit")
        verbose_name_plural = _("reconsiderations and lawsuits")
        ordering = ["-filed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome=ReviewOutcome.PENDING, outcome_on__isnull=True)
                | (~Q(outcome=ReviewOutcome.PENDING) & Q(outcome_on__isnull=False)),
                name="review_outcome_dated",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.body} ({self.get_outcome_display()})"


class Seizure(VersionedModel):
    """查封、扣押 (行政强制法 Art. 22-28): the decision and its item list are documents; at most 30 days, plus
    one approved extension of at most 30 days (Art. 25); then the items are returned or confiscated."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="seizures")
    unit = models.ForeignKey("org.OrgUnit", on_delete=models.PROTECT, related_name="+")  # the case's unit
    kind = models.CharField(_("kind"), max_length=8, choices=SeizureKind.choices, default=SeizureKind.SEIZE)
    status = models.CharField(
        _("status"), max_length=12, choices=SeizureStatus.choices, default=SeizureStatus.HELD
    )
    custody_place = models.CharField(_("custody place"), max_length=255)
    seized_on = models.DateField(_("seized on"))
    limit_on = models.DateField(_("held until"))
    limit_at = models.DateTimeField(null=True, blank=True)  # the end of limit_on, for the sweep
    extended_days = models.PositiveSmallIntegerField(_("extended by (days)"), default=0)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    end_note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("seizure or sealing")
        verbose_name_plural = _("seizures and sealings")
        ordering = ["-seized_on", "-id"]
        indexes = [models.Index(fields=["status", "limit_at"], name="seizure_limit")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.case_id}"

    def get_absolute_url(self):
        return reverse("penalties:seizure", args=[self.pk])


class Demolition(VersionedModel):
    """An order to demolish (责令限期拆除) and how it was carried out: the structure's area and the party's own
    deadline from the decision, then either the party's demolition or a public notice with a new deadline
    (公告) and, once that and the appeal periods have passed, a forced demolition (行政强制法 Art. 44). The
    area demolished is what the statistics count."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="demolition")
    unit = models.ForeignKey("org.OrgUnit", on_delete=models.PROTECT, related_name="+")  # the case's unit
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=DemolitionStatus.choices, default=DemolitionStatus.ORDERED
    )
    decision_number = models.CharField(_("decision number"), max_length=64, blank=True)
    area_ordered = models.DecimalField(_("area ordered (m²)"), max_digits=12, decimal_places=2)
    deadline_on = models.DateField(_("to demolish by"))
    deadline_at = models.DateTimeField()  # the end of deadline_on, for the sweep
    notice_on = models.DateField(_("public notice on"), null=True, blank=True)
    notice_deadline_on = models.DateField(_("notice deadline"), null=True, blank=True)
    notice_deadline_at = models.DateTimeField(null=True, blank=True)
    demolished_on = models.DateField(_("demolished on"), null=True, blank=True)
    area_demolished = models.DecimalField(
        _("area demolished (m²)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    end_note = models.TextField(_("note"), blank=True)
    opened_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("order to demolish")
        verbose_name_plural = _("orders to demolish")
        ordering = ["deadline_on", "id"]
        indexes = [
            models.Index(fields=["status", "deadline_at"], name="demolition_deadline"),
            models.Index(fields=["status", "notice_deadline_at"], name="demolition_notice_deadline"),
            models.Index(fields=["status", "unit", "deadline_on"], name="demolition_live"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(area_ordered__gt=0), name="demolition_area_ordered"),
            models.CheckConstraint(
                condition=Q(area_demolished__isnull=True) | Q(area_demolished__gt=0),
                name="demolition_area_demolished",
            ),
        ]

    def __str__(self):
        return f"{self.decision_number or self.case_id} {self.area_ordered} m²"

    def get_absolute_url(self):
        return reverse("penalties:demolition", args=[self.pk])

    @property
    def is_live(self):
        return self.status in DEMOLITION_LIVE


class SeizedItem(models.Model):
    seizure = models.ForeignKey(Seizure, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("kind"), max_length=10, choices=ItemKind.choices)
    description = models.CharField(_("description"), max_length=255)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)

    class Meta:
        verbose_name = _("seized item")
        verbose_name_plural = _("seized items")
        ordering = ["seizure", "id"]

    def __str__(self):
        return f"{self.description} × {self.quantity}"


DEFERRAL_KIND = "penalty_deferral"  # 延期、分期缴纳罚款 (Art. 66)
SEIZURE_EXTENSION_KIND = "seizure_extension"  # 延长查封、扣押期限 (行政强制法 Art. 25)


class ExecutionApproval(ApprovalRecord):
    """A deferral or instalments asked for a fine (Art. 66), for the bureau head: `due_dates` the new
    schedule (ISO dates), applied from the day it is approved."""

    kind = models.CharField(_("kind"), max_length=64, choices=approval_kinds)
    execution = models.ForeignKey(Execution, on_delete=models.PROTECT, related_name="approvals")
    due_dates = models.JSONField(_("new due dates"), default=list, blank=True)

    class Meta(ApprovalRecord.Meta):
        verbose_name = _("deferral request")
        verbose_name_plural = _("deferral requests")
        constraints = approval_constraints("execution", "execution_approval")


class SeizureApproval(ApprovalRecord):
    """An extension of a seizure or sealing (行政强制法 Art. 25): once, by at most 30 days, by the bureau
    head."""

    kind = models.CharField(_("kind"), max_length=64, choices=approval_kinds)
    seizure = models.ForeignKey(Seizure, on_delete=models.PROTECT, related_name="approvals")
    days = models.PositiveSmallIntegerField(_("extension (days)"))

    class Meta(ApprovalRecord.Meta):
        verbose_name = _("seizure extension request")
        verbose_name_plural = _("seizure extension requests")
        constraints = approval_constraints("seizure", "seizure_approval")


class PublicationStatus(models.TextChoices):
    PUBLISHED = "published", _("Published")  # 已公开
    WITHDRAWN = "withdrawn", _("Withdrawn")  # 已撤回


class Publication(models.Model):
    """行政处罚决定公开 (Art. 48): a decision with a social impact, published with the party's personal data
    redacted (`values` is what the public page shows, frozen when published). When the decision is varied,
    revoked or declared unlawful, the publication is withdrawn within 3 working days with the reason
    (`withdraw_due_at`, which the reminder sweep watches)."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="publications")
    unit = models.ForeignKey("org.OrgUnit", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=PublicationStatus.choices, default=PublicationStatus.PUBLISHED
    )
    values = models.JSONField(_("what is published"), default=dict)
    published_at = models.DateTimeField(_("published at"), default=timezone.now, db_index=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    withdraw_due_at = models.DateTimeField(_("to be withdrawn by"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdraw_reason = models.TextField(_("reason for withdrawal"), blank=True)
    handler = models.ForeignKey(  # who is reminded of the withdrawal: who published it
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("published decision")
        verbose_name_plural = _("published decisions")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status="published"),
                name="publication_one_live",
                violation_error_message=_("This decision is already published."),
            ),
        ]
        indexes = [models.Index(fields=["status", "withdraw_due_at"], name="publication_withdraw_due")]

    def __str__(self):
        return self.values.get("decision_number", str(self.case_id))

    def get_absolute_url(self):
        return reverse("public-decisions:detail", args=[self.pk])
