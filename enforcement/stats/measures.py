"""The declared list of statistics (PRODUCT §9): every figure the monthly report, the annual summary and
the dashboard show is a `Measure` counted by a domain app's source, or a `Rate` computed from two sums of
measures. Each says in words what it counts, and that definition is shown beside it on the page and in
the API, so a figure can always be checked against the records.

A domain app declares its source in its own `stats.py` and registers it from `AppConfig.ready()`:

    register(Source(family="complaints", measures=[...], rates=[...], tallies=complaint_tallies))

`watch` names the models it counts and the dates a record is counted on (signals.py).

`tallies(period)` yields `Tally` objects: a queryset of the records that fall in the month, which fields
carry their unit, category and channel, and one aggregate per measure (`Count("id", filter=Q(...))`,
`Sum("amount")`). The platform runs each as one grouped query per grain (`compute.py`) — the aggregation
is the database's, never a loop over records.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Aggregate, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Unit:
    """What a measure's value is in; the exports' number formats follow it."""

    COUNT = "count"
    YUAN = "yuan"
    SQUARE_METRES = "m2"
    PERCENT = "percent"


UNIT_LABELS = {
    Unit.COUNT: pgettext_lazy("unit of a figure", "items"),
    Unit.YUAN: pgettext_lazy("unit of a figure", "yuan"),
    Unit.SQUARE_METRES: pgettext_lazy("unit of a figure", "m²"),
    Unit.PERCENT: pgettext_lazy("unit of a figure", "%"),
}

# The families the report is organised by, in the order the summaries speak of them.
FAMILIES = {
    "complaints": _("Complaints"),
    "patrol": _("Digital city management (patrol finds)"),
    "cases": _("Cases"),
    "penalties": _("Penalties and execution"),
    "reviews": _("Reconsiderations and lawsuits"),
    "campaigns": _("Campaigns"),
}


@dataclass(frozen=True)
class Measure:
    slug: str
    label: Promise
    definition: Promise
    family: str
    unit: str = Unit.COUNT
    by_channel: bool = False  # also stored per channel (complaints)
    by_person: bool = False  # also stored per person responsible (the assessment, 考评)
    counted_as: Promise | None = None  # what a count counts, as a summary writes it after the number (人次)

    @property
    def decimals(self):
        return 0 if self.unit == Unit.COUNT else 2

    def as_dict(self):
        return {
            "slug": self.slug,
            "label": str(self.label),
            "definition": str(self.definition),
            "family": self.family,
            "unit": self.unit,
            "unit_label": str(UNIT_LABELS[self.unit]),
            "kind": "measure",
        }


@dataclass(frozen=True)
class Rate:
    """numerator ÷ denominator in %, from the sums of measures over whatever is being reported — a district's
    rate is its own counts' rate, never the average of its squadrons' rates."""

    slug: str
    label: Promise
    definition: Promise
    family: str
    numerator: tuple
    denominator: tuple
    unit: str = Unit.PERCENT
    decimals: int = 1

    def value(self, figures):
        """The rate from `figures` ({measure slug: value}), rounded half up to `decimals`; None when the
        denominator is 0 (a rate of nothing is not 0 %)."""
        denominator = sum((Decimal(figures.get(slug) or 0) for slug in self.denominator), Decimal(0))
        if not denominator:
            return None
        numerator = sum((Decimal(figures.get(slug) or 0) for slug in self.numerator), Decimal(0))
        exponent = Decimal(1).scaleb(-self.decimals)
        return (numerator * 100 / denominator).quantize(exponent, rounding=ROUND_HALF_UP)

    def as_dict(self):
        return {
            "slug": self.slug,
            "label": str(self.label),
            "definition": str(self.definition),
            "family": self.family,
            "unit": self.unit,
            "unit_label": str(UNIT_LABELS[self.unit]),
            "kind": "rate",
            "numerator": list(self.numerator),
            "denominator": list(self.denominator),
        }


@dataclass(frozen=True, order=True)
class Period:
    """One calendar month in the bureau's time zone (settings.TIME_ZONE): a record belongs to the month its
    local date falls in, so 23:30 on 31 March in Foshan is March, whatever UTC says."""

    first_day: datetime.date

    def __post_init__(self):
        if self.first_day.day != 1:
            raise ValueError("a period starts on the first day of a month")

    @classmethod
    def of(cls, year, month):
        return cls(datetime.date(year, month, 1))

    @classmethod
    def containing(cls, day):
        if isinstance(day, datetime.datetime):
            day = timezone.localdate(day)
        return cls(day.replace(day=1))

    @classmethod
    def current(cls):
        return cls.containing(timezone.localdate())

    @property
    def year(self):
        return self.first_day.year

    @property
    def month(self):
        return self.first_day.month

    @property
    def next_first_day(self):
        if self.month == 12:
            return datetime.date(self.year + 1, 1, 1)
        return datetime.date(self.year, self.month + 1, 1)

    @property
    def last_day(self):
        return self.next_first_day - datetime.timedelta(days=1)

    @property
    def days(self):
        return self.last_day.day

    def _moment(self, day):
        return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_default_timezone())

    @property
    def start(self):
        """The first moment of the month, local time (for DateTimeFields: start <= t < end)."""
        return self._moment(self.first_day)

    @property
    def end(self):
        return self._moment(self.next_first_day)

    def next(self):
        return Period(self.next_first_day)

    def previous(self):
        return Period.containing(self.first_day - datetime.timedelta(days=1))

    def same_month_last_year(self):
        return Period.of(self.year - 1, self.month)

    @classmethod
    def range(cls, first, last):
        """The periods from `first` to `last`, both included."""
        period = first
        while period <= last:
            yield period
            period = period.next()

    def __str__(self):
        return f"{self.year:04d}-{self.month:02d}"


@dataclass
class Tally:
    """One grouped count of a source: `queryset` is the records that fall in the month; `unit`, `category`
    and `channel` name the fields (lookups allowed: "case__unit_id") that carry them; `values` maps each
    measure's slug to its aggregate over a group."""

    queryset: QuerySet
    values: dict[str, Aggregate]
    unit: str = "unit_id"
    category: str | None = "category_id"
    channel: str | None = None
    person: str | None = None  # the field of the user answerable for the record (e.g. "handler_id")
    # PostgreSQL's work_mem for this tally's statement (e.g. "16MB"), when a month's grouping of many records
    # would sort on disk; left at the server's for the others (more memory changes their plans for worse).
    work_mem: str | None = None


