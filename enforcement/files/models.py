"""Attachments and evidence: the abstract record every domain app's files build on, and the files a
failed form keeps for its corrected submission.

Files go through Django's storage API only (the `default` storage), so an S3-compatible store is a
setting. Stored names are the content hash, in a folder per app and month: never the uploader's file name,
which is kept in `original_name` and used, cleaned, only as the download's name."""

import functools
import secrets
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import FileKind
from .sniffing import EXTENSIONS

LAT_VALIDATORS = [MinValueValidator(Decimal("-90")), MaxValueValidator(Decimal("90"))]
LNG_VALIDATORS = [MinValueValidator(Decimal("-180")), MaxValueValidator(Decimal("180"))]


def attachment_upload_to(instance, filename):
    """`<app folder>/<yyyy>/<mm>/<sha256><extension>`; the name the uploader gave is ignored."""
    folder = instance.upload_folder or instance._meta.app_label
    return f"{folder}/{timezone.localdate():%Y/%m}/{instance.sha256}{instance.extension}"


class Attachment(models.Model):
    """One file of a record: what it is (sniffed from its bytes), its SHA-256 (so a copy handed over
    later can be shown to be the same file), who added it and when, and, for evidence, when and where it
    was taken (现场取证的时间、地点). A subclass adds the foreign key to its record and names it in
    `parent_field`; `store_attachment` (services.py) creates rows."""

    parent_field = None  # the foreign key to the record, e.g. "complaint"
    upload_folder = None  # default: the app's label

    file = models.FileField(_("file"), upload_to=attachment_upload_to, max_length=255)
    kind = models.CharField(_("kind"), max_length=8, choices=FileKind.choices)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    captured_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    lat = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True, validators=LAT_VALIDATORS
    )
    lng = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True, validators=LNG_VALIDATORS
    )

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name or self.sha256[:12]

    def clean(self):
        if (self.lat is None) != (self.lng is None):
            raise ValidationError({"lng": _("Give both latitude and longitude, or neither.")})
        if self.captured_at and self.captured_at > timezone.now() + timedelta(minutes=5):
            raise ValidationError({"captured_at": _("The time it was taken cannot be in the future.")})

    @property
    def extension(self):
        return EXTENSIONS.get(self.content_type, "")

    @property
    def parent(self):
        return getattr(self, self.parent_field)

    def get_download_url(self):
        raise NotImplementedError("an attachment model says where its files are downloaded")


@functools.cache
def attachment_model_for(parent_model):
    """The `Attachment` model whose files belong to records of `parent_model`, or None (looked up once per
    model: the models are fixed once loaded)."""
    from django.apps import apps

    for model in apps.get_models():
        if issubclass(model, Attachment) and model.parent_field:
            if model._meta.get_field(model.parent_field).related_model is parent_model:
                return model
    return None


# --- files kept from a failed form ---------------------------------------------------------------------
def pending_upload_to(instance, filename):
    return f"pending/{instance.token}/{instance.sha256}{EXTENSIONS.get(instance.content_type, '')}"


def new_token():
    return secrets.token_urlsafe(24)


class PendingUploadQuerySet(models.QuerySet):
    def live(self):
        return self.filter(created_at__gte=timezone.now() - pending_upload_ttl())

    def expired(self):
        return self.filter(created_at__lt=timezone.now() - pending_upload_ttl())


def pending_upload_ttl():
    return timedelta(hours=int(getattr(settings, "PENDING_UPLOAD_HOURS", 24)))


class PendingUpload(models.Model):
    """An accepted file of a form that failed for another reason (a missing address, say): a browser
    cannot refill a file input, so the file waits here, under a random token that the re-shown form
    carries and bound to the user who sent it, until the corrected form uses it or it expires
    (PENDING_UPLOAD_HOURS)."""

    token = models.CharField(max_length=40)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    field = models.CharField(max_length=50)
    file = models.FileField(upload_to=pending_upload_to, max_length=255)
    original_name = models.CharField(max_length=255, blank=True)
    kind = models.CharField(max_length=8, choices=FileKind.choices)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    objects = PendingUploadQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["owner", "token"], name="pending_upload_owner_token"),  # one form's files
            models.Index(fields=["created_at"], name="pending_upload_created"),  # the expiry sweep
        ]

    def __str__(self):
        return self.original_name or self.sha256[:12]
