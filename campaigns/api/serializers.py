"""The campaigns' API shapes: a campaign's list row and detail (its units, partners, grids, goals and the
progress against them), field logs with their values per measure, rectification items with their photos and
the case they escalated to, the declared measures, and the inputs of planning, changing, logging, recording
and escalating. The rules are the services' (campaigns/rules.py): a serializer only reads the input."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.models import Party
from cases.workflow import kinds_api_field, money_api_field
from complaints.models import Complaint
from enforcement.catalog.models import ViolationCategory
from enforcement.files.api import AttachmentSerializer as BaseAttachmentSerializer
from enforcement.org.models import Grid, OrgUnit
from enforcement.viewsets import ScopedRelatedField
from enforcement.workflow.api import allowed_actions_field

from .. import measures
from ..choices import CampaignKind, EscalationProcedure, ItemKind, ItemStatus, Partner
from ..models import LAT_VALIDATORS, LNG_VALIDATORS, VALUE, Campaign, FieldLogPhoto, ItemPhoto
from ..workflow import CAMPAIGN_WORKFLOW, ITEM_WORKFLOW

REF_SCHEMA = {
    "type": "object",
    "nullable": True,
    "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
}
NUMBERED_SCHEMA = {
    "type": "object",
    "nullable": True,
    "properties": {"id": {"type": "integer"}, "number": {"type": "string"}},
}
PARTNER_LABELS = dict(Partner.choices)
UNIT_MESSAGES = {"does_not_exist": _("Choose your own unit or one under it.")}


def _ref(value):
    return None if value is None else {"id": value.pk, "name": str(getattr(value, "name", value))}


def _person(user):
    return None if user is None else {"id": user.pk, "name": user.full_name or user.username}


def _numbered(value):
    return None if value is None else {"id": value.pk, "number": value.number}


def _amount(value, measure=None):
    """A figure as a string with the measure's decimals ("12", "36.50"); None stays None."""
    if value is None:
        return None
    decimals = measure.decimals if measure is not None else 2
    return f"{value:.{decimals}f}"


def _partners(values):
    return [{"value": v, "label": str(PARTNER_LABELS.get(v, v))} for v in values or []]


class PartnerSerializer(serializers.Serializer):
    value = serializers.ChoiceField(choices=Partner.choices)
    label = serializers.CharField()


class GridRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


# --- measures ----------------------------------------------------------------------------------------------
class MeasureSerializer(serializers.Serializer):
    """One declared measure of field work (measures.py): what the logs count and the goals target."""

    slug = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.CharField(help_text=_("The unit of measure (person-times, notices, m²…)."))
    kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=CampaignKind.choices),
        help_text=_("The campaign kinds whose logs and goals use it."),
    )
    definition = serializers.CharField()
    decimals = serializers.IntegerField(help_text=_("0 for a count, 2 for an area."))

    def to_representation(self, measure):
        return {
            "slug": measure.slug,
            "label": str(measure.label),
            "unit": str(measure.unit),
            "kinds": [kind for kind in CampaignKind.values if kind in measure.kinds],
            "definition": str(measure.definition),
            "decimals": measure.decimals,
        }


# --- campaigns -----------------------------------------------------------------------------------------------
class CampaignListSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    lead_unit = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = [
            "id",
            "number",
            "name",
            "kind",
            "kind_label",
            "status",
            "status_label",
            "starts_on",
            "ends_on",
            "lead_unit",
            "version",
        ]

    @extend_schema_field(REF_SCHEMA)
    def get_lead_unit(self, obj):
        return _ref(obj.lead_unit)


class GoalSerializer(serializers.Serializer):
    measure = serializers.CharField()
    measure_label = serializers.CharField()
    unit_of_measure = serializers.CharField()
    unit = serializers.JSONField(allow_null=True, help_text=_("The unit the goal is for; null: the total."))
    target = serializers.CharField()

    def to_representation(self, goal):
        measure = goal.measure_def
        return {
            "measure": goal.measure,
            "measure_label": str(measure.label) if measure else goal.measure,
            "unit_of_measure": str(measure.unit) if measure else "",
            "unit": _ref(goal.unit),
            "target": _amount(goal.target, measure),
        }


