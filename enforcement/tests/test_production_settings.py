"""enforcement/settings/production.py, loaded as a deployment loads it: in a process of its own, from the
environment. It refuses to start without its required variables, collects static files under hashed names
served for a year, and logs JSON lines."""

import json
import os
import re
import subprocess
import sys
import textwrap

import pytest
from django.conf import settings

BASE_DIR = settings.BASE_DIR
REQUIRED = {
    "DJANGO_SECRET_KEY": "test-only-0123456789abcdefghijklmnopqrstuvwxyz-not-a-real-secret",
    "DATABASE_URL": "postgres://chengguan:secret@db.internal:5432/chengguan",
    "SITE_URL": "https://zhifa.example.gov.cn",
}
# What the test run itself may have set, and must not leak into the deployment under test.
INHERITED = {
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "REDIS_URL",
    "CACHE_URL",
    "SITE_URL",
    "DJANGO_SECRET_KEY",
    "SENTRY_DSN",
    "TEST_DB_NAME",
    "STATIC_ROOT",
    "MEDIA_ROOT",
    "CELERY_BROKER_DIR",
    "PYTHONPATH",
}


def run(code, tmp_path, settings_module="enforcement.settings.production", pythonpath=(), **variables):
    environment = {k: v for k, v in os.environ.items() if k not in INHERITED}
    environment |= {"DJANGO_SETTINGS_MODULE": settings_module, "VAR_DIR": str(tmp_path / "var")}
    environment |= {name: value for name, value in variables.items() if value is not None}
    environment["PYTHONPATH"] = os.pathsep.join([*map(str, pythonpath), str(BASE_DIR)])
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


LOAD = """
    import json
    import enforcement.settings.production as s
    print(json.dumps({
        "debug": s.DEBUG, "site_url": s.SITE_URL, "engine": s.DATABASES["default"]["ENGINE"],
        "connect_timeout": s.DATABASES["default"]["OPTIONS"].get("connect_timeout"),
        "staticfiles": s.STORAGES["staticfiles"]["BACKEND"],
        "formatter": s.LOGGING["handlers"]["console"]["formatter"],
        "celery_keeps_logging": not s.CELERY_WORKER_HIJACK_ROOT_LOGGER,
    }))
"""


def test_production_starts_with_its_required_variables(tmp_path):
    done = run(LOAD, tmp_path, **REQUIRED)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "debug": False,
        "site_url": "https://zhifa.example.gov.cn",
        "engine": "django.db.backends.postgresql",
        "connect_timeout": 5,
        "staticfiles": "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "formatter": "json",
        "celery_keeps_logging": True,  # workers and beat log the same JSON lines
    }


@pytest.mark.parametrize("missing", sorted(REQUIRED))
def test_production_refuses_to_start_without(missing, tmp_path):
    done = run(LOAD, tmp_path, **(REQUIRED | {missing: None}))
    assert done.returncode != 0
    assert f"ImproperlyConfigured: {missing} must be set in production" in done.stderr
    # No SQLite fallback, no default address: nothing was printed as if loaded.
    assert done.stdout == ""


def test_an_empty_variable_counts_as_missing(tmp_path):
    done = run(LOAD, tmp_path, **(REQUIRED | {"DATABASE_URL": ""}))
    assert "ImproperlyConfigured: DATABASE_URL must be set in production" in done.stderr


def test_site_url_must_be_an_address(tmp_path):
    done = run(LOAD, tmp_path, **(REQUIRED | {"SITE_URL": "zhifa.example.gov.cn"}))
    assert done.returncode != 0 and "SITE_URL must start with https://" in done.stderr


# --- the optional error reporter ----------------------------------------------------------------------------
def stub_package(root, body):
    """An importable `sentry_sdk` in `root`: sentry-sdk is an optional package, not installed here."""
    package = root / "sentry_sdk"
    (package / "integrations").mkdir(parents=True)
    (package / "__init__.py").write_text(textwrap.dedent(body))
    (package / "integrations" / "__init__.py").write_text("")
    for name in ("django", "celery"):
        (package / "integrations" / f"{name}.py").write_text(f"class {name.title()}Integration:\n    pass\n")
    return root


def test_a_sentry_dsn_without_the_package_stops_the_start(tmp_path):
    missing = stub_package(tmp_path / "stub", "raise ImportError('No module named sentry_sdk')\n")
    done = run(
        LOAD, tmp_path, pythonpath=[missing], SENTRY_DSN="https://key@errors.example.org/1", **REQUIRED
    )
    assert done.returncode != 0
    assert "SENTRY_DSN is set but the sentry-sdk package is not installed" in done.stderr


