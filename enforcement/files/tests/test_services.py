"""store_attachment: checked, hashed, stored under its content hash in the app's folder, audited on the
record; and the files a failed form keeps."""

import hashlib
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.test import RequestFactory
from django.utils import timezone

from enforcement.audit.models import AuditEvent
from enforcement.files.models import PendingUpload
from enforcement.files.pending import REMOVE_FIELD, TOKEN_FIELD, KeptUploads
from enforcement.files.services import purge_expired_pending_uploads, sha256_of, store_attachment
from enforcement.files.testing import jpeg_bytes, mp4_bytes
from tests.testapp.models import PermitAttachment

from .conftest import upload


def test_stored_with_its_hash_under_a_content_name_in_the_apps_folder(permit, officer_a):
    photo = store_attachment(PermitAttachment, permit, upload("../../etc/现场 照片.jpg"), by=officer_a)
    digest = hashlib.sha256(jpeg_bytes()).hexdigest()
    assert (photo.kind, photo.content_type, photo.size, photo.sha256) == (
        "photo",
        "image/jpeg",
        len(jpeg_bytes()),
        digest,
    )
    assert (
        photo.file.name == f"testapp/{timezone.localdate():%Y/%m}/{digest}.jpg"
    )  # never the uploader's name
    assert photo.original_name == "现场 照片.jpg"  # kept for people, without any folder part
    assert default_storage.open(photo.file.name).read() == jpeg_bytes()
    assert (photo.permit, photo.uploaded_by) == (permit, officer_a)


def test_the_event_is_on_the_records_timeline(permit, officer_a):
    photo = store_attachment(PermitAttachment, permit, upload(), by=officer_a)
    event = AuditEvent.objects.for_object(permit).get()
    assert (event.verb, event.actor, event.after["attachment"], event.after["sha256"]) == (
        "add_attachment",
        officer_a,
        photo.pk,
        photo.sha256,
    )
    # Its own keys, never the parent's field names (a record may have a `kind` of its own).
    assert (event.after["file_name"], event.after["file_kind"], event.after["file_size"]) == (
        "现场.jpg",
        "photo",
        photo.size,
    )
    assert not {"name", "kind", "size"} & set(event.after)


def test_every_file_model_is_found_from_its_record():
    """The timeline names a file event's file by its record (files.models.attachment_model_for): for every
    file model of the project, its parent's model leads back to it."""
    from django.apps import apps

    from enforcement.files.models import Attachment, attachment_model_for

    file_models = [m for m in apps.get_models() if issubclass(m, Attachment)]
    assert len(file_models) >= 5  # complaints, cases, campaigns' logs and items, the test app's
    for model in file_models:
        parent = model._meta.get_field(model.parent_field).related_model
        assert attachment_model_for(parent) is model


def test_capture_time_and_place_are_kept(permit, officer_a):
    taken = timezone.now() - timedelta(hours=2)
    video = store_attachment(
        PermitAttachment,
        permit,
        upload("clip.mp4", mp4_bytes(b"mp42")),
        by=officer_a,
        captured_at=taken,
        lat=Decimal("23.025000"),
        lng=Decimal("113.105000"),
    )
    video.refresh_from_db()
    assert (video.kind, video.extension, video.captured_at, video.lat) == (
        "video",
        ".mp4",
        taken,
        Decimal("23.025000"),
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"lat": Decimal("23.0")},  # a place needs both
        {"lat": Decimal("95"), "lng": Decimal("113")},
        {"captured_at": timezone.now() + timedelta(days=1)},
    ],
)
def test_a_bad_capture_is_refused_and_nothing_is_stored(permit, officer_a, fields):
    with pytest.raises(ValidationError):
        store_attachment(PermitAttachment, permit, upload(), by=officer_a, **fields)
    assert not PermitAttachment.objects.exists() and not AuditEvent.objects.exists()


def test_a_refused_file_leaves_no_row_and_no_event(permit, officer_a):
    with pytest.raises(ValidationError) as err:
        store_attachment(
            PermitAttachment, permit, upload("photo.jpg", b"\xff\xd8\xff" + b"\x00" * 100), by=officer_a
        )
    assert list(err.value.message_dict) == ["file"]
    assert not PermitAttachment.objects.exists() and not AuditEvent.objects.exists()


def test_the_hash_is_read_in_chunks(settings):
    big = upload("big.jpg", jpeg_bytes() + b"\x00" * (3 * 64 * 1024))
    big.DEFAULT_CHUNK_SIZE = 64 * 1024
    assert sha256_of(big) == hashlib.sha256(big.read()).hexdigest()


# --- kept files -----------------------------------------------------------------------------------------
def post(user, data=None, files=None):
    request = RequestFactory().post("/", {**(data or {}), **(files or {})})
    request.user = user
    return request


def test_a_failed_form_keeps_its_accepted_files_for_the_same_user_only(officer_a, officer_b):
    first = post(officer_a, files={"photos": [upload("a.jpg"), upload("evil.jpg", b"MZ" + b"\x00" * 50)]})
    kept = KeptUploads(first, {"photos": True})
    kept.keep(first)
    assert [row.original_name for row in kept["photos"]] == ["a.jpg"]  # the refused file is not kept
    again = KeptUploads(post(officer_a, {TOKEN_FIELD: kept.token}), {"photos": True})
    assert [f.name for f in again.files("photos")] == ["a.jpg"]
    assert KeptUploads(post(officer_b, {TOKEN_FIELD: kept.token}), {"photos": True})["photos"] == []


def test_a_kept_file_can_be_removed_and_a_one_file_field_keeps_the_newest(officer_a):
    first = post(
        officer_a, files={"photos": [upload("a.jpg"), upload("b.jpg")], "after": [upload("old.jpg")]}
    )
    kept = KeptUploads(first, {"photos": True, "after": False})
    kept.keep(first)
    remove_a = str(kept["photos"][0].pk)
    second = post(
        officer_a, {TOKEN_FIELD: kept.token, REMOVE_FIELD: remove_a}, {"after": [upload("new.jpg")]}
    )
    again = KeptUploads(second, {"photos": True, "after": False})
    again.keep(second)
    assert [row.original_name for row in again["photos"]] == ["b.jpg"]
    assert [row.original_name for row in again["after"]] == ["new.jpg"]
    assert PendingUpload.objects.count() == 2


def test_used_files_go_after_commit_and_expired_ones_are_purged(
    officer_a, django_capture_on_commit_callbacks
):
    request = post(officer_a, files={"photos": [upload("a.jpg")]})
    kept = KeptUploads(request, {"photos": True})
    kept.keep(request)
    name = kept["photos"][0].file.name
    with django_capture_on_commit_callbacks(execute=True):
        kept.used()
    assert not PendingUpload.objects.exists() and not default_storage.exists(name)

    kept = KeptUploads(request, {"photos": True})
    kept.keep(request)
    PendingUpload.objects.update(created_at=timezone.now() - timedelta(hours=25))
    stale = PendingUpload.objects.get().file.name
    assert KeptUploads(post(officer_a, {TOKEN_FIELD: kept.token}), {"photos": True})["photos"] == []
    assert purge_expired_pending_uploads() == 1
    assert not PendingUpload.objects.exists() and not default_storage.exists(stale)
