"""Cases (案件) under the Administrative Penalty Law: the party, the case with its procedure and every legal
moment, the penalties proposed and decided, the evidence and the approval records (PRODUCT §3, §5).

Only services.py changes a case's status; the law's conditions are in rules.py; the transition table is
choices.TRANSITIONS."""

import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from enforcement.approvals.models import ApprovalDecision, ApprovalRecord, approval_constraints
from enforcement.approvals.registry import choices as approval_kinds
from enforcement.catalog.choices import PartyType
from enforcement.documents.numbering import next_number
from enforcement.files.models import Attachment
from enforcement.org.models import CityWideQuerySet, ScopedQuerySet
from enforcement.org.workqueue import DUE_SOON
from enforcement.versioning import VersionedModel

from .choices import (
    BEFORE_DECISION,
    DECISION_LIVE,
    INVESTIGATOR_FIELDS,
    OPEN_STATUSES,
    CaseSource,
    CaseStatus,
    EvidenceType,
    PenaltyKind,
    PenaltyStage,
    Procedure,
)
from .identity import mask_id_number, validate_credit_code, validate_id_number

S = CaseStatus
NUMBER_PREFIX = "AJ"  # 案件
NUMBER_SCOPE = "case"  # the day counters' key in documents.NumberCounter
TITLE_CHARS = 24
_STATUS_LABELS = dict(CaseStatus.choices)
_PROCEDURE_LABELS = dict(Procedure.choices)
MONEY = {"max_digits": 12, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}
LAT_VALIDATORS = [MinValueValidator(Decimal("-90")), MaxValueValidator(Decimal("90"))]
LNG_VALIDATORS = [MinValueValidator(Decimal("-180")), MaxValueValidator(Decimal("180"))]

# The approval kinds of CaseApproval (approvals.py registers them with their deciders).
FILING_KIND = "case_filing"  # 立案审批
REPORT_REVIEW_KIND = "case_report_review"  # 审核 of the investigation report by the unit's supervisors
LEGAL_REVIEW_KIND = "case_legal_review"  # 法制审核 (Art. 58)
DISCUSSION_KIND = "case_discussion"  # 集体讨论 (Art. 57)
DECISION_KIND = "case_decision"  # 处罚决定审批
EXTENSION_KIND = "case_extension"  # extension of the 90-day limit (Art. 60)
CLOSING_KIND = "case_closing"  # 结案审批
REVIEW_KINDS = frozenset({REPORT_REVIEW_KIND, LEGAL_REVIEW_KIND})


# An ID number, a credit code or a phone number: letters and digits only (a name has other characters).
IDENTIFIER = re.compile(r"[0-9A-Z]{6,18}")


# --- parties (当事人) ----------------------------------------------------------------------------------
class PartyQuerySet(CityWideQuerySet):
    """The city's one register of parties: a repeat offender is the same party in every district. Who sees
    what of a party is permissions.id_number_for's (ID numbers masked in lists and exports); their cases are read
    through Case.objects.visible_to."""

    def search(self, text):
        """By an identifier (ID number, credit code, phone: exact, through their indexes) or by the start of the
        name (a range on `party_name`, which also gives the order). Not one OR of the four: under the database's
        collation a prefix LIKE is no index range, and the OR made PostgreSQL scan all the parties (bench/
        RESULTS.md: 40–190 ms at 350,000 parties, against 1 ms)."""
        text = (text or "").strip()
        if not text:
            return self
        upper = text.upper()
        if IDENTIFIER.fullmatch(upper):
            return self.filter(Q(id_number=upper) | Q(credit_code=upper) | Q(phone=text))
        return self.filter(name__gte=text, name__lt=text + "\U0010ffff", name__startswith=text).order_by(
            "name", "id"
        )


