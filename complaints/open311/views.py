"""Open311 GeoReport v2 endpoints (JSON only), mapped onto complaints:

    GET  /open311/v2/services.json                 the services: active violation categories, grouped by major one
    GET  /open311/v2/services/<code>.json          a service's definition (no extra attributes)
    POST /open311/v2/requests.json                 file a complaint (api_key of a registered client)
    GET  /open311/v2/requests.json                 every request filed through Open311, public part only
    GET  /open311/v2/requests/<id>.json            one of them (GeoReport v2: reads need no key)
    GET  …?api_key=…                               the client's own requests only, with what it sent

A read without a key shows no personal data (serializers.public_request_json); OPEN311_READS_NEED_KEY
makes reads need a key too, on a closed deployment. A key that is given must be valid, read or write.

Errors are GeoReport errors, `[{"code": 400, "description": "…"}]`, with that HTTP status. Plain Django
views (not DRF): the API key is their only authentication, so sessions and CSRF play no part, and they stay
out of the /api/ OpenAPI schema. The audit middleware marks what they change as coming from the API."""

import functools

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from complaints.models import Complaint

from . import services
from .forms import RequestListForm, ServiceRequestForm, service_by_code
from .forms import services as service_list
from .serializers import (
    public_request_json,
    request_json,
    service_definition_json,
    service_json,
    service_notice,
)

MAX_REQUESTS = 1000  # GeoReport v2: a list answers at most this many, newest first


class Open311Error(Exception):
    def __init__(self, status, description):
        super().__init__(description)
        self.status = status
        self.description = str(description)


def _json(data, status=200):
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def error_response(status, description):
    return _json([{"code": status, "description": str(description)}], status=status)


def _form_errors(form):
    return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in form.errors.items())


def _django_errors(exc):
    if hasattr(exc, "message_dict"):
        return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in exc.message_dict.items())
    return " ".join(exc.messages)


def georeport(*methods):
    """JSON only, the allowed methods, and every refusal in the GeoReport error format."""

    def decorate(view):
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request, *args, fmt, **kwargs):
            if fmt != "json":
                return error_response(400, _("Only the JSON format is served: use the .json suffix."))
            if request.method not in methods:
                response = error_response(405, _("Method not allowed."))
                response["Allow"] = ", ".join(methods)
                return response
            try:
                return view(request, *args, **kwargs)
            except Open311Error as exc:
                return error_response(exc.status, exc.description)

        return wrapper

    return decorate


def _client(request):
    params = request.POST if request.method == "POST" else request.GET
    client = services.authenticate(params.get("api_key", ""))
    if client is None:
        raise Open311Error(403, _("A valid api_key of a registered, active client is required."))
    return client


def _reader(request):
    """Who reads: the client of the api_key (its own requests, in full), or None for a public read."""
    if not request.GET.get("api_key") and not settings.OPEN311_READS_NEED_KEY:
        return None
    return _client(request)


# --- services ------------------------------------------------------------------------------------------
@georeport("GET")
def service_list_view(request):
    return _json([service_json(category) for category in service_list()])


@georeport("GET")
def service_definition_view(request, code):
    category = service_by_code(code)
    if category is None:
        raise Open311Error(404, _("No such service."))
    return _json(service_definition_json(category))


# --- requests --------------------------------------------------------------------------------------------
def _requests_of(client):
    """The client's requests, or with None every request filed through Open311 (never the bureau's own)."""
    filed = {"open311_request__isnull": False} if client is None else {"open311_request__client": client}
    return Complaint.objects.filter(**filed).select_related("category", "unit", "open311_request")


def _as_json(complaint, client):
    return public_request_json(complaint) if client is None else request_json(complaint)


@georeport("GET", "POST")
def requests_view(request):
    if request.method == "POST":
        return _create(request, _client(request))
    client = _reader(request)
    form = RequestListForm(request.GET)
    if not form.is_valid():
        raise Open311Error(400, _form_errors(form))
    rows = form.filter(_requests_of(client)).order_by("-received_at", "-id")[:MAX_REQUESTS]
    return _json([_as_json(complaint, client) for complaint in rows])


def _create(request, client):
    form = ServiceRequestForm(request.POST)
    if not form.is_valid():
        raise Open311Error(400, _form_errors(form))
    data = form.cleaned_data
    try:
        complaint = services.file_request(
            client,
            category=data["service_code"],
            description=data["description"],
            address=form.address(),
            lat=data["lat"],
            lng=data["long"],
            complainant_name=form.complainant_name(),
            complainant_phone=data["phone"].strip(),
            complainant_email=data["email"],
            media_url=data["media_url"],
            device_id=data["device_id"].strip(),
        )
    except ValidationError as exc:
        raise Open311Error(400, _django_errors(exc)) from exc
    except PermissionDenied as exc:
        raise Open311Error(403, _("This client may not file requests: %(reason)s") % {"reason": exc}) from exc
    response = _json(
        [
            {
                "service_request_id": complaint.number,
                "service_notice": service_notice(complaint),
                "account_id": None,
            }
        ],
        status=201,
    )
    response["Location"] = request.build_absolute_uri(
        reverse("open311:request", kwargs={"request_id": complaint.number, "fmt": "json"})
    )
    return response


@georeport("GET")
def request_detail_view(request, request_id):
    client = _reader(request)
    complaint = _requests_of(client).filter(number=request_id).first()
    if complaint is None:
        raise Open311Error(404, _("No such service request."))
    return _json([_as_json(complaint, client)])


def not_found_view(request, *args, **kwargs):
    return error_response(404, _("Unknown Open311 endpoint; see /open311/discovery.json."))


@georeport("GET")
def discovery_view(request):
    return _json(
        {
            "changeset": "2026-11-25T00:00:00Z",
            "contact": "",
            "key_service": _("API keys are issued by the bureau's administrators."),
            "endpoints": [
                {
                    "specification": "http://wiki.open311.org/GeoReport_v2",
                    "url": request.build_absolute_uri(
                        reverse("open311:services", kwargs={"fmt": "json"})
                    ).removesuffix("services.json"),
                    "changeset": "2026-11-25T00:00:00Z",
                    "type": "production",
                    "formats": ["application/json"],
                }
            ],
        }
    )