@dataclass
class Source:
    """What one domain app counts. `changed(period, unit_ids, since)`, if given, returns the records of
    the month in those units changed since `since` (a lock's corrections name them); each needs
    `get_absolute_url()` and a `str()` a clerk recognises (its number)."""

    family: str
    measures: list[Measure]
    tallies: object  # callable(period) -> iterable of Tally
    rates: list[Rate] = field(default_factory=list)
    changed: object = None
    channels: object = None  # the choices of the channel field its tallies group by, if any
    # [(model, months_of(record) -> dates)]: a saved record of a submitted month has that month recomputed
    watch: list = field(default_factory=list)
    # points(first, last, unit_ids, cell) -> [(lat, lng, count)]: where the records of the months are,
    # counted per cell of `cell` degrees in the database (the dashboard's heat layer)
    points: object = None
    name: str = ""


_sources: dict[str, Source] = {}


def register(source):
    """Called from a domain app's AppConfig.ready(). Measure slugs are unique across the platform."""
    source.name = source.name or source.family
    known = {m.slug for s in _sources.values() if s.name != source.name for m in [*s.measures, *s.rates]}
    for measure in [*source.measures, *source.rates]:
        if measure.slug in known:
            raise ValueError(f"statistics measure {measure.slug!r} is declared twice")
    _sources[source.name] = source
    return source


def sources():
    return list(_sources.values())


def all_measures():
    return [measure for source in _sources.values() for measure in source.measures]


def all_rates():
    return [rate for source in _sources.values() for rate in source.rates]


def channel_labels():
    """{channel slug: label}, in the order the sources declare them."""
    return {slug: label for source in _sources.values() for slug, label in (source.channels or ())}


def get(slug):
    """The measure or rate named `slug`; KeyError if there is none."""
    for item in [*all_measures(), *all_rates()]:
        if item.slug == slug:
            return item
    raise KeyError(slug)


def family_order(family):
    order = list(FAMILIES)
    return order.index(family) if family in order else len(order)


def ordered(items):
    """Measures and rates in the report's order: by family, then as declared."""
    return sorted(items, key=lambda item: family_order(item.family))


def display(item, value):
    """A figure as a page shows it: "—" for none, "88.6%" for a rate, "27,210" for a count, "4,260,000.00"
    for yuan and m²."""
    if value is None:
        return "—"
    value = Decimal(value)
    if item.unit == Unit.PERCENT:
        return f"{value:.{item.decimals}f}%"
    if item.unit == Unit.COUNT:
        return f"{int(value):,}"
    return f"{value:,.2f}"
