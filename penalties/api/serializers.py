"""The penalties' API shapes (PRODUCT §4): executions with their live money, reviews, seizures, orders to
demolish and statement imports. Money is Decimal yuan with 2 places, never a float; the list's figures come from `with_money()`
(annotated in SQL), the detail's from `Execution.money()`."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.models import Case
from enforcement.approvals.choices import DECISION_ACTIONS
from enforcement.approvals.services import pending_for
from enforcement.viewsets import ScopedRelatedField
from enforcement.workflow.api import allowed_actions_field

from .. import ledger, rules
from ..approvals import DEFERRAL
from ..choices import (
    DEMOLITION_LIVE,
    DemolitionStatus,
    ItemKind,
    PaymentChannel,
    ReviewKind,
    ReviewOutcome,
    SeizureKind,
    SeizureStatus,
)
from ..models import (
    MONEY,
    Demolition,
    Execution,
    ExecutionApproval,
    Instalment,
    Payment,
    Review,
    SeizedItem,
    Seizure,
    StatementImport,
    StatementLine,
)
from ..workflow import WORKFLOW

# What a statement comes from: a bank or the payment platform (the court's collections are recorded by hand).
STATEMENT_CHANNELS = [(v, label) for v, label in PaymentChannel.choices if v != PaymentChannel.COURT]
OUTCOMES = [(value, label) for value, label in ReviewOutcome.choices if value != ReviewOutcome.PENDING]
SEIZURE_ENDINGS = [(s, label) for s, label in SeizureStatus.choices if s != SeizureStatus.HELD]
YUAN = {"max_digits": MONEY["max_digits"], "decimal_places": MONEY["decimal_places"]}
REF_SCHEMA = {
    "type": "object",
    "nullable": True,
    "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
}


def _person(user):
    return None if user is None else {"id": user.pk, "name": user.full_name or user.username}


class YuanField(serializers.DecimalField):
    """A figure in yuan, read from an annotated integer of fen (`surcharge_fen`, `owed_fen`)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **YUAN, **kwargs)

    def to_representation(self, value):
        return super().to_representation(ledger.to_yuan(value))


# --- executions -----------------------------------------------------------------------------------------
class ExecutionListSerializer(serializers.ModelSerializer):
    """One row of the unpaid list: the figures computed by the database for the whole page."""

    status_label = serializers.CharField(source="get_status_display", read_only=True)
    case_number = serializers.CharField(source="case.number", read_only=True)
    party_name = serializers.CharField(source="case.party.name", read_only=True)
    paid = serializers.SerializerMethodField()
    surcharge = YuanField(source="surcharge_fen")
    owed = YuanField(source="owed_fen")

    class Meta:
        model = Execution
        fields = [
            "id",
            "case",
            "case_number",
            "decision_number",
            "payment_code",
            "status",
            "status_label",
            "fine",
            "paid",
            "surcharge",
            "owed",
            "due_on",
            "party_name",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DecimalField(**YUAN))
    def get_paid(self, obj):
        return str(ledger.to_yuan(obj.fine_paid_fen + obj.surcharge_paid_fen))


class ExecutionMoneySerializer(serializers.Serializer):
    decided = serializers.DecimalField(**YUAN)
    fine = serializers.DecimalField(**YUAN)
    paid = serializers.DecimalField(**YUAN)
    fine_outstanding = serializers.DecimalField(**YUAN)
    surcharge = serializers.DecimalField(**YUAN)
    surcharge_paid = serializers.DecimalField(**YUAN)
    owed = serializers.DecimalField(**YUAN)
    late_days = serializers.IntegerField()


class InstalmentSerializer(serializers.ModelSerializer):
    outstanding = YuanField(source="outstanding_fen")

    class Meta:
        model = Instalment
        fields = ["id", "schedule_no", "due_on", "amount", "outstanding", "effective_on"]
        read_only_fields = fields


class PaymentSerializer(serializers.ModelSerializer):
    channel_label = serializers.CharField(source="get_channel_display", read_only=True)
    recorded_by = serializers.SerializerMethodField()

    class Meta:
        model = Payment
        fields = [
            "id",
            "channel",
            "channel_label",
            "reference",
            "amount",
            "surcharge_part",
            "paid_on",
            "payer",
            "recorded_by",
            "recorded_at",
            "statement",
            "note",
        ]
        read_only_fields = fields

    @extend_schema_field(REF_SCHEMA)
    def get_recorded_by(self, obj):
        return _person(obj.recorded_by)


class DeferralSerializer(serializers.ModelSerializer):
    """The deferral or instalments asked for (Art. 66), waiting for the bureau head."""

    requested_by = serializers.SerializerMethodField()

    class Meta:
        model = ExecutionApproval
        fields = ["id", "requested_by", "requested_at", "reason", "due_dates", "due_at"]
        read_only_fields = fields

    @extend_schema_field(REF_SCHEMA)
    def get_requested_by(self, obj):
        return _person(obj.requested_by)


