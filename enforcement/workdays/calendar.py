"""Deadline arithmetic on the working-day calendar. Pure functions of the calendar; every result is an aware
datetime in local time (settings.TIME_ZONE), whatever zone the caller's moment is in.

A day is a working day if the calendar marks it a make-up working day (调休上班), a rest day if it marks
it a holiday, and otherwise Monday to Friday work and the weekend rests. For years the calendar does not
cover, that default is all there is: results count weekends only and `coverage_warning` says so.

The calendar is read once per process and kept; every call checks a cheap change stamp (row counts and
the newest `updated_at` of both tables, one query), so an administrator's edit, a reload or another
process's change takes effect on the next call. Code that computes many deadlines at once takes
`get_calendar()` once and calls the same methods on it.
"""

import hashlib
from bisect import bisect_right
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cached_property

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import ngettext

from .models import CalendarDay, CalendarYear, DayKind
from .periods import PeriodUnit

ONE_DAY = timedelta(days=1)


def _tz():
    return timezone.get_default_timezone()


def local_date(value):
    """The local calendar date of a date or an aware datetime."""
    if isinstance(value, datetime):
        return timezone.localtime(value, _tz()).date()
    return value


def start_of_day(d):
    return datetime.combine(d, time.min, tzinfo=_tz())


def end_of_day(d):
    return datetime.combine(d, time.max, tzinfo=_tz())


def _working_hours():
    return time.fromisoformat(settings.WORKDAY_START), time.fromisoformat(settings.WORKDAY_END)


def _as_timedelta(hours):
    if isinstance(hours, timedelta):
        span = hours
    else:
        span = timedelta(seconds=float(Decimal(str(hours)) * 3600))
    if span < timedelta(0):
        raise ValueError("A period of working hours cannot be negative.")
    return span


def add_months(d, n):
    """The date n months after `d`: the same day of the month, or the last day of that month if it has
    no such day (民法典 Art. 202: 31 January + 1 month is 28 or 29 February)."""
    months = d.month - 1 + n
    year, month = d.year + months // 12, months % 12 + 1
    return date(year, month, min(d.day, monthrange(year, month)[1]))


def _whole(amount):
    """A period of days, months or years as an int (legal parameters arrive as Decimals, e.g. 15.00)."""
    n = int(amount)
    if n != amount:
        raise ValueError("A period of days, months or years is a whole number.")
    if n < 0:
        raise ValueError("A period cannot be negative.")
    return n


def _weekdays_through(d):
    """Mondays to Fridays from 0001-01-01 (a Monday) through `d`."""
    weeks, rest = divmod(d.toordinal(), 7)
    return weeks * 5 + min(rest, 5)


@dataclass(frozen=True)
class WorkingCalendar:
    holidays: frozenset
    workdays: frozenset
    covered_years: frozenset
    # Sorted exceptions to the Monday–Friday rule, for counting by bisection.
    _extra: tuple = field(init=False, repr=False)
    _lost: tuple = field(init=False, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "_extra", tuple(sorted(d for d in self.workdays if d.weekday() >= 5)))
        object.__setattr__(self, "_lost", tuple(sorted(d for d in self.holidays if d.weekday() < 5)))

    @cached_property
    def fingerprint(self):
        """Changes exactly when the working days do (for those who remember results computed with it)."""
        data = repr((self._extra, self._lost, sorted(self.covered_years)))
        return hashlib.sha256(data.encode()).hexdigest()

    # --- days ------------------------------------------------------------------------------------
    def is_working_day(self, d):
        if d in self.workdays:
            return True
        if d in self.holidays:
            return False
        return d.weekday() < 5

    def next_working_day(self, d):
        """`d` itself if it is a working day, else the first working day after it."""
        while not self.is_working_day(d):
            d += ONE_DAY
        return d

    def add_working_days(self, start, n):
        """The n-th working day after `start`; n = 0 gives `start` or, on a rest day, the next working day."""
        if n < 0:
            raise ValueError("n must be 0 or more.")
        if n == 0:
            return self.next_working_day(start)
        d = start
        while n:
            d += ONE_DAY
            if self.is_working_day(d):
                n -= 1
        return d

    def working_days_between(self, start, end):
        """Working days in (start, end]; negative, counting (end, start], when `end` is before `start`."""
        if end < start:
            return -self.working_days_between(end, start)

        def between(days):
            return bisect_right(days, end) - bisect_right(days, start)

        return _weekdays_through(end) - _weekdays_through(start) + between(self._extra) - between(self._lost)

    # --- moments ---------------------------------------------------------------------------------
    def working_days_deadline(self, moment, n):
        """ "Within n working days" (行政处罚法 Art. 85: the law's short periods are working days): the end
        of the n-th working day after the moment's local date."""
        return end_of_day(self.add_working_days(local_date(moment), n))

    def calendar_days_deadline(self, moment, n):
        """ "Within n days": the day of the moment does not count (民法典 Art. 201), so the period ends with
        the local day n days later; a period whose last day is a statutory holiday or rest day ends on the
        first working day after it (民法典 Art. 203). A make-up working day counts as a working day."""
        if n < 0:
            raise ValueError("n must be 0 or more.")
        return end_of_day(self.next_working_day(local_date(moment) + timedelta(days=n)))

    def months_deadline(self, moment, n):
        """ "Within n months": the start day does not count (民法典 Art. 201); the period's last day is the
        day of the last month that corresponds to the moment's local date, or that month's last day if it
        has none (Art. 202); a last day that is a statutory holiday or rest day moves to the first working
        day after it, and the period ends at 24:00 of its last day (Art. 203)."""
        if n < 0:
            raise ValueError("n must be 0 or more.")
        return end_of_day(self.next_working_day(add_months(local_date(moment), n)))

    def years_deadline(self, moment, n):
        """ "Within n years": as 12 × n months (民法典 Art. 202), so 29 February + 1 year ends on 28 February
        (or the first working day after it, Art. 203)."""
        return self.months_deadline(moment, 12 * n)

    def due_after(self, moment, amount, unit):
        """The deadline of a period of `amount` `unit`s (a `PeriodUnit` value) from `moment`: the end of
        its last day for working days, days, months and years (民法典 Art. 203: 24:00), the exact moment
        for working hours. See `periods` for the law behind each unit."""
        unit = PeriodUnit(unit)
        if unit == PeriodUnit.WORKING_HOURS:
            return self.add_working_hours(moment, amount)
        n = _whole(amount)
        if unit == PeriodUnit.WORKING_DAYS:
            return self.working_days_deadline(moment, n)
        if unit == PeriodUnit.DAYS:
            return self.calendar_days_deadline(moment, n)
        if unit == PeriodUnit.MONTHS:
            return self.months_deadline(moment, n)
        return self.years_deadline(moment, n)

    def add_working_hours(self, moment, hours):
        """`hours` of working time (settings.WORKDAY_START–WORKDAY_END on working days) after `moment`;
        a moment outside working hours starts counting at the next opening."""
        remaining = _as_timedelta(hours)
        opens_at, closes_at = _working_hours()
        tz = _tz()
        current = timezone.localtime(moment, tz)
        day = current.date()
        while True:
            if self.is_working_day(day):
                opens = datetime.combine(day, opens_at, tzinfo=tz)
                closes = datetime.combine(day, closes_at, tzinfo=tz)
                current = max(current, opens)
                if current < closes:
                    if remaining <= closes - current:
                        return current + remaining
                    remaining -= closes - current
            day += ONE_DAY
            current = datetime.combine(day, time.min, tzinfo=tz)

    # --- coverage --------------------------------------------------------------------------------
    def uncovered_years(self, start, end):
        first, last = sorted((local_date(start).year, local_date(end).year))
        return [year for year in range(first, last + 1) if year not in self.covered_years]

    def coverage_warning(self, start, end):
        years = self.uncovered_years(start, end)
        if not years:
            return None
        return ngettext(
            "The working-day calendar has no holiday data for %(years)s: weekends only were counted. "
            "An administrator can add the holidays.",
            "The working-day calendar has no holiday data for the years %(years)s: weekends only were "
            "counted. An administrator can add the holidays.",
            len(years),
        ) % {"years": ", ".join(str(year) for year in years)}


