"""The router's decisions (enforcement/replicas.py), on any database: the "replica" alias here reads the
test database itself, so which connection a query goes to is visible while the rows stay the same. The
real streaming replica, lag and all, is tests/test_replica_streaming.py."""

import contextlib

import pytest
from django.db import connections, router, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from complaints.models import Complaint
from complaints.tests.factories import ComplaintFactory
from enforcement.catalog.tests.factories import ViolationCategoryFactory
from enforcement.documents.models import NumberCounter
from enforcement.documents.numbering import next_number
from enforcement.replicas import COOKIE, REPLICA, reads_replica, replica_alias, replica_reads

# The alias exists before each test's database set-up (a module fixture runs first), which then allows it.
pytestmark = pytest.mark.django_db(databases=["default", REPLICA])
# The pages' reads on the copy see committed rows only, as on a real replica.
committed = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])


@pytest.fixture(scope="module", autouse=True)
def replica(django_db_setup):
    # Each test opens a transaction on both aliases: on SQLite the copy's must not ask for the write lock.
    options = {
        k: v for k, v in connections["default"].settings_dict["OPTIONS"].items() if k != "transaction_mode"
    }
    with replica_alias(OPTIONS=options) as connection:
        yield connection


@contextlib.contextmanager
def no_replica():
    saved = connections.settings.pop(REPLICA)
    try:
        yield
    finally:
        connections.settings[REPLICA] = saved


def browser(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_without_a_replica_every_read_and_write_is_default():
    with no_replica(), replica_reads():
        assert REPLICA not in connections.settings
        assert Complaint.objects.all().db == "default"
        assert router.db_for_read(Complaint) == "default" and router.db_for_write(Complaint) == "default"
        assert not reads_replica()


def test_only_a_declared_read_goes_to_the_replica(replica):
    assert Complaint.objects.all().db == "default"  # undeclared: sweeps, claims, detail pages
    with replica_reads():
        assert Complaint.objects.all().db == REPLICA
        assert reads_replica()
    assert Complaint.objects.all().db == "default"


def test_writes_and_locks_stay_on_the_primary(replica, intake_a):
    with replica_reads():
        assert Complaint.objects.all().db == REPLICA  # nothing written or locked yet
        assert Complaint.objects.select_for_update().db == "default"
        # A lock taken: the rest of the block reads the primary.
        assert Complaint.objects.all().db == "default"
    with replica_reads():
        assert router.db_for_write(Complaint) == "default"
    with replica_reads():
        assert Complaint.objects.all().db == REPLICA
        with CaptureQueriesContext(connections[REPLICA]) as on_replica:
            Complaint.objects.filter(pk=0).update(address="x")  # a write (no row): the primary
            assert Complaint.objects.all().db == "default"  # the rest of the block reads what it wrote
            list(Complaint.objects.all())
        assert len(on_replica) == 0


def test_a_transaction_reads_the_primary_and_after_it_wrote_so_does_the_block(replica, district_a):
    with replica_reads():
        with transaction.atomic():
            assert Complaint.objects.all().db == "default"  # its snapshot, before any write
            ComplaintFactory(unit=district_a)
            assert Complaint.objects.all().db == "default"
        assert Complaint.objects.all().db == "default"  # the block wrote: it keeps reading the primary
    with replica_reads():
        with transaction.atomic():
            assert Complaint.objects.all().db == "default"
        assert Complaint.objects.all().db == REPLICA  # nothing written: the next read may go to the replica


def test_numbering_inside_a_declared_read_never_touches_the_replica(replica):
    with replica_reads(), CaptureQueriesContext(connections[REPLICA]) as on_replica:
        with transaction.atomic():
            first = next_number("complaint", period="2026-12-01")
            second = next_number("complaint", period="2026-12-01")
    assert (first, second) == (1, 2)
    assert NumberCounter.objects.get(scope="complaint", period="2026-12-01").last == 2
    assert len(on_replica) == 0


@committed
def test_the_lists_inbox_and_export_read_the_replica(replica, intake_a, district_a):
    ComplaintFactory(unit=district_a)
    client = browser(intake_a)
    for name in ("complaints:list", "documents:list", "approvals:inbox"):
        with CaptureQueriesContext(connections[REPLICA]) as on_replica:
            assert client.get(reverse(name)).status_code == 200
        assert len(on_replica) > 0, name
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        response = client.get(reverse("complaints:export"))
        before = len(on_replica)
        body = b"".join(response.streaming_content).decode("utf-8-sig")
    # The rows are read as the file is sent (after the view returned), still from the replica.
    assert any('FROM "complaints_complaint"' in q["sql"] for q in on_replica[before:])
    assert body.startswith("Number,") and Complaint.objects.get().number in body
    detail = Complaint.objects.first().get_absolute_url()
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        assert client.get(detail).status_code == 200
    assert len(on_replica) == 0  # a record's own page reads the primary


@committed
def test_the_api_lists_read_the_replica(replica, api_as, intake_a):
    client = api_as(intake_a)
    for url in ("/api/v1/complaints/", "/api/v1/documents/", "/api/v1/approvals/"):
        with CaptureQueriesContext(connections[REPLICA]) as on_replica:
            assert client.get(url).status_code == 200
        assert len(on_replica) > 0, url


@committed
def test_after_a_save_the_user_reads_the_primary_for_a_while(replica, settings, intake_a, district_a):
    settings.REPLICA_STICKY_SECONDS = 15
    category = ViolationCategoryFactory(code="A01", name="占道经营", name_en="Street vending")
    client = browser(intake_a)
    listing = client.get(reverse("complaints:list")).content.decode()
    assert "Figures may be a few seconds behind." in listing  # read from the replica, and says so
    assert COOKIE not in client.cookies
    saved = client.post(
        reverse("complaints:create"),
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
    assert saved.status_code == 302 and Complaint.objects.filter(address="人民路1号").exists()
    assert saved.cookies[COOKIE]["max-age"] == 15
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        listing = client.get(reverse("complaints:list")).content.decode()
    assert len(on_replica) == 0 and "Figures may be a few seconds behind." not in listing
    client.cookies[COOKIE] = "1"  # expired (a time long past)
    assert "Figures may be a few seconds behind." in client.get(reverse("complaints:list")).content.decode()


@committed
def test_a_refused_save_or_a_read_does_not_pin(replica, intake_a):
    client = browser(intake_a)
    refused = client.post(reverse("complaints:create"), {"description": ""})
    assert refused.status_code == 400 and COOKIE not in refused.cookies
    assert COOKIE not in client.get(reverse("complaints:list")).cookies
