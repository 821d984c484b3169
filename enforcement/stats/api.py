"""The statistics API (PRODUCT §9): the declared figures, the monthly report (JSON, CSV, XLSX), the annual
summary with its targets, the targets themselves, submitted (locked) months with their corrections, and a
recompute on demand. Every figure is read for a unit in the user's scope (another unit is 404), through
the same `query.parse` and `services` the pages use."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from enforcement.api_utils import QueueDown
from enforcement.approvals.api import PersonSerializer
from enforcement.celery import send
from enforcement.org.choices import Role
from enforcement.org.models import OrgUnit
from enforcement.replicas import replica_reads
from enforcement.schema import ErrorSerializer
from enforcement.viewsets import ScopedRelatedField

from . import exports, measures, query, read, services, tasks
from .measures import Period
from .models import AnnualTarget, TallyMonth, TallySubmission

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("json", "csv", "xlsx")
NOT_FOUND = OpenApiResponse(ErrorSerializer, description=_("No such unit, or it is outside your scope."))


def units_in_scope(user):
    return OrgUnit.objects.visible_to(user)


class MonthField(serializers.CharField):
    """A month as "YYYY-MM", read as a `Period` (the same words as the report's query string)."""

    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        try:
            return query.period_of(text, self.field_name)
        except DjangoValidationError as error:  # {name: message}, as the query string's
            raise serializers.ValidationError(error.message_dict[self.field_name]) from None

    def to_representation(self, value):
        return f"{value:%Y-%m}" if hasattr(value, "strftime") else str(value)


class NumberField(serializers.FloatField):
    """A figure as reports give it: whole numbers (counts) as integers, others with their decimals."""

    def to_representation(self, value):
        value = Decimal(str(value))
        return int(value) if value == value.to_integral_value() else float(value)


# --- the declared list ------------------------------------------------------------------------------


class FamilySerializer(serializers.Serializer):
    slug = serializers.CharField()
    label = serializers.CharField()


class ColumnSerializer(serializers.Serializer):
    """A Measure's or Rate's `as_dict()`; a rate also names the measures it divides."""

    slug = serializers.CharField()
    label = serializers.CharField()
    definition = serializers.CharField(help_text="What the figure counts, in words.")
    family = serializers.CharField()
    unit = serializers.CharField(help_text="count, yuan, m2 or percent.")
    unit_label = serializers.CharField()
    kind = serializers.CharField(help_text="measure (counted) or rate (numerator ÷ denominator, %).")
    numerator = serializers.ListField(child=serializers.CharField(), required=False)
    denominator = serializers.ListField(child=serializers.CharField(), required=False)


class DeclaredSerializer(serializers.Serializer):
    families = FamilySerializer(many=True)
    measures = ColumnSerializer(many=True)


# --- the monthly report -----------------------------------------------------------------------------


class UnitBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class RowSerializer(serializers.Serializer):
    key = serializers.JSONField(
        allow_null=True,
        help_text="The group: a sub-unit's path, a category id, a channel, a month's first day, a person's id;"
        " null for the total.",
    )
    label = serializers.CharField()
    figures = serializers.DictField(child=NumberField(), help_text="{measure slug: value}")
    rates = serializers.DictField(
        child=serializers.FloatField(allow_null=True),
        help_text="{rate slug: %}; null when nothing to divide.",
    )


class MonthStateSerializer(serializers.Serializer):
    locked = serializers.BooleanField()
    submission = serializers.IntegerField(allow_null=True, help_text="The current submission's id.")
    submitted_by = PersonSerializer(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)


class ReportSerializer(serializers.Serializer):
    unit = UnitBriefSerializer()
    from_ = serializers.CharField(help_text="YYYY-MM")
    to = serializers.CharField(help_text="YYYY-MM")
    group_by = serializers.CharField()
    columns = ColumnSerializer(many=True)
    rows = RowSerializer(many=True)
    total = RowSerializer()
    submission = MonthStateSerializer(allow_null=True, help_text="One month only: whether it is locked.")
    computed_at = serializers.DateTimeField(
        allow_null=True, help_text="One month only: when its figures were last computed."
    )

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields


REPORT_PARAMETERS = [
    OpenApiParameter("year", int, description="With `month`: one month."),
    OpenApiParameter("month", int, description="1 to 12, with `year`."),
    OpenApiParameter("from", str, description="The first month, YYYY-MM (without `year` and `month`)."),
    OpenApiParameter("to", str, description="The last month, YYYY-MM."),
    OpenApiParameter("unit", int, description="A unit in your scope; the top of your scope by default."),
    OpenApiParameter("group_by", str, enum=[slug for slug, _label in read.GroupBy.CHOICES]),
    OpenApiParameter("family", str, many=True, enum=list(measures.FAMILIES), explode=True),
    OpenApiParameter("format", str, enum=list(FORMATS), description="json (the default), csv or xlsx."),
]


class JSONOnlyNegotiation(DefaultContentNegotiation):
    """The report reads `format` itself (json, csv, xlsx): DRF's own reading of that parameter would answer
    404 for a format no renderer has. Everything the view renders (the JSON report, a refusal) is JSON; the
    files are responses of their own."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def _plausible_year(params):
    """Years the calendar and the month arithmetic cover (Dec 9999 has no next month)."""
    try:
        year = int(params.get("year") or 0)
    except (TypeError, ValueError):
        return
    if year and not 1950 <= year <= 2200:
        raise serializers.ValidationError({"year": [_("Give a month between 1950 and 2200.")]})


def month_state(unit, period):
    submission = services.current_submission(unit, period)  # its person read by ReportSerializer
    computed = TallyMonth.objects.filter(month=period.first_day).values_list("computed_at", flat=True).first()
    state = {
        "locked": submission is not None,
        "submission": submission.pk if submission else None,
        "submitted_by": submission.submitted_by if submission else None,
        "submitted_at": submission.submitted_at if submission else None,
    }
    return state, computed


class AnnualQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=1950, max_value=2200, required=False)
    unit = serializers.IntegerField(min_value=1, required=False)


class AchievementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    measure = serializers.CharField()
    label = serializers.CharField()
    target = NumberField()
    actual = NumberField()
    percent = NumberField(help_text="Done ÷ target, %.")
    note = serializers.CharField(allow_blank=True)


class ComparisonSerializer(serializers.Serializer):
    slug = serializers.CharField()
    value = NumberField(allow_null=True)
    previous = NumberField(allow_null=True, help_text="The year before.")
    last_year = NumberField(allow_null=True)
    year_to_date = NumberField(allow_null=True)
    daily_average = NumberField(allow_null=True)
    month_on_month = NumberField(allow_null=True, help_text="Change from `previous`, %.")
    year_on_year = NumberField(allow_null=True, help_text="Change from `last_year`, %.")


class AnnualSerializer(serializers.Serializer):
    unit = UnitBriefSerializer()
    year = serializers.IntegerField()
    from_ = serializers.CharField(help_text="YYYY-MM")
    to = serializers.CharField(help_text="YYYY-MM: December, or this month in the current year.")
    columns = ColumnSerializer(many=True)
    comparisons = ComparisonSerializer(many=True)
    targets = AchievementSerializer(many=True)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields


class RecomputeSerializer(serializers.Serializer):
    from_ = MonthField()
    to = MonthField(required=False)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        fields["from"].source = "from_"
        return fields

    def validate(self, attrs):
        first = attrs["from_"]
        last = attrs.get("to") or first
        if last < first:
            raise serializers.ValidationError({"to": [_("The last month comes before the first.")]})
        if last > Period.current():
            raise serializers.ValidationError({"to": [_("A month that has not begun has nothing to count.")]})
        if sum(1 for _period in Period.range(first, last)) > query.MAX_MONTHS:
            raise serializers.ValidationError(
                {"to": [_("A view covers at most ten years; choose a shorter range.")]}
            )
        return {"first": first, "last": last}


class RecomputedSerializer(serializers.Serializer):
    months = serializers.ListField(child=serializers.CharField(), help_text="YYYY-MM, queued to recompute.")


class StatsViewSet(viewsets.ViewSet):
    """The figures: what is declared, the monthly report, the annual summary, a recompute on demand."""

    @extend_schema(summary="The declared figures and their families", responses=DeclaredSerializer)
    @action(detail=False, methods=["get"])
    def measures(self, request):
        families = [{"slug": slug, "label": str(label)} for slug, label in measures.FAMILIES.items()]
        columns = measures.ordered([*measures.all_measures(), *measures.all_rates()])
        return Response({"families": families, "measures": [column.as_dict() for column in columns]})

    @extend_schema(
        summary="The monthly report",
        description="One month (`year`, `month`) or a range (`from`, `to`) of a unit's subtree, grouped; "
        "`format=csv` (UTF-8 with a BOM) or `format=xlsx` for the file.",
        parameters=REPORT_PARAMETERS,
        responses={
            (200, "application/json"): ReportSerializer,
            (200, CSV): OpenApiResponse(OpenApiTypes.BINARY, description="The report as CSV."),
            (200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="The report as XLSX."),
            404: NOT_FOUND,
        },
    )
    @action(
        detail=False,
        methods=["get"],
        renderer_classes=[JSONRenderer],
        content_negotiation_class=JSONOnlyNegotiation,
    )
    @replica_reads
    def monthly(self, request):
        wanted = request.query_params.get("format") or "json"
        if wanted not in FORMATS:
            raise serializers.ValidationError({"format": [_("Choose json, csv or xlsx.")]})
        _plausible_year(request.query_params)
        asked = query.parse(request.query_params, request.user)
        report = asked.report()
        if wanted != "json":
            if wanted == "csv":
                return exports.csv_report(report, exports.filename_for(report, "csv"))
            return exports.xlsx_report([report], exports.filename_for(report, "xlsx"))
        # `as_dict()` is already the documented shape, every figure JSON-ready: ReportSerializer documents
        # it (the schema, checked against the responses in CI) without a field call per figure of a year.
        data = report.as_dict()
        data["submission"] = data["computed_at"] = None
        if asked.is_one_month:
            state, computed = month_state(asked.unit, asked.first)
            data["submission"] = MonthStateSerializer(state).data
            data["computed_at"] = (
                serializers.DateTimeField().to_representation(computed) if computed else None
            )
        return Response(data)

    @extend_schema(
        summary="The annual summary",
        description="Each figure of the year (January to December, or to this month in the current year) "
        "beside the year before, with the unit's targets and how far each is achieved.",
        parameters=[AnnualQuerySerializer],
        responses={200: AnnualSerializer, 404: NOT_FOUND},
    )
    @action(detail=False, methods=["get"])
    @replica_reads
    def annual(self, request):
        params = AnnualQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        current = Period.current()
        year = params.validated_data.get("year") or current.year
        unit = self._unit(params.validated_data.get("unit"))
        first = Period.of(year, 1)
        last = current if year == current.year else Period.of(year, 12)
        targets = [
            {
                "id": target.pk,
                "measure": target.measure,
                "label": _label(target.measure),
                "target": target.target,
                "actual": actual,
                "percent": percent,
                "note": target.note,
            }
            for target, actual, percent in services.achievements(unit, year, last)
        ]
        data = {
            "unit": {"id": unit.pk, "name": unit.display_name},
            "year": year,
            "from": str(first),
            "to": str(last),
            "columns": [column.as_dict() for column in read.columns_for()],
            "comparisons": [c.as_dict() for c in read.comparisons(unit, first, last)],
            "targets": targets,
        }
        return Response(AnnualSerializer(data).data)

    def _unit(self, unit_id):
        if unit_id is None:
            unit = read.default_unit(self.request.user)
        else:
            unit = units_in_scope(self.request.user).filter(pk=unit_id).first()
        if unit is None:
            raise Http404
        return unit

    @extend_schema(
        summary="Recompute months",
        description="Queues the months `from` to `to` (YYYY-MM) to be counted again from the records. For "
        "statistics staff and administrators.",
        request=RecomputeSerializer,
        responses={
            202: OpenApiResponse(
                RecomputedSerializer, description=_("The months are queued to be recomputed.")
            ),
            503: OpenApiResponse(
                ErrorSerializer, description=_("The task queue is not answering; nothing was queued.")
            ),
        },
    )
    @action(detail=False, methods=["post"])
    def recompute(self, request):
        if not request.user.has_role(Role.STATISTICIAN, Role.ADMIN):
            raise PermissionDenied(_("Only statistics staff and administrators recompute the figures."))
        serializer = RecomputeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        first, last = serializer.validated_data["first"], serializer.validated_data["last"]
        if not send(tasks.recompute_months_task, first.first_day.isoformat(), last.first_day.isoformat()):
            raise QueueDown()
        months = [str(period) for period in Period.range(first, last)]
        return Response({"months": months}, status=status.HTTP_202_ACCEPTED)


def _label(slug):
    try:
        return str(measures.get(slug).label)
    except KeyError:  # a target of a measure no longer declared: its slug says what it was
        return slug


# --- targets (目标任务书) ----------------------------------------------------------------------------


class AnnualTargetSerializer(serializers.ModelSerializer):
    unit = ScopedRelatedField(queryset=OrgUnit.objects.all())
    target = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=Decimal("0.01"))
    label = serializers.SerializerMethodField()
    set_by = PersonSerializer(read_only=True)

    class Meta:
        model = AnnualTarget
        fields = ["id", "year", "unit", "measure", "label", "target", "note", "set_by", "set_at"]
        read_only_fields = ["set_at"]
        extra_kwargs = {"year": {"min_value": 1950, "max_value": 2200}}
        validators = []  # one per unit, year and measure: a second POST replaces the first (set_target)

    def get_label(self, target) -> str:
        return _label(target.measure)

    def validate_measure(self, slug):
        if slug not in {measure.slug for measure in measures.all_measures()}:
            raise serializers.ValidationError(
                _("There is no such figure to set a target on: %(slug)s.") % {"slug": slug}
            )
        return slug


TARGETS_REFUSED = _("Only an administrator of this unit or a unit above it sets its targets.")


class AnnualTargetViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """Annual targets per unit and figure. POST sets one (replacing the unit's target for that figure and
    year); DELETE removes it. Administrators of the unit or a unit above it write."""

    serializer_class = AnnualTargetSerializer
    filterset_fields = ["year", "unit"]
    ordering_fields = ["year", "measure"]

    def get_queryset(self):
        return AnnualTarget.objects.filter(unit__in=units_in_scope(self.request.user)).select_related(
            "set_by"
        )

    @extend_schema(responses={200: AnnualTargetSerializer, 201: AnnualTargetSerializer})
    def create(self, request):
        if not request.user.is_admin:
            raise PermissionDenied(TARGETS_REFUSED)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        existed = AnnualTarget.objects.filter(
            unit=data["unit"], year=data["year"], measure=data["measure"]
        ).exists()
        target = services.set_target(
            data["unit"],
            data["year"],
            data["measure"],
            data["target"],
            by=request.user,
            note=data.get("note", ""),
        )
        return Response(
            self.get_serializer(target).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )

    def destroy(self, request, *args, **kwargs):
        target = self.get_object()
        services.set_target(target.unit, target.year, target.measure, None, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- submitted (locked) months ----------------------------------------------------------------------


class SubmissionSerializer(serializers.ModelSerializer):
    unit = UnitBriefSerializer(read_only=True)
    month = MonthField(read_only=True)
    submitted_by = PersonSerializer(read_only=True)
    ended_by = PersonSerializer(read_only=True, allow_null=True)
    is_current = serializers.BooleanField(read_only=True)

    class Meta:
        model = TallySubmission
        fields = [
            "id",
            "unit",
            "month",
            "note",
            "submitted_by",
            "submitted_at",
            "is_current",
            "ended_at",
            "ended_by",
            "unlock_reason",
        ]
        read_only_fields = fields

    def to_representation(self, submission):
        data = super().to_representation(submission)
        data["unit"] = {"id": submission.unit_id, "name": submission.unit.display_name}
        return data


class CorrectionSerializer(serializers.Serializer):
    measure = serializers.CharField(source="column.slug")
    label = serializers.CharField(source="column.label")
    locked = NumberField(help_text="As submitted.")
    current = NumberField(help_text="As the records are now.")
    difference = NumberField()


class ChangedRecordSerializer(serializers.Serializer):
    name = serializers.CharField(source="__str__")
    url = serializers.CharField(source="get_absolute_url")


class SubmissionDetailSerializer(SubmissionSerializer):
    figures = serializers.DictField(child=serializers.CharField(), read_only=True, help_text="As submitted.")
    corrections = serializers.SerializerMethodField()
    changed_records = serializers.SerializerMethodField()

    class Meta(SubmissionSerializer.Meta):
        fields = [*SubmissionSerializer.Meta.fields, "figures", "corrections", "changed_records"]
        read_only_fields = fields

    @extend_schema_field(CorrectionSerializer(many=True))
    def get_corrections(self, submission):
        return CorrectionSerializer(services.corrections(submission), many=True).data

    @extend_schema_field(ChangedRecordSerializer(many=True))
    def get_changed_records(self, submission):
        return ChangedRecordSerializer(services.changed_records(submission), many=True).data


class SubmitSerializer(serializers.Serializer):
    unit = ScopedRelatedField(queryset=OrgUnit.objects.all())
    month = MonthField()
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class UnlockSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=200, help_text="Why the month is unlocked: it stays with the month's history."
    )


class SubmissionFilterSerializer(serializers.Serializer):
    month = MonthField(required=False)
    unit = serializers.IntegerField(min_value=1, required=False)
    current = serializers.BooleanField(required=False, allow_null=True, default=None)


SUBMIT_REFUSED = _("Only statistics staff of this unit or a unit above it can submit its month.")
UNLOCK_REFUSED = _("Only statistics staff of this unit or a unit above it can unlock its month.")


class TallySubmissionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Submitted (locked) months. POST submits a unit's month (again: the earlier submission stays as
    history); `<id>/unlock/` ends the current one with a reason. The detail shows the corrections since:
    each figure whose records changed, and the records."""

    filter_backends = []

    def get_queryset(self):
        return TallySubmission.objects.filter(unit__in=units_in_scope(self.request.user)).select_related(
            "unit", "submitted_by", "ended_by"
        )

    def get_serializer_class(self):
        return SubmissionDetailSerializer if self.action in ("retrieve", "unlock") else SubmissionSerializer

    @extend_schema(parameters=[SubmissionFilterSerializer])
    @replica_reads
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        params = SubmissionFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        given = params.validated_data
        conditions = Q()
        if given.get("month"):
            conditions &= Q(month=given["month"].first_day)
        if given.get("unit"):
            conditions &= Q(unit_id=given["unit"])
        if given.get("current") is not None:
            conditions &= Q(ended_at__isnull=given["current"])
        return queryset.filter(conditions)

    def _detail(self, submission, code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=submission.pk)
        return Response(SubmissionDetailSerializer(fresh).data, status=code)

    @extend_schema(request=SubmitSerializer, responses={201: SubmissionDetailSerializer})
    def create(self, request):
        if not request.user.has_role(Role.STATISTICIAN):
            raise PermissionDenied(SUBMIT_REFUSED)
        serializer = SubmitSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        submission = services.submit(data["unit"], data["month"], by=request.user, note=data["note"])
        return self._detail(submission, status.HTTP_201_CREATED)

    @extend_schema(request=UnlockSerializer, responses=SubmissionDetailSerializer)
    @action(detail=True, methods=["post"])
    def unlock(self, request, pk=None):
        submission = self.get_object()
        if not services.is_statistician_of(request.user, submission.unit):
            raise PermissionDenied(UNLOCK_REFUSED)
        serializer = UnlockSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.unlock(submission, by=request.user, reason=serializer.validated_data["reason"])
        return self._detail(submission)
