"""Django's `flush`, as the test suite runs it after every test that commits (live server, real worker):
in one transaction that lets TRUNCATE empty the audit table, which refuses it otherwise on PostgreSQL
(enforcement/audit/migrations/0004_refuse_truncate.py). Installed with the test-only app, so the test
settings have it and no other settings do."""

from django.core.management.commands import flush
from django.db import connections, transaction

from enforcement.audit.services import allow_truncate


class Command(flush.Command):
    def handle(self, **options):
        database = options["database"]
        with transaction.atomic(using=database):
            allow_truncate(connections[database])
            super().handle(**options)
