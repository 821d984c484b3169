"""The Celery app (cookiecutter-django wiring). Broker: Redis when REDIS_URL is set, else kombu's
filesystem transport so the embedded setup needs no service."""

import os

from celery import Celery

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
