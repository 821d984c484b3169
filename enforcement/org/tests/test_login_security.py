"""Login hardening (enforcement/org/auth.py): the per-address limit against password spraying (browser and
API token), its window and expiry on a moved clock, the audit of locks, blocks and unlocks, and the two
ways to unlock (`manage.py unlock_login`, the admin action)."""

import io
import itertools
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from enforcement.audit.models import AuditEvent, AuditSource
from enforcement.audit.timeline import events_for, timeline_rows
from enforcement.org import auth
from enforcement.org.models import LoginAddressBlock, LoginFailure

from .factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pass-word-123"
ADDRESS_MESSAGE = "Too many failed logins from this network address. Try again in a few minutes."
_addresses = (f"203.0.113.{n}" for n in itertools.count(1))  # TEST-NET-3: one fresh address per test
spray = override_settings(
    LOGIN_ADDRESS_FAILURE_LIMIT=30,
    LOGIN_ADDRESS_WINDOW_MINUTES=15,
    LOGIN_ADDRESS_LOCKOUT_MINUTES=15,
    LOGIN_FAILURE_LIMIT=5,
    LOGIN_LOCKOUT_MINUTES=15,
)


@pytest.fixture
def address():
    """An address of this test alone; its counters (kept in the cache, perhaps a shared Redis) are
    dropped afterwards."""
    value = next(_addresses)
    yield value
    auth.unlock_address(value)


@pytest.fixture
def clock(monkeypatch):
    """`clock.move(minutes=…)`: timezone.now runs that much ahead from then on."""
    real_now = timezone.now

    class Clock:
        offset = timedelta()

        def move(self, **delta):
            self.offset += timedelta(**delta)

    moved = Clock()
    monkeypatch.setattr(timezone, "now", lambda: real_now() + moved.offset)
    return moved


def browser(address):
    return Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR=address)


def log_in(address, username, password):
    return browser(address).post(reverse("login"), {"username": username, "password": password})


def errors(response):
    return [str(e) for e in response.context["form"].non_field_errors()]


def spray_failures(address, count, start=0):
    """`count` failed logins from `address`, each on another (unknown) username, as a sprayer does."""
    for n in range(start, start + count):
        response = log_in(address, f"nobody-{n}", "Summer2026!")
        assert not response.wsgi_request.user.is_authenticated


def post_token(address, username, password):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR=address)
    return client.post(reverse("api:api-token"), {"username": username, "password": password}, format="json")


def test_defaults_are_thirty_failures_in_fifteen_minutes():
    from enforcement.settings import base

    assert (base.LOGIN_ADDRESS_FAILURE_LIMIT, base.LOGIN_ADDRESS_WINDOW_MINUTES) == (30, 15)
    assert base.LOGIN_TRUSTED_PROXY_HEADER == ""


# --- the per-address limit -----------------------------------------------------------------------
@spray
def test_browser_the_thirtieth_failure_blocks_the_address_and_the_thirty_first_is_refused(address, officer_a):
    spray_failures(address, 29)
    # 29 failures: the address may still log in (and a success does not wipe the sprayer's count).
    assert log_in(address, "officer-a", PASSWORD).wsgi_request.user.is_authenticated
    thirtieth = log_in(address, "nobody-29", "Summer2026!")
    assert errors(thirtieth) == [ADDRESS_MESSAGE]  # said at once, in words
    thirty_first = log_in(address, "officer-a", PASSWORD)  # the right password, still refused
    assert not thirty_first.wsgi_request.user.is_authenticated
    assert errors(thirty_first) == [ADDRESS_MESSAGE]
    assert "address_blocked" not in thirty_first.content.decode()
    # Another address is not affected, nor is the username locked (one failure each).
    assert log_in("198.51.100.77", "officer-a", PASSWORD).wsgi_request.user.is_authenticated
    assert not LoginFailure.objects.filter(locked_until__isnull=False).exists()