class ExecutionDetailSerializer(ExecutionListSerializer):
    money = serializers.SerializerMethodField()
    instalments = serializers.SerializerMethodField(help_text=_("The schedule in force."))
    payments = PaymentSerializer(many=True, read_only=True)
    deferral = serializers.SerializerMethodField(help_text=_("The deferral request waiting, or null."))
    allowed_actions = serializers.SerializerMethodField()
    surcharge = None  # the detail's figures are `money`'s
    owed = None
    paid = None

    class Meta(ExecutionListSerializer.Meta):
        fields = [
            name for name in ExecutionListSerializer.Meta.fields if name not in ("paid", "surcharge", "owed")
        ] + [
            "original_fine",
            "served_on",
            "paused",
            "court",
            "court_reference",
            "court_applied_at",
            "court_window_opens_on",
            "court_window_closes_on",
            "ended_at",
            "end_reason",
            "opened_at",
            "version",
            "money",
            "instalments",
            "payments",
            "deferral",
            "allowed_actions",
        ]
        read_only_fields = fields

    @extend_schema_field(ExecutionMoneySerializer)
    def get_money(self, obj):
        return ExecutionMoneySerializer(obj.money()).data

    @extend_schema_field(InstalmentSerializer(many=True))
    def get_instalments(self, obj):
        return InstalmentSerializer(obj.current_instalments(), many=True).data

    @extend_schema_field(DeferralSerializer(allow_null=True))
    def get_deferral(self, obj):
        pending = pending_for(obj, DEFERRAL)
        return None if pending is None else DeferralSerializer(pending).data

    @allowed_actions_field(WORKFLOW)
    def get_allowed_actions(self, obj):
        request = self.context.get("request")
        return obj.allowed_actions(request.user) if request else []


# --- reviews --------------------------------------------------------------------------------------------
class ReviewSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    outcome_label = serializers.CharField(source="get_outcome_display", read_only=True)
    case_number = serializers.CharField(source="case.number", read_only=True)
    recorded_by = serializers.SerializerMethodField()

    class Meta:
        model = Review
        fields = [
            "id",
            "case",
            "case_number",
            "kind",
            "kind_label",
            "body",
            "filed_on",
            "window_ends_on",
            "late",
            "hearing_on",
            "outcome",
            "outcome_label",
            "outcome_on",
            "outcome_received_on",
            "varied_fine",
            "note",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = fields

    @extend_schema_field(REF_SCHEMA)
    def get_recorded_by(self, obj):
        return _person(obj.recorded_by)


class ReviewCreateSerializer(serializers.Serializer):
    case = ScopedRelatedField(queryset=Case.objects.all())
    kind = serializers.ChoiceField(choices=ReviewKind.choices)
    body = serializers.CharField(max_length=200)
    filed_on = serializers.DateField()
    hearing_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReviewOutcomeSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=OUTCOMES)
    outcome_on = serializers.DateField()
    outcome_received_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_("When the decision or judgment reached the party; empty: the outcome's day."),
    )
    varied_fine = serializers.DecimalField(**YUAN, required=False, allow_null=True, min_value=0)
    note = serializers.CharField(required=False, allow_blank=True, default="")


# --- seizures -------------------------------------------------------------------------------------------
class SeizedItemSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=ItemKind.choices)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    quantity = serializers.IntegerField(min_value=1, default=1)

    class Meta:
        model = SeizedItem
        fields = ["id", "kind", "kind_label", "description", "quantity"]
        read_only_fields = ["id"]


class SeizureSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    case_number = serializers.CharField(source="case.number", read_only=True)
    items = SeizedItemSerializer(many=True, read_only=True)

    class Meta:
        model = Seizure
        fields = [
            "id",
            "case",
            "case_number",
            "kind",
            "kind_label",
            "status",
            "status_label",
            "custody_place",
            "seized_on",
            "limit_on",
            "extended_days",
            "ended_at",
            "end_note",
            "items",
            "version",
        ]
        read_only_fields = fields


class SeizureCreateSerializer(serializers.Serializer):
    case = ScopedRelatedField(queryset=Case.objects.all())
    kind = serializers.ChoiceField(choices=SeizureKind.choices)
    custody_place = serializers.CharField(max_length=255)
    seized_on = serializers.DateField()
    items = SeizedItemSerializer(many=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class SeizureExtensionSerializer(serializers.Serializer):
    days = serializers.IntegerField(min_value=1)
    reason = serializers.CharField()


class SeizureDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=DECISION_ACTIONS)
    opinion = serializers.CharField(required=False, allow_blank=True, default="")


class SeizureEndSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=SEIZURE_ENDINGS)
    note = serializers.CharField(required=False, allow_blank=True, default="")


