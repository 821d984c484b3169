"""Deadline arithmetic at the edges, on the calendar the data migration loaded from chinesecalendar 1.11.0.

2026 per the package: Spring Festival holidays Feb 15–23 with make-up Saturdays Feb 14 and Feb 28;
Mid-autumn Sep 25–27 and National Day Oct 1–7 with make-up days Sun Sep 20 and Sat Oct 10.
2027 is not covered: weekends only, with a warning."""

from datetime import UTC, date, timedelta
from decimal import Decimal

import pytest
from django.test import override_settings

from enforcement.workdays import calendar
from enforcement.workdays.models import CalendarDay, CalendarYear, DayKind
from enforcement.workdays.services import delete_day, save_day, set_year_covered

from .moments import at

pytestmark = pytest.mark.django_db
D = date.fromisoformat


def end_of(day):
    return at(f"{day} 23:59:59.999999")


def test_package_data_is_what_these_tests_assume():
    days = {d.date: d.kind for d in CalendarDay.objects.filter(date__year=2026)}
    assert days[D("2026-09-20")] == days[D("2026-10-10")] == DayKind.WORKDAY
    assert days[D("2026-02-14")] == days[D("2026-02-28")] == DayKind.WORKDAY
    assert all(days[D(f"2026-10-0{i}")] == DayKind.HOLIDAY for i in range(1, 8))
    assert D("2026-09-28") not in days  # a plain Monday, not a make-up day in the package
    assert not CalendarYear.objects.filter(year=2027).exists()


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2026-10-01", False),  # National Day
        ("2026-10-07", False),
        ("2026-10-08", True),
        ("2026-10-10", True),  # make-up Saturday
        ("2026-10-11", False),  # ordinary Sunday
        ("2026-09-20", True),  # make-up Sunday
        ("2026-09-25", False),  # Mid-autumn, a Friday
        ("2026-02-14", True),
        ("2026-02-16", False),
        ("2026-11-25", True),
        ("2027-01-01", True),  # not covered: only the weekday counts
        ("2027-01-02", False),
    ],
)
def test_is_working_day(day, working):
    assert calendar.is_working_day(D(day)) is working


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # National Day 2026
        ("2026-09-29", 1, "2026-09-30"),
        ("2026-09-30", 1, "2026-10-08"),
        ("2026-09-30", 3, "2026-10-10"),  # the make-up Saturday counts
        ("2026-09-30", 4, "2026-10-12"),
        ("2026-09-30", 5, "2026-10-13"),
        ("2026-09-24", 1, "2026-09-28"),  # across Mid-autumn
        ("2026-09-18", 1, "2026-09-20"),  # Friday → make-up Sunday
        ("2026-10-03", 2, "2026-10-09"),  # starting inside the holiday
        # Spring Festival 2026
        ("2026-02-13", 1, "2026-02-14"),
        ("2026-02-13", 2, "2026-02-24"),
        ("2026-02-13", 6, "2026-02-28"),
        ("2026-02-13", 7, "2026-03-02"),
        # n = 0: the day itself if it is a working day, else the next one
        ("2026-10-09", 0, "2026-10-09"),
        ("2026-10-10", 0, "2026-10-10"),
        ("2026-10-03", 0, "2026-10-08"),
        ("2026-11-21", 0, "2026-11-23"),
        # beyond coverage: weekends only
        ("2026-12-31", 1, "2027-01-01"),
        ("2026-12-31", 2, "2027-01-04"),
        ("2027-09-30", 1, "2027-10-01"),
    ],
)
def test_add_working_days(start, n, expected):
    assert calendar.add_working_days(D(start), n) == D(expected)


def test_add_working_days_refuses_negative_n():
    with pytest.raises(ValueError):
        calendar.add_working_days(D("2026-10-09"), -1)


