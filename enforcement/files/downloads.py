"""One way to hand a stored file to the person who asked for it, whatever the storage (settings.STORAGES).

The caller has already loaded the record through its scoping rule and checked the reader's right: this
module only decides how the bytes travel. From the disk (FileSystemStorage) they are streamed by the app;
MEDIA_URL is never served, so there is no address that skips the check. From an S3-compatible object store
the answer is a redirect to a signed URL of that one object, valid S3_SIGNED_URL_SECONDS and carrying the
type and name the download must have; the bucket itself stays private. With S3_REDIRECT_DOWNLOADS off (an
object store the browsers cannot reach) the app streams from the store instead."""

from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header


def disposition(filename, *, inline, ascii_name=None):
    """The Content-Disposition of a download; with `ascii_name`, that name for old clients and the real one
    in RFC 5987's `filename*`."""
    if ascii_name is None:
        return content_disposition_header(not inline, filename)
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def signs_urls(storage):
    """Whether `storage` hands out signed, expiring URLs of private objects (django-storages' S3Storage)."""
    return bool(getattr(storage, "querystring_auth", False)) and not getattr(storage, "custom_domain", None)


def stored_file_response(request, fieldfile, *, filename, content_type, inline, ascii_name=None):
    """The stored file `fieldfile` as a download named `filename` of type `content_type`, shown in the
    browser (`inline`) or saved. Never cached by a shared cache; never sniffed for another type."""
    header = disposition(filename, inline=inline, ascii_name=ascii_name)
    storage = fieldfile.storage
    if signs_urls(storage) and getattr(settings, "S3_REDIRECT_DOWNLOADS", True):
        url = storage.url(
            fieldfile.name,
            parameters={
                "ResponseContentType": content_type,
                "ResponseContentDisposition": header,
                "ResponseCacheControl": "private, no-store",
            },
        )
        response = HttpResponseRedirect(url)  # 302: the next download asks the app again
    else:
        response = FileResponse(fieldfile.open("rb"), content_type=content_type)
        response["Content-Disposition"] = header
        response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
