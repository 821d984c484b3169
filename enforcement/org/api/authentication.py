"""`Authorization: Token <key>` against the hashed tokens of enforcement/org/tokens.py. A refused token
answers 401 with the reason in words (expired, revoked, a deactivated account), whichever authentication
class comes first in REST_FRAMEWORK (DRF turns its own AuthenticationFailed into a 403 when the first one,
the session's, sends no challenge). The model is imported when first used: DRF imports this module while
reading its settings, possibly before the apps are loaded."""

from datetime import timedelta

from django.db import router
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework import HTTP_HEADER_ENCODING, exceptions, status
from rest_framework.authentication import BaseAuthentication, get_authorization_header

KEYWORD = "Token"
# last_used_at is written at most once a minute per token: a busy client does not write on every request.
LAST_USED_PRECISION = timedelta(minutes=1)


class TokenRejected(exceptions.APIException):
    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = _("This API token is not valid. Sign in again to get a new one.")
    default_code = "token_rejected"
    auth_header = KEYWORD  # WWW-Authenticate: the scheme to answer with


class ApiTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        words = get_authorization_header(request).split()
        if not words or words[0].lower() != KEYWORD.lower().encode():
            return None  # no token, or another scheme's credentials
        if len(words) != 2:
            raise TokenRejected(_('Send the token as "Token", one space, then the key.'))
        try:
            key = words[1].decode(HTTP_HEADER_ENCODING)
        except UnicodeDecodeError:
            raise TokenRejected() from None
        return self.authenticate_credentials(key)

    def authenticate_credentials(self, key):
        from enforcement.org.tokens import ApiToken, digest_of

        # On the primary even when reads go to a replica: a token just issued works at once, and one just
        # revoked stops at once.
        tokens = ApiToken.objects.db_manager(router.db_for_write(ApiToken))
        token = tokens.select_related("user").filter(digest=digest_of(key)).first()
        if token is None:
            raise TokenRejected(
                _(
                    "This API token is not valid: it was revoked, or replaced by a newer sign-in on the same "
                    "device. Sign in again to get a new one."
                )
            )
        now = timezone.now()
        if token.expires_at <= now:
            expired = formats.date_format(timezone.localtime(token.expires_at), "Y-m-d H:i")
            raise TokenRejected(
                _("This API token expired on %(date)s. Sign in again to get a new one.") % {"date": expired}
            )
        if not token.user.is_active:
            raise TokenRejected(_("This account is deactivated: its API tokens no longer work."))
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
            tokens.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token.user, token

    def authenticate_header(self, request):
        return KEYWORD


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix=KEYWORD)
