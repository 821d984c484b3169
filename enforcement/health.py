"""Health endpoints for the orchestrator and the load balancer.

- `/health/live/`: the process is up and answers; touches nothing else, so a database outage does not get
  every web container restarted (liveness).
- `/health/ready/` (also `/health/`): the database, the cache, the broker and the file storage each answer
  within HEALTH_CHECK_TIMEOUT seconds, and the static files the pages link to are there; 200 with
  `{"database": "ok", …}`, else 503 naming the failing part (readiness: the balancer stops sending users
  here until it recovers). Under the production settings a host where collectstatic was not run has no
  manifest, and every page answers 500 (`{% static %}` finds no hashed name): "static" says so.

Both are answered by a middleware placed before SecurityMiddleware and CommonMiddleware: a probe comes from
inside the container or the cluster with its own Host header and over plain HTTP, so it must pass neither
ALLOWED_HOSTS nor the HTTPS redirect. No login, no session, no CSRF, nothing cached. The answer names the
parts and the kind of error only (an exception's message may contain a host name or a URL); the message
goes to the log."""

import logging
import uuid
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.db import connections
from django.http import HttpResponseNotAllowed, JsonResponse
from kombu import Connection
from redis.backoff import NoBackoff
from redis.retry import Retry

from .caching import reporting_errors

logger = logging.getLogger(__name__)

LIVE_PATHS = {"/health/live/", "/health/live"}
READY_PATHS = {"/health/", "/health", "/health/ready/", "/health/ready"}
# The app's own stylesheet, linked from templates/base.html on every page: collected with all the others.
STATIC_PROBE = "css/app.css"


def timeout():
    return settings.HEALTH_CHECK_TIMEOUT


def check_database():
    # Runs in a thread of its own, so it opens (and must close) that thread's connection: a probe proves
    # that a new connection can be made, which is what a restarted or added web process needs.
    connection = connections["default"]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        connection.close()


def check_cache():
    # The pages take an unreachable Redis for a miss (enforcement/caching.py); the probe must see it.
    key, token = f"health-check:{uuid.uuid4().hex}", uuid.uuid4().hex
    with reporting_errors():
        cache.set(key, token, timeout=30)
        try:
            if cache.get(key) != token:
                raise RuntimeError("the cache did not return what was just stored")
        finally:
            cache.delete(key)


def check_broker():
    options = dict(getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", None) or {})
    limit = timeout()
    if settings.CELERY_BROKER_URL.startswith(("redis", "sentinel")):
        # A server that accepts the connection and then says nothing must not hold the probe's thread.
        options.update(socket_timeout=limit, socket_connect_timeout=limit)
    if settings.CELERY_BROKER_URL.startswith("sentinel"):
        # kombu connects to the Sentinels with the sentinel_kwargs option alone (redis-py takes the socket_
        # options above only when there is none), and redis-py's client retries a refused connection with
        # backoff, longer in all than the probe waits: one try each, with the probe's limits. Other keys (a
        # Sentinel's password) stay.
        options["sentinel_kwargs"] = {
            **(options.get("sentinel_kwargs") or {}),
            "socket_timeout": limit,
            "socket_connect_timeout": limit,
            "retry": Retry(NoBackoff(), 0),
        }
    with Connection(settings.CELERY_BROKER_URL, transport_options=options, connect_timeout=limit) as broker:
        broker.ensure_connection(max_retries=0, timeout=limit)  # one attempt: a probe, not a client
        if broker.transport_cls == "filesystem":
            # The filesystem transport "connects" to anything; what matters is that the folder takes files.
            probe = Path(options["data_folder_in"]) / f".health-{uuid.uuid4().hex}"
            probe.write_bytes(b"ok")
            probe.unlink()


def check_storage():
    # Evidence and issued documents are written here: the probe writes, reads back and deletes a file.
    name = default_storage.save(f"health-check/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name) as file:
            if file.read() != b"ok":
                raise RuntimeError("the storage did not return what was just written")
    finally:
        default_storage.delete(name)


class StaticFilesMissing(Exception):
    """The static files the pages link to are not there (collectstatic not run on this host)."""


def check_static():
    # storages[…], not a module-level reference: the storage of the current settings (tests change them).
    storage = storages["staticfiles"]
    if isinstance(storage, ManifestFilesMixin):
        # What {% static %} does on every page: the hashed name from the manifest the storage loaded when it
        # was made (a process started before collectstatic keeps failing until restarted, as its pages do).
        try:
            storage.stored_name(STATIC_PROBE)
        except ValueError as error:
            raise StaticFilesMissing(f"{STATIC_PROBE}: {error}") from error
    elif finders.find(STATIC_PROBE) is None:
        raise StaticFilesMissing(f"{STATIC_PROBE} is in none of the static files' folders")


class ReplicaBehind(Exception):
    """The read replica answers, but further behind than REPLICA_MAX_LAG_SECONDS."""


def check_replica():
    from django.conf import settings as django_settings

    from .replicas import replica_lag

    lag = replica_lag()
    if lag is None:
        raise ConnectionError("the read replica cannot be reached")
    if lag > django_settings.REPLICA_MAX_LAG_SECONDS:
        raise ReplicaBehind(f"{lag:.0f} s behind")


CHECKS = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "storage": check_storage,
    "static": check_static,
}
# Reported, but not a reason to take the process out: without a usable replica the lists read the primary.
DEGRADING = {"replica": check_replica}


def checks():
    from .replicas import replica_configured

    return {**CHECKS, **(DEGRADING if replica_configured() else {})}


def readiness():
    """{part: "ok" | "error: <kind>" | "timeout"}, all parts checked at once, within timeout() seconds."""
    parts = checks()
    pool = ThreadPoolExecutor(max_workers=len(parts), thread_name_prefix="health")
    futures = {name: pool.submit(check) for name, check in parts.items()}
    wait(futures.values(), timeout=timeout())
    # A hung check is left to finish on its own (each has its own connect timeout); the answer does not wait.
    pool.shutdown(wait=False, cancel_futures=True)
    results = {}
    for name, future in futures.items():
        if not future.done():
            results[name] = "timeout"
            logger.warning("Health check %s: no answer within %s s", name, timeout())
        elif (error := future.exception()) is not None:
            results[name] = f"error: {type(error).__name__}"
            logger.warning("Health check %s failed: %s: %s", name, type(error).__name__, error)
        else:
            results[name] = "ok"
    return results


def _answer(payload, status=200):
    response = JsonResponse(payload, status=status)
    response["Cache-Control"] = "no-store"
    return response


def live(request):
    return _answer({"status": "ok"})


def ready(request):
    results = readiness()
    healthy = all(value == "ok" for name, value in results.items() if name not in DEGRADING)
    return _answer(results, status=200 if healthy else 503)


class HealthCheckMiddleware:
    """Answers the health paths before anything else looks at the request (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        view = live if request.path in LIVE_PATHS else ready if request.path in READY_PATHS else None
        if view is None:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        return view(request)
