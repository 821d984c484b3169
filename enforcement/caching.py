"""Small city-wide lists that change rarely — the choices of filters and forms (categories, units, grids) —
kept in the cache for a minute, so a list page costs no queries for them, and dropped when their data is
saved (in this process at once; in the others within the minute). Each app keeps the lists of its own
data (enforcement/catalog/cached.py, enforcement/org/cached.py) and connects the dropping in its
AppConfig.ready, so every domain app uses the same lists."""

from django.conf import settings
from django.core.cache import cache
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
        cache.delete_many([self.key(name) for name in self.plain]
                          + [self.key(name, language) for name in self.translated for language in languages])

    def forget_on_change(self, *models):
        """Drops the lists whenever a row of one of `models` is saved or deleted (call in AppConfig.ready)."""
        for model in models:
            uid = f"{self.prefix}:{model._meta.label}"
            post_save.connect(self.forget, sender=model, dispatch_uid=f"{uid}:save")
            post_delete.connect(self.forget, sender=model, dispatch_uid=f"{uid}:delete")
