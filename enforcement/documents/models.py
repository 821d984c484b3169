"""Documents (执法文书, PRODUCT §6): gapless numbers, numbering patterns, issued documents frozen as rendered,
and their proof of service. The types are in types.py, where each is issuable in registry.py, the acts in
services.py."""

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcement.versioning import VersionedModel

from .choices import DocumentStatus, ServiceMethod
from .types import TYPES, type_choices


class NumberCounter(models.Model):
    """The last number given out for one key: a scope ("complaint", later a kind of document or case), an
    optional unit that numbers on its own, and a period the numbers restart with ("2026" for a year,
    "2026-11-25" for a day, "" for never). Taken only through `numbering.next_number`."""

    scope = models.CharField(_("numbered records"), max_length=40)
    unit = models.ForeignKey(
        "org.OrgUnit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    period = models.CharField(_("numbering period"), max_length=16, blank=True)
    last = models.PositiveIntegerField(_("last number given"), default=0)

    class Meta:
        verbose_name = _("number counter")
        verbose_name_plural = _("number counters")
        # Two partial constraints: a unique constraint never treats two NULL units as equal.
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "unit", "period"],
                condition=Q(unit__isnull=False),
                name="numbercounter_unit_key",
            ),
            models.UniqueConstraint(
                fields=["scope", "period"], condition=Q(unit__isnull=True), name="numbercounter_city_key"
            ),
        ]

    def __str__(self):
        parts = [self.scope, str(self.unit_id or ""), self.period]
        return f"{'/'.join(part for part in parts if part)}: {self.last}"


# --- numbering patterns ----------------------------------------------------------------------------------
PLACEHOLDERS = ("{unit}", "{word}", "{year}", "{serial}")
DEFAULT_PATTERN = "{unit}{word}〔{year}〕{serial}号"
DEFAULT_SERIAL_DIGITS = 5


class NumberingPatternQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The city's defaults and the patterns of the units `user` sees or sits under (a squadron's papers
        are numbered in its district's register: its people read that unit's patterns)."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.sees_all_units:
            return self.all()
        above = [unit.pk for unit in user.unit.ancestors(include_self=True)] if user.unit_id else []
        return self.filter(Q(unit__isnull=True) | Q(unit_id__in=[*user.scope_unit_ids, *above]))


class NumberingPattern(models.Model):
    """How a unit writes the numbers of a document type (`doc_type` empty: of every type it has no pattern
    for): e.g. `禅城城管{word}〔{year}〕{serial}号` gives 禅城城管罚〔2026〕00123号. Placeholders: {unit} (the
    issuing unit's name), {word} (the type word), {year}, {serial} (zero-padded to `serial_digits`). A
    pattern with no unit is the city's default. Administrators set patterns, never the serials."""

    unit = models.ForeignKey(
        "org.OrgUnit",
        verbose_name=_("issuing unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: the default for every unit without a pattern of its own."),
    )
    doc_type = models.CharField(
        _("document type"),
        max_length=40,
        blank=True,
        choices=type_choices(),
        help_text=_("Empty: every type this unit has no pattern for."),
    )
    pattern = models.CharField(
        _("pattern"),
        max_length=80,
        default=DEFAULT_PATTERN,
        help_text=_(
            "{unit} the issuing unit, {word} the type word, {year} the year, {serial} the serial number."
        ),
    )
    serial_digits = models.PositiveSmallIntegerField(
        _("digits of the serial"),
        default=DEFAULT_SERIAL_DIGITS,
        validators=[MinValueValidator(1), MaxValueValidator(8)],
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = NumberingPatternQuerySet.as_manager()

    class Meta:
        verbose_name = _("numbering pattern")
        verbose_name_plural = _("numbering patterns")
        ordering = ["unit__path", "doc_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "doc_type"],
                condition=Q(unit__isnull=False),
                name="numberingpattern_unit_type",
            ),
            models.UniqueConstraint(
                fields=["doc_type"], condition=Q(unit__isnull=True), name="numberingpattern_city_type"
            ),
        ]

    def __str__(self):
        return self.pattern

    def clean(self):
        from .numbering import pattern_problem

        problem = pattern_problem(self.pattern)
        if problem:
            raise ValidationError({"pattern": problem})

    def duplicate_problem(self):
        """Why this pattern cannot be saved beside another one for the same unit and type, in words, or ""."""
        same = NumberingPattern.objects.filter(unit=self.unit_id, doc_type=self.doc_type or "").exclude(
            pk=self.pk
        )
        if same.exists():
            return _("This unit already has a numbering pattern for this type of document: change that one.")
        return ""


