"""Readiness with a read replica configured (enforcement/health.py): the replica is one more part of the
answer, and a degrading one — the lists read the primary without it (enforcement/replicas.py), so it never
takes the process out. A replica that stops is tried for real in tests/test_replica_streaming.py."""

import json

import pytest
from django.db import connections
from django.test import Client

from enforcement.replicas import REPLICA, replica_alias

# The alias exists before each test's database set-up (a module fixture runs first), which then allows it.
pytestmark = pytest.mark.django_db(databases=["default", REPLICA])


@pytest.fixture(scope="module", autouse=True)
def replica(django_db_setup):
    options = {
        k: v for k, v in connections["default"].settings_dict["OPTIONS"].items() if k != "transaction_mode"
    }
    with replica_alias(OPTIONS=options) as connection:  # the test database itself, read as a replica
        yield connection


def test_readiness_names_an_up_to_date_replica():
    response = Client().get("/health/ready/")
    assert response.status_code == 200
    assert json.loads(response.content) == dict.fromkeys(
        {"database", "cache", "broker", "storage", "static", "replica"}, "ok"
    )


def test_a_replica_behind_the_limit_is_reported_but_the_app_stays_ready(settings):
    settings.REPLICA_MAX_LAG_SECONDS = -1  # any lag, even none, is too much
    response = Client().get("/health/ready/")
    parts = json.loads(response.content)
    assert response.status_code == 200
    assert parts["replica"] == "error: ReplicaBehind" and parts["database"] == "ok"