# --- orders to demolish ---------------------------------------------------------------------------------
AREA = {"max_digits": 12, "decimal_places": 2}
DEMOLITION_ACTIONS = ("notice", "demolished")  # POST <id>/<action>/


class DemolitionSerializer(serializers.ModelSerializer):
    """An order to demolish: the area and deadline the decision gave, the public notice and its deadline, and
    what was demolished (m², two decimals)."""

    status_label = serializers.CharField(source="get_status_display", read_only=True)
    case_number = serializers.CharField(source="case.number", read_only=True)
    party_name = serializers.CharField(source="case.party.name", read_only=True)
    place = serializers.CharField(source="case.address", read_only=True)
    overdue = serializers.SerializerMethodField(
        help_text=_("Its current deadline (the decision's, or the public notice's) has passed undone.")
    )

    class Meta:
        model = Demolition
        fields = [
            "id",
            "case",
            "case_number",
            "party_name",
            "place",
            "unit",
            "decision_number",
            "status",
            "status_label",
            "area_ordered",
            "deadline_on",
            "notice_on",
            "notice_deadline_on",
            "demolished_on",
            "area_demolished",
            "overdue",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField())
    def get_overdue(self, obj):
        due = obj.notice_deadline_at if obj.status == DemolitionStatus.NOTICED else obj.deadline_at
        return obj.status in DEMOLITION_LIVE and due is not None and due < timezone.now()


class DemolitionDetailSerializer(DemolitionSerializer):
    handler = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()

    class Meta(DemolitionSerializer.Meta):
        fields = [
            *DemolitionSerializer.Meta.fields,
            "handler",
            "deadline_at",
            "notice_deadline_at",
            "opened_at",
            "ended_at",
            "end_note",
            "updated_at",
            "allowed_actions",
        ]
        read_only_fields = fields

    @extend_schema_field(REF_SCHEMA)
    def get_handler(self, obj):
        return _person(obj.handler)

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=DEMOLITION_ACTIONS)))
    def get_allowed_actions(self, obj):
        request = self.context.get("request")
        from ..demolitions import allowed_actions

        return allowed_actions(obj, request.user) if request else []


class DemolitionNoticeSerializer(serializers.Serializer):
    notice_on = serializers.DateField(help_text=_("The day the public notice was given."))
    deadline_on = serializers.DateField(
        required=False,
        help_text=_(
            "The last day the notice gives the party to demolish it himself; by default the legal parameter's "
            "days after the notice."
        ),
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(
        required=False, help_text=_("The version you read (or send If-Match); a newer one answers 409.")
    )

    def validate(self, attrs):
        if attrs.get("deadline_on") is None:
            try:
                attrs["deadline_on"] = rules.notice_deadline(attrs["notice_on"])
            except OverflowError:  # a day at the calendar's end: not one a notice is given on
                raise serializers.ValidationError(
                    {"notice_on": _("Give the day of the public notice (not in the future).")}
                ) from None
        return attrs


class DemolitionDoneSerializer(serializers.Serializer):
    demolished_on = serializers.DateField(help_text=_("The day the structure was demolished."))
    area = serializers.DecimalField(**AREA, help_text=_("The area demolished, in m²."))
    by_force = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Demolished by force, after the public notice's deadline and the appeal periods."),
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(
        required=False, help_text=_("The version you read (or send If-Match); a newer one answers 409.")
    )


# --- statement imports ----------------------------------------------------------------------------------
class StatementLineSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = StatementLine
        fields = [
            "id",
            "line_no",
            "reference",
            "amount",
            "paid_on",
            "payer",
            "decision_number",
            "payment_code",
            "status",
            "status_label",
            "message",
            "payment",
        ]
        read_only_fields = fields


class StatementImportSerializer(serializers.ModelSerializer):
    channel_label = serializers.CharField(source="get_channel_display", read_only=True)
    imported_by = serializers.SerializerMethodField()

    class Meta:
        model = StatementImport
        fields = [
            "id",
            "unit",
            "channel",
            "channel_label",
            "file_name",
            "imported_by",
            "imported_at",
            "lines",
            "recorded",
            "already",
            "unmatched",
            "refused",
        ]
        read_only_fields = fields

    @extend_schema_field(REF_SCHEMA)
    def get_imported_by(self, obj):
        return _person(obj.imported_by)


class StatementImportDetailSerializer(StatementImportSerializer):
    problem_lines = StatementLineSerializer(many=True, read_only=True)

    class Meta(StatementImportSerializer.Meta):
        fields = [*StatementImportSerializer.Meta.fields, "problem_lines"]
        read_only_fields = fields


class StatementUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    channel = serializers.ChoiceField(choices=STATEMENT_CHANNELS)
    unit = serializers.IntegerField(
        required=False, allow_null=True, help_text=_("The unit the statement is for; yours if not given.")
    )


class LineResolveSerializer(serializers.Serializer):
    execution = ScopedRelatedField(queryset=Execution.objects.all(), required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")
