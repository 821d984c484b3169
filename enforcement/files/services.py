"""Checking and storing files. Who may add a file to a record, and in which state, is the domain app's
rule: its service checks that, then calls `store_attachment`.

Refusals: a file too large, of a type not accepted, or a photo that does not open → ValidationError
(400) on `file`; nothing is stored."""

import hashlib
import os

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from enforcement.audit.models import AuditAction
from enforcement.audit.services import record_event

from .choices import FileKind
from .models import PendingUpload
from .sniffing import HEAD_BYTES, sniff, verify_image
from .uploads import max_attachment_bytes


def display_name(upload):
    """The uploader's file name without any folder part, as people see it."""
    return os.path.basename((getattr(upload, "name", "") or "").replace("\\", "/"))[:255]


def inspect_upload(upload):
    """(kind, content type) of an upload, or ValidationError with a message naming the file. The result is
    kept on the upload, so a form's check and the service's do the work once."""
    inspected = getattr(upload, "inspected", None)
    if inspected is not None:
        return inspected
    name = display_name(upload)
    limit = max_attachment_bytes()
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            _("“%(name)s” is larger than %(mb)d MB.") % {"name": name, "mb": limit // (1024 * 1024)},
            code="too_large",
        )
    upload.seek(0)
    sniffed = sniff(upload.read(HEAD_BYTES))
    upload.seek(0)
    if sniffed is None:
        raise ValidationError(
            _("“%(name)s” is not a photo, a video, an audio recording or a PDF document.") % {"name": name},
            code="wrong_type",
        )
    if sniffed[0] == FileKind.PHOTO and not verify_image(upload, sniffed[1]):
        raise ValidationError(
            _("“%(name)s” does not open as a photo: the file is damaged or is not a photo.") % {"name": name},
            code="damaged",
        )
    upload.inspected = sniffed
    return sniffed


def sha256_of(upload):
    """The hex SHA-256 of an upload, read in chunks (a video is not held in memory)."""
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def store_attachment(model, parent, upload, *, by, **fields):
    """Checks `upload` (size, type from its bytes, a photo opens), hashes it, saves the file and the row
    of `model` (an `Attachment` subclass) on `parent`, and writes the event on the parent's timeline, in
    one transaction. `fields` are the model's own extra fields (a stage, a capture time and place)."""
    try:
        kind, content_type = inspect_upload(upload)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    attachment = model(
        **{model.parent_field: parent},
        kind=kind,
        content_type=content_type,
        size=upload.size,
        sha256=sha256_of(upload),
        original_name=display_name(upload),
        uploaded_by=by,
        **fields,
    )
    attachment.full_clean(exclude=["file", model.parent_field, "uploaded_by"])
    with transaction.atomic():
        attachment.file.save(f"{attachment.sha256}{attachment.extension}", upload, save=False)
        attachment.save()
        record_event(
            parent,
            AuditAction.UPDATE,
            actor=by,
            verb="add_attachment",
            # Keys of their own (a record may have a `kind` of its own): the timeline names the file by
            # its record (audit/timeline.py), and these keep what it was should that record go.
            after={
                "attachment": attachment.pk,
                "file_name": attachment.original_name,
                "sha256": attachment.sha256,
                "file_kind": kind,
                "file_size": attachment.size,
            },
        )
    return attachment


def purge_expired_pending_uploads(batch_size=500):
    """Deletes kept files nobody came back for (PENDING_UPLOAD_HOURS), their stored file first. Returns
    how many went."""
    purged = 0
    while True:
        rows = list(PendingUpload.objects.expired().order_by("created_at")[:batch_size])
        if not rows:
            return purged
        for row in rows:
            row.file.delete(save=False)
        PendingUpload.objects.filter(pk__in=[row.pk for row in rows]).delete()
        purged += len(rows)
