"""A Content-Security-Policy and a Permissions-Policy on every response (issue 15).

The pages run only the app's own scripts and styles (static/ and each app's static/): no inline <script>,
no on*= attribute, no style attribute; a script that styles an element does it through the DOM
(`element.style`), which the policy allows. Images may also be data: and blob: URLs, the map's tiles
(from the origin of MAP_TILE_URL) and, with an object store, the photos its signed URLs serve. A response
that already names its own policy keeps it: the frozen HTML of an issued document (enforcement/documents)
allows its inlined style and nothing else. The API docs and DRF's browsable API (developers' pages) may
also use inline style; no page runs inline script.

The Permissions-Policy lets this origin ask for the device's location (the patrol and intake forms fill in
where the officer stands) and denies the camera, the microphone, payments and USB to every page and frame:
a photo is chosen through the file input, which needs no camera permission."""

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings

CSP_HEADER = "Content-Security-Policy"
PERMISSIONS_HEADER = "Permissions-Policy"
BROWSABLE_API_EXTRA = {"style-src": ["'unsafe-inline'"]}


def tile_source(url):
    """The CSP source of a tile URL template ("https://{s}.tile.example.org/{z}/{x}/{y}.png" →
    "https://*.tile.example.org"); "" when there is none or it is not an absolute http(s) URL."""
    if not url:
        return ""
    parts = urlsplit(url.replace("{s}.", "*.", 1) if "://{s}." in url else url.replace("{s}", "a"))
    if parts.scheme not in ("http", "https") or not parts.netloc or "{" in parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}"


def object_store_sources():
    """With STORAGE_BACKEND=s3 a photo's download is redirected to a signed URL of the object store
    (enforcement/files/downloads.py), which the page's <img> then loads: the store's origins."""
    if getattr(settings, "STORAGE_BACKEND", "") != "s3" or not getattr(
        settings, "S3_REDIRECT_DOWNLOADS", True
    ):
        return []
    endpoint = settings.STORAGES["default"].get("OPTIONS", {}).get("endpoint_url")
    if not endpoint:
        return ["https://*.amazonaws.com"]
    parts = urlsplit(endpoint)
    # Path-style (bucket in the path) or virtual-host style (the bucket's own host name under the endpoint).
    return [f"{parts.scheme}://{parts.netloc}", f"{parts.scheme}://*.{parts.netloc}"]


def content_security_policy(extra=None):
    """The site's policy (settings.CONTENT_SECURITY_POLICY), with `extra` sources added per directive."""
    directives = {key: list(sources) for key, sources in settings.CONTENT_SECURITY_POLICY.items()}
    tiles = tile_source(settings.MAP_TILE_URL)
    images = [*([tiles] if tiles else []), *object_store_sources()]
    for name, sources in [*([("img-src", images)] if images else []), *(extra or {}).items()]:
        directives.setdefault(name, list(directives.get("default-src", []))).extend(sources)
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())


def policy_adding(extra):
    """A view decorator: the site's policy with `extra` sources, e.g. {"style-src": ["'unsafe-inline'"]}
    for a third-party page that injects its style (the API docs); scripts stay the site's own."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            response[CSP_HEADER] = content_security_policy(extra)
            return response

        return wrapped

    return decorator


def permissions_policy():
    return ", ".join(
        f"{feature}=({' '.join(allow)})" for feature, allow in settings.PERMISSIONS_POLICY.items()
    )


class SecurityHeadersMiddleware:
    """Adds both headers to every response that has not set its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if CSP_HEADER not in response:
            renderer = getattr(response, "accepted_renderer", None)
            # DRF's browsable API (a developer's page) writes inline style; its scripts stay the site's own.
            browsable = getattr(renderer, "format", None) == "api"
            response[CSP_HEADER] = content_security_policy(BROWSABLE_API_EXTRA if browsable else None)
        if PERMISSIONS_HEADER not in response:
            response[PERMISSIONS_HEADER] = permissions_policy()
        return response
