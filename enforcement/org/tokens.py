"""API tokens: one per device of a user, kept as the SHA-256 of their key, expiring after API_TOKEN_DAYS.

The key is 32 random bytes, shown once when issued (POST /api/v1/auth/token/); the database keeps only its
digest, so a copy of the table signs nobody in. A key of full entropy needs no salt or slow hash: SHA-256
is enough, and lets the lookup be one indexed equality. Signing in again for the same device replaces that
device's token (the old key stops working); the user revokes one (DELETE /api/v1/auth/tokens/<id>/, or
POST /api/v1/auth/logout/ for the one in use), an administrator any (the Django admin, or
`manage.py revoke_tokens <username>`). The DRF authentication class is enforcement/org/api/authentication.py."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DEFAULT_DEVICE = "default"  # the device of a sign-in that names none


def digest_of(key):
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def expired(self, now=None):
        return self.filter(expires_at__lte=now or timezone.now())


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    device = models.CharField(_("device"), max_length=100)
    digest = models.CharField(_("SHA-256 of the key"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("signed in at"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]
        constraints = [
            # One per device: signing in again for a device replaces its token (`issue`).
            models.UniqueConstraint(fields=["user", "device"], name="org_apitoken_one_per_device"),
        ]

    def __str__(self):
        return f"{self.user} · {self.device}"

    @classmethod
    def issue(cls, user, device=DEFAULT_DEVICE):
        """A new key for `user` on `device`, replacing that device's token if it had one. Returns the token
        and the key; the key is not kept and cannot be shown again."""
        key = secrets.token_urlsafe(32)
        now = timezone.now()
        token, _created = cls.objects.update_or_create(
            user=user,
            device=device,
            defaults={
                "digest": digest_of(key),
                "created_at": now,
                "expires_at": now + timedelta(days=settings.API_TOKEN_DAYS),
                "last_used_at": None,
            },
        )
        return token, key

    @property
    def is_expired(self):
        return self.expires_at <= timezone.now()
