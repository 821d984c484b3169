"""Login with lockout. Every door (the browser login, the API token, the admin's login) calls
`authenticate`, which reaches LockoutModelBackend, so the same two limits apply to all of them:

- per username: after LOGIN_FAILURE_LIMIT failures that username is locked for LOGIN_LOCKOUT_MINUTES,
  whatever the password (a LoginFailure row);
- per network address (password spraying: one password tried on many usernames): after
  LOGIN_ADDRESS_FAILURE_LIMIT failures from one address within LOGIN_ADDRESS_WINDOW_MINUTES, whatever the
  usernames, the address is refused for LOGIN_ADDRESS_LOCKOUT_MINUTES. Counted in the cache, one counter
  per address and minute (so the window slides by the minute), which with Redis every web process shares.
  The client's address is REMOTE_ADDR, or behind a proxy the header LOGIN_TRUSTED_PROXY_HEADER names.

A lock and a block are audited when they begin, an unlock (`manage.py unlock_login`, the admin action
"Unlock login") when it lifts one: on the LoginFailure row, shown on the user's timeline too when the
username is a user's, or on the address's LoginAddressBlock row.
"""

import ipaddress
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy, gettext_noop

from enforcement.audit.models import AuditAction
from enforcement.audit.services import changed, record_event, snapshot

from .models import LoginAddressBlock, LoginFailure, User

LOCKED_MESSAGE = gettext_lazy("Too many failed logins: this account is locked for a while. Try again later.")
ADDRESS_BLOCKED_MESSAGE = gettext_lazy(
    "Too many failed logins from this network address. Try again in a few minutes."
)

# The audit verbs; the timeline reads a verb as its words (enforcement.workflow.core.step_label).
LOGIN_LOCKED, ADDRESS_BLOCKED, LOGIN_UNLOCKED = "login_locked", "address_blocked", "login_unlocked"
STEP_WORDS = (gettext_noop("Login locked"), gettext_noop("Address blocked"), gettext_noop("Login unlocked"))
_LOCK_FIELDS = ("failures", "locked_until")
_BLOCK_FIELDS = ("failures", "blocked_until")


def is_locked(username):
    if not username:
        return False
    return LoginFailure.objects.filter(username=username.lower(), locked_until__gt=timezone.now()).exists()


def record_failure(username):
    if not username:
        return
    username = username.lower()[
        : LoginFailure._meta.get_field("username").max_length
    ]  # the API takes any length
    now = timezone.now()
    with transaction.atomic():
        failure, _ = LoginFailure.objects.select_for_update().get_or_create(username=username)
        if failure.locked_until and failure.locked_until <= now:
            failure.failures, failure.locked_until = 0, None  # a lock that ran out starts a fresh count
        before = snapshot(failure, _LOCK_FIELDS)
        failure.failures += 1
        failure.last_failure_at = now
        if failure.failures >= settings.LOGIN_FAILURE_LIMIT:
            failure.locked_until = now + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
        failure.save()
        if failure.locked_until and before["locked_until"] is None:  # this failure locked it
            _audit(failure, LOGIN_LOCKED, before, snapshot(failure, _LOCK_FIELDS), root=_user_named(username))


def clear_failures(username):
    LoginFailure.objects.filter(username=(username or "").lower()).delete()


def unlock_username(username, *, by=None):
    """Lifts the lock of `username` and forgets its failed logins, audited. False if there was nothing to
    lift (no failures recorded)."""
    with transaction.atomic():
        failure = LoginFailure.objects.select_for_update().filter(username=(username or "").lower()).first()
        if failure is None or (not failure.failures and failure.locked_until is None):
            return False
        before = snapshot(failure, _LOCK_FIELDS)
        failure.failures, failure.locked_until = 0, None
        failure.save(update_fields=list(_LOCK_FIELDS))
        _audit(
            failure,
            LOGIN_UNLOCKED,
            before,
            snapshot(failure, _LOCK_FIELDS),
            actor=by,
            root=_user_named(failure.username),
        )
    return True


def _user_named(username):
    return User._default_manager.filter(username__iexact=username).order_by("pk").first()


def _audit(obj, verb, before, after, *, actor=None, root=None):
    old, new = changed(before, after)
    record_event(obj, AuditAction.UPDATE, actor=actor, verb=verb, before=old, after=new, root=root)