class UnitProgressSerializer(serializers.Serializer):
    unit = serializers.JSONField()
    actual = serializers.CharField()
    target = serializers.CharField(allow_null=True)
    percent = serializers.FloatField(allow_null=True)


class MeasureProgressSerializer(serializers.Serializer):
    measure = serializers.CharField()
    label = serializers.CharField()
    unit_of_measure = serializers.CharField()
    total = serializers.CharField()
    target = serializers.CharField(allow_null=True, help_text=_("The total's goal (or the units' added up)."))
    percent = serializers.FloatField(allow_null=True)
    units = UnitProgressSerializer(many=True)


class ProgressSerializer(serializers.Serializer):
    """The figures against the goals (services.progress), per unit and in total, and the items by status."""

    measures = MeasureProgressSerializer(many=True)
    items = serializers.DictField(
        child=serializers.IntegerField(), help_text=_("Rectification items by status.")
    )

    def to_representation(self, progress):
        rows = []
        for row in progress["measures"]:
            measure = row["measure"]
            rows.append(
                {
                    "measure": measure.slug,
                    "label": str(measure.label),
                    "unit_of_measure": str(measure.unit),
                    "total": _amount(row["total"], measure),
                    "target": _amount(row["target"], measure),
                    "percent": row["percent"],
                    "units": [
                        {
                            "unit": _ref(u["unit"]),
                            "actual": _amount(u["actual"], measure),
                            "target": _amount(u["target"], measure),
                            "percent": u["percent"],
                        }
                        for u in row["units"]
                    ],
                }
            )
        return {"measures": rows, "items": dict(progress["items"])}


class CampaignDetailSerializer(CampaignListSerializer):
    units = serializers.SerializerMethodField(help_text=_("The units taking part, the lead unit among them."))
    partners = serializers.SerializerMethodField()
    grids = serializers.SerializerMethodField()
    goals = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()
    created_by = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()

    class Meta(CampaignListSerializer.Meta):
        fields = [
            *CampaignListSerializer.Meta.fields[:-1],
            "units",
            "partners",
            "grids",
            "description",
            "summary",
            "goals",
            "progress",
            "created_by",
            "created_at",
            "started_at",
            "ended_at",
            "updated_at",
            "allowed_actions",
            "version",
        ]

    @extend_schema_field({**REF_SCHEMA, "nullable": False, "type": "array", "items": REF_SCHEMA})
    def get_units(self, obj):
        return [_ref(unit) for unit in sorted(obj.units.all(), key=lambda u: u.path)]

    @extend_schema_field(PartnerSerializer(many=True))
    def get_partners(self, obj):
        return _partners(obj.partners)

    @extend_schema_field(GridRefSerializer(many=True))
    def get_grids(self, obj):
        return [{"id": g.pk, "code": g.code, "name": g.name} for g in obj.grids.all()]

    @extend_schema_field(GoalSerializer(many=True))
    def get_goals(self, obj):
        return GoalSerializer(obj.goals.all(), many=True).data

    @extend_schema_field(ProgressSerializer)
    def get_progress(self, obj):
        from .. import services

        return ProgressSerializer(services.progress(obj)).data

    @extend_schema_field(REF_SCHEMA)
    def get_created_by(self, obj):
        return _person(obj.created_by)

    @allowed_actions_field(CAMPAIGN_WORKFLOW)
    def get_allowed_actions(self, obj):
        request = self.context.get("request")
        return obj.allowed_actions(request.user) if request else []


