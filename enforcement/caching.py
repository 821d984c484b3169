"""Small city-wide lists that change rarely — the choices of filters and forms (categories, units, grids) —
kept in the cache for a minute, so a list page costs no queries for them, and dropped when their data is
saved (at once in every process that shares the cache: with Redis, all of them; with the embedded default's
memory cache, this one, the others within the minute). Each app keeps the lists of its own
data (enforcement/catalog/cached.py, enforcement/org/cached.py) and connects the dropping in its
AppConfig.ready, so every domain app uses the same lists."""

import re

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.db.models.signals import post_delete, post_save
from django.utils.translation import get_language

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


class PrefixedRedisCache(RedisCache):
    """Django's Redis cache (CACHES in settings/base.py), except that `clear()` deletes only the keys under
    this cache's KEY_PREFIX instead of emptying the whole Redis database: the Celery broker's queues share
    it when only REDIS_URL is set, and so do other test runs (each under its own prefix)."""

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
