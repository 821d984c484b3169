import pytest
from django.core.management import CommandError, call_command
from django.core.management.commands.flush import Command as DjangoFlush
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from enforcement.audit.context import audit_source
from enforcement.audit.models import AppendOnlyError, AuditEvent
from enforcement.audit.services import (
    allow_truncate,
    record_create,
    record_event,
    record_transition,
    record_update,
    snapshot,
    timeline,
)
from enforcement.org.tests.factories import GridFactory


def test_events_record_actor_source_and_changes(squad_a, officer_a):
    with audit_source("task"):
        record_create(squad_a, actor=officer_a)
    before = snapshot(squad_a)
    squad_a.name = "新名字"
    squad_a.save()
    record_update(squad_a, before, actor=officer_a)
    events = list(timeline(squad_a))
    assert [e.action for e in events] == ["update", "create"]
    assert events[1].source == "task"
    assert events[0].source == "system"
    assert events[0].changes == [("name", before["name"], "新名字")]


def test_an_edit_that_changes_nothing_writes_no_event(squad_a, officer_a):
    assert record_update(squad_a, snapshot(squad_a), actor=officer_a) is None
    assert not AuditEvent.objects.exists()


def test_transition_event(squad_a, officer_a):
    event = record_transition(squad_a, "dispatch", "accepted", "dispatched", actor=officer_a, note="to squad")
    assert (event.verb, event.before, event.after["status"]) == (
        "dispatch",
        {"status": "accepted"},
        "dispatched",
    )


def test_events_cannot_be_changed_or_deleted_through_the_orm(squad_a, officer_a):
    event = record_create(squad_a, actor=officer_a)
    event.note = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(note="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_database_refuses_raw_update_on_postgresql(squad_a, officer_a):
    event = record_create(squad_a, actor=officer_a)
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET note = 'x' WHERE id = %s", [event.pk])
    event.refresh_from_db()
    assert event.note == ""


def test_a_child_records_events_show_on_its_parents_timeline(squad_a, squad_b, officer_a):
    """An evidence file or an approval request is a record of its own; its events belong on the page of
    the record it serves, newest first among the parent's own."""
    record_create(squad_a, actor=officer_a)
    grid = GridFactory(unit=squad_a)
    record_create(grid, actor=officer_a, root=squad_a)
    before = snapshot(grid)
    grid.name = "新网格"
    grid.save()
    record_update(grid, before, actor=officer_a, root=squad_a)
    record_transition(grid, "retire", "active", "retired", actor=officer_a, root=squad_a)
    record_create(squad_b, actor=officer_a)
    record_create(GridFactory(unit=squad_b), actor=officer_a, root=squad_b)

    events = list(timeline(squad_a))
    assert [(e.content_type.model, e.action) for e in events] == [
        ("grid", "transition"),
        ("grid", "update"),
        ("grid", "create"),
        ("orgunit", "create"),
    ]
    assert {e.root_object_id for e in events} == {str(squad_a.pk), None}
    # The child's own timeline is its own events (its children would be there too).
    assert [e.action for e in timeline(grid)] == ["transition", "update", "create"]


def test_a_record_is_its_own_root(squad_a, officer_a):
    event = record_event(squad_a, "update", actor=officer_a, after={"name": "x"}, root=squad_a)
    assert (event.root_content_type, event.root_object_id) == (None, None)
    assert list(timeline(squad_a)) == [event]


def test_the_timeline_is_one_query(squad_a, officer_a):
    record_create(squad_a, actor=officer_a)
    record_create(GridFactory(unit=squad_a), actor=officer_a, root=squad_a)
    with CaptureQueriesContext(connection) as queries:
        assert len(list(timeline(squad_a))) == 2
    assert len(queries) == 1


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only triggers exist on PostgreSQL only"
)


def _check_deferred_constraints():
    # The test's own transaction holds the events' deferred foreign-key checks, and PostgreSQL refuses
    # any TRUNCATE while they are pending; run them now, as a commit would.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@postgresql_only
def test_database_refuses_truncate_on_postgresql(squad_a, officer_a):
    record_create(squad_a, actor=officer_a)
    _check_deferred_constraints()
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_auditevent CASCADE")
    # … nor through a table that cascades into it (every event references its actor's user).
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE org_user CASCADE")
    assert AuditEvent.objects.count() == 1


@postgresql_only
def test_allow_truncate_holds_for_one_transaction(squad_a, officer_a):
    record_create(squad_a, actor=officer_a)
    _check_deferred_constraints()
    with transaction.atomic():
        allow_truncate(connection)
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE audit_auditevent CASCADE")
        assert not AuditEvent.objects.exists()
        transaction.set_rollback(True)
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_auditevent CASCADE")


@pytest.mark.django_db(transaction=True)
def test_the_test_suites_flush_empties_the_audit_table_and_djangos_own_is_refused(squad_a, officer_a):
    """Tests that commit end with a flush (a TRUNCATE on PostgreSQL): the test settings' flush command
    (tests/testapp) allows it; Django's own, as `manage.py flush` runs it elsewhere, is refused."""
    record_create(squad_a, actor=officer_a)
    recorded = AuditEvent.objects.count()  # with the calendar's, reloaded for transactional tests (conftest)
    assert recorded >= 1
    if connection.vendor == "postgresql":
        with pytest.raises(CommandError):
            call_command(DjangoFlush(), interactive=False, verbosity=0)
        assert AuditEvent.objects.count() == recorded
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists()
