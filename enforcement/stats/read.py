"""Reading the stored tallies: a unit's subtree over a run of months, grouped by sub-unit, category family,
channel or month, with every rate computed from the summed counts of the group (PRODUCT §9).

Units roll up by the tree as it is now (`OrgUnit.path`): a squadron moved to another district brings its
history with it. Categories are stored by their major category (大类), the level every report shows.
"""

from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, F, OuterRef, Q, Sum
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from enforcement.catalog.models import ViolationCategory
from enforcement.org.models import OrgUnit

from . import measures
from .measures import Period
from .models import Grain, MonthlyTally


class GroupBy:
    UNIT = "unit"
    CATEGORY = "category"
    CHANNEL = "channel"
    MONTH = "month"
    PERSON = "person"  # the assessment of each officer: for the unit's own leaders (query.parse checks)
    NONE = "none"

    CHOICES = (
        (UNIT, pgettext_lazy("statistics grouped by", "Sub-unit")),
        (CATEGORY, pgettext_lazy("statistics grouped by", "Category")),
        (CHANNEL, pgettext_lazy("statistics grouped by", "Channel")),
        (MONTH, pgettext_lazy("statistics grouped by", "Month")),
        (PERSON, pgettext_lazy("statistics grouped by", "Person responsible")),
    )


OWN_RECORDS = pgettext_lazy("statistics row", "%(unit)s (own records)")
UNCATEGORISED = pgettext_lazy("statistics row", "No category")
NO_CHANNEL = pgettext_lazy("statistics row", "Not by channel")
TOTAL = pgettext_lazy("statistics row", "Total")


@dataclass
class Row:
    key: object
    label: str
    figures: dict = field(default_factory=dict)  # {measure slug: Decimal}
    rates: dict = field(default_factory=dict)  # {rate slug: Decimal | None}

    def value(self, slug):
        if slug in self.rates:
            return self.rates[slug]
        return self.figures.get(slug, Decimal(0))

    def as_dict(self):
        return {
            "key": self.key if not hasattr(self.key, "isoformat") else self.key.isoformat(),
            "label": str(self.label),
            "figures": {slug: _number(value) for slug, value in self.figures.items()},
            "rates": {slug: None if value is None else float(value) for slug, value in self.rates.items()},
        }


def _number(value):
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


@dataclass
class Report:
    unit: OrgUnit
    first: Period
    last: Period
    group_by: str
    columns: list  # Measures and Rates, in the report's order
    rows: list[Row]
    total: Row

    @property
    def days(self):
        return (self.last.next_first_day - self.first.first_day).days

    def as_dict(self):
        return {
            "unit": {"id": self.unit.pk, "name": self.unit.display_name},
            "from": str(self.first),
            "to": str(self.last),
            "group_by": self.group_by,
            "columns": [column.as_dict() for column in self.columns],
            "rows": [row.as_dict() for row in self.rows],
            "total": self.total.as_dict(),
        }


def columns_for(families=None, slugs=None):
    items = [*measures.all_measures(), *measures.all_rates()]
    if families:
        items = [item for item in items if item.family in families]
    if slugs:
        items = [item for item in items if item.slug in slugs]
    return measures.ordered(items)


def subtree_ids(unit):
    """The ids of `unit` and every unit under it (inside `one_subtree(unit)`, read once)."""
    ids = getattr(unit, "_subtree_ids", None)
    return ids if ids is not None else list(OrgUnit.objects.subtree(unit).values_list("id", flat=True))


@contextmanager
def one_subtree(unit):
    """Several reports of `unit` (a page's panels) read its subtree once."""
    unit._subtree_ids, unit._children = subtree_ids(unit), children_of(unit)
    try:
        yield unit
    finally:
        unit._subtree_ids = unit._children = None


def _tallies(unit, first, last, grain, slugs):
    queryset = MonthlyTally.objects.filter(
        grain=grain,
        month__gte=first.first_day,
        month__lte=last.first_day,
        # The subtree's ids first (one indexed prefix query of a few hundred rows): PostgreSQL then reads
        # the tallies by (grain, month, unit) instead of joining every month's rows to the units.
        unit_id__in=subtree_ids(unit),
    )
    if slugs is not None:
        queryset = queryset.filter(measure__in=slugs)
    return queryset.order_by()


def children_of(unit):
    """[(id, path, has sub-units)] of `unit`'s sub-units (inside `one_subtree(unit)`, read once)."""
    children = getattr(unit, "_children", None)
    if children is None:
        below = OrgUnit.objects.filter(parent=OuterRef("pk"))
        children = list(
            OrgUnit.objects.filter(parent=unit)
            .annotate(has_children=Exists(below))
            .order_by()
            .values_list("pk", "path", "has_children")
        )
    return children


