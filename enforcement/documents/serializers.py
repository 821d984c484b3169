"""The documents' API shapes (api.py): a document as a list row and as its metadata, the acts' inputs, the
record's documents with what may be issued on it, and the numbering patterns.

What a document says (its `values`, the proof of service's person and place) is shown only to those its
type lets read it (`DocumentSpec.may_read`: e.g. a paper naming the complainant, 举报人保密); everyone who
sees the record sees that the document exists, its number and its status."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied

from enforcement.api_utils import PlausibleDateTimeField

from .choices import ServiceMethod
from .models import Document, NumberingPattern
from .numbering import example_number, pattern_problem
from .permissions import ACTS, allowed_acts, may_read, may_set_pattern
from .services import SERVICE_FIELDS
from .types import TYPES, type_choices


class RefusalSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="Why, in words.")


class RefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class DocumentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()


class RecordRefSerializer(serializers.Serializer):
    type = serializers.CharField(
        help_text="The record's kind, as app_label.model (e.g. complaints.complaint)."
    )
    id = serializers.IntegerField()
    url = serializers.CharField(allow_null=True, help_text="The record's page.")


def _unit(unit):
    return None if unit is None else {"id": unit.pk, "name": unit.display_name}


def _person(user):
    return None if user is None else {"id": user.pk, "name": user.full_name or user.username}


def _doc_ref(document):
    return None if document is None else {"id": document.pk, "number": document.number}


class ServiceSerializer(serializers.Serializer):
    """The proof of service (送达回证). Who was served and where only for readers of the document's content
    (null for the others)."""

    method = serializers.ChoiceField(choices=ServiceMethod.choices)
    method_display = serializers.CharField(source="get_method_display")
    served_at = serializers.DateTimeField()
    effective_at = serializers.DateTimeField(
        help_text="When it counts as served (a public notice: 30 days on)."
    )
    refused = serializers.BooleanField()
    recipient = serializers.SerializerMethodField()
    relation = serializers.SerializerMethodField()
    address = serializers.SerializerMethodField()
    witness = serializers.SerializerMethodField()
    consent_ref = serializers.SerializerMethodField()
    note = serializers.SerializerMethodField()
    recorded_by = serializers.SerializerMethodField()
    recorded_at = serializers.DateTimeField()

    def _readable(self, service, name):
        return getattr(service, name) if self.context.get("may_read", True) else None

    def get_recipient(self, service) -> str | None:
        return self._readable(service, "recipient")

    def get_relation(self, service) -> str | None:
        return self._readable(service, "relation")

    def get_address(self, service) -> str | None:
        return self._readable(service, "address")

    def get_witness(self, service) -> str | None:
        return self._readable(service, "witness")

    def get_consent_ref(self, service) -> str | None:
        return self._readable(service, "consent_ref")

    def get_note(self, service) -> str | None:
        return self._readable(service, "note")

    @extend_schema_field(RefSerializer)
    def get_recorded_by(self, service):
        return _person(service.recorded_by)


class DocumentListSerializer(serializers.ModelSerializer):
    """A document as a list row (everything from the row and its joins: no query per row)."""

    doc_type_name = serializers.SerializerMethodField(help_text="The type's name, in the reader's language.")
    status_display = serializers.CharField(source="get_status_display")
    unit = serializers.SerializerMethodField()
    issued_by = serializers.SerializerMethodField()
    record = serializers.SerializerMethodField()
    replaces = serializers.SerializerMethodField(help_text="The document this one corrects.")
    correction = serializers.SerializerMethodField(help_text="The document that corrects this one.")
    html_url = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "doc_type",
            "doc_type_name",
            "number",
            "year",
            "serial",
            "status",
            "status_display",
            "unit",
            "issued_by",
            "issued_at",
            "record",
            "replaces",
            "correction",
            "html_url",
            "pdf_url",
        ]
        read_only_fields = fields

    def get_doc_type_name(self, document) -> str:
        found = TYPES.get(document.doc_type)
        return str(found.name) if found else document.doc_type

    @extend_schema_field(RefSerializer)
    def get_unit(self, document):
        return _unit(document.unit)

    @extend_schema_field(RefSerializer)
    def get_issued_by(self, document):
        return _person(document.issued_by)

    @extend_schema_field(RecordRefSerializer)
    def get_record(self, document):
        content_type = document.content_type
        record = document.record  # prefetched on the list
        url = (
            record.get_absolute_url() if record is not None and hasattr(record, "get_absolute_url") else None
        )
        return {
            "type": f"{content_type.app_label}.{content_type.model}",
            "id": document.object_id,
            "url": url,
        }

    @extend_schema_field(DocumentRefSerializer(allow_null=True))
    def get_replaces(self, document):
        return _doc_ref(document.replaces)

    @extend_schema_field(DocumentRefSerializer(allow_null=True))
    def get_correction(self, document):
        return _doc_ref(getattr(document, "correction", None))

    def get_html_url(self, document) -> str:
        return reverse("api:document-html", args=[document.pk])

    def get_pdf_url(self, document) -> str:
        return reverse("api:document-pdf", args=[document.pk])


class DocumentDetailSerializer(DocumentListSerializer):
    """A document's metadata; its content (`values`) only for those its type lets read it, else null."""

    values = serializers.SerializerMethodField(
        help_text="The fields the paper carries, by key; null when "
        "your role does not read this document's content."
    )
    service = serializers.SerializerMethodField(help_text="The proof of service, null until it is recorded.")
    allowed_actions = serializers.SerializerMethodField()

    class Meta(DocumentListSerializer.Meta):
        fields = [
            *DocumentListSerializer.Meta.fields,
            "values",
            "pdf_sha256",
            "pdf_size",
            "html_sha256",
            "service",
            "correction_reason",
            "void_reason",
            "voided_at",
            "version",
            "allowed_actions",
        ]
        read_only_fields = fields

    def _user(self):
        request = self.context.get("request")
        return getattr(request, "user", None)

    @extend_schema_field(serializers.DictField(child=serializers.CharField(), allow_null=True))
    def get_values(self, document):
        return document.values if may_read(document, self._user()) else None

    @extend_schema_field(ServiceSerializer(allow_null=True))
    def get_service(self, document):
        service = getattr(document, "service", None)
        if service is None:
            return None
        context = {**self.context, "may_read": may_read(document, self._user())}
        return ServiceSerializer(service, context=context).data

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=ACTS)))
    def get_allowed_actions(self, document):
        return allowed_acts(document, self._user())


