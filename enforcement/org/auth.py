"""Login with lockout: after LOGIN_FAILURE_LIMIT failures for one username, that username is locked
for LOGIN_LOCKOUT_MINUTES, whatever the password. Applies to the browser login and the API token."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from .models import LoginFailure


def is_locked(username):
    if not username:
        return False
    return LoginFailure.objects.filter(username=username.lower(), locked_until__gt=timezone.now()).exists()


def record_failure(username):
    if not username:
        return
    username = username.lower()
    now = timezone.now()
    with transaction.atomic():
        failure, _ = LoginFailure.objects.select_for_update().get_or_create(username=username)
        if failure.locked_until and failure.locked_until <= now:
            failure.failures, failure.locked_until = 0, None  # a lock that ran out starts a fresh count
        failure.failures += 1
        failure.last_failure_at = now
        if failure.failures >= settings.LOGIN_FAILURE_LIMIT:
            failure.locked_until = now + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
        failure.save()


def clear_failures(username):
    LoginFailure.objects.filter(username=(username or "").lower()).delete()


class LockoutModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get("username")
        if is_locked(username):
            # PermissionDenied stops Django trying other backends and fires user_login_failed.
            raise PermissionDenied("locked")
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            record_failure(username)
        else:
            clear_failures(username)
        return user
