"""PostgreSQL only: trigram indexes so the list's free-text filter (`icontains` on description and
address, which Django writes as UPPER(col) LIKE UPPER('%q%')) is an index scan at millions of rows.
Other databases keep the plain scan."""

from django.db import migrations

INDEXES = [
    ("complaint_description_trgm", "UPPER(description)"),
    ("complaint_address_trgm", "UPPER(address::text)"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, expression in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON complaints_complaint USING gin ({expression} gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _expression in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
