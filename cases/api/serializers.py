"""The cases' API shapes: the case list row and detail (party, penalties by stage, the approval chain, the
evidence, the deadlines), the inputs of opening a lead or deciding on the spot, evidence items, and parties
with their earlier cases.

Who reads a party's ID number in full is one rule (`permissions.sees_id_numbers`): on a record's own page, the case roles;
in every list and every export, nobody."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from complaints.models import Complaint
from enforcement.catalog.choices import PartyType
from enforcement.catalog.models import ViolationCategory
from enforcement.files.api import AttachmentSerializer as BaseAttachmentSerializer
from enforcement.org.models import OrgUnit
from enforcement.viewsets import ScopedRelatedField
from enforcement.workflow.api import allowed_actions_field

from ..choices import CaseSource, EvidenceType, PenaltyStage, Procedure
from ..deadlines import (
    CASE_BUREAU_FILING,
    CASE_CASH,
    CASE_DECISION,
    CASE_FILING,
    CASE_HEARING,
    CASE_HEARING_REQUEST,
    CASE_SERVICE,
)
from ..models import LAT_VALIDATORS, LNG_VALIDATORS, Case, CaseEvidence, Party
from ..permissions import id_number_for
from ..workflow import WORKFLOW, kinds_api_field, money_api_field

# The deadlines a case's page lists, in the order of the procedure (the reminder sweep's kinds).
DEADLINE_KINDS = (
    CASE_FILING,
    CASE_DECISION,
    CASE_HEARING_REQUEST,
    CASE_HEARING,
    CASE_SERVICE,
    CASE_CASH,
    CASE_BUREAU_FILING,
)
EARLIER_CASES = 50  # a party's page lists their latest cases; repeat offending shows in the first few

REF_SCHEMA = {
    "type": "object",
    "nullable": True,
    "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
}


def _ref(value, name_attr="display_name"):
    return None if value is None else {"id": value.pk, "name": str(getattr(value, name_attr) or value)}


def _person(user):
    return None if user is None else {"id": user.pk, "name": user.full_name or user.username}


def _seconds_left(case):
    if case.due_at is None:
        return None
    return int((case.due_at - timezone.now()).total_seconds())


def _money(value):
    return None if value is None else f"{value:.2f}"


# --- parties ---------------------------------------------------------------------------------------------
class CasePartyRefSerializer(serializers.Serializer):
    """A party in a list row: the credit code of an organisation, the masked ID number of a person."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    party_type = serializers.ChoiceField(choices=PartyType.choices)
    identifier = serializers.CharField(help_text=_("The credit code, or the ID number masked."))


def party_ref(party):
    return {
        "id": party.pk,
        "name": party.name,
        "party_type": party.party_type,
        "identifier": party.identifier,
    }


class PartySerializer(serializers.ModelSerializer):
    """A party as the list shows it (ID numbers masked for everyone)."""

    party_type_label = serializers.CharField(source="get_party_type_display", read_only=True)
    id_number = serializers.SerializerMethodField()
    id_number_masked = serializers.SerializerMethodField(
        help_text=_("True when the ID number is shown masked.")
    )
    full_id_number = False  # the detail reads it in full, for the case roles

    class Meta:
        model = Party
        fields = [
            "id",
            "party_type",
            "party_type_label",
            "name",
            "id_number",
            "id_number_masked",
            "credit_code",
            "legal_representative",
            "phone",
            "address",
            "created_at",
            "version",
        ]

    def _id_number(self, obj):
        request = self.context.get("request")
        return id_number_for(obj, getattr(request, "user", None), full=self.reads_in_full())

    def reads_in_full(self):
        return self.full_id_number

    def get_id_number(self, obj) -> str:
        return self._id_number(obj)[0]

    def get_id_number_masked(self, obj) -> bool:
        return self._id_number(obj)[1]


class PartyCaseSerializer(serializers.Serializer):
    """One of the party's earlier cases (repeat offending; a first violation, Art. 33)."""

    id = serializers.IntegerField()
    number = serializers.CharField()
    procedure = serializers.ChoiceField(choices=Procedure.choices)
    procedure_label = serializers.CharField(source="get_procedure_display")
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    registered_at = serializers.DateTimeField()
    act_date = serializers.DateField()
    category = serializers.SerializerMethodField()
    fine_decided = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)

    @extend_schema_field(REF_SCHEMA)
    def get_category(self, obj):
        return _ref(obj.category)


