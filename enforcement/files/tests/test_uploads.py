"""The size guard refuses an oversized body before it is read, and stops one that grows while streaming."""

import pytest
from django.test import RequestFactory

from enforcement.files.uploads import (
    REQUEST_OVERHEAD_BYTES,
    SizeLimitUploadHandler,
    UploadTooLarge,
    check_upload,
    guard_upload,
)


def test_a_declared_length_over_the_limit_is_refused_unread(settings):
    settings.ATTACHMENT_MAX_BYTES = 1000
    request = RequestFactory().generic(
        "POST",
        "/",
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(2 * 1000 + REQUEST_OVERHEAD_BYTES + 1),
    )
    with pytest.raises(UploadTooLarge) as err:
        guard_upload(request, files=2)
    assert "MB" in err.value.message
    assert not hasattr(request, "_body")  # nothing read


def test_within_the_limit_the_handler_goes_first(settings):
    settings.ATTACHMENT_MAX_BYTES = 1000
    request = RequestFactory().post("/", {"a": "b"})
    guard_upload(request)
    assert isinstance(request.upload_handlers[0], SizeLimitUploadHandler)
    check_upload(request)  # not stopped: no error


def test_a_file_growing_past_the_limit_stops_at_that_chunk(settings):
    from django.core.files.uploadhandler import StopUpload

    settings.ATTACHMENT_MAX_BYTES = 1000
    request = RequestFactory().post("/", {})
    handler = SizeLimitUploadHandler(request)
    assert handler.receive_data_chunk(b"x" * 600, 0) == b"x" * 600
    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"x" * 600, 600)
    with pytest.raises(UploadTooLarge):
        check_upload(request)
