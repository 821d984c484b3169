"""Structured logs (enforcement/logging.py): the request id from the proxy or made here, on the response and
on every record of the request; JSON lines; no traceback for an ordinary 403/404, the traceback of a 500."""

import io
import json
import logging
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client

from enforcement.logging import (
    JSONFormatter,
    QuietClientErrorsFilter,
    RequestIDFilter,
    current_request_id,
    production_logging,
)

BASE_DIR = settings.BASE_DIR


@pytest.fixture
def json_lines():
    """What the production handler writes for django.request, as parsed JSON objects."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JSONFormatter())
    handler.addFilter(RequestIDFilter())
    handler.addFilter(QuietClientErrorsFilter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)


def test_a_request_id_is_made_and_answered(db):
    first, second = Client().get("/login/"), Client().get("/login/")
    assert re.fullmatch(r"[0-9a-f]{32}", first["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]
    assert current_request_id() == "-"  # nothing left over once the request is done


def test_the_proxys_request_id_is_kept_and_a_forged_one_replaced(db):
    assert Client(HTTP_X_REQUEST_ID="edge-7f3a.42").get("/login/")["X-Request-ID"] == "edge-7f3a.42"
    forged = Client(HTTP_X_REQUEST_ID='x" level=ERROR msg="fake').get("/login/")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", forged)


def test_a_404_is_logged_with_the_request_id_and_no_traceback(client, officer_a, json_lines):
    client.force_login(officer_a)
    response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="req-404")
    assert response.status_code == 404
    [entry] = json_lines()
    assert entry["level"] == "WARNING" and entry["logger"] == "django.request"
    assert entry["message"] == "Not Found: /no-such-page/" and entry["status_code"] == 404
    assert entry["request_id"] == "req-404"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", entry["time"])
    assert "exception" not in entry


def test_a_403_keeps_its_line_and_loses_its_traceback(client, officer_a, json_lines):
    # Django attaches the PermissionDenied exception to this record (exc_info): a traceback per refusal.
    client.force_login(officer_a)
    response = client.get("/org/users/", HTTP_X_REQUEST_ID="req-403")
    assert response.status_code == 403
    [entry] = json_lines()
    assert entry["status_code"] == 403 and entry["request_id"] == "req-403"
    assert "exception" not in entry and "Traceback" not in json.dumps(entry)


def record(status_code, message="boom"):
    try:
        raise RuntimeError(message)
    except RuntimeError:
        exc_info = sys.exc_info()
    entry = logging.LogRecord("django.request", logging.ERROR, __file__, 1, message, (), exc_info)
    entry.status_code = status_code
    return entry


def formatted(entry):
    for keep in (RequestIDFilter().filter(entry), QuietClientErrorsFilter().filter(entry)):
        assert keep
    return json.loads(JSONFormatter().format(entry))


def test_a_500_keeps_its_traceback():
    entry = formatted(record(500))
    assert "Traceback" in entry["exception"] and "RuntimeError: boom" in entry["exception"]
    assert entry["request_id"] == "-"  # outside a request
    assert "exception" not in formatted(record(404))


def test_chinese_messages_stay_readable():
    entry = JSONFormatter().format(logging.LogRecord("x", logging.INFO, __file__, 1, "案件已办结", (), None))
    assert "案件已办结" in entry


def test_production_logging_writes_json_lines():
    config = production_logging("INFO")
    assert set(config["handlers"]["console"]["filters"]) == {"request_id", "quiet_client_errors"}
    # Applied for real, in a process of its own (dictConfig would rewire this one's loggers).
    script = (
        "import logging.config; from enforcement.logging import production_logging; "
        "logging.config.dictConfig(production_logging('INFO')); "
        "logging.getLogger('enforcement.tests').info('ready'); logging.getLogger('x').debug('hidden')"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=BASE_DIR, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    [line] = done.stderr.strip().splitlines()
    assert json.loads(line) | {"time": None} == {
        "time": None,
        "level": "INFO",
        "logger": "enforcement.tests",
        "message": "ready",
        "request_id": "-",
    }