# --- the acts' inputs ---------------------------------------------------------------------------------------
class VoidSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False, allow_blank=True, help_text="Why it is void: kept with the document (required)."
    )
    version = serializers.IntegerField(
        required=False,
        help_text=("The version you read (or an If-Match header); a newer one on the server answers 409."),
    )


class CorrectSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False, allow_blank=True, help_text="What the correction changes and why (required)."
    )


class ServiceInputSerializer(serializers.Serializer):
    """The proof of service's fields; the rules (consent for electronic service, a witness when left at the
    address, not in the future) are the model's and answer 400 with the field's message."""

    method = serializers.ChoiceField(choices=ServiceMethod.choices)
    served_at = PlausibleDateTimeField(required=False, help_text="Now if not given.")
    recipient = serializers.CharField(max_length=100)
    relation = serializers.CharField(
        max_length=100, required=False, allow_blank=True, help_text="Empty: the party in person."
    )
    address = serializers.CharField(max_length=255, required=False, allow_blank=True)
    witness = serializers.CharField(max_length=100, required=False, allow_blank=True)
    consent_ref = serializers.CharField(max_length=200, required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True)

    def fields_for_service(self):
        return {key: value for key, value in self.validated_data.items() if key in SERVICE_FIELDS}


class IssueSerializer(serializers.Serializer):
    doc_type = serializers.ChoiceField(choices=type_choices(), help_text="The type of document to issue.")

    def __init__(self, *args, record_model=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.record_model = record_model

    def validate_doc_type(self, value):
        from .registry import spec_for

        if self.record_model is not None and spec_for(self.record_model, value) is None:
            raise serializers.ValidationError(_("This kind of document is not issued for this record."))
        return value


class IssuableSerializer(serializers.Serializer):
    type = serializers.CharField()
    name = serializers.CharField()


class RecordDocumentsSerializer(serializers.Serializer):
    documents = DocumentListSerializer(many=True)
    issuable = IssuableSerializer(many=True, help_text="The types you may issue on this record now.")


# --- numbering patterns -------------------------------------------------------------------------------------
PATTERNS_REFUSAL = _(
    "Only an administrator sets numbering patterns: a city administrator for every unit, a "
    "district's administrator for the units of the district."
)
CITY_DEFAULT_REFUSAL = _(
    "Only a city administrator sets the city's default numbering patterns (those without a unit)."
)


class NumberingPatternSerializer(serializers.ModelSerializer):
    """A unit's numbering pattern for one type (or every type); `example` is a number it gives, with serial
    123. The serials themselves are never edited."""

    unit_name = serializers.SerializerMethodField()
    example = serializers.SerializerMethodField()

    class Meta:
        model = NumberingPattern
        fields = ["id", "unit", "unit_name", "doc_type", "pattern", "serial_digits", "example", "updated_at"]
        read_only_fields = ["updated_at"]
        validators = []  # one pattern per unit and type: validate() says so in words

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if "unit" in self.fields and request is not None:
            from enforcement.org.models import OrgUnit

            self.fields["unit"].queryset = OrgUnit.objects.visible_to(request.user)

    def get_unit_name(self, pattern) -> str | None:
        return None if pattern.unit is None else pattern.unit.display_name

    def get_example(self, pattern) -> str:
        unit_name = pattern.unit.name if pattern.unit is not None else self._city_name()
        return example_number(
            pattern.pattern, digits=pattern.serial_digits, unit_name=unit_name, doc_type=pattern.doc_type
        )

    def _city_name(self):
        """The name a city default writes for {unit} in the example: the top unit's (once per list)."""
        if not hasattr(self, "_city"):
            from enforcement.org.models import OrgUnit

            top = OrgUnit.objects.filter(parent__isnull=True).order_by("pk").first()
            self._city = top.name if top is not None else ""
        return self._city

    def validate_pattern(self, value):
        problem = pattern_problem(value)
        if problem:
            raise serializers.ValidationError(problem)
        return value

    def validate(self, attrs):
        unit = attrs.get("unit", getattr(self.instance, "unit", None))
        request = self.context.get("request")
        if request is not None and not may_set_pattern(request.user, unit):  # before the input's own rules
            raise PermissionDenied(CITY_DEFAULT_REFUSAL if unit is None else PATTERNS_REFUSAL)
        doc_type = attrs.get("doc_type", getattr(self.instance, "doc_type", ""))
        candidate = NumberingPattern(pk=getattr(self.instance, "pk", None), unit=unit, doc_type=doc_type)
        if problem := candidate.duplicate_problem():
            raise serializers.ValidationError({"doc_type": problem})
        return attrs
