"""Refusing oversized uploads without reading them: a request whose declared length is over the limit is
refused before its body is touched, and a body that grows past it while streaming (no or a false length)
stops the upload at that chunk. Used by the API and the browser views alike."""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.translation import gettext as _

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# Multipart overhead allowed on top of the files themselves before a request is refused unread.
REQUEST_OVERHEAD_BYTES = 256 * 1024


def max_attachment_bytes():
    """The largest file accepted (setting ATTACHMENT_MAX_BYTES), for every app's attachments."""
    return int(getattr(settings, "ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_request_bytes(files=1):
    return max_attachment_bytes() * files + REQUEST_OVERHEAD_BYTES


class UploadTooLarge(Exception):
    def __init__(self):
        mb = max_attachment_bytes() // (1024 * 1024)
        self.message = _("The upload is too large: files may be at most %(mb)d MB each.") % {"mb": mb}
        super().__init__(self.message)


class SizeLimitUploadHandler(FileUploadHandler):
    """First in the chain: counts the bytes of each file and stops the whole upload past the limit."""

    def __init__(self, request=None, limit=None):
        super().__init__(request)
        self.limit = limit or max_attachment_bytes()

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self.request.upload_too_large = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None


def guard_upload(request, files=1):
    """Call before anything reads the body (CSRF checks read it too). Raises UploadTooLarge."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > max_request_bytes(files):
        raise UploadTooLarge()
    request.upload_too_large = False
    request.upload_handlers.insert(0, SizeLimitUploadHandler(request))


def check_upload(request):
    """Call after the body was parsed: raises UploadTooLarge if the handler stopped it."""
    if getattr(request, "upload_too_large", False):
        raise UploadTooLarge()
