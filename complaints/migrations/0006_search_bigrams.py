"""PostgreSQL only: an index for two-character search terms (complaints/search.py). Most Chinese words have
two characters, and the trigram indexes of 0002 (which serve terms of three characters and more) cannot
find them.

`complaint_bigrams(t)` is every two-character piece of `t`; `complaint_search_bigrams(description,
address)` those of both, upper-cased, joined by a character no search term contains. The GIN index on the
latter answers `complaint_search_bigrams(description, address) @> ARRAY['<term>']`. Its statistics target is
raised so that ANALYZE keeps the frequency of every bigram but the rarest: PostgreSQL then knows a rare
term from a common one and chooses between the index and a walk of the newest-first index accordingly.
Building the index reads every complaint (about 1½ minutes at 2 million on the benchmark machine; the
ANALYZE 16 s). Other databases: nothing to do."""

from django.db import migrations

FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION complaint_bigrams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(substr(t, i, 2)), '{}') FROM generate_series(1, char_length(t) - 1) AS i
$$;
CREATE OR REPLACE FUNCTION complaint_search_bigrams(description text, address text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT complaint_bigrams(upper(description) || E'\x01' || upper(address))
$$;
"""
STATISTICS_TARGET = 1000


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTIONS)
    schema_editor.execute("SET maintenance_work_mem = '256MB'")  # a GIN build sorts its keys in memory
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS complaint_search_bigrams ON complaints_complaint "
        "USING gin (complaint_search_bigrams(description, address))"
    )
    schema_editor.execute("RESET maintenance_work_mem")
    schema_editor.execute(
        f"ALTER INDEX complaint_search_bigrams ALTER COLUMN 1 SET STATISTICS {STATISTICS_TARGET}"
    )
    # Committed first: an ANALYZE in the transaction that set the target still samples by the old one.
    schema_editor.execute("ANALYZE complaints_complaint")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS complaint_search_bigrams")
    schema_editor.execute("DROP FUNCTION IF EXISTS complaint_search_bigrams(text, text)")
    schema_editor.execute("DROP FUNCTION IF EXISTS complaint_bigrams(text)")


class Migration(migrations.Migration):
    atomic = False  # each statement commits: see the ANALYZE (every statement can run again)
    dependencies = [("complaints", "0005_list_indexes")]

    operations = [migrations.RunPython(create, drop)]
