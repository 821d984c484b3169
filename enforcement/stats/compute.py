"""Recomputing a month's tallies from the records.

`recompute(period)` stores every registered source's tallies with one INSERT … SELECT each (the records
scanned once, grouped at the finest level, summed per grain, all in the database) and so replaces the
month's stored rows in one transaction, under a lock on the month's `TallyMonth` row. The
same records give the same rows whatever order or how many times it runs, and two workers recomputing
one month run one after the other (PostgreSQL's row lock; SQLite has one writer anyway).
"""

import time

from django.db import connections, transaction
from django.db.models import BigIntegerField, F, Value
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from enforcement.org.models import OrgUnit

from . import measures
from .models import Grain, MonthlyTally, TallyMonth


def _family(field):
    """The major category of the category in `field` ("category_id", "case__category_id"): its parent, or
    itself when it is a major category."""
    relation = field.removesuffix("_id")
    return Coalesce(F(f"{relation}__parent_id"), F(field))


def _finest(tally):
    """The tally's records grouped by every key it has (unit, category, channel, person), each measure
    aggregated: the one scan of the records each grain is summed from."""
    keys = {"u": F(tally.unit)}
    # Without a category field: a typed NULL, so the grains' UNION agrees with the id columns (PostgreSQL).
    # Categories are stored by their family (大类), which every report groups by: a third of the rows.
    keys["c"] = _family(tally.category) if tally.category else Cast(Value(None), BigIntegerField())
    if tally.channel:
        keys["ch"] = F(tally.channel)
    if tally.person:
        keys["p"] = F(tally.person)
    return tally.queryset.order_by().values(**keys).annotate(**tally.values)


def _grains(tally, by_grain):
    """{grain: the measure slugs it stores} for this tally: every measure per unit and per category; the
    measures declared so per channel and per person, when the tally has those fields."""
    slugs = list(tally.values)
    grains = {Grain.UNIT: slugs, Grain.CATEGORY: slugs}  # no category field: stored as uncategorised
    if tally.channel:
        grains[Grain.CHANNEL] = [slug for slug in slugs if slug in by_grain[Grain.CHANNEL]]
    if tally.person:
        grains[Grain.PERSON] = [slug for slug in slugs if slug in by_grain[Grain.PERSON]]
    grains[Grain.TREE] = grains[Grain.TREE_CATEGORY] = slugs  # summed from the first two, after them
    return {grain: names for grain, names in grains.items() if names}


NO_ID = "CAST(NULL AS BIGINT)"
# The second key each grain groups by, and the column it is stored in.
GRAIN_KEYS = {
    Grain.UNIT: None,
    Grain.CATEGORY: "c",
    Grain.CHANNEL: "ch",
    Grain.PERSON: "p",
    Grain.TREE: None,
    Grain.TREE_CATEGORY: "c",
}
# The tree grains and the grain each sums over the subtree.
TREE_OF = {Grain.TREE: Grain.UNIT, Grain.TREE_CATEGORY: Grain.CATEGORY}
# Each unit with sub-units beside every unit of its subtree (itself included), by the tree as it is now.
PAIRS_CTE = """pairs AS (
    SELECT u.id AS unit_id, a.id AS ancestor_id
    FROM %(units)s u JOIN %(units)s a ON substr(u.path, 1, length(a.path)) = a.path
    WHERE EXISTS (SELECT 1 FROM %(units)s c WHERE c.parent_id = a.id)
)"""


def insert_sql(tally, period, by_grain, connection):
    """One INSERT … SELECT storing every grain of `tally` for `period`: the records are grouped once at the
    finest level (a CTE), each grain sums those groups (a CTE each), and each measure becomes rows of its
    own. All of it runs in the database; zeros are not stored (a missing row reads as 0)."""
    q = connection.ops.quote_name
    # The branches of a UNION must agree on their types: PostgreSQL reads a bare parameter as text.
    month = "CAST(%s AS DATE)" if connection.vendor == "postgresql" else "%s"
    finest, params = _finest(tally).query.sql_with_params()
    grains = _grains(tally, by_grain)
    ctes = [f"g AS ({finest})", PAIRS_CTE % {"units": q(OrgUnit._meta.db_table)}]
    selects, select_params = [], []
    columns = {"c": "category_id", "ch": "channel", "p": "person_id"}
    for grain, slugs in grains.items():
        key = GRAIN_KEYS[grain]
        group = "u" if key is None else f"u, {key}"
        sums = ", ".join(f"SUM({q(slug)}) AS {q(slug)}" for slug in slugs)
        if grain in TREE_OF:  # a subtree's sums: the unit (or unit × category) groups, per ancestor
            keys = "p.ancestor_id" + ("" if key is None else f", s.{key}")
            ctes.append(
                f"r_{grain} AS (SELECT p.ancestor_id AS u{'' if key is None else f', s.{key} AS {key}'}, "
                + ", ".join(f"SUM(s.{q(slug)}) AS {q(slug)}" for slug in slugs)
                + f" FROM r_{TREE_OF[grain]} s JOIN pairs p ON p.unit_id = s.u GROUP BY {keys})"
            )
        else:
            where = "u IS NOT NULL" + (f" AND {key} IS NOT NULL" if key == "p" else "")
            ctes.append(f"r_{grain} AS (SELECT {group}, {sums} FROM g WHERE {where} GROUP BY {group})")
        for slug in slugs:
            values = {"category_id": NO_ID, "channel": "''", "person_id": NO_ID}
            if key is not None:
                values[columns[key]] = key if key != "ch" else "COALESCE(ch, '')"
            selects.append(
                f"SELECT {month}, %s, u, {values['category_id']}, {values['channel']}, {values['person_id']}, %s, "
                f"{q(slug)} FROM r_{grain} WHERE {q(slug)} <> 0"
            )
            select_params += [period.first_day.isoformat(), grain.value, slug]
    table = q(MonthlyTally._meta.db_table)
    sql = (
        f"WITH {', '.join(ctes)} INSERT INTO {table} "
        "(month, grain, unit_id, category_id, channel, person_id, measure, value) "
        + " UNION ALL ".join(selects)
    )
    return sql, (*params, *select_params)