@pytest.mark.parametrize(
    ("moment", "n", "expected"),
    [
        (at("2026-09-30 16:00"), 5, "2026-10-13"),
        (at("2026-11-20 23:30"), 1, "2026-11-23"),  # late on a Friday
        (at("2026-09-18 23:59"), 1, "2026-09-20"),  # late Friday before a make-up Sunday
        (at("2026-10-09 17:00", UTC), 1, "2026-10-12"),  # 01:00 Sat Oct 10 in Shanghai
        (at("2026-11-20 15:30", UTC), 1, "2026-11-23"),  # 23:30 Friday in Shanghai
        (at("2026-10-04 10:00"), 0, "2026-10-08"),
        (at("2026-12-30 10:00"), 5, "2027-01-06"),  # uncovered: Jan 1 counts
    ],
)
def test_working_days_deadline(moment, n, expected):
    deadline = calendar.working_days_deadline(moment, n)
    assert deadline == end_of(expected)
    assert deadline.tzinfo is not None and deadline.utcoffset() == timedelta(hours=8)


@pytest.mark.parametrize(
    ("moment", "n", "expected"),
    [
        (at("2026-09-24 10:00"), 7, "2026-10-08"),  # last day Oct 1 (holiday) → first working day after
        (at("2026-10-03 10:00"), 7, "2026-10-10"),  # last day is the make-up Saturday: it stays
        (at("2026-11-20 18:00"), 1, "2026-11-23"),  # last day Saturday → Monday
        (at("2026-11-18 09:00"), 15, "2026-12-03"),
        (at("2026-11-21 09:00"), 0, "2026-11-23"),
        (at("2026-11-25 09:00"), 0, "2026-11-25"),
        (at("2026-02-05 09:00"), 10, "2026-02-24"),  # last day Feb 15, Spring Festival
        (at("2026-12-18 09:00"), 15, "2027-01-04"),  # Jan 2 2027, a Saturday (uncovered) → Monday
        (at("2026-11-24 18:00", UTC), 1, "2026-11-26"),  # 02:00 on the 25th in Shanghai
    ],
)
def test_calendar_days_deadline(moment, n, expected):
    assert calendar.calendar_days_deadline(moment, n) == end_of(expected)


@pytest.mark.parametrize(
    ("moment", "hours", "expected"),
    [
        (at("2026-11-23 10:00"), 2, "2026-11-23 12:00"),
        (at("2026-11-20 16:00"), 3, "2026-11-23 10:30"),  # across a weekend
        (at("2026-09-30 15:00"), 4, "2026-10-08 10:30"),  # across National Day
        (at("2026-10-09 17:00"), 1, "2026-10-10 09:30"),  # into the make-up Saturday
        (at("2026-11-23 07:00"), 1, "2026-11-23 10:00"),  # before opening
        (at("2026-11-23 20:00"), 1, "2026-11-24 10:00"),  # after closing
        (at("2026-11-23 17:30"), 0, "2026-11-24 09:00"),  # closing time is outside hours
        (at("2026-11-22 12:00"), 0, "2026-11-23 09:00"),  # Sunday
        (at("2026-11-23 09:00"), Decimal("8.5"), "2026-11-23 17:30"),  # exactly one working day
        (at("2026-11-23 09:00"), 2.25, "2026-11-23 11:15"),
        (at("2026-12-31 17:15"), timedelta(minutes=30), "2027-01-01 09:15"),  # uncovered year
        (at("2026-11-23 01:00", UTC), 1, "2026-11-23 10:00"),  # 09:00 in Shanghai
    ],
)
def test_add_working_hours(moment, hours, expected):
    result = calendar.add_working_hours(moment, hours)
    assert result == at(expected)
    assert result.utcoffset() == timedelta(hours=8)


@override_settings(WORKDAY_START="08:00", WORKDAY_END="12:00")
def test_add_working_hours_follows_the_working_hours_setting():
    assert calendar.add_working_hours(at("2026-11-23 11:00"), 2) == at("2026-11-24 09:00")


