"""The dashboard's figures (PRODUCT §9), all read from the stored tallies: the monthly trend of complaints
and cases over the last twelve months, the year's categories, the sub-units ranked by on-time rate (the
assessment, 考评), satisfaction by month, the campaigns' work this year — and, apart, the heat of complaint
locations, which the sources count per map cell in the database.

What a role sees first follows what it answers for: the intake desk and statistics staff the complaints,
officers and leaders the cases and the campaigns too; every role sees only its own scope."""

from decimal import Decimal

from enforcement.org.choices import Role
from enforcement.org.models import OrgUnit

from . import measures, read
from .measures import Period

TREND_MONTHS = 12
TOP_CATEGORIES = 10
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


def panels_for(user):
    """Which panels a role sees, most relevant first."""
    if user.has_role(Role.INTAKE) and not user.is_supervisor:
        return ["trend", "categories", "satisfaction", "ranking", "heat"]
    return ["trend", "ranking", "categories", "satisfaction", "campaigns", "heat"]


def data(user, unit, through=None):
    """Everything the dashboard draws for `unit`'s subtree, up to the month `through` (the current one by
    default), as plain JSON-ready values."""
    through = through or Period.current()
    first = through
    for _month in range(TREND_MONTHS - 1):
        first = first.previous()
    year_start = Period.of(through.year, 1)

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

    ranking = []
    ranking_slugs = _known(RANKING)
    if ranking_slugs and OrgUnit.objects.filter(parent=unit).exists():
        by_unit = read.report(unit, year_start, through, group_by=read.GroupBy.UNIT, slugs=ranking_slugs)
        lead = ranking_slugs[0]
        rows = [row for row in by_unit.rows if row.key != unit.path]
        rows.sort(key=lambda row: (row.value(lead) is None, -(row.value(lead) or 0)))
        ranking = [
            {
                "label": str(row.label),
                **{
                    slug: None if row.value(slug) is None else float(row.value(slug))
                    for slug in ranking_slugs
                },
            }
            for row in rows
        ]

    campaign_columns = [m for m in measures.ordered(measures.all_measures()) if m.family == "campaigns"]
    campaigns = []
    if campaign_columns:
        done = read.totals(unit, year_start, through, [m.slug for m in campaign_columns])
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
        "campaigns": campaigns,
        "panels": panels_for(user),
    }


def heat(unit, first, last=None, cell=HEAT_CELL):
    """[[lat, lng, count], …]: where the records of `unit`'s subtree in the months were, per map cell,
    the busiest cells first (at most HEAT_MAX_CELLS)."""
    last = last or first
    unit_ids = list(OrgUnit.objects.subtree(unit).values_list("id", flat=True))
    cells = {}
    for source in measures.sources():
        if source.points is not None:
            for lat, lng, count in source.points(first, last, unit_ids, cell):
                key = (float(lat), float(lng))
                cells[key] = cells.get(key, 0) + int(count)
    busiest = sorted(cells.items(), key=lambda item: -item[1])[:HEAT_MAX_CELLS]
    return [[lat, lng, count] for (lat, lng), count in busiest]
