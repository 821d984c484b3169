"""API tokens (enforcement/org/tokens.py, enforcement/org/api/authentication.py): only a digest at rest, so
what the database holds signs nobody in; expiry after API_TOKEN_DAYS with a 401 in words; one token per
device; revocation by the user (DELETE one, logout) and by an administrator (the admin, `revoke_tokens`), each
issue and revocation on the user's timeline;
the plain-text table of DRF's authtoken dropped by the migration."""

import hashlib
import importlib
import io
import itertools
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from enforcement.audit.models import AuditEvent
from enforcement.audit.timeline import timeline_rows
from enforcement.org.tokens import ApiToken

from .factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pass-word-123"
ME = reverse("api:user-me")
TOKENS = reverse("api:api-token-list")
LOGOUT = reverse("api:api-logout")
# TEST-NET-2, one address per client: the login throttle counts per address.
_addresses = (f"198.51.100.{n}" for n in itertools.count(1))


def anonymous():
    return APIClient(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR=next(_addresses))


def sign_in(username="officer-a", device=None, password=PASSWORD):
    body = {"username": username, "password": password}
    if device is not None:
        body["device"] = device
    return anonymous().post(reverse("api:api-token"), body, format="json")


def with_token(key):
    client = anonymous()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def key_for(username="officer-a", device=None):
    response = sign_in(username, device)
    assert response.status_code == 200, response.content
    return response.json()["token"]


def detail(token):
    return reverse("api:api-token-detail", args=[token.pk])


def test_sign_in_answers_the_key_its_expiry_and_device(officer_a):
    before = timezone.now()
    with override_settings(API_TOKEN_DAYS=7):
        response = sign_in(device="field tablet 3")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expires_at", "device"}
    assert body["device"] == "field tablet 3"
    token = ApiToken.objects.get(user=officer_a)
    assert before + timedelta(days=7) <= token.expires_at <= timezone.now() + timedelta(days=7)
    assert body["expires_at"] == token.expires_at.astimezone(timezone.get_current_timezone()).isoformat()
    assert with_token(body["token"]).get(ME).json()["username"] == "officer-a"


def test_only_a_digest_is_stored_and_what_the_database_holds_signs_nobody_in(officer_a):
    key = key_for()
    token = ApiToken.objects.get(user=officer_a)
    assert token.digest == hashlib.sha256(key.encode()).hexdigest()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ApiToken._meta.db_table}")
        stored = [str(value) for row in cursor.fetchall() for value in row]
    assert not any(key in value for value in stored)  # not in any column, not even in part
    for value in stored:  # whatever was read from the table, sent as a key, is refused
        assert with_token(value).get(ME).status_code == 401


def test_a_token_signs_requests_in_and_records_its_last_use(officer_a):
    key = key_for()
    assert ApiToken.objects.get(user=officer_a).last_used_at is None
    assert with_token(key).get(ME).status_code == 200
    assert ApiToken.objects.get(user=officer_a).last_used_at is not None


def test_an_expired_token_answers_401_saying_so(officer_a):
    key = key_for()
    ApiToken.objects.filter(user=officer_a).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = with_token(key).get(ME)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "This API token expired on" in response.json()["detail"]
    assert "Sign in again" in response.json()["detail"]


def test_a_token_of_a_deactivated_account_is_refused(officer_a):
    key = key_for()
    officer_a.is_active = False
    officer_a.save()
    response = with_token(key).get(ME)
    assert response.status_code == 401
    assert "deactivated" in response.json()["detail"]


def test_a_malformed_or_unknown_token_is_refused_in_words(officer_a):
    response = with_token("not-a-key-we-issued").get(ME)
    assert response.status_code == 401
    assert "not valid" in response.json()["detail"]
    client = anonymous()
    client.credentials(HTTP_AUTHORIZATION="Token two words")
    assert "one space" in client.get(ME).json()["detail"]


def test_one_token_per_device_a_new_sign_in_replaces_it(officer_a):
    old = key_for(device="phone")
    new = key_for(device="phone")
    other = key_for(device="laptop")
    assert ApiToken.objects.filter(user=officer_a).count() == 2
    refused = with_token(old).get(ME)
    assert refused.status_code == 401
    assert "replaced by a newer sign-in" in refused.json()["detail"]
    assert with_token(new).get(ME).status_code == 200
    assert with_token(other).get(ME).status_code == 200


def test_a_sign_in_without_a_device_is_the_default_device(officer_a):
    first = key_for()
    second = key_for()
    assert list(ApiToken.objects.filter(user=officer_a).values_list("device", flat=True)) == ["default"]
    assert with_token(first).get(ME).status_code == 401
    assert with_token(second).get(ME).status_code == 200


