from datetime import date
from io import StringIO

import chinese_calendar
import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from enforcement.audit.models import AuditEvent
from enforcement.audit.services import timeline
from enforcement.workdays.models import CalendarDay, CalendarYear, DayKind, DaySource
from enforcement.workdays.package import package_days
from enforcement.workdays.services import delete_day, load_from_package, save_day, set_year_covered

pytestmark = pytest.mark.django_db
D = date.fromisoformat


def test_the_migration_loaded_every_year_the_package_covers():
    assert list(CalendarYear.objects.values_list("year", flat=True)) == list(range(2004, 2027))
    assert CalendarDay.objects.count() == len(chinese_calendar.holidays) + len(chinese_calendar.workdays)
    assert not CalendarDay.objects.exclude(source=DaySource.PACKAGE).exists()


@pytest.fixture
def edited_2026(city_admin):
    """2026 after an administrator's edits, and with package rows that no longer match the package."""
    national_day = CalendarDay.objects.get(date=D("2026-10-01"))
    national_day.name = "National Day (edited)"
    save_day(national_day, actor=city_admin)
    save_day(CalendarDay(date=D("2026-11-23"), kind=DayKind.HOLIDAY, name="Local holiday"), actor=city_admin)
    CalendarDay.objects.filter(date=D("2026-10-02")).delete()
    CalendarDay.objects.filter(date=D("2026-10-03")).update(name="Wrong")
    CalendarDay.objects.create(date=D("2026-12-01"), kind=DayKind.HOLIDAY, source=DaySource.PACKAGE)


def test_reload_keeps_manual_days_and_repairs_package_days(edited_2026, city_admin):
    (result,) = load_from_package([2026], actor=city_admin)
    assert (result.created, result.updated, result.deleted) == (1, 1, 1)
    days = {d.date: d for d in CalendarDay.objects.filter(date__year=2026)}
    assert days[D("2026-10-01")].name == "National Day (edited)"
    assert days[D("2026-10-01")].source == DaySource.MANUAL
    assert days[D("2026-11-23")].source == DaySource.MANUAL
    assert days[D("2026-10-02")].source == DaySource.PACKAGE
    assert days[D("2026-10-03")].name == "National Day"
    assert D("2026-12-01") not in days
    event = timeline(CalendarYear.objects.get(year=2026)).last()
    assert event.actor == city_admin
    assert event.after == {"created": 1, "updated": 1, "deleted": 1, "replace": False}


def test_reload_with_replace_makes_the_year_the_package_list(edited_2026):
    load_from_package([2026], replace=True)
    rows = set(CalendarDay.objects.filter(date__year=2026).values_list("date", "kind", "name", "source"))
    assert rows == {(d, kind, name, DaySource.PACKAGE) for d, kind, name in package_days([2026])}
    assert CalendarDay.objects.filter(date__year=2025).count() == len(
        package_days([2025])
    )  # other years untouched


def test_reload_of_an_uncovered_year_is_refused():
    with pytest.raises(ValidationError, match="2027"):
        load_from_package([2026, 2027])
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_load_holidays_command(edited_2026):
    out = StringIO()
    call_command("load_holidays", "--year", "2026", stdout=out)
    assert "2026: 1 created, 1 updated, 1 deleted" in out.getvalue()
    assert CalendarDay.objects.get(date=D("2026-11-23")).source == DaySource.MANUAL
    call_command("load_holidays", "--year", "2026", "--replace", stdout=StringIO())
    assert not CalendarDay.objects.filter(date=D("2026-11-23")).exists()


def test_load_holidays_command_for_all_years_after_a_wipe():
    CalendarDay.objects.all().delete()
    CalendarYear.objects.all().delete()
    call_command("load_holidays", stdout=StringIO())
    assert CalendarDay.objects.count() == len(package_days())
    assert CalendarYear.objects.count() == 23


def test_load_holidays_command_rejects_an_uncovered_year():
    with pytest.raises(CommandError, match="2027"):
        call_command("load_holidays", "--year", "2027", stdout=StringIO())


def test_save_day_rejects_a_make_up_day_on_a_weekday(city_admin):
    with pytest.raises(ValidationError) as info:
        save_day(CalendarDay(date=D("2026-11-25"), kind=DayKind.WORKDAY), actor=city_admin)
    assert "kind" in info.value.message_dict
    assert not CalendarDay.objects.filter(date=D("2026-11-25")).exists()


def test_day_edits_are_audited(city_admin):
    day = save_day(
        CalendarDay(date=D("2027-01-01"), kind=DayKind.HOLIDAY, name="New Year's Day"), actor=city_admin
    )
    day.name = "New Year"
    save_day(day, actor=city_admin)
    pk = day.pk
    delete_day(day, actor=city_admin)
    events = list(
        AuditEvent.objects.filter(object_id=str(pk), content_type__model="calendarday").order_by("id")
    )
    assert [e.action for e in events] == ["create", "update", "delete"]
    assert events[1].before["name"] == "New Year's Day" and events[1].after["name"] == "New Year"
    assert events[2].before["date"] == "2027-01-01"


def test_set_year_covered_is_audited_and_idempotent(city_admin):
    set_year_covered(2027, True, actor=city_admin)
    set_year_covered(2027, True, actor=city_admin)
    assert CalendarYear.objects.get(year=2027).source == DaySource.MANUAL
    set_year_covered(2027, False, actor=city_admin)
    assert not CalendarYear.objects.filter(year=2027).exists()
    actions = list(
        AuditEvent.objects.filter(content_type__model="calendaryear")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "delete"]
