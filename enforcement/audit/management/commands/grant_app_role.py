"""`manage.py grant_app_role ROLE`: the database role the web processes and workers connect as in
production, which does not own the tables (var/readme/pooling.md, "The application's database role").

Run it as the owner of the tables (the role migrations run as), after every `migrate`: docker-compose's
`migrate` service does. It is idempotent. It creates ROLE if missing (LOGIN; with `--password-env VAR`, the
password in that environment variable, also set on an existing role), then, in the current schema:

- SELECT, INSERT, UPDATE, DELETE on every table and USAGE, SELECT on every sequence, and the same by default
  on the tables and sequences the owner creates later (ALTER DEFAULT PRIVILEGES), so a new migration's
  tables need no new grant;
- on the audit trail (audit_auditevent) SELECT and INSERT only: no UPDATE, DELETE or TRUNCATE, on top of the
  triggers that refuse them (audit migrations 0002, 0004) and which only an owner could drop;
- on Django's migration records SELECT only.

Not owning the tables, the role cannot DROP, ALTER or TRUNCATE them, drop the audit triggers or run a
migration. Sequences get no UPDATE (setval): the app never sets one; `loaddata`, which does, runs as the
owner."""

import os
import re

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder

from enforcement.audit.models import AuditEvent

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class Command(BaseCommand):
    help = "Creates (if missing) and grants the application's database role: data, not the tables."

    def add_arguments(self, parser):
        parser.add_argument("role", help="the role the web processes and workers connect as")
        parser.add_argument(
            "--password-env", metavar="VAR", help="the environment variable holding the role's password"
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, role, password_env, database, **options):
        connection = connections[database]
        if connection.vendor != "postgresql":
            raise CommandError("Database roles are PostgreSQL's: this database is not PostgreSQL.")
        if not ROLE_NAME.match(role):
            raise CommandError(
                f"{role!r} is not a plain role name (lower-case letters, digits, underscores)."
            )
        password = None
        if password_env:
            password = os.environ.get(password_env, "")
            if not password:
                raise CommandError(f"The environment variable {password_env} is empty or not set.")
        quote = connection.ops.quote_name
        name = quote(role)
        with transaction.atomic(using=database), connection.cursor() as cursor:
            cursor.execute("SELECT current_user, current_schema(), current_database()")
            owner, schema, dbname = cursor.fetchone()
            if role == owner:
                raise CommandError(
                    f"{role} is the role running this command, the tables' owner: "
                    "name another role for the application."
                )
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
            found = cursor.fetchone()
            if found is None:
                if password is None:
                    cursor.execute(f"CREATE ROLE {name} LOGIN")
                else:
                    cursor.execute(f"CREATE ROLE {name} LOGIN PASSWORD %s", [password])
            elif found[0]:
                raise CommandError(f"{role} is a superuser: no privilege would hold it back.")
            elif password is not None:
                cursor.execute(f"ALTER ROLE {name} PASSWORD %s", [password])
            schema, dbname = quote(schema), quote(dbname)
            audit, migrations = (
                quote(AuditEvent._meta.db_table),
                quote(MigrationRecorder.Migration._meta.db_table),
            )
            for statement in [
                f"GRANT CONNECT ON DATABASE {dbname} TO {name}",
                f"GRANT USAGE ON SCHEMA {schema} TO {name}",
                # From a clean slate, so a grant given by hand before is not left over.
                f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {name}",
                f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {name}",
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {name}",
                f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {name}",
                f"ALTER DEFAULT PRIVILEGES FOR ROLE {quote(owner)} IN SCHEMA {schema} "
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {name}",
                f"ALTER DEFAULT PRIVILEGES FOR ROLE {quote(owner)} IN SCHEMA {schema} "
                f"GRANT USAGE, SELECT ON SEQUENCES TO {name}",
                f"REVOKE UPDATE, DELETE, TRUNCATE ON {audit} FROM {name}",
                f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {migrations} FROM {name}",
            ]:
                cursor.execute(statement)
            cursor.execute("SELECT has_schema_privilege(%s, current_schema(), 'CREATE')", [role])
            can_create = cursor.fetchone()[0]
        self.stdout.write(
            f"{role}: reads and writes the data of {dbname}; appends to the audit trail only; "
            f"owns nothing (the owner stays {owner})."
        )
        if can_create:
            # PostgreSQL before 15 lets every role (PUBLIC) create tables in the public schema.
            self.stderr.write(
                f"Warning: {role} may still create tables in schema {schema} (granted to PUBLIC "
                f"before PostgreSQL 15): run `REVOKE CREATE ON SCHEMA {schema} FROM PUBLIC` as "
                f"its owner and `GRANT CREATE ON SCHEMA {schema} TO {owner}`."
            )