class PartyDetailSerializer(PartySerializer):
    """A party's own page: the ID number in full for a case role who sees one of the party's cases or
    registered the party (the view's `full_id_number`, views.party_standing), masked otherwise."""

    cases = serializers.SerializerMethodField(
        help_text=_("The party's latest cases you may see, newest first.")
    )
    earlier_cases_citywide = serializers.SerializerMethodField(
        help_text=_("The party's decided cases in the whole city (0: a first violation); only counted.")
    )
    earlier_cases_in_scope = serializers.SerializerMethodField(
        help_text=_("Of those, the decided cases in your units.")
    )

    class Meta(PartySerializer.Meta):
        fields = PartySerializer.Meta.fields + [
            "cases",
            "earlier_cases_citywide",
            "earlier_cases_in_scope",
            "updated_at",
        ]

    def reads_in_full(self):
        return self.context.get("full_id_number", False)

    def get_earlier_cases_citywide(self, obj) -> int:
        return self.context.get("earlier_cases_citywide", 0)

    def get_earlier_cases_in_scope(self, obj) -> int:
        return self.context.get("earlier_cases_in_scope", 0)

    @extend_schema_field(PartyCaseSerializer(many=True))
    def get_cases(self, obj):
        return PartyCaseSerializer(self.context.get("party_cases", []), many=True).data


