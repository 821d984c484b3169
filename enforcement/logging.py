"""Structured logs for production: one JSON object per line with time, level, logger, message and the id of
the request the record belongs to (enforcement.settings.production wires these into LOGGING).

The request id comes from the proxy's `X-Request-ID` header when it sends a sane one, else a new one is made;
it is answered in the response's `X-Request-ID` header (so a user's complaint about an error can be matched
to its log lines) and gunicorn's access log prints it from there. It lives in a context variable, so every
record logged while the request runs carries it, whichever logger wrote it."""

import contextvars
import json
import logging
import re
import uuid
from datetime import UTC, datetime

REQUEST_ID_HEADER = "X-Request-ID"
request_id_var = contextvars.ContextVar("request_id", default="-")
# What a proxy may hand us: a uuid, a hex or base64-ish token. Anything else (control characters, spaces,
# quotes, megabytes) could forge or break log lines, so it is replaced.
_ACCEPTABLE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:+/=-]{1,128}")


def current_request_id():
    return request_id_var.get()


class RequestIDMiddleware:
    """First in MIDDLEWARE, so every later middleware's records carry the id too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = offered if _ACCEPTABLE_REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


class RequestIDFilter(logging.Filter):
    """Stamps each record with the current request's id ("-" outside a request: a worker, a command).
    django.request logs a 4xx/5xx response after the middleware chain has returned (the context variable is
    reset by then), but hands the request along: its id is taken from there."""

    def filter(self, record):
        request_id = getattr(getattr(record, "request", None), "request_id", None)
        record.request_id = request_id if isinstance(request_id, str) else request_id_var.get()
        return True


class QuietClientErrorsFilter(logging.Filter):
    """django.request logs a 404 or 403 as a warning *with* the Http404/PermissionDenied exception attached,
    and django.security a 400 likewise; a traceback per mistyped address or refused page buries the real
    errors. A record for a response below 500 keeps its line and loses its traceback."""

    def filter(self, record):
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True


class JSONFormatter(logging.Formatter):
    """One JSON object per line, for the log collector (Loki, Elasticsearch, journald…)."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id_var.get()),
        }
        status = getattr(record, "status_code", None)
        if status is not None:
            entry["status_code"] = status
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def production_logging(level="INFO"):
    """The LOGGING of enforcement.settings.production: JSON lines on stderr (the container's log)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "enforcement.logging.RequestIDFilter"},
            "quiet_client_errors": {"()": "enforcement.logging.QuietClientErrorsFilter"},
        },
        "formatters": {"json": {"()": "enforcement.logging.JSONFormatter"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "filters": ["request_id", "quiet_client_errors"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's own handlers (mail_admins, the runserver console) are replaced by the root's.
            "django": {"handlers": [], "level": level, "propagate": True},
            "django.db.backends": {"level": "WARNING"},
            # WeasyPrint and fontTools log every step of a PDF at INFO (documents' renderer).
            "weasyprint": {"level": "WARNING"},
            "fontTools": {"level": "WARNING"},
        },
    }


def init_sentry(dsn, *, environment="production", traces_sample_rate=0.0):
    """An error reporter speaking the Sentry protocol (Sentry, GlitchTip, Bugsink…), when the optional
    `sentry-sdk` package is installed. Personal data is not sent: the complainants' names and phone numbers
    stay in the bureau (send_default_pii off). Returns False when the package is missing."""
    try:
        import sentry_sdk
        from sentry_sdk.integrations.celery import CeleryIntegration
        from sentry_sdk.integrations.django import DjangoIntegration
    except ImportError:
        return False
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        traces_sample_rate=traces_sample_rate,
    )
    return True