def store(period, connection):
    """Stores the month's tallies of every source; returns the rows stored (None where the database does
    not count the rows an INSERT … SELECT wrote: SQLite)."""
    all_measures = measures.all_measures()
    by_grain = {
        Grain.CHANNEL: {m.slug for m in all_measures if m.by_channel},
        Grain.PERSON: {m.slug for m in all_measures if m.by_person},
    }
    written = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The statements are large (a branch per measure and grain) and run once: compiling them with
            # JIT cost more than running them (220 of 870 ms for the complaints of a month of 2 million).
            cursor.execute("SET LOCAL jit = off")
        for source in measures.sources():
            for tally in source.tallies(period):
                memory = tally.work_mem if connection.vendor == "postgresql" else None
                if memory:
                    cursor.execute("SELECT set_config('work_mem', %s, true)", [memory])
                cursor.execute(*insert_sql(tally, period, by_grain, connection))
                written = None if written is None or cursor.rowcount < 0 else written + cursor.rowcount
                if memory:
                    cursor.execute("SET LOCAL work_mem TO DEFAULT")
    return written if connection.vendor == "postgresql" else None


def roll_sql(connection):
    """The INSERT … SELECT of every stored month's tree grains from its unit and category rows: for every
    unit with sub-units, its whole subtree (itself included) summed by the tree as it is now (a recompute
    writes them with the month, `insert_sql`; this is for a tree that changed)."""
    q = connection.ops.quote_name
    table, units = q(MonthlyTally._meta.db_table), q(OrgUnit._meta.db_table)
    sql = f"""
        WITH {PAIRS_CTE % {"units": units}}
        INSERT INTO {table} (month, grain, unit_id, category_id, channel, person_id, measure, value)
        SELECT r.month, CASE WHEN r.grain = %s THEN %s ELSE %s END, p.ancestor_id, r.category_id, '', NULL,
               r.measure, SUM(r.value)
        FROM {table} r JOIN pairs p ON p.unit_id = r.unit_id
        WHERE r.grain IN (%s, %s)
        GROUP BY r.month, r.grain, p.ancestor_id, r.category_id, r.measure
    """
    grains = [Grain.UNIT.value, Grain.TREE.value, Grain.TREE_CATEGORY.value]
    return sql, [*grains, Grain.UNIT.value, Grain.CATEGORY.value]


TREE_GRAINS = (Grain.TREE, Grain.TREE_CATEGORY)


def reroll():
    """Every stored month's tree grains again, after the tree changed (a unit moved, or one added under
    another): the reports roll units up by the tree as it is now. From the stored rows, not the records."""
    connection = connections[MonthlyTally.objects.db]
    with transaction.atomic(using=MonthlyTally.objects.db):
        MonthlyTally.objects.filter(grain__in=TREE_GRAINS).delete()
        with connection.cursor() as cursor:
            cursor.execute(*roll_sql(connection))


def recompute(period):
    """Replaces the stored tallies of `period` (a `measures.Period`) and returns its `TallyMonth`."""
    started = time.monotonic()
    with transaction.atomic():
        month, _ = TallyMonth.objects.get_or_create(month=period.first_day)
        month = TallyMonth.objects.select_for_update().get(pk=month.pk)
        MonthlyTally.objects.filter(grain__in=Grain.values, month=period.first_day).delete()
        # Read under the lock, so the later of two runs sees the later records and leaves its rows.
        connection = connections[MonthlyTally.objects.db]
        rows = store(period, connection)
        if rows is None:
            rows = MonthlyTally.objects.filter(grain__in=Grain.values, month=period.first_day).count()
        month.computed_at = timezone.now()
        month.seconds = round(time.monotonic() - started, 3)
        month.rows = rows
        month.save(update_fields=["computed_at", "seconds", "rows"])
    return month


def recompute_range(first, last):
    """Every month from `first` to `last` (Periods, both included), one transaction each."""
    return [recompute(period) for period in measures.Period.range(first, last)]