class GoalInputSerializer(serializers.Serializer):
    measure = serializers.CharField(max_length=32, help_text=_("A measure's slug (GET campaigns/measures/)."))
    unit = ScopedRelatedField(
        queryset=OrgUnit.objects.filter(is_active=True),
        error_messages=UNIT_MESSAGES,
        required=False,
        allow_null=True,
        help_text=_("A unit taking part; empty: the campaign's total."),
    )
    target = serializers.DecimalField(**VALUE)


class CampaignWriteSerializer(serializers.Serializer):
    """Planning a campaign (POST) or changing it (PATCH, with its `version` or If-Match): the goals are
    replaced as a whole. The service checks the period, the units, the grids and each goal, in words."""

    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=CampaignKind.choices)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    lead_unit = ScopedRelatedField(
        queryset=OrgUnit.objects.filter(is_active=True),
        error_messages=UNIT_MESSAGES,
        required=False,
        help_text=_("The unit that leads the campaign; default: your own."),
    )
    units = ScopedRelatedField(
        queryset=OrgUnit.objects.filter(is_active=True),
        error_messages=UNIT_MESSAGES,
        many=True,
        required=False,
        help_text=_("The units taking part (units of the lead unit; the lead unit always takes part)."),
    )
    partners = serializers.ListField(child=serializers.ChoiceField(choices=Partner.choices), required=False)
    grids = ScopedRelatedField(
        queryset=Grid.objects.filter(is_active=True),
        many=True,
        required=False,
        error_messages={"does_not_exist": _("Choose target areas among your grids.")},
    )
    description = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    goals = GoalInputSerializer(many=True, required=False)
    version = serializers.IntegerField(required=False, write_only=True)

    def inputs(self):
        data = dict(self.validated_data)
        data.pop("version", None)
        if "goals" in data:
            data["goals"] = [(g["measure"], g.get("unit"), g["target"]) for g in data["goals"]]
        return data


class CampaignEditSerializer(CampaignWriteSerializer):
    name = serializers.CharField(max_length=200, required=False)
    starts_on = serializers.DateField(required=False)
    ends_on = serializers.DateField(required=False)
    kind = None  # a campaign keeps its kind: its measures and goals depend on it
    lead_unit = None


# --- field logs ------------------------------------------------------------------------------------------------
class LogPhotoSerializer(BaseAttachmentSerializer):
    uploaded_by = serializers.SerializerMethodField()

    class Meta(BaseAttachmentSerializer.Meta):
        model = FieldLogPhoto

    @extend_schema_field(REF_SCHEMA)
    def get_uploaded_by(self, obj):
        return _person(obj.uploaded_by)


class FieldLogSerializer(serializers.Serializer):
    """A patrol's or an operation's figures for a day: `values` is {measure: value}, each a string with the
    measure's decimals."""

    id = serializers.IntegerField()
    campaign = serializers.IntegerField(source="campaign_id")
    unit = serializers.JSONField()
    day = serializers.DateField()
    place = serializers.CharField()
    note = serializers.CharField()
    partners = PartnerSerializer(many=True)
    values = serializers.DictField(child=serializers.CharField())
    logged_by = serializers.JSONField()
    logged_at = serializers.DateTimeField()
    photos = LogPhotoSerializer(many=True)
    version = serializers.IntegerField()

    def to_representation(self, log):
        timestamp = serializers.DateTimeField().to_representation
        return {
            "id": log.pk,
            "campaign": log.campaign_id,
            "unit": _ref(log.unit),
            "day": log.day.isoformat(),
            "place": log.place,
            "note": log.note,
            "partners": _partners(log.partners),
            "values": {v.measure: _amount(v.value, measures.get(v.measure)) for v in log.values.all()},
            "logged_by": _person(log.logged_by),
            "logged_at": timestamp(log.logged_at),
            "photos": LogPhotoSerializer(log.photos.all(), many=True, context=self.context).data,
            "version": log.version,
        }


