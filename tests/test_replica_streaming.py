"""A real streaming replica (bin/replica: pg_basebackup -R of the test's PostgreSQL, a hot standby on
another port) behind the router (enforcement/replicas.py): a write on the primary shows on the replica; with
its replay paused (a replica lagging behind), a complaint just saved is missing from a colleague's list,
CSV and API list (replica) but on its own page (primary), and on the list of the clerk who saved it (the
REPLICA_STICKY_SECONDS cookie) until that expires; beyond REPLICA_MAX_LAG_SECONDS, or with the replica
stopped, every list reads the primary.

Needs PostgreSQL (DATABASE_URL) and the rights bin/replica needs (root, or the postgres user, on the
database's machine). Skipped, with the reason, when it cannot start a replica or the cluster is too large to
copy quickly (over REPLICA_MAX_COPY_GB, 1), unless REPLICA_TEST=1 (then that is a failure). The replica is
stopped and its directory removed whatever happens."""

import json
import os
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client
from django.urls import reverse

from complaints.models import Complaint
from complaints.tests.factories import ComplaintFactory
from enforcement.catalog.tests.factories import ViolationCategoryFactory
from enforcement.replicas import COOKIE, REPLICA, replica_alias, replica_lag

BIN = Path(settings.BASE_DIR) / "bin" / "replica"
PORT = os.environ.get("REPLICA_PORT", "5433")
LIST, CREATE, EXPORT = reverse("complaints:list"), reverse("complaints:create"), reverse("complaints:export")
NOTE = "Figures may be a few seconds behind."
MAX_COPY_BYTES = float(os.environ.get("REPLICA_MAX_COPY_GB", "1")) * 2**30

# The primary's rows must be committed to stream; the alias exists before each test's set-up allows it.
pytestmark = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])


@pytest.fixture(scope="module")
def replica(django_db_setup, django_db_blocker):
    primary = connections["default"].settings_dict
    if connections["default"].vendor != "postgresql":
        pytest.skip("a streaming replica needs PostgreSQL as the primary: set DATABASE_URL")
    env = {
        **os.environ,
        "PRIMARY_HOST": primary["HOST"] or "127.0.0.1",
        "PRIMARY_PORT": str(primary["PORT"] or 5432),
        "REPLICA_PORT": PORT,
        "PG_USER": primary["USER"] or "postgres",
    }
    # pg_basebackup copies the whole cluster: a benchmark database of several GB left beside the test's would
    # take minutes, so the test says so instead of timing out.
    with django_db_blocker.unblock(), connections["default"].cursor() as cursor:
        cursor.execute("SELECT sum(pg_database_size(oid)) FROM pg_database")
        size = cursor.fetchone()[0]
    if size > MAX_COPY_BYTES:
        reason = (
            f"the PostgreSQL cluster holds {size / 2**30:.1f} GB and pg_basebackup would copy all of it; "
            f"drop the large databases (e.g. the benchmark's) or set REPLICA_MAX_COPY_GB"
        )
        if os.environ.get("REPLICA_TEST") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    try:
        started = subprocess.run([str(BIN), "start"], env=env, capture_output=True, text=True, timeout=90)
        if started.returncode != 0:
            output = (started.stderr or started.stdout).strip()[-400:]
            reason = f"bin/replica could not start a replica: {output}"
            if os.environ.get("REPLICA_TEST") == "1":
                pytest.fail(reason)
            pytest.skip(reason)
        with replica_alias(HOST="127.0.0.1", PORT=PORT) as connection:
            yield {"connection": connection, "env": env}
    finally:
        subprocess.run([str(BIN), "stop"], env=env, capture_output=True, timeout=60)


