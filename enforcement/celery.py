"""The Celery app (cookiecutter-django wiring). Broker: Redis when REDIS_URL is set, else kombu's
filesystem transport so the embedded setup needs no service."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enforcement.settings.local")

app = Celery("enforcement")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
