"""Production: secrets, hosts, the database and the site's address must come from the environment. A
missing one stops the process at start with a message naming it, rather than running on a default that
only suits a laptop (an SQLite file in the container, links in e-mails to 127.0.0.1:8000)."""

import os

from django.core.exceptions import ImproperlyConfigured

from enforcement.logging import init_sentry, production_logging

from .base import *  # noqa: F401,F403
from .base import DATABASES, STORAGES, env_bool


def required(name, meaning):
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in production: {meaning}.")
    return value


DEBUG = False
SECRET_KEY = required("DJANGO_SECRET_KEY", "a long random string (e.g. `openssl rand -hex 32`), kept secret")
# No SQLite fallback: a forgotten variable would otherwise start an empty database inside the container.
required("DATABASE_URL", "the PostgreSQL database, e.g. postgres://chengguan:password@db-host:5432/chengguan")
SITE_URL = required(
    "SITE_URL",
    "the address users open the app at, e.g. https://zhifa.example.gov.cn; "
    "the links in reminder e-mails and webhook messages are built from it",
)
if not SITE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(f"SITE_URL must start with https:// (or http://), not {SITE_URL!r}.")
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Bounds how long a request (and the readiness probe, enforcement/health.py) waits for an unreachable
    # database, instead of the operating system's minutes.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", int(os.environ.get("DB_CONNECT_TIMEOUT", "5"))
    )

# Hashed names (app.3f2a9c1b7d4e.css) cached for a year by browsers and proxies (whitenoise marks them
# immutable); collectstatic (in the Dockerfile) writes them and the manifest the templates' {% static %} read.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# JSON lines with time, level, logger, message and request id (enforcement/logging.py); no traceback for
# ordinary 4xx. The test settings keep their own quiet LOGGING.
LOGGING = production_logging(os.environ.get("LOG_LEVEL", "INFO"))
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # the workers and beat log the same JSON lines

# Errors reported over the Sentry protocol (Sentry, GlitchTip…) when SENTRY_DSN is set; needs the optional
# package: `pip install sentry-sdk`.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "").strip()
if SENTRY_DSN and not init_sentry(
    SENTRY_DSN,
    environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
    traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
):
    raise ImproperlyConfigured(
        "SENTRY_DSN is set but the sentry-sdk package is not installed: "
        "`pip install sentry-sdk`, or unset SENTRY_DSN."
    )
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