class PartyWriteSerializer(serializers.Serializer):
    """Registering a party. The identity is checked by the service (the check digits of an ID number and of
    a credit code); a party already registered with it is answered as it is."""

    party_type = serializers.ChoiceField(choices=PartyType.choices)
    name = serializers.CharField(max_length=200)
    id_number = serializers.CharField(max_length=32, required=False, allow_blank=True)
    credit_code = serializers.CharField(max_length=32, required=False, allow_blank=True)
    legal_representative = serializers.CharField(max_length=100, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    address = serializers.CharField(max_length=255, required=False, allow_blank=True)


class PartyEditSerializer(serializers.Serializer):
    """Correcting a party's name or contact details; the identity is what the party is (a wrong one is a new
    party)."""

    name = serializers.CharField(max_length=200, required=False)
    legal_representative = serializers.CharField(max_length=100, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    address = serializers.CharField(max_length=255, required=False, allow_blank=True)
    version = serializers.IntegerField(required=False, write_only=True)


# --- cases: the list row -----------------------------------------------------------------------------------
class CaseListSerializer(serializers.ModelSerializer):
    procedure_label = serializers.CharField(source="get_procedure_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    title = serializers.CharField(read_only=True)
    category = serializers.SerializerMethodField()
    unit = serializers.SerializerMethodField()
    handler = serializers.SerializerMethodField()
    party = serializers.SerializerMethodField()
    seconds_left = serializers.SerializerMethodField(
        help_text=_("Until the live deadline; negative when overdue.")
    )

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "procedure",
            "procedure_label",
            "status",
            "status_label",
            "title",
            "registered_at",
            "act_date",
            "category",
            "unit",
            "handler",
            "party",
            "address",
            "due_at",
            "seconds_left",
            "fine_decided",
            "version",
        ]

    @extend_schema_field(REF_SCHEMA)
    def get_category(self, obj):
        return _ref(obj.category)

    @extend_schema_field(REF_SCHEMA)
    def get_unit(self, obj):
        return _ref(obj.unit)

    @extend_schema_field(REF_SCHEMA)
    def get_handler(self, obj):
        return _person(obj.handler)

    @extend_schema_field(CasePartyRefSerializer)
    def get_party(self, obj):
        return party_ref(obj.party)

    @extend_schema_field(serializers.IntegerField(allow_null=True))  # null without a live deadline
    def get_seconds_left(self, obj):
        return _seconds_left(obj)

    def to_representation(self, obj):
        """The declared fields, built directly (a list page builds many rows; test_api checks that this and
        DRF's generic path agree)."""
        timestamp = self.fields["registered_at"].to_representation
        return {
            "id": obj.pk,
            "number": obj.number,
            "procedure": obj.procedure,
            "procedure_label": obj.get_procedure_display(),
            "status": obj.status,
            "status_label": obj.get_status_display(),
            "title": obj.title,
            "registered_at": timestamp(obj.registered_at),
            "act_date": obj.act_date.isoformat(),
            "category": _ref(obj.category),
            "unit": _ref(obj.unit),
            "handler": _person(obj.handler),
            "party": party_ref(obj.party),
            "address": obj.address,
            "due_at": None if obj.due_at is None else timestamp(obj.due_at),
            "seconds_left": _seconds_left(obj),
            "fine_decided": _money(obj.fine_decided),
            "version": obj.version,
        }


# --- cases: the detail -------------------------------------------------------------------------------------
class CasePartySerializer(PartySerializer):
    """The party on the case's own page: the ID number in full for the case roles."""

    full_id_number = True

    class Meta(PartySerializer.Meta):
        fields = [name for name in PartySerializer.Meta.fields if name not in ("created_at", "version")]


class CasePenaltySerializer(serializers.Serializer):
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    detail = serializers.CharField()
    area = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        allow_null=True,
        help_text=_("An order to demolish: the area, in m²."),
    )
    deadline_days = serializers.IntegerField(
        allow_null=True, help_text=_("An order to demolish: the days given to demolish, from service.")
    )


class CasePenaltiesSerializer(serializers.Serializer):
    notified = CasePenaltySerializer(many=True, help_text=_("Proposed and notified to the party (Art. 44)."))
    decided = CasePenaltySerializer(many=True)


class CaseApprovalSerializer(serializers.Serializer):
    """One step of the approval chain: who asked, when and why; who decided, when, how, with what opinion."""

    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    requested_by = serializers.SerializerMethodField()
    requested_at = serializers.DateTimeField()
    reason = serializers.CharField()
    due_at = serializers.DateTimeField(allow_null=True)
    decision = serializers.CharField()
    decision_label = serializers.CharField(source="get_decision_display")
    decided_by = serializers.SerializerMethodField()
    decided_at = serializers.DateTimeField(allow_null=True)
    opinion = serializers.CharField()
    days = serializers.IntegerField(allow_null=True)

    @extend_schema_field(REF_SCHEMA)
    def get_requested_by(self, obj):
        return _person(obj.requested_by)

    @extend_schema_field(REF_SCHEMA)
    def get_decided_by(self, obj):
        return _person(obj.decided_by)


class CaseDeadlineSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    due_at = serializers.DateTimeField()
    met_at = serializers.DateTimeField(allow_null=True, help_text=_("When it was met; null while it runs."))


class CaseComplaintRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()


class CaseEvidenceSerializer(BaseAttachmentSerializer):
    """An item of evidence (Art. 46): what it is, when and where it was taken. Never changed or deleted."""

    uploaded_by = serializers.SerializerMethodField()
    evidence_type = serializers.ChoiceField(choices=EvidenceType.choices)
    evidence_type_label = serializers.CharField(source="get_evidence_type_display", read_only=True)
    description = serializers.CharField(max_length=500, required=False, allow_blank=True)
    lat = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True, validators=LAT_VALIDATORS
    )
    lng = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True, validators=LNG_VALIDATORS
    )

    class Meta(BaseAttachmentSerializer.Meta):
        model = CaseEvidence
        fields = [
            "id",
            "file",
            "url",
            "evidence_type",
            "evidence_type_label",
            "description",
            "kind",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "captured_at",
            "lat",
            "lng",
            "after_decision",
            "uploaded_by",
            "uploaded_at",
        ]
        read_only_fields = [*BaseAttachmentSerializer.Meta.read_only_fields, "after_decision"]

    @extend_schema_field(REF_SCHEMA)
    def get_uploaded_by(self, obj):
        return _person(obj.uploaded_by)

    def validate(self, attrs):
        if ("lat" in attrs or "lng" in attrs) and (attrs.get("lat") is None) != (attrs.get("lng") is None):
            raise serializers.ValidationError({"lng": _("Give both latitude and longitude, or neither.")})
        return attrs