def test_a_device_name_too_long_is_refused(officer_a):
    response = sign_in(device="x" * 101)
    assert response.status_code == 400
    assert response.json()["device"]
    assert not ApiToken.objects.exists()


def test_the_list_shows_own_tokens_without_keys(officer_a, officer_b):
    key = key_for(device="phone")
    laptop = key_for(device="laptop")
    key_for("officer-b", device="phone")
    response = with_token(key).get(TOKENS)
    assert response.status_code == 200
    rows = response.json()
    assert sorted(row["device"] for row in rows) == ["laptop", "phone"]
    assert {row["device"]: row["current"] for row in rows} == {"phone": True, "laptop": False}
    assert set(rows[0]) == {"id", "device", "created_at", "expires_at", "last_used_at", "current"}
    assert key not in response.content.decode() and laptop not in response.content.decode()
    assert not any(token.digest in response.content.decode() for token in ApiToken.objects.all())


def test_the_user_revokes_one_token_and_not_another_users(officer_a, officer_b):
    phone = key_for(device="phone")
    laptop = key_for(device="laptop")
    theirs = key_for("officer-b")
    client = with_token(laptop)
    assert client.delete(detail(ApiToken.objects.get(user=officer_a, device="phone"))).status_code == 204
    assert with_token(phone).get(ME).status_code == 401
    assert client.get(ME).status_code == 200
    assert client.delete(detail(ApiToken.objects.get(user=officer_b))).status_code == 404
    assert with_token(theirs).get(ME).status_code == 200


def test_logout_revokes_the_token_in_use_only(officer_a):
    phone = key_for(device="phone")
    laptop = key_for(device="laptop")
    assert with_token(phone).post(LOGOUT).status_code == 204
    assert with_token(phone).get(ME).status_code == 401
    assert with_token(laptop).get(ME).status_code == 200
    assert list(ApiToken.objects.values_list("device", flat=True)) == ["laptop"]


def test_logout_of_a_browser_session_ends_the_session(officer_a):
    client = anonymous()
    client.login(username="officer-a", password=PASSWORD)
    assert client.get(ME).status_code == 200
    assert client.post(LOGOUT).status_code == 204
    assert client.get(ME).status_code == 401  # `me` answers 401 to anybody not signed in


def test_the_token_list_needs_a_sign_in(db):
    assert anonymous().get(TOKENS).status_code == 403


def test_revoke_tokens_command(officer_a, officer_b):
    phone = key_for(device="phone")
    laptop = key_for(device="laptop")
    theirs = key_for("officer-b")
    out = io.StringIO()
    call_command("revoke_tokens", "officer-a", "--device", "phone", stdout=out)
    assert "revoked: 1" in out.getvalue()
    assert with_token(phone).get(ME).status_code == 401
    assert with_token(laptop).get(ME).status_code == 200
    call_command("revoke_tokens", "officer-a", stdout=out)
    assert with_token(laptop).get(ME).status_code == 401
    assert with_token(theirs).get(ME).status_code == 200
    with pytest.raises(CommandError, match="There is no user"):
        call_command("revoke_tokens", "nobody", stdout=out)
    with pytest.raises(CommandError):
        call_command("revoke_tokens", stdout=out)


def test_revoke_tokens_expired_deletes_only_expired_ones(officer_a, officer_b):
    key_for()
    kept = key_for("officer-b")
    ApiToken.objects.filter(user=officer_a).update(expires_at=timezone.now() - timedelta(days=1))
    out = io.StringIO()
    call_command("revoke_tokens", "--expired", stdout=out)
    assert "Expired API tokens deleted: 1." in out.getvalue()
    assert list(ApiToken.objects.values_list("user__username", flat=True)) == ["officer-b"]
    assert with_token(kept).get(ME).status_code == 200


def test_an_administrator_revokes_tokens_in_the_admin(officer_a, client):
    key = key_for(device="phone")
    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(superuser)
    changelist = reverse("admin:org_apitoken_changelist")
    page = client.get(changelist)
    assert page.status_code == 200 and "phone" in page.content.decode()
    token = ApiToken.objects.get()
    assert token.digest not in page.content.decode()
    change_page = client.get(reverse("admin:org_apitoken_change", args=[token.pk]))
    assert change_page.status_code == 200 and token.digest not in change_page.content.decode()
    response = client.post(changelist, {"action": "revoke", "_selected_action": [token.pk]}, follow=True)
    assert "API tokens revoked: 1." in response.content.decode()
    assert with_token(key).get(ME).status_code == 401
    assert client.get(reverse("admin:org_apitoken_add")).status_code == 403  # issued by signing in only