# --- issued documents ----------------------------------------------------------------------------------
class DocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A document is visible to whoever sees its record (the record's own scoping rule)."""
        from django.contrib.contenttypes.models import ContentType

        from .registry import record_models

        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.sees_all_units:
            return self.all()
        visible = Q(pk__in=[])
        for model in record_models():
            content_type = ContentType.objects.get_for_model(model)
            records = model._default_manager.visible_to(user).values("pk")
            visible |= Q(content_type=content_type, object_id__in=records)
        return self.filter(visible)

    def of(self, record):
        from django.contrib.contenttypes.models import ContentType

        return self.filter(content_type=ContentType.objects.get_for_model(record), object_id=record.pk)

    def live(self):
        return self.filter(status=DocumentStatus.ISSUED)

    def delete(self):
        raise DocumentFrozen()  # as Document.delete: a bulk delete would skip it


def pdf_upload_to(instance, filename):
    return f"documents/{instance.year}/{instance.doc_type}/{instance.pdf_sha256}.pdf"


FROZEN_FIELDS = (
    "doc_type",
    "number",
    "year",
    "serial",
    "unit_id",
    "issued_by_id",
    "issued_at",
    "content_type_id",
    "object_id",
    "values",
    "html",
    "html_sha256",
    "replaces_id",
    "correction_reason",
)
FINAL_FIELDS = ("status", "void_reason", "voided_by_id", "voided_at")  # fixed once corrected or voided


class Document(VersionedModel):
    """An issued document (执法文书): its number, issuing unit, issuer and moment, the record it is for, and
    its content as rendered — the HTML (with its style inlined) and the PDF made from that HTML, each with
    its SHA-256 — so that later edits of the record or of the template never change it. It is never edited
    or deleted: a correction is a new document that `replaces` it; voiding (作废) is a recorded act with a
    reason, and the number is never given again. Created only by `services.issue_document`."""

    doc_type = models.CharField(_("document type"), max_length=40, choices=type_choices())
    number = models.CharField(_("document number"), max_length=100, db_index=True)
    year = models.PositiveSmallIntegerField(_("year"))
    serial = models.PositiveIntegerField(_("serial number"))
    unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("issuing unit"), on_delete=models.PROTECT, related_name="+"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"))

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")

    values = models.JSONField(_("content"), default=dict, encoder=DjangoJSONEncoder)  # field key -> text
    html = models.TextField(_("rendered document"))
    html_sha256 = models.CharField(max_length=64)
    pdf = models.FileField(_("PDF"), upload_to=pdf_upload_to, max_length=255, blank=True)
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)
    pdf_size = models.PositiveIntegerField(_("size of the PDF"), null=True, blank=True)

    status = models.CharField(
        _("status"), max_length=12, choices=DocumentStatus.choices, default=DocumentStatus.ISSUED
    )
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="correction",
    )
    correction_reason = models.TextField(_("reason for the correction"), blank=True)
    void_reason = models.TextField(_("reason for voiding"), blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("voided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)

    objects = DocumentQuerySet.as_manager()

    # The timeline names a document by its number (its str) and type; its content is on the document itself.
    audit_summary_fields = ("doc_type",)
    audit_hidden_fields = (
        "number",  # said in the row's subject already
        "html",
        "html_sha256",
        "values",
        "year",
        "serial",
        "content_type",
        "object_id",
        "pdf_size",
    )

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["doc_type", "unit", "year", "serial"], name="document_serial_key"
            ),
            models.CheckConstraint(
                condition=~Q(status="voided") | ~Q(void_reason=""), name="document_void_reason"
            ),
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="document_record"),
            models.Index(fields=["unit", "doc_type", "year"], name="document_unit_type_year"),
            models.Index(fields=["issued_at"], name="document_issued_at"),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("documents:detail", args=[self.pk])

    @property
    def spec(self):
        from .registry import spec_for

        return spec_for(self.content_type.model_class(), self.doc_type)

    @property
    def paper_name(self):
        return TYPES[self.doc_type].paper_name

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            stored = (
                type(self)
                ._base_manager.filter(pk=self.pk)
                .values(*FROZEN_FIELDS, *FINAL_FIELDS, "pdf", "pdf_sha256")
                .first()
            )
            if stored is not None and (
                any(stored[name] != getattr(self, name) for name in FROZEN_FIELDS)
                or (
                    stored["pdf_sha256"]
                    and (stored["pdf_sha256"], stored["pdf"]) != (self.pdf_sha256, self.pdf.name)
                )
                # Corrected and voided are final: only a document in force changes its status (and the reason
                # for voiding, who voided it and when are then written once).
                or (
                    stored["status"] != DocumentStatus.ISSUED
                    and any(stored[name] != getattr(self, name) for name in FINAL_FIELDS)
                )
            ):
                raise DocumentFrozen()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise DocumentFrozen()


