"""With Redis as the cache (CACHE_URL or REDIS_URL: enforcement/settings/base.py), what one process caches
and drops every process sees: another process (a second web worker, here a subprocess on the same test
database and the same cache keys) that cached the unit and grid choices reads the new ones as soon as this
process saves a unit through the edit page or a grid, not a minute later; and the failed logins of one
address add up across processes (enforcement/org/auth.py). Skipped without Redis (the embedded default
keeps a memory cache per process); CI runs it with REDIS_URL set."""

import json
import os
import select
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.test import Client
from django.urls import reverse

from enforcement.org import auth
from enforcement.org.cached import CHOICES
from enforcement.org.tests.factories import GridFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),  # the other process reads committed rows only
    pytest.mark.skipif(
        not isinstance(caches["default"], RedisCache),
        reason="needs the shared cache: set REDIS_URL (or CACHE_URL) to a Redis server",
    ),
]

BASE_DIR = Path(settings.BASE_DIR)

# The other process: reads what it is told to, one JSON line in, one JSON line out.
PROCESS_A = r"""
import json, sys
import django
django.setup()
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from enforcement.org import auth
from enforcement.org.cached import CHOICES, grids_for, units_for
from enforcement.org.models import User

translation.activate("en")
user = User.objects.get(username=sys.argv[1])
for line in sys.stdin:
    command = json.loads(line)
    with CaptureQueriesContext(connection) as queries:
        if command["read"] == "units":
            value = [label.strip() for _pk, label in units_for(user)]
        elif command["read"] == "grids":
            value = [label for _pk, label in grids_for(user)]
        else:
            for _ in range(command["failures"]):
                auth.record_address_failure(command["address"])
            value = auth.address_failures(command["address"])
    from_db = any(("org_orgunit" in q["sql"] or "org_grid" in q["sql"]) for q in queries.captured_queries)
    print(json.dumps({"value": value, "from_db": from_db, "key": CHOICES.key(command["read"])}), flush=True)
"""


def database_url():
    """The test database this process uses, as DATABASE_URL spells it."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class OtherProcess:
    def __init__(self, username, tmp_path):
        script = tmp_path / "process_a.py"
        script.write_text(PROCESS_A)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "enforcement.settings.test",
            "DATABASE_URL": database_url(),
            "CACHE_KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],  # this run's keys
            "PYTHONPATH": str(BASE_DIR),
        }
        env.pop("TEST_DB_NAME", None)
        self.process = subprocess.Popen(
            [sys.executable, str(script), username],
            cwd=BASE_DIR,
            env=env,
            text=True,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )

    def ask(self, **command):
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        ready, _, _ = select.select([self.process.stdout], [], [], 60)
        line = self.process.stdout.readline() if ready else ""
        if not line:
            self.process.kill()
            pytest.fail(f"the other process gave no answer: {self.process.stderr.read()}")
        return json.loads(line)

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=30)


@pytest.fixture
def other_process(tmp_path):
    processes = []

    def start(user):
        processes.append(OtherProcess(user.username, tmp_path))
        return processes[-1]

    yield start
    for process in processes:
        process.close()


def test_clearing_the_cache_leaves_other_keys_of_its_redis_database():
    """The broker's queues (REDIS_URL) and other runs' keys share the database: clear() drops ours only."""
    client = cache._cache.get_client(None, write=True)
    foreign = f"celery-queue-of-someone-else-{os.getpid()}"
    client.set(foreign, b"message")
    try:
        cache.set("probe", 1, 30)
        assert client.exists(cache.make_key("probe"))
        assert cache.make_key("probe").startswith(f"{settings.CACHES['default']['KEY_PREFIX']}:")
        cache.clear()
        assert cache.get("probe") is None
        assert client.get(foreign) == b"message"
    finally:
        client.delete(foreign)


def test_a_unit_renamed_here_is_read_renamed_by_the_other_process(
    other_process, city_admin, district_a, city
):
    CHOICES.forget()
    process_a = other_process(city_admin)
    first = process_a.ask(read="units")
    assert "District A" in first["value"] and first["from_db"]
    assert cache.get(first["key"]) is not None  # what the other process cached, this one sees
    again = process_a.ask(read="units")
    assert again["value"] == first["value"] and not again["from_db"]  # served from the cache

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(city_admin)
    response = client.post(
        reverse("org:unit-edit", args=[district_a.pk]),
        {
            "code": "district-a",
            "name": "甲区执法分局",
            "name_en": "District A Renamed",
            "level": "district",
            "parent": city.pk,
            "is_active": "on",
            "version": district_a.version,
        },
    )
    assert response.status_code == 302

    after = process_a.ask(read="units")
    assert "District A Renamed" in after["value"] and "District A" not in after["value"]
    assert after["from_db"]


def test_a_grid_deactivated_here_leaves_the_other_process_choices(other_process, city_admin, squad_a):
    CHOICES.forget()
    grid = GridFactory(unit=squad_a)
    process_a = other_process(city_admin)
    assert process_a.ask(read="grids")["value"] == [str(grid)]
    assert not process_a.ask(read="grids")["from_db"]
    grid.is_active = False
    grid.save()
    assert process_a.ask(read="grids")["value"] == []


def test_failed_logins_of_one_address_add_up_across_processes(other_process, city_admin, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 30
    address = "192.0.2.201"
    auth.unlock_address(address)
    try:
        process_a = other_process(city_admin)
        assert process_a.ask(read="failures", address=address, failures=29)["value"] == 29
        auth.record_address_failure(address)  # the 30th, in this process
        assert auth.address_failures(address) == 30
        assert auth.address_blocked_until(address) is not None
    finally:
        auth.unlock_address(address)
