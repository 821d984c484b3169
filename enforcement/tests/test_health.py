"""The health endpoints (enforcement/health.py): liveness touches nothing, readiness checks the database, the
cache, the broker, the storage and the static files for real and names the part that fails."""

import json
import socket
import time
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client

from enforcement.health import STATIC_PROBE

PARTS = {"database", "cache", "broker", "storage", "static"}


def probe(path, **headers):
    # A new client builds the middleware anew, so a changed setting (SSL redirect, hosts) applies.
    return Client(**headers).get(path)


def test_liveness_answers_without_the_database():
    # No `db` fixture: pytest-django refuses any database access, so a query here would fail the test.
    response = probe("/health/live/")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers and not response.cookies


def test_probes_pass_the_host_check_and_the_https_redirect(settings):
    """A probe comes over plain HTTP with the container's own address as Host."""
    settings.ALLOWED_HOSTS = ["zhifa.example.gov.cn"]
    settings.SECURE_SSL_REDIRECT = True
    assert probe("/health/live/", HTTP_HOST="10.0.0.7:8000").status_code == 200
    # Every other page still gets both: the health middleware answers its own paths only.
    assert probe("/login/", HTTP_HOST="10.0.0.7:8000").status_code == 400
    redirect = probe("/login/", HTTP_HOST="zhifa.example.gov.cn")
    assert redirect.status_code == 301 and redirect["Location"].startswith("https://")


def test_health_endpoints_are_read_only():
    response = Client().post("/health/live/")
    assert response.status_code == 405


def test_readiness_reports_each_part(db, settings):
    response = probe("/health/ready/")
    assert response.status_code == 200, response.content
    assert json.loads(response.content) == dict.fromkeys(PARTS, "ok")
    assert response["Cache-Control"] == "no-store"
    # The storage probe cleans up after itself.
    leftovers = settings.MEDIA_ROOT / "health-check"
    assert not leftovers.exists() or not any(leftovers.iterdir())
    # /health/ is the same readiness check.
    assert json.loads(probe("/health/").content) == dict.fromkeys(PARTS, "ok")


def unused_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_unreachable_broker_makes_the_app_unready(db, settings):
    port = unused_port()
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{port}/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    response = probe("/health/ready/")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["broker"].startswith("error:")
    assert {part for part, state in body.items() if state != "ok"} == {"broker"}
    # The kind of error only: no address, port or URL of the infrastructure.
    assert str(port) not in response.content.decode() and "127.0.0.1" not in response.content.decode()


def test_an_unwritable_storage_makes_the_app_unready(db, settings, tmp_path):
    # A folder under a regular file cannot be made, even by root (permissions would not stop root).
    (tmp_path / "not-a-folder").write_text("x")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "not-a-folder" / "media")},
        },
    }
    response = probe("/health/ready/")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["storage"].startswith("error:")
    assert body["database"] == body["cache"] == body["broker"] == "ok"


@pytest.fixture
def silent_server():
    """A TCP port that accepts connections and never answers: a hung Redis."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    yield server.getsockname()[1]
    server.close()


def test_a_hung_broker_is_given_up_on_within_the_timeout(db, settings, silent_server):
    settings.HEALTH_CHECK_TIMEOUT = 0.5
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{silent_server}/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    started = time.monotonic()
    response = probe("/health/ready/")
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert json.loads(response.content)["broker"] != "ok"
    assert elapsed < 2, f"the probe took {elapsed:.1f} s"


def test_static_files_not_collected_make_the_app_unready(db, settings, tmp_path):
    """The production storage with no manifest (collectstatic not run): every page would answer 500."""
    settings.STATIC_ROOT = tmp_path / "staticfiles"
    settings.STATIC_ROOT.mkdir()  # there, as the settings make it, but empty
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    response = probe("/health/ready/")
    assert response.status_code == 503, response.content
    assert json.loads(response.content) == {
        **dict.fromkeys(PARTS, "ok"),
        "static": "error: StaticFilesMissing",
    }
    assert str(tmp_path) not in response.content.decode()

    # Not compressed (gzip and brotli of every app's files take most of a minute): the manifest is what counts.
    settings.WHITENOISE_SKIP_COMPRESS_EXTENSIONS = {
        Path(name).suffix.lstrip(".") for finder in finders.get_finders() for name, _ in finder.list([])
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    assert (settings.STATIC_ROOT / "staticfiles.json").exists()
    # The web process (re)started after collectstatic: its storage, made anew, loads the manifest written.
    settings.STORAGES = {**settings.STORAGES}
    response = probe("/health/ready/")
    assert response.status_code == 200, response.content
    assert json.loads(response.content) == dict.fromkeys(PARTS, "ok")


def test_a_static_file_no_finder_knows_makes_the_app_unready(db, settings, tmp_path):
    # The plain storage of the tests: the stylesheet is looked for in the app's static folders.
    settings.STATICFILES_DIRS = [tmp_path]  # empty, and the apps have no css/app.css of their own
    assert finders.find(STATIC_PROBE) is None
    response = probe("/health/ready/")
    assert response.status_code == 503
    assert json.loads(response.content)["static"] == "error: StaticFilesMissing"