def test_add_working_hours_refuses_negative_hours():
    with pytest.raises(ValueError):
        calendar.add_working_hours(at("2026-11-23 11:00"), -1)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2026-09-30", "2026-10-13", 5),
        ("2026-10-13", "2026-09-30", -5),
        ("2026-10-09", "2026-10-09", 0),
        ("2026-10-09", "2026-10-11", 1),  # Oct 10 make-up Saturday only
        ("2026-02-13", "2026-03-02", 7),
        ("2025-12-31", "2026-12-31", 248),  # 2026 in full, as chinese_calendar.is_workday counts it
        ("2026-12-31", "2027-01-08", 6),  # uncovered: Jan 1 2027 counts
    ],
)
def test_working_days_between(start, end, expected):
    assert calendar.working_days_between(D(start), D(end)) == expected


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2026-01-01", "2026-12-31"),
        ("2004-01-01", "2005-06-30"),
        ("2019-09-01", "2019-10-31"),
        ("2026-12-01", "2027-02-01"),
    ],
)
def test_working_days_between_agrees_with_counting_day_by_day(start, end):
    first, last = D(start), D(end)
    one_by_one = sum(
        calendar.is_working_day(first + timedelta(days=i)) for i in range(1, (last - first).days + 1)
    )
    assert calendar.working_days_between(first, last) == one_by_one


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2026-01-01", "2026-12-31", []),
        ("2026-11-25", "2027-03-01", [2027]),
        ("2028-01-01", "2026-06-01", [2027, 2028]),
        ("2003-12-31", "2004-01-02", [2003]),
    ],
)
def test_uncovered_years(start, end, expected):
    assert calendar.uncovered_years(D(start), D(end)) == expected


def test_coverage_warning_names_the_uncovered_years():
    assert calendar.coverage_warning(D("2026-01-01"), D("2026-12-31")) is None
    warning = calendar.coverage_warning(
        at("2026-12-30 10:00"), calendar.working_days_deadline(at("2026-12-30 10:00"), 5)
    )
    assert "2027" in warning and "weekends only" in warning
    assert "2027, 2028" in calendar.coverage_warning(D("2027-06-01"), D("2028-06-01"))


def test_an_added_holiday_moves_the_deadline_at_once(city_admin):
    assert calendar.add_working_days(D("2026-11-20"), 1) == D("2026-11-23")
    day = save_day(
        CalendarDay(date=D("2026-11-23"), kind=DayKind.HOLIDAY, name="Local holiday"), actor=city_admin
    )
    assert calendar.add_working_days(D("2026-11-20"), 1) == D("2026-11-24")
    assert calendar.working_days_deadline(at("2026-11-20 10:00"), 1) == end_of("2026-11-24")
    delete_day(day, actor=city_admin)
    assert calendar.add_working_days(D("2026-11-20"), 1) == D("2026-11-23")


def test_an_edited_day_takes_effect_at_once(city_admin):
    day = CalendarDay.objects.get(date=D("2026-10-10"))
    assert calendar.is_working_day(day.date)
    day.kind = DayKind.HOLIDAY
    save_day(day, actor=city_admin)
    assert not calendar.is_working_day(D("2026-10-10"))


def test_covering_a_year_by_hand_removes_the_warning(city_admin):
    assert calendar.uncovered_years(D("2027-01-01"), D("2027-01-31")) == [2027]
    save_day(CalendarDay(date=D("2027-01-01"), kind=DayKind.HOLIDAY, name="New Year's Day"), actor=city_admin)
    assert calendar.add_working_days(D("2026-12-31"), 1) == D("2027-01-04")  # edits count even before
    set_year_covered(2027, True, actor=city_admin)
    assert calendar.coverage_warning(D("2027-01-01"), D("2027-01-31")) is None


def test_changes_made_behind_the_models_back_are_seen():
    """Another process, or a bulk query without signals, changes the tables: the stamp notices."""
    assert not calendar.is_working_day(D("2026-10-01"))
    CalendarDay.objects.filter(date=D("2026-10-01")).delete()
    assert calendar.is_working_day(D("2026-10-01"))
    CalendarYear.objects.filter(year=2026).delete()
    assert calendar.uncovered_years(D("2026-01-01"), D("2026-01-01")) == [2026]


def test_the_calendar_is_cached_between_calls(django_assert_num_queries):
    first = calendar.get_calendar()
    with django_assert_num_queries(1):  # just the change stamp
        assert calendar.get_calendar() is first