# --- the per-process cache ---------------------------------------------------------------------------
_cached = (None, None)  # (stamp, WorkingCalendar); replaced as a whole, so threads never see half of it


def _stamp():
    day_table = connection.ops.quote_name(CalendarDay._meta.db_table)
    year_table = connection.ops.quote_name(CalendarYear._meta.db_table)
    # Table names from the models, not user input.
    sql = "SELECT " + ", ".join(
        f"(SELECT {aggregate} FROM {table})"
        for table in (day_table, year_table)
        for aggregate in ("COUNT(*)", "MAX(updated_at)")
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return tuple(cursor.fetchone())


def get_calendar():
    """The current calendar (reloaded when any day or year changed since the last call)."""
    global _cached
    stamp = _stamp()
    cached_stamp, calendar = _cached
    if calendar is None or cached_stamp != stamp:
        holidays, workdays = set(), set()
        for d, kind in CalendarDay.objects.values_list("date", "kind"):
            (workdays if kind == DayKind.WORKDAY else holidays).add(d)
        calendar = WorkingCalendar(
            holidays=frozenset(holidays),
            workdays=frozenset(workdays),
            covered_years=frozenset(CalendarYear.objects.values_list("year", flat=True)),
        )
        _cached = (stamp, calendar)
    return calendar


# --- the public API: one function per question, each on the current calendar ------------------------
def is_working_day(d: date) -> bool:
    return get_calendar().is_working_day(d)


def add_working_days(start: date, n: int) -> date:
    return get_calendar().add_working_days(start, n)


def working_days_deadline(moment: datetime, n: int) -> datetime:
    return get_calendar().working_days_deadline(moment, n)


def calendar_days_deadline(moment: datetime, n: int) -> datetime:
    return get_calendar().calendar_days_deadline(moment, n)


def add_working_hours(moment: datetime, hours: float | Decimal | timedelta) -> datetime:
    return get_calendar().add_working_hours(moment, hours)


def months_deadline(moment: datetime, n: int) -> datetime:
    return get_calendar().months_deadline(moment, n)


def years_deadline(moment: datetime, n: int) -> datetime:
    return get_calendar().years_deadline(moment, n)


def due_after(moment: datetime, amount: int | Decimal, unit: str) -> datetime:
    """The deadline of `amount` `unit`s (a PeriodUnit value) after `moment`, on the current calendar."""
    return get_calendar().due_after(moment, amount, unit)


def working_days_between(start: date, end: date) -> int:
    return get_calendar().working_days_between(start, end)


def uncovered_years(start: date, end: date) -> list[int]:
    return get_calendar().uncovered_years(start, end)


def coverage_warning(start, end) -> str | None:
    return get_calendar().coverage_warning(start, end)
