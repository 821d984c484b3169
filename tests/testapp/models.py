"""The test-only permit: a record with a unit, a handler and a status, on the platform's base models."""

from django.conf import settings
from django.db import models

from enforcement.approvals.models import ApprovalRecord, approval_constraints
from enforcement.files.models import Attachment
from enforcement.org.models import ScopedQuerySet
from enforcement.versioning import VersionedModel


class PermitStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    WITHDRAWN = "withdrawn", "Withdrawn"


class PermitQuerySet(ScopedQuerySet):
    scope_field = "unit"


class Permit(VersionedModel):
    title = models.CharField("title", max_length=100)
    unit = models.ForeignKey("org.OrgUnit", on_delete=models.PROTECT, related_name="+")
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        "status", max_length=16, choices=PermitStatus.choices, default=PermitStatus.DRAFT
    )
    due_at = models.DateTimeField("due", null=True, blank=True)
    decided_at = models.DateTimeField("decided at", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PermitQuerySet.as_manager()

    class Meta:
        verbose_name = "permit"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return f"/permits/{self.pk}/"

    def is_not_own(self, user):
        return self.handler_id != user.pk


# --- approvals (enforcement/approvals) ------------------------------------------------------------------
class PermitApproval(ApprovalRecord):
    """Two kinds of approval of a permit in one model (tests/testapp/approvals.py)."""

    permit = models.ForeignKey(Permit, on_delete=models.PROTECT, related_name="approvals")

    class Meta(ApprovalRecord.Meta):
        constraints = approval_constraints("permit", "testapp_permitapproval")


class PermitWaiver(ApprovalRecord):
    """A second approval model, so the inbox spans models; with a field of its own."""

    permit = models.ForeignKey(Permit, on_delete=models.PROTECT, related_name="waivers")
    fee = models.PositiveIntegerField("fee waived", default=0)

    class Meta(ApprovalRecord.Meta):
        constraints = approval_constraints("permit", "testapp_permitwaiver")


# --- files (enforcement/files) --------------------------------------------------------------------------
class PermitAttachment(Attachment):
    """A permit's files: the base's fields, the key to the record, and where a file is downloaded."""

    parent_field = "permit"

    permit = models.ForeignKey(Permit, on_delete=models.PROTECT, related_name="attachments")

    def get_download_url(self):
        return f"/permits/{self.permit_id}/files/{self.pk}/"


# --- deadline kinds (enforcement/notifications) ---------------------------------------------------------
class Inspection(models.Model):
    """The test-only inspection with three deadlines in turn (tests/testapp/deadlines.py), each met by a
    moment stamped: booked by its handler ("open" → "booked"), made by two officers ("booked",
    "in_progress" → "visited"), checked by reviewers kept apart from the record ("visited" → "closed")."""

    title = models.CharField("title", max_length=100)
    unit = models.ForeignKey("org.OrgUnit", on_delete=models.PROTECT, related_name="+")
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    second_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    status = models.CharField("status", max_length=16, default="open")
    opened_at = models.DateTimeField(null=True, blank=True)
    book_due_at = models.DateTimeField(null=True, blank=True)
    booked_at = models.DateTimeField(null=True, blank=True)
    visit_due_at = models.DateTimeField(null=True, blank=True)
    visited_at = models.DateTimeField(null=True, blank=True)
    review_due_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return f"/inspections/{self.pk}/"


# --- keyset pagination (enforcement/keyset) -------------------------------------------------------------
class Entry(models.Model):
    """The test-only list for keyset pagination: a moment every row has, a deadline some lack, a word."""

    word = models.CharField("word", max_length=20, default="")
    received_at = models.DateTimeField()
    due_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.word} {self.received_at:%Y-%m-%d}"


# --- audit timeline (enforcement/audit) -----------------------------------------------------------------
class Dossier(VersionedModel):
    """A record whose page shows its files' events, with the timeline's declarations
    (enforcement/audit/templatetags/audit_tags.py): a counter left out, files named by id in its events."""

    title = models.CharField("title", max_length=100)
    stage = models.CharField(
        "stage", max_length=12, choices=[("open", "Open"), ("closed", "Closed")], default="open"
    )
    reminders_sent = models.PositiveSmallIntegerField("reminders sent", default=0)

    audit_hidden_fields = ("reminders_sent",)

    def __str__(self):
        return self.title


class DossierFile(Attachment):
    """A dossier's evidence file: named on the dossier's timeline by its name, kind and size."""

    parent_field = "dossier"

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="files")

    audit_hidden_fields = ("original_name", "content_type", "uploaded_by")
    audit_summary_fields = ("kind", "size")

    class Meta(Attachment.Meta):
        verbose_name = "evidence file"

    def get_download_url(self):
        return f"/dossiers/{self.dossier_id}/files/{self.pk}/"
