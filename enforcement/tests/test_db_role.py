"""The application's database role (`manage.py grant_app_role`, enforcement/audit/management): in
production the web processes and workers connect as a role that does not own the tables, so even a
compromised web process cannot drop, alter, empty or rewrite the audit trail, nor run a migration. PostgreSQL
only: SQLite has no roles."""

import os
import subprocess
import sys
from contextlib import contextmanager

import psycopg2
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from complaints.models import Complaint
from complaints.tests.factories import ComplaintFactory
from enforcement.audit.models import AuditEvent
from enforcement.audit.services import record_create

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="database roles are PostgreSQL's")

PASSWORD = "app-role-test-password"


def role_name():
    return f"{connection.settings_dict['NAME']}_app"[:63]  # roles are the server's: one per test database


@contextmanager
def as_role(role):
    """This connection's statements checked against `role`'s privileges (SET LOCAL ROLE) until the block ends."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {connection.ops.quote_name(role)}")
        try:
            yield
        finally:
            cursor.execute("RESET ROLE")


def refused(statement, message):
    with pytest.raises(DatabaseError, match=message), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)


def test_the_app_role_works_with_the_data_and_only_appends_to_the_audit_trail(district_a, intake_a):
    # As the owner this goes through (rolled back here), as the app role it is refused (below).
    with (
        pytest.raises(RuntimeError, match="rolled back"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        raise RuntimeError("rolled back")
    role = role_name()
    call_command("grant_app_role", role)  # in the test's transaction: the role is gone at its rollback
    with as_role(role):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone() == (role,)
        # What the app does all day, through its own code: insert, read, update, and record the audit.
        complaint = ComplaintFactory(unit=district_a)
        event = record_create(complaint, actor=intake_a)
        assert list(AuditEvent.objects.for_object(complaint)) == [event]
        Complaint.objects.filter(pk=complaint.pk).update(address="人民路1号")
        assert Complaint.objects.get(pk=complaint.pk).address == "人民路1号"

        # Privileges refuse before the append-only triggers would (their message is "append-only").
        refused("DELETE FROM audit_auditevent", "permission denied for table audit_auditevent")
        refused(
            "UPDATE audit_auditevent SET note = 'rewritten'", "permission denied for table audit_auditevent"
        )
        refused("TRUNCATE audit_auditevent", "permission denied for table audit_auditevent")
        refused("DROP TABLE audit_auditevent CASCADE", "must be owner of table audit_auditevent")
        refused(
            "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only",
            "must be owner of table audit_auditevent",
        )
        refused(
            "DROP TRIGGER audit_event_no_truncate ON audit_auditevent",
            "must be owner of relation audit_auditevent",
        )
        refused("ALTER TABLE complaints_complaint ADD COLUMN hijacked integer", "must be owner of table")
        refused("DROP TABLE complaints_complaint CASCADE", "must be owner of table")
        refused("CREATE TABLE hijack (id integer)", "permission denied for schema public")
        refused(
            "INSERT INTO django_migrations (app, name, applied) VALUES ('audit', '9999_fake', now())",
            "permission denied for table django_migrations",
        )
        assert AuditEvent.objects.for_object(complaint).count() == 1


@pytest.fixture
def app_role(transactional_db, monkeypatch):
    """The role granted and committed, with a password, as the compose `migrate` service does; dropped after."""
    role = role_name()
    monkeypatch.setenv("TEST_APP_ROLE_PASSWORD", PASSWORD)
    call_command("grant_app_role", role, password_env="TEST_APP_ROLE_PASSWORD")
    call_command(
        "grant_app_role", role, password_env="TEST_APP_ROLE_PASSWORD"
    )  # idempotent: after every migrate
    yield role
    with connection.cursor() as cursor:
        cursor.execute(f"DROP OWNED BY {connection.ops.quote_name(role)}")  # its grants in this database
        cursor.execute(f"DROP ROLE {connection.ops.quote_name(role)}")


def login_as(role):
    db = connection.settings_dict
    return psycopg2.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        dbname=db["NAME"],
        user=role,
        password=PASSWORD,
    )


def test_a_login_as_the_app_role_cannot_drop_the_audit_trail_nor_migrate(app_role, district_a, intake_a):
    complaint = ComplaintFactory(unit=district_a)
    record_create(complaint, actor=intake_a)  # committed, by the owner

    app = login_as(app_role)
    app.autocommit = True
    try:
        with app.cursor() as cursor:
            cursor.execute(
                "SELECT current_user, number FROM complaints_complaint WHERE id = %s", [complaint.pk]
            )
            assert cursor.fetchone() == (app_role, complaint.number)
            cursor.execute("SELECT count(*) FROM audit_auditevent WHERE object_id = %s", [str(complaint.pk)])
            assert cursor.fetchone() == (1,)
            for statement, message in [
                ("DROP TABLE audit_auditevent CASCADE", "must be owner of table audit_auditevent"),
                ("TRUNCATE audit_auditevent CASCADE", "permission denied for table audit_auditevent"),
                ("DELETE FROM audit_auditevent", "permission denied for table audit_auditevent"),
                (
                    "ALTER TABLE audit_auditevent RENAME TO old_audit",
                    "must be owner of table audit_auditevent",
                ),
                ("ALTER TABLE complaints_complaint DROP COLUMN description", "must be owner of table"),
            ]:
                with pytest.raises(psycopg2.Error, match=message):
                    cursor.execute(statement)
    finally:
        app.close()

    # A migration run as the app role: unapplying audit 0004 drops its TRUNCATE trigger, which only the owner may.
    db = connection.settings_dict
    environment = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "TEST_DB_NAME", "REDIS_URL"}
    }
    environment |= {
        "DJANGO_SETTINGS_MODULE": "enforcement.settings.test",
        "DB_CONN_MAX_AGE": "0",
        "DATABASE_URL": f"postgres://{app_role}:{PASSWORD}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}",
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "migrate", "audit", "0003", "--noinput"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0, done.stdout
    assert "must be owner of relation audit_auditevent" in done.stderr

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'audit_auditevent'::regclass "
            "AND tgname IN ('audit_event_append_only', 'audit_event_no_truncate')"
        )
        assert cursor.fetchone() == (2,)
        cursor.execute("SELECT count(*) FROM audit_auditevent WHERE object_id = %s", [str(complaint.pk)])
        assert cursor.fetchone() == (1,)
