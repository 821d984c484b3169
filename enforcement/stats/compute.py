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
    return {grain: names for grain, names in grains.items() if names}


NO_ID = "CAST(NULL AS BIGINT)"
# The second key each grain groups by, and the column it is stored in.
GRAIN_KEYS = {Grain.UNIT: None, Grain.CATEGORY: "c", Grain.CHANNEL: "ch", Grain.PERSON: "p"}


def insert_sql(tally, period, by_grain, connection):
    """One INSERT … SELECT storing every grain of `tally` for `period`: the records are grouped once at the
    finest level (a CTE), each grain sums those groups (a CTE each), and each measure becomes rows of its
    own. All of it runs in the database; zeros are not stored (a missing row reads as 0)."""
    q = connection.ops.quote_name
    # The branches of a UNION must agree on their types: PostgreSQL reads a bare parameter as text.
    month = "CAST(%s AS DATE)" if connection.vendor == "postgresql" else "%s"
    finest, params = _finest(tally).query.sql_with_params()
    grains = _grains(tally, by_grain)
    ctes = [f"g AS ({finest})"]
    selects, select_params = [], []
    columns = {"c": "category_id", "ch": "channel", "p": "person_id"}
    for grain, slugs in grains.items():
        key = GRAIN_KEYS[grain]
        group = "u" if key is None else f"u, {key}"
        sums = ", ".join(f"SUM({q(slug)}) AS {q(slug)}" for slug in slugs)
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
    """Stores the month's tallies of every source."""
    all_measures = measures.all_measures()
    by_grain = {
        Grain.CHANNEL: {m.slug for m in all_measures if m.by_channel},
        Grain.PERSON: {m.slug for m in all_measures if m.by_person},
    }
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The statements are large (a branch per measure and grain) and run once: compiling them with
            # JIT cost more than running them (220 of 870 ms for the complaints of a month of 2 million).
            cursor.execute("SET LOCAL jit = off")
            # The month's records grouped at the finest level (50,000 complaints of a city) sort in memory
            # rather than in temporary files (4 MB, the default, spilled 6 MB to disk: a sixth of the time).
            cursor.execute("SET LOCAL work_mem = '64MB'")
        for source in measures.sources():
            for tally in source.tallies(period):
                cursor.execute(*insert_sql(tally, period, by_grain, connection))


def roll_sql(connection, month=None):
    """The INSERT … SELECT of the tree grains: for every unit with sub-units, the unit and category rows of
    its whole subtree (itself included) summed, by the tree as it is now; of one month (its first day), or
    of every month stored. A unit without sub-units has no tree rows: its own rows are its subtree's."""
    q = connection.ops.quote_name
    table, units = q(MonthlyTally._meta.db_table), q(OrgUnit._meta.db_table)
    where, params = "", []
    if month is not None:
        where, params = "AND r.month = %s", [month.isoformat()]
    sql = f"""
        WITH pairs AS (
            SELECT u.id AS unit_id, a.id AS ancestor_id
            FROM {units} u JOIN {units} a ON substr(u.path, 1, length(a.path)) = a.path
            WHERE EXISTS (SELECT 1 FROM {units} c WHERE c.parent_id = a.id)
        )
        INSERT INTO {table} (month, grain, unit_id, category_id, channel, person_id, measure, value)
        SELECT r.month, CASE WHEN r.grain = %s THEN %s ELSE %s END, p.ancestor_id, r.category_id, '', NULL,
               r.measure, SUM(r.value)
        FROM {table} r JOIN pairs p ON p.unit_id = r.unit_id
        WHERE r.grain IN (%s, %s) {where}
        GROUP BY r.month, r.grain, p.ancestor_id, r.category_id, r.measure
    """
    grains = [Grain.UNIT.value, Grain.TREE.value, Grain.TREE_CATEGORY.value]
    return sql, [*grains, Grain.UNIT.value, Grain.CATEGORY.value, *params]


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
        store(period, connection)
        with connection.cursor() as cursor:
            cursor.execute(*roll_sql(connection, period.first_day))
        rows = MonthlyTally.objects.filter(
            grain__in=Grain.values, month=period.first_day
        ).count()  # SQLite gives no rowcount for it
        month.computed_at = timezone.now()
        month.seconds = round(time.monotonic() - started, 3)
        month.rows = rows
        month.save(update_fields=["computed_at", "seconds", "rows"])
    return month


def recompute_range(first, last):
    """Every month from `first` to `last` (Periods, both included), one transaction each."""
    return [recompute(period) for period in measures.Period.range(first, last)]
