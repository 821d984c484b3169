"""Optimistic concurrency: two people editing one record at once — one wins, the other gets 409.

Models inherit `VersionedModel`; an edit carries the version it was based on (a hidden form field, the
API's `version` field or an `If-Match` header). The check takes the row lock first, so a second editor
waits for the first to commit and then finds the version moved on."""

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _


class StaleEdit(Exception):
    """The record changed since the editor loaded it."""

    message = _(
        "Someone else changed this record after you opened it. Reload it and apply your change again."
    )


def parse_version(value):
    """The version an edit says it was based on: a number, as a form or the API's `version` sends it, or an
    ETag as If-Match echoes it (`"3"`, or the weak `W/"3"` the API sends). ValueError if it is neither."""
    return int(str(value).strip().removeprefix("W/").strip('"'))


def is_stale(given, current):
    """Whether an edit based on version `given` (None or "": not said) would overwrite a later one."""
    if given in (None, ""):
        return False
    try:
        return parse_version(given) != current
    except ValueError:
        return True  # what is not a version cannot be the current one


class VersionedModel(models.Model):
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True

    def claim_version(self, expected_version=None):
        """Locks the row and checks that it is still at `expected_version` (default: the version this
        instance was loaded with), then sets the next version, which the caller's save() writes. Must run
        inside a transaction; raises StaleEdit if someone saved in between."""
        try:
            expected = self.version if expected_version in (None, "") else parse_version(expected_version)
        except ValueError as exc:
            raise StaleEdit() from exc
        current = (
            type(self)
            ._base_manager.select_for_update()
            .filter(pk=self.pk)
            .order_by()
            .values_list("version", flat=True)
            .first()
        )
        if current != expected:
            raise StaleEdit()
        self.version = expected + 1

    def save_versioned(self, expected_version=None, update_fields=None):
        """Saves an existing row only if nobody saved it since `expected_version`; bumps the version."""
        with transaction.atomic():
            self.claim_version(expected_version)
            self.save(update_fields=[*update_fields, "version"] if update_fields else None)