# A report of a few measures names them to the database; one of most of them (a report's every column)
# reads them all and leaves out the others here: with a list of 60 names PostgreSQL misjudges how many
# rows match and scans the whole table (a city's year by sub-unit: 140 ms instead of 35).
FEW_MEASURES = 12


def _months(first, last, slugs):
    queryset = MonthlyTally.objects.filter(month__gte=first.first_day, month__lte=last.first_day)
    if slugs is not None and len(slugs) <= FEW_MEASURES:
        queryset = queryset.filter(measure__in=slugs)
    return queryset.order_by()


def _grouped(rows, key, slugs):
    """{group: {measure: total}} of grouped rows ({"k" or `key`, "measure", "total"}), only `slugs`."""
    wanted = None if slugs is None else set(slugs)
    result = defaultdict(dict)
    for row in rows:
        if wanted is None or row["measure"] in wanted:
            result[key(row)][row["measure"]] = row["total"]
    return result


def figures_by(unit, first, last, group_by=GroupBy.NONE, slugs=None):
    """{group key: {measure slug: Decimal}} summed in the database, for `unit`'s subtree.

    A subtree is read from its stored sums (the tree grains, compute.roll): the unit's own rows when it has
    no sub-units, else its subtree's; by sub-unit, the unit's own records and each sub-unit's subtree. Per
    channel and per person the subtree's units are read one by one (those grains are not summed)."""
    if group_by in (GroupBy.CHANNEL, GroupBy.PERSON):
        grain = Grain.CHANNEL if group_by == GroupBy.CHANNEL else Grain.PERSON
        key = F("channel") if group_by == GroupBy.CHANNEL else F("person_id")
        queryset = _tallies(unit, first, last, grain, slugs)
        result = defaultdict(dict)
        for row in queryset.values("measure", k=key).annotate(total=Sum("value")):
            result[row["k"]][row["measure"]] = row["total"]
        return result
    children = children_of(unit)
    if group_by == GroupBy.UNIT:
        path_of = {unit.pk: unit.path, **{pk: path for pk, path, _below in children}}
        own = [unit.pk, *(pk for pk, _path, below in children if not below)]
        summed = [pk for pk, _path, below in children if below]
        queryset = _months(first, last, slugs).filter(
            Q(grain=Grain.UNIT, unit_id__in=own) | Q(grain=Grain.TREE, unit_id__in=summed)
        )
        rows = queryset.values("measure", "unit_id").annotate(total=Sum("value"))
        return _grouped(rows, lambda row: path_of[row["unit_id"]], slugs)
    if group_by == GroupBy.CATEGORY:
        grain, key = (Grain.TREE_CATEGORY if children else Grain.CATEGORY), F("category_id")
    else:
        grain, key = (
            (Grain.TREE if children else Grain.UNIT),
            F("month") if group_by == GroupBy.MONTH else None,
        )
    queryset = _months(first, last, slugs).filter(grain=grain, unit_id=unit.pk)
    if key is None:
        rows = queryset.values("measure").annotate(total=Sum("value"))
        return {None: dict(_grouped(rows, lambda row: None, slugs)).get(None, {})}
    rows = queryset.values("measure", k=key).annotate(total=Sum("value"))
    return _grouped(rows, lambda row: row["k"], slugs)


def _with_rates(row, rates):
    row.rates = {rate.slug: rate.value(row.figures) for rate in rates}
    return row


def _labels(unit, group_by, keys):
    if group_by == GroupBy.UNIT:
        paths = {key for key in keys if key}
        units = {u.path: u for u in OrgUnit.objects.filter(path__in=paths)}
        labels = {}
        for key in keys:
            if key == unit.path:
                labels[key] = OWN_RECORDS % {"unit": unit.display_name}
            else:
                labels[key] = units[key].display_name if key in units else key
        order = sorted(keys, key=lambda key: (key != unit.path, key))
        return labels, order
    if group_by == GroupBy.CATEGORY:
        categories = ViolationCategory.objects.in_bulk([key for key in keys if key is not None])
        labels = {key: categories[key].display_name if key in categories else UNCATEGORISED for key in keys}
        order = sorted(
            keys,
            key=lambda key: (
                key is None,
                *((categories[key].sort_order, categories[key].code) if key in categories else (0, "")),
            ),
        )
        return labels, order
    if group_by == GroupBy.CHANNEL:
        names = measures.channel_labels()
        labels = {key: names.get(key, key) if key else NO_CHANNEL for key in keys}
        order = sorted(keys, key=lambda key: list(names).index(key) if key in names else len(names))
        return labels, order
    if group_by == GroupBy.MONTH:
        return {key: f"{key:%Y-%m}" for key in keys}, sorted(keys)
    if group_by == GroupBy.PERSON:
        from enforcement.org.models import User

        people = User.objects.select_related("unit").in_bulk(keys)
        labels = {
            key: f"{people[key]} ({people[key].unit})"
            if key in people and people[key].unit_id
            else str(people.get(key, key))
            for key in keys
        }
        return labels, sorted(keys, key=lambda key: labels[key])
    return {key: TOTAL for key in keys}, list(keys)