@spray
def test_api_token_counts_with_the_browser_and_refuses_a_blocked_address(address, officer_a):
    spray_failures(address, 20)
    for n in range(9):
        assert post_token(address, f"other-{n}", "Summer2026!").status_code == 400
    assert post_token(address, "officer-a", PASSWORD).status_code == 200  # 29 failures so far
    assert post_token(address, "other-9", "Summer2026!").status_code == 400  # the 30th blocks
    response = post_token(address, "officer-a", PASSWORD)
    assert response.status_code == 429
    assert response.json() == {"detail": ADDRESS_MESSAGE}
    assert 0 < int(response["Retry-After"]) <= 15 * 60 + 1
    # ... and the browser login from that address too.
    assert errors(log_in(address, "officer-a", PASSWORD)) == [ADDRESS_MESSAGE]


@spray
@pytest.mark.parametrize(("minutes_later", "blocked"), [(14, True), (15, False)])
def test_failures_older_than_the_window_no_longer_count(address, clock, minutes_later, blocked):
    spray_failures(address, 29)
    clock.move(minutes=minutes_later)
    spray_failures(address, 1, start=29)
    assert auth.address_failures(address) == (30 if blocked else 1)
    assert (auth.address_blocked_until(address) is not None) is blocked


@spray
def test_a_block_ends_after_its_minutes(address, clock, officer_a):
    spray_failures(address, 30)
    assert not log_in(address, "officer-a", PASSWORD).wsgi_request.user.is_authenticated
    clock.move(minutes=14)
    assert errors(log_in(address, "officer-a", PASSWORD)) == [ADDRESS_MESSAGE]
    clock.move(minutes=1, seconds=1)
    assert log_in(address, "officer-a", PASSWORD).wsgi_request.user.is_authenticated


@spray
def test_the_address_limit_comes_before_the_username_lock(address, officer_a):
    spray_failures(address, 25)
    for _ in range(5):
        log_in(address, "officer-a", "wrong")  # locks officer-a at the 5th, blocks the address at the 30th
    assert LoginFailure.objects.get(username="officer-a").locked_until is not None
    assert errors(log_in(address, "officer-a", PASSWORD)) == [ADDRESS_MESSAGE]


@override_settings(LOGIN_TRUSTED_PROXY_HEADER="")
def test_the_address_is_remote_addr_unless_a_proxy_header_is_trusted():
    request = RequestFactory().post("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.9")
    assert auth.client_address(request) == "10.0.0.1"  # a client cannot pick its own address
    with override_settings(LOGIN_TRUSTED_PROXY_HEADER="X-Forwarded-For"):
        request.META["HTTP_X_FORWARDED_FOR"] = "192.0.2.9, 198.51.100.5"
        assert auth.client_address(request) == "198.51.100.5"  # the entry the proxy added
        del request.META["HTTP_X_FORWARDED_FOR"]
        assert auth.client_address(request) == "10.0.0.1"
    # An IPv6 subscriber holds a /64: all its addresses count as one.
    assert auth.counted_address("2001:db8:1:2::17") == auth.counted_address("2001:db8:1:2:ffff::1")
    assert auth.counted_address("2001:db8:1:2::17") == "2001:db8:1:2::/64"
    assert auth.counted_address("::ffff:192.0.2.4") == "192.0.2.4"
    assert auth.counted_address("not an address") is None


@spray
@override_settings(LOGIN_TRUSTED_PROXY_HEADER="X-Forwarded-For")
def test_behind_a_proxy_clients_are_counted_apart(address, officer_a):
    proxy = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=address)
    for n in range(30):
        proxy.post(reverse("login"), {"username": f"nobody-{n}", "password": "x"})
    assert auth.address_blocked_until(address) is not None
    assert auth.address_blocked_until("10.0.0.1") is None
    other = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert other.post(reverse("login"), {"username": "officer-a", "password": PASSWORD}).status_code == 302


