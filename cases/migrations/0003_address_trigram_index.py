"""PostgreSQL only: a trigram index on the case's place, so the list's free text (`address LIKE '%…%'`, three
characters or more) is an index scan among 500,000 cases instead of reading a district's 80,000 (bench/
RESULTS.md). pg_trgm is installed by the complaints' migration 0002."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS case_address_trgm ON cases_case USING gin (address gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS case_address_trgm")


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_hearing_withdrawn"), ("complaints", "0002_trigram_search_indexes")]

    operations = [migrations.RunPython(create, drop)]
