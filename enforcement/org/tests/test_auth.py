from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from enforcement.org.models import LoginFailure

TOKEN_URL = "api:api-token"


def post_token(client, username, password):
    return client.post(reverse(TOKEN_URL), {"username": username, "password": password}, format="json")


@override_settings(LOGIN_FAILURE_LIMIT=3, LOGIN_LOCKOUT_MINUTES=15)
def test_api_token_locks_after_repeated_failures(api_client, officer_a):
    for _ in range(3):
        assert post_token(api_client, "officer-a", "wrong").status_code == 400
    # Locked now: even the right password is refused, with a clear message.
    response = post_token(api_client, "officer-a", "pass-word-123")
    assert response.status_code == 403
    assert "locked" in response.json()["detail"]


@override_settings(LOGIN_FAILURE_LIMIT=3, LOGIN_LOCKOUT_MINUTES=15)
def test_two_failures_then_success_resets_the_count(api_client, officer_a):
    for _ in range(2):
        post_token(api_client, "officer-a", "wrong")
    assert post_token(api_client, "officer-a", "pass-word-123").status_code == 200
    assert not LoginFailure.objects.filter(username="officer-a").exists()
    for _ in range(2):
        post_token(api_client, "officer-a", "wrong")
    assert post_token(api_client, "officer-a", "pass-word-123").status_code == 200


@override_settings(LOGIN_FAILURE_LIMIT=3, LOGIN_LOCKOUT_MINUTES=15)
def test_lock_expires(api_client, officer_a):
    for _ in range(3):
        post_token(api_client, "officer-a", "wrong")
    LoginFailure.objects.filter(username="officer-a").update(
        locked_until=timezone.now() - timedelta(seconds=1)
    )
    assert post_token(api_client, "officer-a", "pass-word-123").status_code == 200


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_browser_login_shows_lockout_message(client, officer_a):
    for _ in range(3):
        client.post(reverse("login"), {"username": "officer-a", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "officer-a", "password": "pass-word-123"})
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated
    assert "locked" in str(response.context["form"].non_field_errors())


def test_token_authenticates_api_calls(api_client, officer_a):
    token = post_token(api_client, "officer-a", "pass-word-123").json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get(reverse("api:user-me")).json()["username"] == "officer-a"


def test_wrong_password_error_is_json_with_message(api_client, officer_a):
    response = post_token(api_client, "officer-a", "wrong")
    assert response.status_code == 400
    assert response.json()["non_field_errors"]


@pytest.mark.parametrize("password_hash_prefix", ["argon2"])
def test_production_hasher_is_argon2(settings, password_hash_prefix):
    from enforcement.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    from django.contrib.auth.hashers import make_password

    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    assert make_password("x-y-z-secret").startswith(password_hash_prefix)