# --- audit ---------------------------------------------------------------------------------------
@spray
def test_a_block_is_audited_once_and_reads_in_words(address):
    spray_failures(address, 35)  # 30 failures block it; the 5 refused attempts write nothing more
    block = LoginAddressBlock.objects.get(address=address)
    assert block.failures == 30 and block.blocked_until > timezone.now()
    events = list(AuditEvent.objects.for_object(block))
    assert [(e.verb, e.actor) for e in events] == [(auth.ADDRESS_BLOCKED, None)]
    assert events[0].source == AuditSource.UI
    with translation.override("en"):
        (row,) = timeline_rows(block, list(events_for(block)))
    assert row["step"] == "Address blocked"
    assert row["actor"] == "System"
    assert [change["label"] for change in row["changes"]] == ["Failed logins", "Blocked until"]
    assert "address_blocked" not in str(row)


@spray
def test_a_username_lock_is_audited_on_the_users_timeline(address, officer_a, city_admin):
    for _ in range(5):
        log_in(address, "officer-a", "wrong")
    failure = LoginFailure.objects.get(username="officer-a")
    (event,) = AuditEvent.objects.for_object(failure)
    assert event.verb == auth.LOGIN_LOCKED
    assert event.after["failures"] == 5 and event.after["locked_until"]
    with translation.override("en"):
        rows = timeline_rows(officer_a, list(events_for(officer_a)))
    (row,) = [r for r in rows if r["event"] == event]
    assert row["step"] == "Login locked"
    assert row["subject"] == "Login lock: officer-a"
    assert {c["label"]: c["before"] for c in row["changes"]} == {"Failed logins": "4", "Locked until": "—"}
    # ... as the administrators' page of the user shows it.
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(city_admin)
    page = client.get(reverse("org:user-detail", args=[officer_a.pk])).content.decode()
    assert "Login locked" in page and "Login lock: officer-a" in page and "login_locked" not in page


@spray
def test_a_lock_of_an_unknown_username_is_audited_on_its_row(address):
    for _ in range(5):
        log_in(address, "ghost", "wrong")
    (event,) = AuditEvent.objects.for_object(LoginFailure.objects.get(username="ghost"))
    assert event.verb == auth.LOGIN_LOCKED and event.root_content_type is None


# --- unlocking -----------------------------------------------------------------------------------
@spray
def test_unlock_login_command_lifts_a_username_lock_audited(address, officer_a, city_admin):
    for _ in range(5):
        log_in(address, "officer-a", "wrong")
    assert errors(log_in(address, "officer-a", PASSWORD)) == [str(auth.LOCKED_MESSAGE)]
    with translation.override("en"):
        call_command("unlock_login", "officer-a", "--by", "city-admin", stdout=(out := io.StringIO()))
    assert "The login of officer-a is unlocked." in out.getvalue()
    assert log_in(address, "officer-a", PASSWORD).wsgi_request.user.is_authenticated
    event = AuditEvent.objects.filter(verb=auth.LOGIN_UNLOCKED).get()
    assert (event.actor, event.source) == (city_admin, AuditSource.SYSTEM)
    assert event.before == {"failures": 5, "locked_until": event.before["locked_until"]}
    assert event.after == {"failures": 0, "locked_until": None}
    assert event in list(events_for(officer_a))  # on the user's timeline


@spray
def test_unlock_login_command_lifts_an_address_block_audited(address, officer_a):
    spray_failures(address, 30)
    assert errors(log_in(address, "officer-a", PASSWORD)) == [ADDRESS_MESSAGE]
    with translation.override("en"):
        call_command("unlock_login", "--address", address, stdout=(out := io.StringIO()))
    assert f"The network address {address} may log in again." in out.getvalue()
    assert auth.address_failures(address) == 0  # the count is forgotten too: the next failure does not block
    spray_failures(address, 1)
    assert log_in(address, "officer-a", PASSWORD).wsgi_request.user.is_authenticated
    block = LoginAddressBlock.objects.get(address=address)
    assert block.blocked_until is None
    assert [e.verb for e in AuditEvent.objects.for_object(block)] == [
        auth.LOGIN_UNLOCKED,
        auth.ADDRESS_BLOCKED,
    ]


