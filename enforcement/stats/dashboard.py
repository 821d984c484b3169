"""The dashboard's figures (PRODUCT §9), all read from the stored tallies: the monthly trend of complaints
and cases over the last twelve months, the year's categories, the sub-units ranked by on-time rate (the
assessment, 考评), satisfaction by month, the campaigns' work this year — and, apart, the heat of complaint
locations, which the sources count per map cell in the database.

What a role sees first follows what it answers for: the intake desk and statistics staff the complaints,
officers and leaders the cases and the campaigns too; every role sees only its own scope."""

from decimal import Decimal

from enforcement.org.choices import Role

from . import measures, query, read
from .measures import Period

TREND_MONTHS = 12
TOP_CATEGORIES = 10
TOP_OFFICERS = 20
HEAT_CELL = Decimal("0.002")  # degrees: about 200 m in the south of China
HEAT_MAX_CELLS = 5000

TREND = ("complaints_received", "complaints_closed", "cases_filed", "cases_simple")
TREND_RATES = ("completion_rate", "on_time_rate", "satisfaction_rate")
RANKING = ("on_time_rate", "complaints_overdue", "complaints_reopened", "satisfaction_rate")


def _known(slugs):
    declared = {item.slug for item in [*measures.all_measures(), *measures.all_rates()]}
    return [slug for slug in slugs if slug in declared]


def _series(report, slugs):
    out = {}
    for slug in slugs:
        values = [row.value(slug) for row in report.rows]
        out[slug] = [None if value is None else float(value) for value in values]
    return out


def _ranked(rows, slugs):
    """The rows with something to rank, by the first figure of `slugs` (a rate), highest first; those with
    nothing to divide last; ties by the number of items handled (the rate's denominator)."""
    lead = measures.get(slugs[0])
    handled = getattr(lead, "denominator", ())
    rows = [row for row in rows if any(row.value(slug) for slug in slugs)]
    rows.sort(
        key=lambda row: (
            row.value(lead.slug) is None,
            -(row.value(lead.slug) or 0),
            -sum(row.figures.get(slug, 0) for slug in handled),
            str(row.label),
        )
    )
    return [
        {
            "label": str(row.label),
            **{slug: None if row.value(slug) is None else float(row.value(slug)) for slug in slugs},
        }
        for row in rows
    ]


def panels_for(user):
    """Which panels a role sees, most relevant first."""
    if user.has_role(Role.INTAKE) and not user.is_supervisor:
        return ["trend", "categories", "satisfaction", "ranking", "heat"]
    return ["trend", "ranking", "officers", "categories", "satisfaction", "campaigns", "heat"]


def data(user, unit, through=None):
    """Everything the dashboard draws for `unit`'s subtree, up to the month `through` (the current one by
    default), as plain JSON-ready values."""
    through = through or Period.current()
    first = through
    for _month in range(TREND_MONTHS - 1):
        first = first.previous()
    year_start = Period.of(through.year, 1)
    with read.one_subtree(unit):
        return _data(user, unit, first, year_start, through)


def _data(user, unit, first, year_start, through):
    trend_slugs = _known(TREND + TREND_RATES)
    trend = read.report(unit, first, through, group_by=read.GroupBy.MONTH, slugs=trend_slugs)
    labels = [row.label for row in trend.rows]
    columns = {column.slug: column for column in trend.columns}

    categories = []
    if _known(["complaints_received"]):
        by_category = read.report(
            unit, year_start, through, group_by=read.GroupBy.CATEGORY, slugs=["complaints_received"]
        )
        rows = sorted(by_category.rows, key=lambda row: row.value("complaints_received"), reverse=True)
        categories = [
            {"label": str(row.label), "value": float(row.value("complaints_received"))}
            for row in rows[:TOP_CATEGORIES]
            if row.value("complaints_received")
        ]

    # The ranking and the campaigns' year: one read of the year by sub-unit (its total is the campaigns').
    ranking = []
    ranking_slugs = _known(RANKING)
    campaign_columns = [m for m in measures.ordered(measures.all_measures()) if m.family == "campaigns"]
    by_unit = read.report(
        unit,
        year_start,
        through,
        group_by=read.GroupBy.UNIT,
        slugs=[*ranking_slugs, *(m.slug for m in campaign_columns)],
    )
    if ranking_slugs:
        ranking = _ranked([row for row in by_unit.rows if row.key != unit.path], ranking_slugs)

    # Each officer's assessment, for the unit's leaders and statistics staff (query.may_see_people).
    officers = []
    if ranking_slugs and query.may_see_people(user):
        by_person = read.report(unit, year_start, through, group_by=read.GroupBy.PERSON, slugs=ranking_slugs)
        people = [row for row in by_person.rows if row.key is not None]  # not the records nobody handled
        officers = _ranked(people, ranking_slugs)[:TOP_OFFICERS]

    done = by_unit.total.figures
    campaigns = [
        {"label": str(m.label), "value": float(done[m.slug]), "unit": m.unit}
        for m in campaign_columns
        if done.get(m.slug)
    ]

    return {
        "unit": {"id": unit.pk, "name": unit.display_name},
        "through": str(through),
        "months": labels,
        "labels": {slug: str(column.label) for slug, column in columns.items()},
        "trend": _series(trend, [s for s in trend_slugs if s in TREND]),
        "rates": _series(trend, [s for s in trend_slugs if s in TREND_RATES]),
        "categories": categories,
        "ranking": {
            "columns": {slug: str(measures.get(slug).label) for slug in ranking_slugs},
            "rows": ranking,
        },
        "officers": officers,
        "campaigns": campaigns,
        "panels": panels_for(user),
    }


def heat(unit, first, last=None, cell=HEAT_CELL):
    """[[lat, lng, count], …]: where the records of `unit`'s subtree in the months were, per map cell,
    the busiest cells first (at most HEAT_MAX_CELLS)."""
    last = last or first
    unit_ids = read.subtree_ids(unit)
    cells = {}
    for source in measures.sources():
        if source.points is not None:
            for lat, lng, count in source.points(first, last, unit_ids, cell):
                key = (float(lat), float(lng))
                cells[key] = cells.get(key, 0) + int(count)
    busiest = sorted(cells.items(), key=lambda item: -item[1])[:HEAT_MAX_CELLS]
    return [[lat, lng, count] for (lat, lng), count in busiest]
