"""Recomputing a month's tallies from the records.

`recompute(period)` runs every registered source's tallies as grouped queries, one per grain, and
replaces the month's stored rows in one transaction, under a lock on the month's `TallyMonth` row. The
same records give the same rows whatever order or how many times it runs, and two workers recomputing
one month run one after the other (PostgreSQL's row lock; SQLite has one writer anyway).
"""

import time
from decimal import Decimal

from django.db import transaction
from django.db.models import F, IntegerField, Value
from django.utils import timezone

from . import measures
from .models import Grain, MonthlyTally, TallyMonth

BATCH = 5000


def _grouped(tally, grain, slugs):
    """The tally's records grouped by unit and the grain's second key, the measures `slugs` aggregated:
    rows of dicts {"u", "c" | "ch" | "p", <slug>: value}."""
    keys = {"u": F(tally.unit)}
    if grain == Grain.CATEGORY:
        keys["c"] = F(tally.category) if tally.category else Value(None, output_field=IntegerField())
    elif grain == Grain.CHANNEL:
        keys["ch"] = F(tally.channel)
    elif grain == Grain.PERSON:
        keys["p"] = F(tally.person)
    return tally.queryset.order_by().values(**keys).annotate(**{slug: tally.values[slug] for slug in slugs})


def tally_rows(period):
    """The month's `MonthlyTally` rows, unsaved, from every source (zeros left out: a missing row is 0)."""
    rows = []
    all_measures = measures.all_measures()
    by_grain = {
        Grain.CHANNEL: {m.slug for m in all_measures if m.by_channel},
        Grain.PERSON: {m.slug for m in all_measures if m.by_person},
    }
    for source in measures.sources():
        for tally in source.tallies(period):
            grains = [Grain.UNIT, Grain.CATEGORY]  # no category field: stored as uncategorised
            if tally.channel and by_grain[Grain.CHANNEL].intersection(tally.values):
                grains.append(Grain.CHANNEL)
            if tally.person and by_grain[Grain.PERSON].intersection(tally.values):
                grains.append(Grain.PERSON)
            for grain in grains:
                slugs = [s for s in tally.values if grain not in by_grain or s in by_grain[grain]]
                for group in _grouped(tally, grain, slugs):
                    if group["u"] is None or (grain == Grain.PERSON and group["p"] is None):
                        continue
                    for slug in slugs:
                        value = group[slug]
                        if value:
                            rows.append(
                                MonthlyTally(
                                    month=period.first_day,
                                    grain=grain,
                                    unit_id=group["u"],
                                    category_id=group.get("c"),
                                    channel=group.get("ch") or "",
                                    person_id=group.get("p"),
                                    measure=slug,
                                    value=Decimal(value).quantize(Decimal("0.01")),
                                )
                            )
    return rows


def recompute(period):
    """Replaces the stored tallies of `period` (a `measures.Period`) and returns its `TallyMonth`."""
    started = time.monotonic()
    with transaction.atomic():
        month, _ = TallyMonth.objects.get_or_create(month=period.first_day)
        month = TallyMonth.objects.select_for_update().get(pk=month.pk)
        rows = tally_rows(period)  # read under the lock, so the later of two runs sees the later records
        MonthlyTally.objects.filter(month=period.first_day).delete()
        MonthlyTally.objects.bulk_create(rows, batch_size=BATCH)
        month.computed_at = timezone.now()
        month.seconds = round(time.monotonic() - started, 3)
        month.rows = len(rows)
        month.save(update_fields=["computed_at", "seconds", "rows"])
    return month


def recompute_range(first, last):
    """Every month from `first` to `last` (Periods, both included), one transaction each."""
    return [recompute(period) for period in measures.Period.range(first, last)]