# Groupings read from a grain that stores every measure (compute._grains: per unit and per category).
WHOLE_GRAINS = (GroupBy.UNIT, GroupBy.MONTH, GroupBy.CATEGORY)


def report(unit, first, last=None, *, group_by=GroupBy.UNIT, families=None, slugs=None):
    """The `Report` of `unit`'s subtree from `first` to `last` (Periods; one month when `last` is None)."""
    last = last or first
    columns = columns_for(families, slugs)
    rates = [column for column in columns if isinstance(column, measures.Rate)]
    needed = {c.slug for c in columns if isinstance(c, measures.Measure)}
    needed |= {slug for rate in rates for slug in (*rate.numerator, *rate.denominator)}
    grouped = figures_by(unit, first, last, group_by, sorted(needed))
    if group_by == GroupBy.MONTH:  # every month a row, even one with nothing
        for period in Period.range(first, last):
            grouped.setdefault(period.first_day, {})
    labels, order = _labels(unit, group_by, list(grouped))
    rows = [_with_rates(Row(key, labels[key], grouped[key]), rates) for key in order]
    if group_by in WHOLE_GRAINS:  # the groups share out every record: the total is their sum
        totals = defaultdict(Decimal)
        for found in grouped.values():
            for slug, value in found.items():
                totals[slug] += value
        totals = dict(totals)
    else:  # per channel or person only the measures counted so: the total from the unit grain
        totals = figures_by(unit, first, last, GroupBy.NONE, sorted(needed))[None]
    total = _with_rates(Row(None, TOTAL, totals), rates)
    return Report(unit, first, last, group_by, columns, rows, total)


def totals(unit, first, last=None, slugs=None):
    """{measure slug: Decimal} for `unit`'s subtree, months `first` to `last`."""
    return figures_by(unit, first, last or first, GroupBy.NONE, slugs)[None]


def change(current, previous):
    """The change from `previous` to `current` in %, one decimal, half up; None from nothing."""
    current, previous = Decimal(current or 0), Decimal(previous or 0)
    if not previous:
        return None
    return ((current - previous) * 100 / previous).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def daily_average(value, days):
    return (Decimal(value or 0) / days).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if days else None


@dataclass
class Comparison:
    """One figure of a unit over a period beside the period before, the same period a year earlier, the
    year to date and the daily average ("general cases 576, up 27.7 %; 74.5 a day")."""

    column: object
    value: object
    previous: object
    last_year: object
    year_to_date: object
    daily: object

    @property
    def month_on_month(self):
        return change(self.value, self.previous) if not isinstance(self.column, measures.Rate) else None

    @property
    def year_on_year(self):
        return change(self.value, self.last_year) if not isinstance(self.column, measures.Rate) else None

    def as_dict(self):
        def out(value):
            return None if value is None else _number(value)

        return {
            "slug": self.column.slug,
            "value": out(self.value),
            "previous": out(self.previous),
            "last_year": out(self.last_year),
            "year_to_date": out(self.year_to_date),
            "daily_average": out(self.daily),
            "month_on_month": out(self.month_on_month),
            "year_on_year": out(self.year_on_year),
        }


def comparisons(unit, first, last=None, *, families=None):
    """Each column's `Comparison` for `unit` over `first`–`last`: the previous run of as many months, the
    same months a year before, January to `last`."""
    last = last or first
    months = sum(1 for _period in Period.range(first, last))
    previous_last = first.previous()
    previous_first = previous_last
    for _month in range(months - 1):
        previous_first = previous_first.previous()
    columns = columns_for(families)
    now = totals(unit, first, last)
    before = totals(unit, previous_first, previous_last)
    year_ago = totals(unit, first.same_month_last_year(), last.same_month_last_year())
    ytd = totals(unit, Period.of(last.year, 1), last)
    days = (last.next_first_day - first.first_day).days
    result = []
    for column in columns:
        if isinstance(column, measures.Rate):
            result.append(
                Comparison(
                    column,
                    column.value(now),
                    column.value(before),
                    column.value(year_ago),
                    column.value(ytd),
                    None,
                )
            )
        else:
            slug = column.slug
            result.append(
                Comparison(
                    column,
                    now.get(slug, Decimal(0)),
                    before.get(slug, Decimal(0)),
                    year_ago.get(slug, Decimal(0)),
                    ytd.get(slug, Decimal(0)),
                    daily_average(now.get(slug), days),
                )
            )
    return result


def default_unit(user):
    """The unit a user's reports start from: the top of their scope."""
    if user.sees_all_units:
        return OrgUnit.objects.filter(parent__isnull=True).order_by("path").first()
    return user.unit


def describe(group_by):
    return dict(GroupBy.CHOICES).get(group_by, _("Total"))