class FieldLogCreateSerializer(serializers.Serializer):
    unit = ScopedRelatedField(
        queryset=OrgUnit.objects.filter(is_active=True),
        error_messages=UNIT_MESSAGES,
        required=False,
        help_text=_("The unit whose work it was; default: your own."),
    )
    day = serializers.DateField()
    values = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        help_text=_(
            "{measure: value}: a number per measure (GET campaigns/measures/); empty ones are left out."
        ),
    )
    place = serializers.CharField(max_length=255, required=False, allow_blank=True)
    note = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    partners = serializers.ListField(child=serializers.ChoiceField(choices=Partner.choices), required=False)


class LogQuerySerializer(serializers.Serializer):
    """The log list's query: a unit (with its sub-units' logs not included), and a day range."""

    unit = serializers.IntegerField(required=False, min_value=1)
    day_from = serializers.DateField(required=False)
    day_to = serializers.DateField(required=False)


# --- rectification items ---------------------------------------------------------------------------------------
class ItemPhotoSerializer(BaseAttachmentSerializer):
    uploaded_by = serializers.SerializerMethodField()
    stage_label = serializers.CharField(source="get_stage_display", read_only=True)
    lat = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True, validators=LAT_VALIDATORS
    )
    lng = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True, validators=LNG_VALIDATORS
    )

    class Meta(BaseAttachmentSerializer.Meta):
        model = ItemPhoto
        fields = [*BaseAttachmentSerializer.Meta.fields, "stage", "stage_label"]

    @extend_schema_field(REF_SCHEMA)
    def get_uploaded_by(self, obj):
        return _person(obj.uploaded_by)


def _campaign_ref(campaign):
    return {"id": campaign.pk, "number": campaign.number, "name": campaign.name}


CAMPAIGN_REF_SCHEMA = {
    "type": "object",
    "properties": {"id": {"type": "integer"}, "number": {"type": "string"}, "name": {"type": "string"}},
}


class ItemListSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    campaign = serializers.JSONField()
    unit = serializers.JSONField()
    kind = serializers.ChoiceField(choices=ItemKind.choices)
    kind_label = serializers.CharField()
    status = serializers.ChoiceField(choices=ItemStatus.choices)
    status_label = serializers.CharField()
    party_name = serializers.CharField()
    address = serializers.CharField()
    lat = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    lng = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    grid = serializers.JSONField()
    found_on = serializers.DateField()
    deadline_on = serializers.DateField(allow_null=True)
    recheck_due_at = serializers.DateTimeField(allow_null=True)
    overdue = serializers.BooleanField(help_text=_("The deadline passed without a re-check."))
    case = serializers.JSONField()
    version = serializers.IntegerField()

    def to_representation(self, item):
        timestamp = serializers.DateTimeField().to_representation
        return {
            "id": item.pk,
            "campaign": _campaign_ref(item.campaign),
            "unit": _ref(item.unit),
            "kind": item.kind,
            "kind_label": item.get_kind_display(),
            "status": item.status,
            "status_label": item.get_status_display(),
            "party_name": item.display_party,
            "address": item.address,
            "lat": None if item.lat is None else str(item.lat),
            "lng": None if item.lng is None else str(item.lng),
            "grid": None
            if item.grid is None
            else {"id": item.grid.pk, "code": item.grid.code, "name": item.grid.name},
            "found_on": item.found_on.isoformat(),
            "deadline_on": item.deadline_on.isoformat() if item.deadline_on else None,
            "recheck_due_at": timestamp(item.recheck_due_at) if item.recheck_due_at else None,
            "overdue": item.is_overdue(),
            "case": _numbered(item.case),
            "version": item.version,
        }


