"""An import of a bureau's history (complaints, cases) from a CSV or XLSX file: one job per file, run by a
Celery task in batches, its progress and its first errors written to the job as it goes."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from enforcement.org.models import ScopedQuerySet

MAX_ERRORS = 200  # kept on the job; `failed` counts them all


class ImportKind(models.TextChoices):
    COMPLAINTS = "complaints", _("Complaints")
    CASES = "cases", _("Cases")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportJobQuerySet(ScopedQuerySet):
    # A job belongs to the unit of the user who started it: their unit's administrators and statisticians
    # and those above them see it.
    scope_field = "created_by__unit"


class ImportJob(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=ImportKind.choices)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    total = models.PositiveIntegerField(_("lines"), default=0)
    processed = models.PositiveIntegerField(_("lines read"), default=0)
    created = models.PositiveIntegerField(_("records created"), default=0)
    skipped = models.PositiveIntegerField(_("lines skipped (already imported)"), default=0)
    failed = models.PositiveIntegerField(_("lines refused"), default=0)
    # [{"line": 12, "column": "received_at", "code": "not_datetime", "value": "…"}], at most MAX_ERRORS; the
    # message is worded when shown (layouts.error_message), in the reader's language.
    errors = models.JSONField(_("errors"), default=list, blank=True)
    message = models.TextField(_("message"), blank=True)  # why a whole file was refused
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"#{self.pk} {self.get_kind_display()} {self.file_name}"

    def get_absolute_url(self):
        return reverse("imports:detail", args=[self.pk])

    @property
    def is_finished(self):
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)

    @property
    def percent(self):
        if self.is_finished:
            return 100
        return int(self.processed * 100 / self.total) if self.total else 0