class DocumentFrozen(Exception):
    """An issued document was about to be changed or deleted."""

    message = _(
        "An issued document cannot be changed or deleted: issue a correction, or void it with a reason."
    )


class ServiceRecord(models.Model):
    """Proof of service (送达回证) of one document: how, when, on whom, and whether it was refused. The
    deadlines that run from service count from `effective_at` (policies.served_effective_at)."""

    document = models.OneToOneField(
        Document, verbose_name=_("document"), on_delete=models.PROTECT, related_name="service"
    )
    method = models.CharField(_("method of service"), max_length=20, choices=ServiceMethod.choices)
    served_at = models.DateTimeField(_("served at"))
    effective_at = models.DateTimeField(_("counts as served from"), editable=False)
    recipient = models.CharField(_("served on"), max_length=100)
    relation = models.CharField(
        _("recipient's relation to the party"),
        max_length=100,
        blank=True,
        help_text=_("Empty: the party in person."),
    )
    address = models.CharField(_("where"), max_length=255, blank=True)
    refused = models.BooleanField(_("refused to sign"), default=False)
    witness = models.CharField(_("witness"), max_length=100, blank=True)
    consent_ref = models.CharField(_("consent to electronic service"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    audit_summary_fields = ("recipient",)  # the method is in its str

    class Meta:
        verbose_name = _("proof of service")
        verbose_name_plural = _("proofs of service")

    def __str__(self):
        return f"{self.document.number} · {self.get_method_display()}"

    def clean(self):
        from . import policies

        errors = {}
        if self.method == ServiceMethod.ELECTRONIC and not self.consent_ref.strip():
            errors["consent_ref"] = policies.NEEDS_CONSENT
        if self.method == ServiceMethod.LEFT_AT_ADDRESS and not self.witness.strip():
            errors["witness"] = policies.NEEDS_WITNESS
        if self.method == ServiceMethod.LEFT_AT_ADDRESS:
            self.refused = True
        elif self.refused:
            errors["method"] = policies.REFUSAL_LEFT_AT_ADDRESS
        if self.served_at and self.served_at > timezone.now() + timedelta(minutes=5):
            errors["served_at"] = _("The time of service cannot be in the future.")
        elif (
            self.served_at
            and self.document_id
            and self.served_at < self.document.issued_at - timedelta(minutes=1)
        ):
            errors["served_at"] = _("A document cannot be served before it was issued.")
        if errors:
            raise ValidationError(errors)
