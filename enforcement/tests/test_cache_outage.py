"""Redis as the cache, unreachable (enforcement/caching.py PrefixedRedisCache): a miss, not an error. The
pages and the API read through to the database, the throttles count nothing, a hung Redis costs one socket
timeout per OUTAGE_SECONDS rather than one per call, and the readiness probe still reports the cache as
failing. Needs no Redis: the cache is pointed at a port where none answers, or at a socket that never does."""

import json
import socket
import time

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from redis.exceptions import ConnectionError as RedisConnectionError
from rest_framework.test import APIClient

from complaints.models import Complaint
from enforcement import caching
from enforcement.catalog.tests.factories import ViolationCategoryFactory
from enforcement.org import auth

PASSWORD = "pass-word-123"  # enforcement/org/tests/factories.py


def unused_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_cache_at(settings, port, timeout=2):
    settings.CACHES = {
        "default": {
            "BACKEND": "enforcement.caching.PrefixedRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "KEY_PREFIX": "outage-test",
            "OPTIONS": {"socket_connect_timeout": timeout, "socket_timeout": timeout},
        }
    }


@pytest.fixture
def no_redis(settings):
    """The cache points at a port nothing listens on: every connection is refused."""
    redis_cache_at(settings, unused_port())
    caching._down_until.clear()
    yield
    caching._down_until.clear()


def test_every_operation_is_a_miss_or_a_dropped_write(no_redis, caplog):
    assert cache.get("choices", "default") == "default"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.has_key("a") is False
    assert cache.set("a", 1, 60) is None
    assert cache.add("a", 1, 60) is False
    assert cache.touch("a") is False
    assert cache.incr("a", 3) == 3
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]  # what Django's API calls keys not stored
    assert cache.delete("a") is False
    assert cache.delete_many(["a", "b"]) is None
    # One warning for the outage, not one per call: the first failure marks Redis down for a while.
    warnings = [r for r in caplog.records if r.name == "enforcement.caching"]
    assert len(warnings) == 1 and "ConnectionError" in warnings[0].getMessage()


def test_the_probe_sees_the_error(no_redis):
    cache.get("warm")  # marks Redis down: the probe must try it anyway
    with caching.reporting_errors(), pytest.raises(RedisConnectionError):
        cache.get("probe")
    assert cache.get("after", 7) == 7  # outside the probe a miss again


def test_readiness_names_the_cache(db, no_redis):
    response = Client().get("/health/ready/")
    assert response.status_code == 503
    parts = json.loads(response.content)
    assert parts["cache"] == "error: ConnectionError", parts
    assert parts["database"] == "ok"


def test_choices_are_computed_from_the_database(db, no_redis, make_user, district_a, squad_a):
    from enforcement.org.cached import units_for

    user = make_user("intake", unit=district_a)
    assert {pk for pk, _label in units_for(user)} == {district_a.pk, squad_a.pk}
    squad_a.name_en = "Renamed squadron"
    squad_a.save()  # dropping the lists is a write not kept: nothing fails
    assert any("Renamed squadron" in label for _pk, label in units_for(user))


def test_the_pages_and_the_api_answer(db, no_redis, make_user, city, intake_city):
    category = ViolationCategoryFactory(code="A01", name="占道经营", name_en="Street vending")
    browser = Client()
    assert (
        browser.post(reverse("login"), {"username": "intake-city", "password": PASSWORD}).status_code == 302
    )
    page = browser.get(reverse("complaints:list"))
    assert page.status_code == 200 and "占道经营" in page.content.decode()

    signed_in = APIClient(REMOTE_ADDR="198.51.100.7").post(
        reverse("api:api-token"), {"username": "intake-city", "password": PASSWORD}, format="json"
    )
    assert signed_in.status_code == 200, signed_in.content
    api = APIClient(HTTP_AUTHORIZATION=f"Token {signed_in.json()['token']}")
    created = api.post(
        reverse("api:complaint-list"),
        {
            "channel": "hotline_12345",
            "category": category.pk,
            "description": "夜间烧烤油烟扰民",
            "address": "解放路12号",
            "complainant_name": "陈小明",
            "complainant_phone": "13812345678",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    assert Complaint.objects.filter(pk=created.json()["id"]).exists()
    assert api.get(reverse("api:complaint-list")).status_code == 200


def test_the_address_limit_fails_open_and_the_username_lock_holds(db, no_redis, settings, make_user, city):
    """Without the cache nothing counts the failures of an address; the per-username lock is in the
    database and still locks."""
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 2
    make_user("intake", unit=city, username="sprayed")
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "sprayed", "password": "wrong-password"})
    assert auth.address_failures("203.0.113.9") == 0 and not auth.address_blocked_until("203.0.113.9")
    locked = client.post(reverse("login"), {"username": "sprayed", "password": PASSWORD})
    assert locked.status_code == 200 and "_auth_user_id" not in client.session


class SilentServer:
    """Accepts connections and never answers: a hung Redis. Counts the connections it was offered."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.setblocking(False)
        self.port = self.sock.getsockname()[1]
        self.accepted = []

    def connections(self):
        while True:
            try:
                self.accepted.append(self.sock.accept()[0])
            except BlockingIOError:
                return len(self.accepted)

    def close(self):
        for conn in self.accepted:
            conn.close()
        self.sock.close()


def test_a_hung_redis_costs_one_timeout_per_outage_period(settings, monkeypatch):
    server = SilentServer()
    try:
        redis_cache_at(settings, server.port, timeout=0.3)
        caching._down_until.clear()
        began = time.monotonic()
        assert cache.get("a", "miss") == "miss"
        assert time.monotonic() - began >= 0.3  # it waited for the answer that never came
        first = server.connections()
        assert first >= 1
        for _ in range(20):
            assert cache.get("a") is None
        assert server.connections() == first  # the outage period: Redis left alone
        monkeypatch.setattr(caching, "OUTAGE_SECONDS", 0)
        caching._down_until.clear()  # the period over: the next call tries Redis again
        assert cache.get("a", "miss") == "miss"
        assert server.connections() > first
    finally:
        caching._down_until.clear()
        server.close()
