import pytest
from django.db import connection, transaction

from enforcement.audit.context import audit_source
from enforcement.audit.models import AppendOnlyError, AuditEvent
from enforcement.audit.services import record_create, record_transition, record_update, snapshot, timeline


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
    assert (event.verb, event.before, event.after["status"]) == ("dispatch", {"status": "accepted"}, "dispatched")


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