def scalar(connection, sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def wait_for(condition, what, seconds=15):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def replayed(replica):
    """Until the replica has replayed everything the primary has written so far."""
    target = scalar(connections["default"], "SELECT pg_current_wal_lsn()::text")
    wait_for(lambda: scalar(replica, "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target]), "replay")


def browser(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def numbers_in_api(client):
    return {row["number"] for row in client.get("/api/v1/complaints/").json()["results"]}


def test_a_lagging_replica_and_the_user_who_just_saved(replica, settings, make_user, district_a):
    standby = replica["connection"]
    settings.REPLICA_CHECK_SECONDS = 0  # each request looks at the replica's lag afresh
    settings.REPLICA_STICKY_SECONDS = 15
    settings.REPLICA_MAX_LAG_SECONDS = 30
    category = ViolationCategoryFactory(code="A01", name="占道经营", name_en="Street vending")
    clerk = browser(make_user("intake", unit=district_a, username="clerk"))
    colleague = browser(make_user("intake", unit=district_a, username="colleague"))
    earlier = ComplaintFactory(unit=district_a, category=category)

    # Streaming: what the primary commits, the standby has a moment later; the list is served from it.
    assert scalar(standby, "SELECT pg_is_in_recovery()") is True
    replayed(standby)
    assert Complaint.objects.using(REPLICA).filter(pk=earlier.pk).exists()
    page = colleague.get(LIST).content.decode()
    assert earlier.number in page and NOTE in page

    # The replica falls behind: its replay paused, it still receives the primary's changes but shows none.
    scalar(standby, "SELECT pg_wal_replay_pause()::text")
    wait_for(lambda: scalar(standby, "SELECT pg_get_wal_replay_pause_state()") == "paused", "the pause")
    saved = clerk.post(
        CREATE,
        {
            "channel": "hotline_12345",
            "category": category.pk,
            "description": "店外占道经营",
            "address": "人民路1号",
            "lat": "23.020000",
            "lng": "113.120000",
            "complainant_name": "陈小明",
            "complainant_phone": "13812345678",
            "unit": district_a.pk,
        },
    )
    new = Complaint.objects.get(address="人民路1号")
    # Sent to its own page, which reads the primary.
    assert saved.status_code == 302 and saved["Location"] == new.get_absolute_url()
    assert not Complaint.objects.using(REPLICA).filter(pk=new.pk).exists()

    # A colleague's lists (replica) miss it; its own page (primary) has it.
    page = colleague.get(LIST).content.decode()
    assert earlier.number in page and new.number not in page and NOTE in page
    csv = b"".join(colleague.get(EXPORT).streaming_content).decode("utf-8-sig")
    assert earlier.number in csv and new.number not in csv
    assert numbers_in_api(colleague) == {earlier.number}
    assert new.number in colleague.get(new.get_absolute_url()).content.decode()

    # The clerk who saved it reads the primary for REPLICA_STICKY_SECONDS: the list shows it, without the note.
    assert saved.cookies[COOKIE]["max-age"] == 15
    follow = clerk.get(saved["Location"]).content.decode()
    assert new.number in follow
    page = clerk.get(LIST).content.decode()
    assert new.number in page and NOTE not in page
    assert numbers_in_api(clerk) == {earlier.number, new.number}
    clerk.cookies[COOKIE] = f"{time.time() - 1:.3f}"  # the sticky time is over, the replica still behind
    assert new.number not in clerk.get(LIST).content.decode()

    # Further behind than REPLICA_MAX_LAG_SECONDS: every list reads the primary.
    settings.REPLICA_MAX_LAG_SECONDS = 1
    wait_for(lambda: (replica_lag() or 0) > 1.2, "a lag of more than a second")
    page = colleague.get(LIST).content.decode()
    assert new.number in page and NOTE not in page

    # Replay resumes: the replica catches up and serves the list again, with the new complaint.
    settings.REPLICA_MAX_LAG_SECONDS = 30
    scalar(standby, "SELECT pg_wal_replay_resume()::text")
    replayed(standby)
    page = colleague.get(LIST).content.decode()
    assert new.number in page and NOTE in page

    # Readiness names the replica; streaming and up to date, it is "ok".
    assert json.loads(Client().get("/health/ready/").content)["replica"] == "ok"

    # The replica stops: the lists read the primary, no error page.
    subprocess.run([str(BIN), "stop"], env=replica["env"], capture_output=True, timeout=60, check=True)
    response = colleague.get(LIST)
    page = response.content.decode()
    assert response.status_code == 200 and new.number in page and NOTE not in page
    assert numbers_in_api(colleague) == {earlier.number, new.number}
    # Readiness reports it, and stays 200: without the replica the lists read the primary.
    ready = Client().get("/health/ready/")
    parts = json.loads(ready.content)
    assert ready.status_code == 200 and parts["replica"].startswith("error") and parts["database"] == "ok"