def test_the_schema_documents_the_token_endpoints_without_keys_in_the_list():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    issued = schema["paths"]["/api/v1/auth/token/"]["post"]
    assert "device" in schema["components"]["schemas"]["TokenRequestRequest"]["properties"]
    answer = issued["responses"]["200"]["content"]["application/json"]["schema"]
    assert answer["$ref"].endswith("/IssuedToken")
    listed = schema["components"]["schemas"]["ApiToken"]["properties"]
    assert "digest" not in listed and "token" not in listed
    assert "401" in schema["paths"]["/api/v1/auth/tokens/"]["get"]["responses"]
    assert "204" in schema["paths"]["/api/v1/auth/logout/"]["post"]["responses"]


@pytest.mark.django_db(transaction=True)
def test_the_migration_drops_the_plain_text_token_table():
    migration = importlib.import_module("enforcement.org.migrations.0004_api_tokens")
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, user_id integer)")
        cursor.execute("INSERT INTO authtoken_token VALUES ('0123456789abcdef0123456789abcdef01234567', 1)")
        cursor.execute(
            "INSERT INTO django_migrations (app, name, applied) VALUES ('authtoken', '0001_initial', %s)",
            [timezone.now()],
        )
    with connection.schema_editor() as editor:
        migration.drop_plain_text_tokens(None, editor)
    assert "authtoken_token" not in connection.introspection.table_names()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM django_migrations WHERE app = 'authtoken'")
        assert cursor.fetchone()[0] == 0


def test_a_new_password_ends_every_api_token_of_the_user(db, make_user, district_a):
    """A key taken with the old password must not outlive it; other users' tokens are untouched."""
    from rest_framework.test import APIClient

    from enforcement.org.tokens import ApiToken

    user = make_user("intake", unit=district_a, username="pw-change")
    other = make_user("intake", unit=district_a, username="pw-other")
    _token, key = ApiToken.issue(user, "tablet")
    _theirs, their_key = ApiToken.issue(other, "tablet")
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/users/me/").status_code == 200

    user.set_password("A-new-password-2026")
    user.save()

    assert client.get("/api/v1/users/me/").status_code == 401
    assert not ApiToken.objects.filter(user=user).exists()
    client.credentials(HTTP_AUTHORIZATION=f"Token {their_key}")
    assert client.get("/api/v1/users/me/").status_code == 200
    # Saving the user without a new password keeps the tokens.
    _token, key = ApiToken.issue(user, "tablet")
    user.full_name = "改名"
    user.save()
    assert ApiToken.objects.filter(user=user).count() == 1


def test_every_issue_and_revocation_is_on_the_users_timeline_with_the_device_and_who(officer_a, client):
    """Signing in on a device, revoking a token (the user, an administrator, the command), signing out and a
    new password: each on the user's own timeline, with the device and who did it (None: the system)."""
    phone, laptop = key_for(device="phone"), key_for(device="laptop")
    key_for(device="tablet")
    key_for(device="watch")
    key_for(device="desk")
    with_token(laptop).delete(detail(ApiToken.objects.get(device="phone")))  # by the user
    with_token(laptop).post(LOGOUT)  # signing out
    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(superuser)
    tablet = ApiToken.objects.get(device="tablet")
    client.post(
        reverse("admin:org_apitoken_changelist"), {"action": "revoke", "_selected_action": [tablet.pk]}
    )
    call_command("revoke_tokens", "officer-a", "--device", "watch", stdout=io.StringIO())
    officer_a.refresh_from_db()
    officer_a.set_password("A-new-password-2026")
    officer_a.save()  # ends the desk's token

    events = list(
        AuditEvent.objects.filter(object_id=str(officer_a.pk), verb__contains="api_token").order_by("id")
    )
    assert [(e.verb, (e.after or e.before)["device"], e.actor) for e in events] == [
        ("issue_api_token", "phone", officer_a),
        ("issue_api_token", "laptop", officer_a),
        ("issue_api_token", "tablet", officer_a),
        ("issue_api_token", "watch", officer_a),
        ("issue_api_token", "desk", officer_a),
        ("revoke_api_token", "phone", officer_a),
        ("sign_out_api_token", "laptop", officer_a),
        ("revoke_api_token", "tablet", superuser),
        ("revoke_api_token", "watch", None),
        ("end_api_token_password", "desk", None),
    ]
    assert not ApiToken.objects.filter(user=officer_a).exists()
    assert with_token(phone).get(ME).status_code == 401
    with translation.override("zh-hans"):
        rows = timeline_rows(officer_a, events[4:])
    assert [row["step"] for row in rows] == [
        "在设备上登录接口",
        "吊销接口令牌",
        "在设备上退出接口登录",
        "吊销接口令牌",
        "吊销接口令牌",
        "因修改密码终止接口令牌",
    ]
