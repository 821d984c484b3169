"""The Celery app (cookiecutter-django wiring). Broker: Redis when REDIS_URL is set, else kombu's
filesystem transport so the embedded setup needs no service."""

import logging
import os

from celery import Celery
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enforcement.settings.local")

app = Celery("enforcement")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# celery-redbeat (the beat lock, var/readme/beat.md) looks its settings up by their bare names, blind to the
# CELERY_ namespace: without this it warns and leaves the Redis client options (timeouts, retries) unused.
REDBEAT_SETTINGS = (
    "redbeat_redis_url",
    "redbeat_redis_options",
    "redbeat_key_prefix",
    "redbeat_lock_timeout",
)


@app.on_after_configure.connect
def name_redbeat_settings(sender, **kwargs):
    sender.conf.update(
        {key: sender.conf.get(key) for key in REDBEAT_SETTINGS if sender.conf.get(key) is not None}
    )


def send(task, *args):
    """`task.delay(*args)`, except that a broker that cannot be reached (Redis down, after Celery's publish
    retries) is logged and answered False instead of raised, so a user's saved work never turns into an
    error page. Each caller says what picks the work up instead: a sweep, the nightly run, the first
    download."""
    try:
        task.delay(*args)
    except (OperationalError, OSError):
        logger.warning("Task %s not queued: the broker cannot be reached", task.name, exc_info=True)
        return False
    return True


def send_all(task, calls):
    """`send(task, *args)` for each args of `calls`, in order, stopping at the first the broker refuses (it
    is down: the rest would wait out the same retries each). Returns how many were queued: the first N."""
    queued = 0
    for args in calls:
        if not send(task, *args):
            break
        queued += 1
    return queued