def test_unlock_login_command_with_nothing_to_unlock_writes_no_event(address):
    with translation.override("en"):
        call_command("unlock_login", "nobody", "--address", address, stdout=(out := io.StringIO()))
    assert "nobody has no failed logins: nothing to unlock." in out.getvalue()
    assert "is not blocked" in out.getvalue()
    assert not AuditEvent.objects.filter(verb=auth.LOGIN_UNLOCKED).exists()
    with translation.override("en"), pytest.raises(CommandError, match="is not a network address"):
        call_command("unlock_login", "--address", "999.1.1.1")
    with translation.override("en"), pytest.raises(CommandError, match="Name a username"):
        call_command("unlock_login")


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


def admin_client(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@spray
def test_admin_action_unlocks_a_username_audited(address, officer_a, superuser):
    for _ in range(5):
        log_in(address, "officer-a", "wrong")
    failure = LoginFailure.objects.get(username="officer-a")
    client = admin_client(superuser)
    changelist = reverse("admin:org_loginfailure_changelist")
    assert "Unlock login" in client.get(changelist).content.decode()
    response = client.post(
        changelist, {"action": "unlock_login", "_selected_action": [failure.pk]}, follow=True
    )
    assert "Logins unlocked: 1." in response.content.decode()
    failure.refresh_from_db()
    assert (failure.failures, failure.locked_until) == (0, None)
    assert AuditEvent.objects.filter(verb=auth.LOGIN_UNLOCKED, actor=superuser).count() == 1
    # The row's page shows its history in words.
    page = client.get(reverse("admin:org_loginfailure_change", args=[failure.pk])).content.decode()
    assert "Login unlocked" in page and "Login locked" in page and "login_locked" not in page
    assert log_in(address, "officer-a", PASSWORD).wsgi_request.user.is_authenticated


@spray
def test_admin_action_unlocks_an_address_audited(address, officer_a, superuser):
    spray_failures(address, 30)
    block = LoginAddressBlock.objects.get(address=address)
    client = admin_client(superuser)
    response = client.post(
        reverse("admin:org_loginaddressblock_changelist"),
        {"action": "unlock_login", "_selected_action": [block.pk]},
        follow=True,
    )
    assert "Logins unlocked: 1." in response.content.decode()
    assert auth.address_blocked_until(address) is None
    assert log_in(address, "officer-a", PASSWORD).wsgi_request.user.is_authenticated
    assert AuditEvent.objects.filter(
        verb=auth.LOGIN_UNLOCKED, actor=superuser, object_id=str(block.pk)
    ).exists()


def test_admin_cannot_delete_or_edit_a_lock_and_staff_without_permission_cannot_unlock(superuser):
    failure = LoginFailure.objects.create(
        username="someone", failures=5, locked_until=timezone.now() + timedelta(minutes=5)
    )
    client = admin_client(superuser)
    response = client.post(
        reverse("admin:org_loginfailure_changelist"),
        {"action": "delete_selected", "_selected_action": [failure.pk]},
    )
    assert LoginFailure.objects.filter(pk=failure.pk).exists()  # no unaudited way round the action
    assert response.status_code in (200, 302)
    # A staff member who may look but not change sees no unlock action, and posting it does nothing.
    staff = UserFactory(username="staff-only", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_loginfailure"))
    client = admin_client(staff)
    changelist = reverse("admin:org_loginfailure_changelist")
    assert "someone" in client.get(changelist).content.decode()
    assert "Unlock login" not in client.get(changelist).content.decode()
    client.post(changelist, {"action": "unlock_login", "_selected_action": [failure.pk]})
    failure.refresh_from_db()
    assert failure.locked_until is not None
