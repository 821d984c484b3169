"""The test suite: same as production in behaviour, faster password hashing."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F401,F403
from .base import CACHES, DATABASES, INSTALLED_APPS, REDIS_URL, filesystem_broker

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False}

# Parallel runs against one PostgreSQL server each need their own test database.
if os.environ.get("TEST_DB_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DB_NAME"]}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file rather than memory: the tests that start a real Celery worker share the database with it.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"chengguan-test-{os.getpid()}.sqlite3")
    }

# A replica (DATABASE_REPLICA_URL) is a copy of the primary: no test database of its own, it reads the
# primary's test database (by name, on its own server, which streams it; tests/test_replica_streaming.py).
if "replica" in DATABASES:
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}

MEDIA_ROOT = Path(tempfile.gettempdir()) / "chengguan-test-media"
DOCUMENTS_RENDER_ASYNC = False  # an issued document's PDF right after the commit (a worker test queues it)

# A test-only domain app built on the platform by declarations alone (tests/testapp).
INSTALLED_APPS = [*INSTALLED_APPS, "tests.testapp"]

# Tasks the tests enqueue (after-commit hooks) go to a broker folder of this run, never to the one a
# developer's local worker reads (var/celery-broker). A worker test names its own folder.
if not REDIS_URL and not os.environ.get("CELERY_BROKER_DIR") and not os.environ.get("CELERY_BROKER_URL"):
    CELERY_BROKER_DIR = Path(tempfile.gettempdir()) / f"chengguan-test-broker-{os.getpid()}"
    CELERY_BROKER_TRANSPORT_OPTIONS = filesystem_broker(CELERY_BROKER_DIR)
# The beat and worker processes a test starts on the shared Redis keep to a queue of their own
# (tests/test_beat_lock.py), away from what other runs leave in the default one.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "celery")

# With Redis (CACHE_URL or REDIS_URL) runs share one server: each run keeps its keys under its own prefix, as
# it has its own database. A subprocess of a test passes CACHE_KEY_PREFIX to read the same keys.
if "KEY_PREFIX" in CACHES["default"]:
    CACHES["default"]["KEY_PREFIX"] = os.environ.get("CACHE_KEY_PREFIX") or f"chengguan-test-{os.getpid()}"
# Every test client logs in from 127.0.0.1, so the whole run would add up to one address's failed logins
# (enforcement/org/auth.py); the tests of that limit set the limit they test.
LOGIN_ADDRESS_FAILURE_LIMIT = 1000
