"""API tokens: one per device of a user, kept as the SHA-256 of their key, expiring after API_TOKEN_DAYS.

The key is 32 random bytes, shown once when issued (POST /api/v1/auth/token/); the database keeps only its
digest, so a copy of the table signs nobody in. A key of full entropy needs no salt or slow hash: SHA-256
is enough, and lets the lookup be one indexed equality. Signing in again for the same device replaces that
device's token (the old key stops working); the user revokes one (DELETE /api/v1/auth/tokens/<id>/, or
POST /api/v1/auth/logout/ for the one in use), an administrator any (the Django admin, or
`manage.py revoke_tokens <username>`). The DRF authentication class is enforcement/org/api/authentication.py.

Each issue and each revocation is on the user's timeline (the audit trail), with the device and who did it:
`issue` and `revoke` write the events, and every way of ending a token goes through `revoke`. Deleting the
expired tokens (`revoke_tokens --expired`) ends nothing that still worked and is not audited per token."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DEFAULT_DEVICE = "default"  # the device of a sign-in that names none
# The timeline's steps (their labels: enforcement/workflow/core.py PLATFORM_STEPS).
ISSUED = "issue_api_token"  # signed in through the API on a device
REVOKED = "revoke_api_token"  # by the user (DELETE), an administrator (the admin) or the command
SIGNED_OUT = "sign_out_api_token"  # POST auth/logout/ with the token
ENDED_BY_PASSWORD = "end_api_token_password"  # a new password ends every token of the user


def _audit(user, verb, device, *, actor, revoked):
    from enforcement.audit.models import AuditAction
    from enforcement.audit.services import record_event

    record_event(
        user,
        AuditAction.UPDATE,
        actor=actor,
        verb=verb,
        before={"device": device} if revoked else None,
        after=None if revoked else {"device": device},
    )


def revoke(tokens, *, by=None, verb=REVOKED):
    """Ends `tokens` (a queryset of ApiToken): each key stops working at once, and each revocation goes on
    its user's timeline with the device and `by` (None: the system, e.g. the command line). Returns how many
    were revoked."""
    with transaction.atomic():
        found = list(tokens.select_related("user").select_for_update(of=("self",)))
        for token in found:
            _audit(token.user, verb, token.device, actor=by, revoked=True)
        ApiToken.objects.filter(pk__in=[token.pk for token in found]).delete()
    return len(found)


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
        with transaction.atomic():
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
            _audit(user, ISSUED, device, actor=user, revoked=False)
        return token, key

    @property
    def is_expired(self):
        return self.expires_at <= timezone.now()