def test_a_sentry_dsn_initialises_the_reporter_without_personal_data(tmp_path):
    calls = tmp_path / "init.json"
    installed = stub_package(
        tmp_path / "stub",
        f"""
        import json
        def init(**options):
            options["integrations"] = [type(i).__name__ for i in options["integrations"]]
            open({str(calls)!r}, "w").write(json.dumps(options))
    """,
    )
    dsn = "https://key@errors.example.org/1"
    done = run(
        LOAD, tmp_path, pythonpath=[installed], SENTRY_DSN=dsn, SENTRY_ENVIRONMENT="district-a", **REQUIRED
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(calls.read_text()) == {
        "dsn": dsn,
        "environment": "district-a",
        "integrations": ["DjangoIntegration", "CeleryIntegration"],
        "send_default_pii": False,
        "traces_sample_rate": 0.0,
    }
    # Without SENTRY_DSN nothing is initialised.
    calls.unlink()
    assert run(LOAD, tmp_path, pythonpath=[installed], **REQUIRED).returncode == 0
    assert not calls.exists()


# --- static files and a request, end to end ----------------------------------------------------------------
# The production settings as they are, but for whitenoise's compression of the JavaScript (the sidecar's
# Swagger UI alone takes a minute of brotli; the Dockerfile's build does it). CSS is still compressed.
FAST_COMPRESSION = """
from whitenoise.compress import Compressor

from enforcement.settings.production import *  # noqa: F401,F403

WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "js", "map"]
"""

COLLECTSTATIC = """
    import django
    django.setup()
    from django.core.management import call_command
    call_command("collectstatic", "--noinput", verbosity=0)
"""

REQUESTS = """
    import json
    import django
    django.setup()
    from django.test import Client

    client = Client()
    page = client.get("/no-such-page/", secure=True, HTTP_X_REQUEST_ID="req-e2e-1")
    stylesheet = page.content.decode().split('href="/static/css/app.')[1].split('"')[0]
    static = client.get(f"/static/css/app.{stylesheet}", secure=True)
    print(json.dumps({
        "status": page.status_code, "request_id": page["X-Request-ID"], "stylesheet": stylesheet,
        "static_status": static.status_code, "static_cache": static["Cache-Control"],
        "http": client.get("/login/").status_code, "live": client.get("/health/live/").status_code,
    }))
"""


def test_static_files_get_hashed_names_and_long_caching(tmp_path):
    (tmp_path / "fast_production.py").write_text(FAST_COMPRESSION)
    static_root = tmp_path / "static"
    variables = REQUIRED | {
        "STATIC_ROOT": str(static_root),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",  # the pages below read no table
        "DJANGO_ALLOWED_HOSTS": "testserver",
    }
    done = run(COLLECTSTATIC, tmp_path, "fast_production", pythonpath=[tmp_path], **variables)
    assert done.returncode == 0, done.stderr

    hashed = [
        p.name for p in (static_root / "css").iterdir() if re.fullmatch(r"app\.[0-9a-f]{12}\.css", p.name)
    ]
    assert len(hashed) == 1, sorted(p.name for p in (static_root / "css").iterdir())
    assert (static_root / "css" / f"{hashed[0]}.gz").exists()
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    assert manifest["paths"]["css/app.css"] == f"css/{hashed[0]}"

    done = run(REQUESTS, tmp_path, "fast_production", pythonpath=[tmp_path], **variables)
    assert done.returncode == 0, done.stderr
    answers = json.loads(done.stdout)
    # The site's own 404 page links the hashed stylesheet, which is served as immutable for a year.
    assert answers["status"] == 404 and f"app.{answers['stylesheet']}" == hashed[0]
    assert answers["static_status"] == 200
    assert "immutable" in answers["static_cache"] and "max-age=315360000" in answers["static_cache"]
    # Plain HTTP is sent to HTTPS, except the probes.
    assert answers["http"] == 301 and answers["live"] == 200
    # The 404 is one JSON line on stderr with the request's id, without a traceback.
    [logged] = [json.loads(line) for line in done.stderr.splitlines() if '"django.request"' in line]
    assert logged["request_id"] == answers["request_id"] == "req-e2e-1"
    assert logged["status_code"] == 404 and logged["level"] == "WARNING" and "exception" not in logged
