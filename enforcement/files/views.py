"""View helpers for files: the download (after the app loaded the record through its scoping rule, so a
file of a record out of scope is a 404 like the record) and the upload guard of multipart pages."""

import os
import re
import unicodedata
from functools import wraps

from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from .downloads import stored_file_response
from .uploads import UploadTooLarge, check_upload, guard_upload

REFUSED_TEMPLATE = "files/upload_refused.html"
# A form's whole upload may hold this many maximum-size files (several photos are far smaller); each file
# is still capped on its own while it streams.
FORM_UPLOAD_FILES = 3
_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|;%]+')


def download_name(attachment):
    """The uploader's name, cleaned of anything a browser or a file system could misread, and ending in
    the extension of the type the file really is (a page named "x.html" holding a JPEG saves as .jpg)."""
    stem = os.path.splitext(attachment.original_name or "")[0]
    stem = _UNSAFE.sub("_", unicodedata.normalize("NFC", stem)).strip(" ._")[:100]
    return f"{stem or attachment.sha256[:16]}{attachment.extension}"


def serve_attachment(request, attachment, *, as_attachment=False):
    """The file of `attachment`, with the type it was sniffed as and never sniffed again by the browser:
    streamed, or a redirect to a short-lived signed URL of an object store (downloads.py). Call it with an
    attachment of a record loaded through `visible_to(request.user)`."""
    return stored_file_response(
        request,
        attachment.file,
        filename=download_name(attachment),
        content_type=attachment.content_type,
        inline=not as_attachment,
    )


def refused(request, exc):
    back = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = "/"
    return render(request, REFUSED_TEMPLATE, {"message": exc.message, "back": back}, status=413)


def upload_view(view=None, *, files=FORM_UPLOAD_FILES):
    """For multipart pages: an oversized body is refused (413) before anything reads it, CSRF's check
    included (CSRF is checked after, on the same request)."""

    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "POST":
                try:
                    guard_upload(request, files=files)
                except UploadTooLarge as exc:
                    return refused(request, exc)
            return csrf_protect(view)(request, *args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate


def too_large(request):
    """After the body was parsed: the 413 page when a file grew past the limit while streaming, else None."""
    try:
        check_upload(request)
    except UploadTooLarge as exc:
        return refused(request, exc)
    return None
