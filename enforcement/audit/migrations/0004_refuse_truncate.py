"""On PostgreSQL the audit table refuses TRUNCATE, as it refuses UPDATE and DELETE (0002): the row triggers
of 0002 do not fire for TRUNCATE, so until now one statement (or a TRUNCATE … CASCADE of the users it
references, or `manage.py flush`) emptied the history (PRODUCT §10, append-only).

Who may still empty it, and how: a transaction that first runs

    SET LOCAL audit.allow_truncate = on        -- `enforcement.audit.services.allow_truncate(connection)`

— a custom setting any session may set, so it guards against accidents, not against the table's owner (who
can drop the trigger as well; in production the application's role should not own the table). `SET LOCAL`
ends with the transaction, so the permission never outlives the statement it was meant for. Two callers use
it on purpose: the benchmark's reload (bench/generate.py empties its own database) and the test suite's
flush. Django's test cases that commit (live server, real worker: `transaction=True`) end by flushing every
table, and on PostgreSQL Django's flush is one TRUNCATE of them all; the test-only app therefore overrides
the `flush` command (tests/testapp/management/commands/flush.py, installed by the test settings only) to run
Django's flush in a transaction that allows it. Any other flush, e.g. `manage.py flush` on a real database,
is refused. (A session with `session_replication_role = replica`, superuser only, fires no triggers at all:
the benchmark's fast load.)
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audit_event_no_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('audit.allow_truncate', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit events are append-only: TRUNCATE is refused';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_event_no_truncate
    BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_no_truncate();
"""
DROP = """
DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_no_truncate();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_event_root")]
    operations = [migrations.RunPython(forwards, backwards)]