class CaseDetailSerializer(serializers.ModelSerializer):
    procedure_label = serializers.CharField(source="get_procedure_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    source_label = serializers.CharField(source="get_source_display", read_only=True)
    title = serializers.CharField(read_only=True)
    seconds_left = serializers.SerializerMethodField(
        help_text=_("Until the live deadline; negative when overdue.")
    )
    party = CasePartySerializer(read_only=True)
    category = serializers.SerializerMethodField()
    unit = serializers.SerializerMethodField()
    grid = serializers.CharField(source="grid.code", read_only=True, default=None, allow_null=True)
    complaint = serializers.SerializerMethodField()
    registered_by = serializers.SerializerMethodField()
    handler = serializers.SerializerMethodField()
    co_handler = serializers.SerializerMethodField()
    reported_by = serializers.SerializerMethodField()
    hearing_chair = serializers.SerializerMethodField()
    decided_by = serializers.SerializerMethodField()
    bureau_filed_by = serializers.SerializerMethodField()
    penalties = serializers.SerializerMethodField()
    approvals = serializers.SerializerMethodField()
    evidence = CaseEvidenceSerializer(many=True, read_only=True)
    deadlines = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "procedure",
            "procedure_label",
            "status",
            "status_label",
            "source",
            "source_label",
            "title",
            "complaint",
            "party",
            "category",
            "unit",
            "grid",
            "address",
            "lat",
            "lng",
            "act_date",
            "act_continuing",
            "harms_safety",
            "facts",
            "legal_basis",
            "penalty_basis",
            "is_complex",
            "major_public_interest",
            "registered_by",
            "registered_at",
            "handler",
            "co_handler",
            "filing_due_at",
            "lead_decided_at",
            "filed_at",
            "decision_due_at",
            "extended_days",
            "report",
            "reported_at",
            "reported_by",
            "correction_order",
            "notified_at",
            "hearing_request_due_at",
            "statement",
            "hearing_requested_at",
            "hearing_at",
            "hearing_place",
            "hearing_chair",
            "hearing_held_at",
            "hearing_record",
            "decided_at",
            "decided_by",
            "fine_decided",
            "first_violation",
            "service_due_at",
            "served_at",
            "paid_on_spot",
            "receipt_no",
            "cash_due_at",
            "cash_handed_over_at",
            "bureau_filing_due_at",
            "bureau_filed_at",
            "bureau_filed_by",
            "outcome_reason",
            "transferred_to",
            "closed_at",
            "archived_at",
            "due_at",
            "seconds_left",
            "penalties",
            "approvals",
            "evidence",
            "deadlines",
            "allowed_actions",
            "created_at",
            "updated_at",
            "version",
        ]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_seconds_left(self, obj):
        return _seconds_left(obj)

    @extend_schema_field(REF_SCHEMA)
    def get_category(self, obj):
        return _ref(obj.category)

    @extend_schema_field(REF_SCHEMA)
    def get_unit(self, obj):
        return _ref(obj.unit)

    @extend_schema_field(CaseComplaintRefSerializer(allow_null=True))
    def get_complaint(self, obj):
        if obj.complaint_id is None:
            return None
        return {"id": obj.complaint_id, "number": obj.complaint.number}

    @extend_schema_field(REF_SCHEMA)
    def get_registered_by(self, obj):
        return _person(obj.registered_by)

    @extend_schema_field(REF_SCHEMA)
    def get_handler(self, obj):
        return _person(obj.handler)

    @extend_schema_field(REF_SCHEMA)
    def get_co_handler(self, obj):
        return _person(obj.co_handler)

    @extend_schema_field(REF_SCHEMA)
    def get_reported_by(self, obj):
        return _person(obj.reported_by)

    @extend_schema_field(REF_SCHEMA)
    def get_hearing_chair(self, obj):
        return _person(obj.hearing_chair)

    @extend_schema_field(REF_SCHEMA)
    def get_decided_by(self, obj):
        return _person(obj.decided_by)

    @extend_schema_field(REF_SCHEMA)
    def get_bureau_filed_by(self, obj):
        return _person(obj.bureau_filed_by)

    @extend_schema_field(CasePenaltiesSerializer)
    def get_penalties(self, obj):
        return {
            "notified": CasePenaltySerializer(obj.penalties_at(PenaltyStage.NOTIFIED), many=True).data,
            "decided": CasePenaltySerializer(obj.penalties_at(PenaltyStage.DECIDED), many=True).data,
        }

    @extend_schema_field(CaseApprovalSerializer(many=True))
    def get_approvals(self, obj):
        return CaseApprovalSerializer(obj.approvals.all(), many=True).data  # oldest first (Meta.ordering)

    @extend_schema_field(CaseDeadlineSerializer(many=True))
    def get_deadlines(self, obj):
        rows = [
            {
                "kind": kind.slug,
                "label": str(kind.label),
                "due_at": getattr(obj, kind.due_field),
                "met_at": getattr(obj, kind.met_field),
            }
            for kind in DEADLINE_KINDS
            if getattr(obj, kind.due_field) is not None
        ]
        return CaseDeadlineSerializer(rows, many=True).data

    @allowed_actions_field(WORKFLOW)
    def get_allowed_actions(self, obj):
        request = self.context.get("request")
        return obj.allowed_actions(request.user) if request else []


