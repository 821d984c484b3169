"""`due_after` for every PeriodUnit at its edges, on the calendar the data migration loaded (see
test_calendar.py: 2026 National Day Oct 1–7 with make-up days Sun Sep 20 and Sat Oct 10; Spring Festival
Feb 15–23 with make-up Saturdays Feb 14 and 28; 2027 onwards not covered, weekends only)."""

from datetime import UTC, date
from decimal import Decimal

import pytest
from django.utils import translation

from enforcement.workdays import calendar
from enforcement.workdays.periods import PeriodUnit

from .moments import at

pytestmark = pytest.mark.django_db
U = PeriodUnit


def end_of(day):
    return at(f"{day} 23:59:59.999999")


def test_the_units_read_as_words():
    assert [str(label) for label in U.labels] == ["working days", "days", "working hours", "months", "years"]
    with translation.override("zh-hans"):
        assert [str(label) for label in U.labels] == ["工作日", "天", "工作小时", "个月", "年"]


@pytest.mark.parametrize(
    ("moment", "amount", "unit", "expected"),
    [
        # working days (行政处罚法 Art. 85): the holiday does not count, the make-up Saturday does
        (at("2026-09-30 16:00"), 1, U.WORKING_DAYS, "2026-10-08"),
        (at("2026-09-30 16:00"), 3, U.WORKING_DAYS, "2026-10-10"),
        (at("2026-09-30 16:00"), 5, U.WORKING_DAYS, "2026-10-13"),
        (at("2026-10-04 10:00"), 0, U.WORKING_DAYS, "2026-10-08"),
        # days (民法典 Art. 201, 203): counted from the next day; a last day on a rest day moves on
        (at("2026-09-24 10:00"), 7, U.DAYS, "2026-10-08"),  # last day Oct 1, National Day
        (at("2026-10-03 10:00"), 7, U.DAYS, "2026-10-10"),  # the make-up Saturday is a working day
        (at("2026-09-30 23:59"), 1, U.DAYS, "2026-10-08"),
        (at("2026-11-21 09:00"), 0, U.DAYS, "2026-11-23"),
        (at("2026-11-18 09:00"), Decimal("15.00"), U.DAYS, "2026-12-03"),  # a legal parameter's Decimal
        # months (民法典 Art. 202): the corresponding day, else the last day of the month
        (at("2026-01-31 10:00"), 1, U.MONTHS, "2026-02-28"),  # no Feb 31; the 28th is a make-up Saturday
        (at("2024-01-31 10:00"), 1, U.MONTHS, "2024-02-29"),  # leap year
        (at("2026-03-31 10:00"), 1, U.MONTHS, "2026-04-30"),
        (at("2026-10-31 10:00"), 1, U.MONTHS, "2026-11-30"),
        (at("2026-12-15 10:00"), 1, U.MONTHS, "2027-01-15"),  # into the next year
        (at("2026-01-15 10:00"), 1, U.MONTHS, "2026-02-24"),  # Feb 15 is Spring Festival → first working day
        (at("2026-09-01 10:00"), 1, U.MONTHS, "2026-10-08"),  # Oct 1, National Day → Oct 8
        (at("2026-08-10 10:00"), 2, U.MONTHS, "2026-10-10"),  # Oct 10, a make-up Saturday: it stays
        (at("2026-11-30 10:00"), 3, U.MONTHS, "2027-03-01"),  # Feb 28 2027 is a Sunday (uncovered year)
        (at("2026-11-23 10:00"), 0, U.MONTHS, "2026-11-23"),
        (at("2026-01-31 17:00", UTC), 1, U.MONTHS, "2026-03-02"),  # Feb 1 in Shanghai → Sun Mar 1 → Mon
        # years (Art. 202, 203): as twelve months
        (at("2024-02-29 10:00"), 1, U.YEARS, "2025-02-28"),  # no Feb 29 in 2025
        (at("2028-02-29 10:00"), 1, U.YEARS, "2029-02-28"),
        (at("2024-02-29 10:00"), 4, U.YEARS, "2028-02-29"),
        (at("2024-02-29 10:00"), 2, U.YEARS, "2026-02-28"),  # Feb 28 2026, a make-up Saturday: it stays
        (at("2025-10-01 10:00"), 1, U.YEARS, "2026-10-08"),  # Oct 1 2026, National Day → Oct 8
    ],
)
def test_due_after_ends_with_the_last_day(moment, amount, unit, expected):
    deadline = calendar.due_after(moment, amount, unit)
    assert deadline == end_of(expected)  # 民法典 Art. 203: the last day ends at 24:00


@pytest.mark.parametrize(
    ("moment", "hours", "expected"),
    [
        (at("2026-09-30 15:00"), 4, "2026-10-08 10:30"),  # across National Day
        (at("2026-10-09 17:00"), 1, "2026-10-10 09:30"),  # into the make-up Saturday
        (at("2026-11-23 09:00"), Decimal("8.5"), "2026-11-23 17:30"),
    ],
)
def test_due_after_in_working_hours_gives_the_moment(moment, hours, expected):
    assert calendar.due_after(moment, hours, U.WORKING_HOURS) == at(expected)


@pytest.mark.parametrize(
    ("unit", "n"),
    [(U.WORKING_DAYS, 5), (U.DAYS, 7), (U.WORKING_HOURS, 3)],
)
def test_due_after_agrees_with_the_calendar_functions(unit, n):
    moment = at("2026-09-29 16:00")
    expected = {
        U.WORKING_DAYS: calendar.working_days_deadline,
        U.DAYS: calendar.calendar_days_deadline,
        U.WORKING_HOURS: calendar.add_working_hours,
    }[unit](moment, n)
    assert calendar.due_after(moment, n, unit) == expected
    assert calendar.due_after(moment, n, unit.value) == expected  # as stored: the plain value


@pytest.mark.parametrize(
    ("amount", "unit"),
    [
        (-1, U.DAYS),
        (-1, U.MONTHS),
        (-1, U.YEARS),
        (-1, U.WORKING_DAYS),
        (-1, U.WORKING_HOURS),
        (Decimal("1.5"), U.DAYS),
        (0.5, U.MONTHS),
        (1, "calendar_days"),
        (1, "weeks"),
    ],
)
def test_due_after_refuses_what_is_not_a_period(amount, unit):
    with pytest.raises(ValueError):
        calendar.due_after(at("2026-11-23 10:00"), amount, unit)


@pytest.mark.parametrize(
    ("d", "n", "expected"),
    [
        ("2026-01-31", 1, "2026-02-28"),
        ("2026-01-31", 13, "2027-02-28"),
        ("2024-03-31", -1, "2024-02-29"),
        ("2026-05-31", 1, "2026-06-30"),
        ("2026-12-31", 2, "2027-02-28"),
        ("2026-07-15", 6, "2027-01-15"),
    ],
)
def test_add_months_takes_the_last_day_when_the_month_has_no_such_day(d, n, expected):
    assert calendar.add_months(date.fromisoformat(d), n) == date.fromisoformat(expected)
