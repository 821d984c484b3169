"""Optimistic concurrency: two people editing one record at once — one wins, the other gets 409.

Models inherit `VersionedModel`; an edit carries the version it was based on (a hidden form field, the
API's `version` field or an `If-Match` header) and `save_versioned` refuses it if someone saved since."""

from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _


class StaleEdit(Exception):
    """The record changed since the editor loaded it."""

    message = _("Someone else changed this record after you opened it. Reload it and apply your change again.")


class VersionedModel(models.Model):
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True

    def save_versioned(self, expected_version=None, update_fields=None):
        """Saves an existing row if its version is still `expected_version` (default: the version this
        instance was loaded with) and bumps it; raises StaleEdit otherwise."""
        expected = self.version if expected_version is None else int(expected_version)
        fields = update_fields or [
            f.attname for f in self._meta.concrete_fields if not f.primary_key and f.attname != "version"
        ]
        values = {name: getattr(self, name) for name in fields}
        for f in self._meta.concrete_fields:
            if f.attname in values and hasattr(f, "pre_save") and getattr(f, "auto_now", False):
                values[f.attname] = f.pre_save(self, add=False)
        updated = type(self)._base_manager.filter(pk=self.pk, version=expected).update(
            version=F("version") + 1, **values
        )
        if not updated:
            raise StaleEdit()
        self.version = expected + 1
