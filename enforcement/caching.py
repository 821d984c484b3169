"""Small city-wide lists that change rarely — the choices of filters and forms (categories, units, grids) —
kept in the cache for a minute, so a list page costs no queries for them, and dropped when their data is
saved (at once in every process that shares the cache: with Redis, all of them; with the embedded default's
memory cache, this one, the others within the minute). Each app keeps the lists of its own
data (enforcement/catalog/cached.py, enforcement/org/cached.py) and connects the dropping in its
AppConfig.ready, so every domain app uses the same lists.

A cache is a copy: when Redis cannot be reached, the production cache (PrefixedRedisCache) misses instead of
failing the request, so the pages read through to the database and the throttles count nothing until it is
back (see the class)."""

import functools
import logging
import re
import time
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.db.models.signals import post_delete, post_save
from django.utils.translation import get_language
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

TTL_SECONDS = 60


class ChoiceCache:
    """Named lists under one key prefix. A `translated` list (its labels are in the user's language) is kept
    per language, "" being the language of a management command or a task (they fill the cache too); a
    `plain` one once. `forget` drops them all, in every language, whatever language the save ran in."""

    def __init__(self, prefix, *, translated=(), plain=(), ttl=TTL_SECONDS):
        self.prefix, self.translated, self.plain, self.ttl = prefix, tuple(translated), tuple(plain), ttl

    def key(self, name, language=None):
        if name in self.plain:
            return f"{self.prefix}:{name}"
        if language is None:
            language = get_language()
        return f"{self.prefix}:{name}:{language or ''}"

    def get(self, name, compute):
        key = self.key(name)
        value = cache.get(key)
        if value is None:
            value = compute()
            cache.set(key, value, self.ttl)
        return value

    def forget(self, **_kwargs):
        """The post_save/post_delete receiver."""
        languages = [code for code, _name in settings.LANGUAGES] + [""]
        cache.delete_many(
            [self.key(name) for name in self.plain]
            + [self.key(name, language) for name in self.translated for language in languages]
        )

    def forget_on_change(self, *models):
        """Drops the lists whenever a row of one of `models` is saved or deleted (call in AppConfig.ready)."""
        for model in models:
            uid = f"{self.prefix}:{model._meta.label}"
            post_save.connect(self.forget, sender=model, dispatch_uid=f"{uid}:save")
            post_delete.connect(self.forget, sender=model, dispatch_uid=f"{uid}:delete")


# How long a process leaves Redis alone after it failed to answer, before trying again: one slow failure
# (the socket timeout of CACHES' OPTIONS) per this many seconds, not one per cache call.
OUTAGE_SECONDS = 5
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)

_reporting = ContextVar("cache_errors_reported", default=False)
_down_until = {}  # LOCATION -> time.monotonic() until which that Redis counts as down, in this process


@contextmanager
def reporting_errors():
    """Inside it, the cache raises what Redis raised instead of missing: for the readiness probe, which
    must see the outage the pages ride out."""
    token = _reporting.set(True)
    try:
        yield
    finally:
        _reporting.reset(token)


def _tolerant(method, fallback):
    """`method` of RedisCache, except that when Redis cannot be reached it returns `fallback(*args,
    **kwargs)` (a miss, or a write not kept) and logs the outage once per OUTAGE_SECONDS."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        strict = _reporting.get()
        if not strict and time.monotonic() < _down_until.get(self._location, 0):
            return fallback(*args, **kwargs)
        try:
            return method(self, *args, **kwargs)
        except UNREACHABLE as error:
            if strict:
                raise
            _down_until[self._location] = time.monotonic() + OUTAGE_SECONDS
            logger.warning(
                "Cache unreachable (%s: %s); reading through for %s s",
                type(error).__name__,
                error,
                OUTAGE_SECONDS,
            )
            return fallback(*args, **kwargs)

    return wrapper


def _nothing(*args, **kwargs):
    return None


def _false(*args, **kwargs):
    return False


class PrefixedRedisCache(RedisCache):
    """Django's Redis cache (CACHES in settings/base.py), with two differences.

    - `clear()` deletes only the keys under this cache's KEY_PREFIX instead of emptying the whole Redis
      database: the Celery broker's queues share it when only REDIS_URL is set, and so do other test runs
      (each under its own prefix).
    - Redis down, or not answering within the socket timeout, is a miss rather than an error: `get` returns
      the default, writes and deletes are dropped, `add` and `touch` answer False, `incr` counts from
      nothing. So the choice lists are computed, the submitted months read from the database, and the login
      and API throttles count nothing (they fail open; the per-username lock is kept in the database and
      still holds). A list dropped during the outage may be read stale for up to its TTL if Redis comes back
      without having restarted. The readiness probe (enforcement/health.py) sees the error
      (`reporting_errors`)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._location = server if isinstance(server, str) else ",".join(server)

    get = _tolerant(RedisCache.get, lambda key, default=None, version=None: default)
    get_many = _tolerant(RedisCache.get_many, lambda keys, version=None: {})
    has_key = _tolerant(RedisCache.has_key, _false)
    set = _tolerant(RedisCache.set, _nothing)
    add = _tolerant(RedisCache.add, _false)
    touch = _tolerant(RedisCache.touch, _false)
    incr = _tolerant(RedisCache.incr, lambda key, delta=1, version=None: delta)
    set_many = _tolerant(RedisCache.set_many, lambda data, timeout=None, version=None: list(data))
    delete = _tolerant(RedisCache.delete, _false)
    delete_many = _tolerant(RedisCache.delete_many, _nothing)

    def clear(self):
        client = self._cache.get_client(None, write=True)
        pattern = re.sub(r"([*?\[\]\\])", r"\\\1", self.key_prefix) + ":*"
        batch = []
        for key in client.scan_iter(match=pattern, count=1000):
            batch.append(key)
            if len(batch) >= 500:
                client.delete(*batch)
                batch = []
        if batch:
            client.delete(*batch)
        return True