class ItemDetailSerializer(ItemListSerializer):
    party = serializers.JSONField()
    category = serializers.JSONField()
    description = serializers.CharField()
    complaint = serializers.JSONField()
    found_by = serializers.JSONField()
    requirement = serializers.CharField()
    noticed_at = serializers.DateTimeField(allow_null=True)
    rechecked_on = serializers.DateField(allow_null=True)
    recheck_result = serializers.CharField()
    recheck_result_label = serializers.CharField()
    recheck_note = serializers.CharField()
    escalated_at = serializers.DateTimeField(allow_null=True)
    photos = ItemPhotoSerializer(many=True)
    allowed_actions = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    @allowed_actions_field(ITEM_WORKFLOW)
    def get_allowed_actions(self, obj):
        request = self.context.get("request")
        return obj.allowed_actions(request.user) if request else []

    def to_representation(self, item):
        timestamp = serializers.DateTimeField().to_representation

        def moment(value):
            return None if value is None else timestamp(value)

        return {
            **super().to_representation(item),
            "party": _ref(item.party),
            "category": _ref(item.category),
            "description": item.description,
            "complaint": _numbered(item.complaint),
            "found_by": _person(item.found_by),
            "requirement": item.requirement,
            "noticed_at": moment(item.noticed_at),
            "rechecked_on": item.rechecked_on.isoformat() if item.rechecked_on else None,
            "recheck_result": item.recheck_result,
            "recheck_result_label": item.get_recheck_result_display() if item.recheck_result else "",
            "recheck_note": item.recheck_note,
            "escalated_at": moment(item.escalated_at),
            "photos": ItemPhotoSerializer(item.photos.all(), many=True, context=self.context).data,
            "allowed_actions": self.get_allowed_actions(item),
            "created_at": timestamp(item.created_at),
            "updated_at": timestamp(item.updated_at),
        }


def _party_field():
    return serializers.PrimaryKeyRelatedField(
        queryset=Party.objects.all(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": _("Unknown party: register the party first.")},
    )


def _category_field():
    return serializers.PrimaryKeyRelatedField(
        queryset=ViolationCategory.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": _("Unknown or inactive category: %(pk_value)s.")},
    )


class ItemIdentifySerializer(serializers.Serializer):
    """The party (from the register: POST /api/v1/parties/ first for a new one) and the category of an item
    found without them; not once it is escalated."""

    party = _party_field()
    category = _category_field()
    version = serializers.IntegerField(required=False, write_only=True)


class ItemCreateSerializer(serializers.Serializer):
    """Records a rectification item (整改对象) on a campaign under way; photos before are added with
    `<id>/photos/`. The grid is the one holding the point unless given."""

    campaign = ScopedRelatedField(
        queryset=Campaign.objects.all(),
        error_messages={"does_not_exist": _("Choose a campaign you can see.")},
    )
    unit = ScopedRelatedField(
        queryset=OrgUnit.objects.filter(is_active=True),
        error_messages=UNIT_MESSAGES,
        required=False,
        help_text=_("The unit taking part that found it; default: your own."),
    )
    kind = serializers.ChoiceField(choices=ItemKind.choices)
    description = serializers.CharField(max_length=20000)
    address = serializers.CharField(max_length=255)
    found_on = serializers.DateField(required=False)
    party = _party_field()
    party_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    category = _category_field()
    lat = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True, validators=LAT_VALIDATORS
    )
    lng = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True, validators=LNG_VALIDATORS
    )
    grid = ScopedRelatedField(
        queryset=Grid.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": _("Choose one of your grids.")},
    )
    complaint = ScopedRelatedField(
        queryset=Complaint.objects.all(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": _("Choose a complaint you can see.")},
    )


class EscalateSerializer(serializers.Serializer):
    """转立案: a lead of the general procedure, or (simple) a decision on the spot with its penalty."""

    procedure = serializers.ChoiceField(choices=EscalationProcedure.choices)
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    penalty_kinds = kinds_api_field(False)
    fine = money_api_field(False)
    correction_order = serializers.CharField(
        max_length=4000,
        required=False,
        allow_blank=True,
        help_text=_("The order to correct; empty: what the notice required."),
    )
    paid_on_spot = serializers.BooleanField(required=False, default=False)
    receipt_no = serializers.CharField(max_length=64, required=False, allow_blank=True)
    version = serializers.IntegerField(
        required=False, help_text=_("The version you read; a newer one on the server answers 409.")
    )