# --- per network address -------------------------------------------------------------------------
def counted_address(text):
    """The address `text` counts as (None if it is none): an IPv4 address as it is, an IPv6 address as
    its /64 network, since one subscriber holds a whole /64. Accepts a network too (`unlock_login`)."""
    try:
        ip = ipaddress.ip_address((text or "").strip())
    except ValueError:
        try:
            ip = ipaddress.ip_network((text or "").strip(), strict=False).network_address
        except ValueError:
            return None
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def client_address(request):
    """The counted address of the client of `request` (None without a request, e.g. a script's
    `authenticate`)."""
    if request is None:
        return None
    meta = request.META
    raw = meta.get("REMOTE_ADDR", "")
    header = settings.LOGIN_TRUSTED_PROXY_HEADER
    if header:
        # The last entry is the one the proxy added; earlier ones are whatever the client sent.
        entries = [e.strip() for e in meta.get("HTTP_" + header.upper().replace("-", "_"), "").split(",")]
        entries = [e for e in entries if e]
        if entries:
            raw = entries[-1]
    return counted_address(raw)


def _minute(moment):
    return int(moment.timestamp()) // 60


def _count_keys(address, now):
    last = _minute(now)
    return [
        f"login:address:{address}:{minute}"
        for minute in range(last - settings.LOGIN_ADDRESS_WINDOW_MINUTES + 1, last + 1)
    ]


def _block_key(address):
    return f"login:address:{address}:blocked"


def address_failures(address, now=None):
    """Failed logins from `address` within the window (the current minute and the ones before it)."""
    if not address:
        return 0
    return sum(cache.get_many(_count_keys(address, now or timezone.now())).values())


def address_blocked_until(address):
    """When the block of `address` ends, or None if it is not blocked."""
    if not address:
        return None
    until = cache.get(_block_key(address))
    if until is None:
        return None
    until = datetime.fromtimestamp(until, UTC)
    return until if until > timezone.now() else None  # compared here too: a block ends on the clock


def is_address_blocked(request):
    return address_blocked_until(client_address(request)) is not None


def record_address_failure(address):
    """Counts a failed login from `address`; the failure that reaches the limit blocks it."""
    if not address:
        return
    now = timezone.now()
    key, ttl = _count_keys(address, now)[-1], (settings.LOGIN_ADDRESS_WINDOW_MINUTES + 1) * 60
    cache.add(key, 0, ttl)
    try:
        cache.incr(key)  # atomic in Redis: concurrent failures from many processes all count
    except ValueError:  # expired between add and incr
        cache.set(key, 1, ttl)
    failures = address_failures(address, now)
    if failures >= settings.LOGIN_ADDRESS_FAILURE_LIMIT and address_blocked_until(address) is None:
        _block(address, failures, now)


def _block(address, failures, now):
    until = now + timedelta(minutes=settings.LOGIN_ADDRESS_LOCKOUT_MINUTES)
    key, ttl = _block_key(address), settings.LOGIN_ADDRESS_LOCKOUT_MINUTES * 60 + 60
    if not cache.add(key, until.timestamp(), ttl):
        current = cache.get(key)
        if current is not None and current > now.timestamp():
            return  # another process blocked it a moment ago (and audited it)
        cache.set(key, until.timestamp(), ttl)  # a block that ran out
    with transaction.atomic():
        block, _ = LoginAddressBlock.objects.select_for_update().get_or_create(address=address)
        before = snapshot(block, _BLOCK_FIELDS)
        block.failures, block.blocked_at, block.blocked_until = failures, now, until
        block.save()
        _audit(block, ADDRESS_BLOCKED, before, snapshot(block, _BLOCK_FIELDS))


def unlock_address(address, *, by=None):
    """Lifts the block of `address` (as `counted_address` reads it) and forgets its failed logins; a
    lifted block is audited. False if it was not blocked."""
    address = counted_address(address)
    if address is None:
        return False
    now = timezone.now()
    blocked = address_blocked_until(address) is not None
    cache.delete_many([_block_key(address), *_count_keys(address, now)])
    with transaction.atomic():
        block = LoginAddressBlock.objects.select_for_update().filter(address=address).first()
        blocked = blocked or bool(block and block.blocked_until and block.blocked_until > now)
        if block is None or not blocked:
            return blocked
        before = snapshot(block, _BLOCK_FIELDS)
        block.failures, block.blocked_until = 0, None
        block.save(update_fields=list(_BLOCK_FIELDS))
        _audit(block, LOGIN_UNLOCKED, before, snapshot(block, _BLOCK_FIELDS), actor=by)
    return True


class LockoutModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get("username")
        address = client_address(request)
        # PermissionDenied stops Django trying other backends and fires user_login_failed.
        if address_blocked_until(address) is not None:
            raise PermissionDenied("address blocked")
        if is_locked(username):
            raise PermissionDenied("locked")
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            record_failure(username)
            record_address_failure(address)
        else:
            clear_failures(username)
        return user