class Party(VersionedModel):
    """An individual (name, ID number, phone, address) or an organisation (name, unified social credit code
    with its check digit, legal representative)."""

    party_type = models.CharField(_("party type"), max_length=16, choices=PartyType.choices)
    name = models.CharField(_("name"), max_length=200)
    id_number = models.CharField(
        _("ID number"), max_length=18, blank=True, validators=[validate_id_number]
    )  # individuals: 居民身份证号码
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, blank=True, validators=[validate_credit_code]
    )
    legal_representative = models.CharField(_("legal representative"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registered by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PartyQuerySet.as_manager()

    audit_hidden_fields = ("id_number",)  # the timeline shows it masked (audit_snapshot)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["name", "id"]
        indexes = [
            # Party search by name prefix (the register is searched at every new case).
            models.Index(fields=["name", "id"], name="party_name"),
            models.Index(fields=["phone"], name="party_phone"),
        ]
        constraints = [
            # One party per identity: a repeat offender is found, not registered twice.
            models.UniqueConstraint(
                fields=["id_number"],
                condition=~Q(id_number=""),
                name="party_unique_id_number",
                violation_error_message=_("A party with this ID number is already registered."),
            ),
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~Q(credit_code=""),
                name="party_unique_credit_code",
                violation_error_message=_("An organisation with this credit code is already registered."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_organisation(self):
        return self.party_type == PartyType.ORGANISATION

    @property
    def masked_id_number(self):
        return mask_id_number(self.id_number)

    @property
    def identifier(self):
        """What identifies the party in a list: the credit code of an organisation, the masked ID number."""
        return self.credit_code if self.is_organisation else self.masked_id_number

    def get_absolute_url(self):
        return reverse("cases:party", args=[self.pk])

    def audit_snapshot(self, data):
        data["id_number"] = mask_id_number(self.id_number)
        return data

    def clean(self):
        errors = {}
        if self.party_type == PartyType.ORGANISATION:
            if self.id_number:
                errors["id_number"] = _("An organisation is identified by its credit code, not an ID number.")
            if not self.credit_code:
                errors["credit_code"] = _("Give the organisation's unified social credit code.")
        elif self.party_type == PartyType.INDIVIDUAL:
            if self.credit_code:
                errors["credit_code"] = _("An individual is identified by an ID number, not a credit code.")
            if self.legal_representative:
                errors["legal_representative"] = _("Only an organisation has a legal representative.")
        if errors:
            raise ValidationError(errors)


# --- cases ---------------------------------------------------------------------------------------------
class CaseQuerySet(ScopedQuerySet):
    scope_field = "unit"

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, now=None):
        return self.filter(due_at__lt=now or timezone.now())

    def due_soon(self, now=None):
        now = now or timezone.now()
        return self.filter(due_at__gte=now, due_at__lt=now + DUE_SOON)

    def for_list(self):
        return self.select_related("category", "unit", "party", "handler")

    def for_list_rows(self):
        """for_list() with only the columns a list row shows."""
        return self.for_list().only(*LIST_COLUMNS)

    def for_detail(self):
        """A case with what its page and the API's detail show; its people come from `attach_people`."""
        return self.select_related("category", "unit", "grid", "party", "complaint").prefetch_related(
            models.Prefetch("evidence", CaseEvidence.objects.select_related("uploaded_by")),
            models.Prefetch("approvals", CaseApproval.objects.select_related("requested_by", "decided_by")),
            "penalties",
        )


# The people a case's detail names, loaded in one query (attach_people), not one query each nor seven more
# joins in for_detail()'s (planning a twelve-table join took PostgreSQL 6 ms of a 1 ms query).
PEOPLE = (
    "handler",
    "co_handler",
    "hearing_chair",
    "registered_by",
    "reported_by",
    "decided_by",
    "bureau_filed_by",
)


def attach_people(case):
    from enforcement.org.models import attach_users

    return attach_users(case, PEOPLE)


LIST_COLUMNS = (
    "version",
    "number",
    "procedure",
    "status",
    "registered_at",
    "act_date",
    "facts",
    "address",
    "due_at",
    "fine_decided",
    "category__code",
    "category__name",
    "category__name_en",
    "unit__name",
    "unit__name_en",
    "party__name",
    "party__party_type",
    "party__id_number",
    "party__credit_code",
    "handler__full_name",
    "handler__username",
)


def _rules():
    from . import rules

    return rules


def next_case_number(moment=None):
    """ "AJ" + local date + a 4-digit serial of the day (AJ202612010001), from the platform's gapless counter.
    Call inside the transaction that saves the case."""
    day = timezone.localdate(moment or timezone.now())
    return f"{NUMBER_PREFIX}{day:%Y%m%d}{next_number(NUMBER_SCOPE, period=day.isoformat()):04d}"


def _user(verbose_name, related_name="+"):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name=related_name,
    )


def _moment(verbose_name):
    return models.DateTimeField(verbose_name, null=True, blank=True)


class Case(VersionedModel):
    number = models.CharField(_("case number"), max_length=24, unique=True, editable=False)
    # The case's number in the system it came from (the history import skips a reference it has).
    external_ref = models.CharField(_("external reference"), max_length=64, blank=True, db_index=True)
    procedure = models.CharField(_("procedure"), max_length=8, choices=Procedure.choices)
    status = models.CharField(_("status"), max_length=16, choices=CaseStatus.choices, default=S.LEAD)
    source = models.CharField(
        _("source"), max_length=12, choices=CaseSource.choices, default=CaseSource.PATROL
    )
    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("from complaint"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    party = models.ForeignKey(Party, verbose_name=_("party"), on_delete=models.PROTECT, related_name="cases")
    category = models.ForeignKey(
        "catalog.ViolationCategory", verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="+"
    )
    grid = models.ForeignKey(
        "org.Grid", verbose_name=_("grid"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("place"), max_length=255)
    lat = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True, validators=LAT_VALIDATORS
    )
    lng = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True, validators=LNG_VALIDATORS
    )
    # Art. 36: the limitation counts from the act, or from the day a continuing act ended.
    act_date = models.DateField(_("date of the act (or its end)"))
    act_continuing = models.BooleanField(_("continuing act"), default=False)
    harms_safety = models.BooleanField(_("harmed life, health or financial safety"), default=False)
    facts = models.TextField(_("facts"))
    legal_basis = models.TextField(_("legal basis"), blank=True)  # 违反的规定
    penalty_basis = models.TextField(_("penalty basis"), blank=True)  # 处罚依据
    # Art. 57-58: complex or major cases are discussed collectively and legally reviewed.
    is_complex = models.BooleanField(_("complex or major case"), default=False)
    major_public_interest = models.BooleanField(_("involves major public interest"), default=False)
    # People: the registering officer, the two investigating officers (Art. 42).
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registered by"), on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)
    handler = _user(_("investigating officer"))
    co_handler = _user(_("second investigating officer"))
    # The lead and its filing (立案).
    filing_due_at = _moment(_("filing decision due"))
    lead_decided_at = _moment(_("lead decided at"))
    filed_at = _moment(_("filed at"))
    decision_due_at = _moment(
        _("penalty decision due")
    )  # Art. 60: 90 days from filing, plus approved extensions
    extended_days = models.PositiveIntegerField(_("extended by (days)"), default=0)
    # The investigation and its review.
    report = models.TextField(_("investigation report"), blank=True)
    reported_at = _moment(_("report submitted at"))
    reported_by = _user(_("report submitted by"))
    correction_order = models.TextField(_("order to correct"), blank=True)  # 责令改正 (Art. 28)
    # The advance notice (Art. 44) and what follows it.
    notified_at = _moment(_("advance notice given at"))
    hearing_request_due_at = _moment(_("hearing request window ends"))
    statement = models.TextField(_("statement and defence"), blank=True)
    hearing_requested_at = _moment(_("hearing requested at"))
    hearing_at = _moment(_("hearing at"))
    hearing_place = models.CharField(_("hearing place"), max_length=255, blank=True)
    hearing_chair = _user(_("hearing chair"))
    hearing_held_at = _moment(_("hearing held at"))
    hearing_withdrawn_at = _moment(_("hearing withdrawn at"))  # Art. 64(6): the right waived
    hearing_record = models.TextField(_("hearing record"), blank=True)
    # The decision.
    decided_at = _moment(pgettext_lazy("case", "decided at"))  # 处罚决定时间, not an approval's 审批时间
    decided_by = _user(pgettext_lazy("case", "decided by"))
    fine_decided = models.DecimalField(_("fine decided"), null=True, blank=True, **MONEY)  # lists and totals
    first_violation = models.BooleanField(_("first minor violation corrected in time"), default=False)
    service_due_at = _moment(_("service due"))  # Art. 61: 7 working days
    served_at = _moment(_("served at"))
    # On the spot (简易程序).
    paid_on_spot = models.BooleanField(_("fine paid in cash on the spot"), default=False)
    receipt_no = models.CharField(_("receipt number"), max_length=64, blank=True)
    cash_due_at = _moment(_("cash to be handed over by"))  # Art. 71: 2 working days
    cash_handed_over_at = _moment(_("cash handed over at"))
    bureau_filing_due_at = _moment(_("to be filed with the bureau by"))  # 备案: 3 working days
    bureau_filed_at = _moment(_("filed with the bureau at"))
    bureau_filed_by = _user(_("filing acknowledged by"))
    # Other outcomes.
    outcome_reason = models.TextField(_("reason"), blank=True)  # not filed, no penalty, transfer, revocation
    transferred_to = models.CharField(_("transferred to"), max_length=200, blank=True)
    closed_at = _moment(pgettext_lazy("case", "closed at"))  # 结案, not a complaint's 办结
    archived_at = _moment(_("archived at"))
    # The live deadline (null when none is): what lists sort and filter by.
    due_at = models.DateTimeField(_("due"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CaseQuerySet.as_manager()

    audit_hidden_fields = ("due_at", "object_id")

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-registered_at", "-id"]
        indexes = [
            # Lists: newest first, per unit (keyset pagination walks these).
            models.Index(fields=["registered_at", "id"], name="case_registered"),
            models.Index(fields=["unit", "registered_at"], name="case_unit_registered"),
            models.Index(fields=["procedure", "registered_at"], name="case_procedure_registered"),
            # The open cases (a few % of all, 97 % of cases being simple and closed within days) per unit.
            models.Index(
                fields=["unit", "status", "registered_at"],
                name="case_open_unit",
                condition=Q(status__in=sorted(OPEN_STATUSES)),
            ),
            models.Index(fields=["due_at", "id"], name="case_due"),
            models.Index(fields=["party", "registered_at"], name="case_party"),  # a party's earlier cases
            models.Index(fields=["category", "registered_at"], name="case_category_registered"),
            # Art. 29: the same party's cases for the same act.
            models.Index(fields=["party", "category", "act_date"], name="case_same_act"),
            # The reminders' sweeps: state + due moment; and what changed since the last sweep.
            models.Index(fields=["status", "filing_due_at"], name="case_filing_sweep"),
            models.Index(fields=["status", "decision_due_at"], name="case_decision_sweep"),
            models.Index(fields=["status", "hearing_request_due_at"], name="case_hearing_request_sweep"),
            models.Index(fields=["status", "hearing_at"], name="case_hearing_sweep"),
            models.Index(fields=["status", "service_due_at"], name="case_service_sweep"),
            models.Index(fields=["status", "bureau_filing_due_at"], name="case_bureau_filing_sweep"),
            models.Index(fields=["status", "cash_due_at"], name="case_cash_sweep"),
            models.Index(fields=["updated_at"], name="case_updated"),
            # The statistics' months (cases/stats.py): the decisions, filings and closings of one month.
            models.Index(fields=["decided_at"], name="case_decided"),
            models.Index(fields=["filed_at"], name="case_filed"),
            models.Index(fields=["closed_at"], name="case_closed"),
            # An officer's work queue: what they hold in a waiting status, soonest deadline first.
            models.Index(fields=["handler", "status", "due_at"], name="case_handler_status_due"),
            models.Index(fields=["co_handler", "status", "due_at"], name="case_co_handler_status_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(co_handler__isnull=True) | ~Q(co_handler=models.F("handler")),
                name="case_two_different_officers",
                violation_error_message=_("The two investigating officers must be two different people."),
            ),
            models.CheckConstraint(
                condition=Q(fine_decided__isnull=True) | Q(fine_decided__gte=0), name="case_fine_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def title(self):
        text = " ".join(self.facts.split())
        return text if len(text) <= TITLE_CHARS else text[: TITLE_CHARS - 1] + "…"

    def get_absolute_url(self):
        return reverse("cases:detail", args=[self.pk])

    def get_status_display(self):
        return str(_STATUS_LABELS.get(self.status, self.status))

    def get_procedure_display(self):
        return str(_PROCEDURE_LABELS.get(self.procedure, self.procedure))

    @property
    def is_simple(self):
        return self.procedure == Procedure.SIMPLE

    @property
    def investigators(self):
        """The ids of the case's investigating officers (and the one who registered it): they do not approve,
        review, chair a hearing or decide it (PRODUCT §1)."""
        return {getattr(self, f"{name}_id") for name in INVESTIGATOR_FIELDS} - {None}

    def clean(self):
        errors = {}
        if (self.lat is None) != (self.lng is None):
            errors["lng" if self.lng is None else "lat"] = _("Give both latitude and longitude, or neither.")
        if self.act_date and self.act_date > timezone.localdate():
            errors["act_date"] = _("The date of the act cannot be in the future.")
        if self.category_id and not self.category.is_active:
            errors["category"] = _("This category is no longer in use.")
        if errors:
            raise ValidationError(errors)

    # --- deadlines -------------------------------------------------------------------------------
    def live_due_at(self):
        """The deadline that runs now (for lists and the work queue)."""
        if self.status == S.LEAD:
            return self.filing_due_at
        if (
            self.status == S.NOTIFIED
            and self.hearing_at
            and not (self.hearing_held_at or self.hearing_withdrawn_at)
        ):
            return min(self.hearing_at, self.decision_due_at or self.hearing_at)
        if self.status in DECISION_LIVE:
            return self.decision_due_at
        if self.status == S.DECIDED:
            if self.is_simple:
                moments = [self.bureau_filing_due_at]
                if self.paid_on_spot and not self.cash_handed_over_at:
                    moments.append(self.cash_due_at)
                return min((m for m in moments if m), default=None)
            return self.service_due_at
        return None

    def save(self, *args, **kwargs):
        self.due_at = self.live_due_at()
        super().save(*args, **kwargs)

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    @property
    def before_decision(self):
        return self.status in BEFORE_DECISION

    # --- the workflow (the table lives in choices.TRANSITIONS; the guards' rules in rules.py) ---------
    def allowed_actions(self, user):
        from .workflow import WORKFLOW

        return WORKFLOW.allowed_actions(self, user)

    def _approvals(self):
        return list(self.approvals.all())  # prefetched on detail pages: guards cost no query there

    def pending_approval(self, *kinds):
        return next((a for a in self._approvals() if a.kind in kinds and a.is_pending), None)

    def latest_approval(self, *kinds):
        found = [a for a in self._approvals() if a.kind in kinds]
        return max(found, key=lambda a: (a.requested_at, a.pk or 0), default=None)

    def penalties_at(self, stage):
        return [p for p in self.penalties.all() if p.stage == stage]

    # Guards named in choices.TRANSITIONS: each asks its rule in rules.py (the law lives there, once).
    def can_request_filing(self, user):
        return _rules().can_request_filing(self, user)

    def can_decide_filing(self, user):
        return _rules().can_decide_filing(self, user)

    def can_decide_review(self, user):
        return _rules().can_decide_review(self, user)

    def can_decide_discussion(self, user):
        return _rules().can_decide_discussion(self, user)

    def can_notify(self, user):
        return _rules().can_notify(self, user)

    def can_give_notice(self, user):
        return _rules().can_give_notice(self, user)

    def can_waive_hearing(self, user):
        return _rules().can_waive_hearing(self, user)

    def can_request_hearing(self, user):
        return _rules().can_request_hearing(self, user)

    def can_schedule_hearing(self, user):
        return _rules().can_schedule_hearing(self, user)

    def can_record_hearing(self, user):
        return _rules().can_record_hearing(self, user)

    def can_request_legal_review(self, user):
        return _rules().can_request_legal_review(self, user)

    def can_request_decision(self, user):
        return _rules().can_request_decision(self, user)

    def can_decide(self, user):
        return _rules().can_decide(self, user)

    def can_request_extension(self, user):
        return _rules().can_request_extension(self, user)

    def can_decide_extension(self, user):
        return _rules().can_decide_extension(self, user)

    def can_record_service(self, user):
        return _rules().can_record_service(self, user)

    def can_request_closing(self, user):
        return _rules().can_request_closing(self, user)

    def closing_refusal(self, user):
        return _rules().closing_refusal(self)

    def can_decide_closing(self, user):
        return _rules().can_decide_closing(self, user)

    def can_hand_over_cash(self, user):
        return _rules().can_hand_over_cash(self, user)

    def can_acknowledge_filing(self, user):
        return _rules().can_acknowledge_filing(self, user)


class CasePenalty(models.Model):
    """One penalty of a case: proposed and notified to the party (Art. 44), or decided (Art. 59). One act gets
    one fine (Art. 29): at most one fine per case and stage, which the database keeps."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="penalties")
    stage = models.CharField(_("stage"), max_length=10, choices=PenaltyStage.choices)
    kind = models.CharField(_("penalty"), max_length=20, choices=PenaltyKind.choices)
    amount = models.DecimalField(_("amount (yuan)"), null=True, blank=True, **MONEY)  # a fine, a value
    detail = models.TextField(_("detail"), blank=True)  # items, the licence, the structure
    # An order to demolish (责令限期拆除): the structure's area and the days given to demolish it from service.
    area = models.DecimalField(_("area (m²)"), max_digits=12, decimal_places=2, null=True, blank=True)
    deadline_days = models.PositiveSmallIntegerField(_("days to demolish"), null=True, blank=True)

    class Meta:
        verbose_name = _("penalty")
        verbose_name_plural = _("penalties")
        ordering = ["case", "stage", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "stage", "kind"],
                name="case_penalty_one_per_kind",
                violation_error_message=_("One act gets one fine (Administrative Penalty Law, Art. 29)."),
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="case_penalty_amount"
            ),
            models.CheckConstraint(
                condition=Q(area__isnull=True) | Q(area__gt=0, kind=PenaltyKind.DEMOLISH),
                name="case_penalty_area",
            ),
        ]

    def __str__(self):
        amount = f" {self.amount}" if self.amount is not None else ""
        return f"{self.get_kind_display()}{amount}"


class CaseEvidence(Attachment):
    """One item of evidence (Art. 46), through the platform's files: what it is, when and where it was taken.
    Items are never changed or deleted; once the case is decided, additions are marked as such."""

    parent_field = "case"
    audit_hidden_fields = ("original_name", "content_type", "uploaded_by")
    audit_summary_fields = ("kind", "evidence_type", "size")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="evidence")
    evidence_type = models.CharField(_("type of evidence"), max_length=20, choices=EvidenceType.choices)
    description = models.CharField(_("description"), max_length=500, blank=True)
    after_decision = models.BooleanField(_("added after the decision"), default=False)

    class Meta(Attachment.Meta):
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.pop("_allow_update", False):
            raise ValidationError(_("Evidence is never changed once added: add a new item instead."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Evidence is never deleted."))

    def get_download_url(self):
        return reverse("cases:evidence", args=[self.case_id, self.pk])


class CaseApproval(ApprovalRecord):
    """The approval records of a case (PRODUCT §5): filing, report review and legal review, collective
    discussion, the decision, an extension of the 90-day limit, closing. At most one pending per case and
    kind; nobody decides their own request, nor one on a case they investigated (approvals.py)."""

    kind = models.CharField(_("kind"), max_length=64, choices=approval_kinds)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="approvals")
    days = models.PositiveSmallIntegerField(_("extension (days)"), null=True, blank=True)
    # A decision request's proposal: {"kinds": [...], "fine": "150.00", "confiscation_value": …, "detail": …,
    # "correction_order": …}; what the decision imposes once approved.
    proposal = models.JSONField(_("proposal"), default=dict, blank=True)
    decided_by_role = models.CharField(
        _("decided as"), max_length=20, blank=True
    )  # a legal reviewer's review

    class Meta(ApprovalRecord.Meta):
        verbose_name = _("case approval")
        verbose_name_plural = _("case approvals")
        constraints = approval_constraints("case", "case_approval")
        indexes = [models.Index(fields=["decision", "kind", "due_at"], name="case_approval_inbox")]

    def __str__(self):
        return f"{self.case.number} {self.get_kind_display()} ({self.get_decision_display()})"

    @property
    def is_approved(self):
        return self.decision == ApprovalDecision.APPROVED

    def audit_snapshot(self, data):
        if not data.get("proposal"):  # only a decision request proposes a penalty
            data.pop("proposal", None)
        return data