# --- cases: opening one ------------------------------------------------------------------------------------
class CaseCreateSerializer(serializers.Serializer):
    """Opens a lead of the general procedure (the default), or with `procedure: "simple"` records a decision
    taken on the spot (Art. 51–52): the penalty, and for cash paid on the spot its receipt. The law's limits
    (Art. 36, 51, 68, 70) are checked by the service, which says which article stops it."""

    procedure = serializers.ChoiceField(choices=Procedure.choices, default=Procedure.GENERAL)
    party = serializers.PrimaryKeyRelatedField(
        queryset=Party.objects.all(),
        error_messages={"does_not_exist": _("Unknown party: register the party first.")},
    )
    category = serializers.PrimaryKeyRelatedField(
        queryset=ViolationCategory.objects.filter(is_active=True),
        error_messages={"does_not_exist": _("Unknown or inactive category: %(pk_value)s.")},
    )
    facts = serializers.CharField(max_length=20000)
    address = serializers.CharField(max_length=255)
    act_date = serializers.DateField(help_text=_("The date of the act, or the day a continuing act ended."))
    lat = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True, validators=LAT_VALIDATORS
    )
    lng = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True, validators=LNG_VALIDATORS
    )
    unit = ScopedRelatedField(
        queryset=OrgUnit.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text=_("The responsible unit; default: your own."),
    )
    complaint = ScopedRelatedField(
        queryset=Complaint.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("The complaint the case comes from."),
        error_messages={"does_not_exist": _("Choose a complaint you can see.")},
    )
    legal_basis = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    penalty_basis = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    # A lead's.
    source = serializers.ChoiceField(choices=CaseSource.choices, required=False)
    act_continuing = serializers.BooleanField(required=False, default=False)
    harms_safety = serializers.BooleanField(required=False, default=False)
    is_complex = serializers.BooleanField(required=False, default=False)
    major_public_interest = serializers.BooleanField(required=False, default=False)
    # An on-the-spot decision's.
    penalty_kinds = kinds_api_field(False)
    fine = money_api_field(False)
    paid_on_spot = serializers.BooleanField(required=False, default=False)
    receipt_no = serializers.CharField(max_length=64, required=False, allow_blank=True)
    correction_order = serializers.CharField(max_length=4000, required=False, allow_blank=True)

    LEAD_FIELDS = ("source", "act_continuing", "harms_safety", "is_complex", "major_public_interest")
    SIMPLE_FIELDS = ("penalty_kinds", "fine", "paid_on_spot", "receipt_no", "correction_order")

    def validate(self, attrs):
        if ("lat" in attrs or "lng" in attrs) and (attrs.get("lat") is None) != (attrs.get("lng") is None):
            raise serializers.ValidationError({"lng": _("Give both latitude and longitude, or neither.")})
        return attrs

    def lead_inputs(self):
        data = {k: v for k, v in self.validated_data.items() if k not in self.SIMPLE_FIELDS}
        data.pop("procedure", None)
        return data

    def simple_inputs(self):
        data = {k: v for k, v in self.validated_data.items() if k not in self.LEAD_FIELDS}
        data.pop("procedure", None)
        data.setdefault("penalty_kinds", [])
        data.setdefault("correction_order", "")
        return data
