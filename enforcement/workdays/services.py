"""Changing the calendar: an administrator's day edits, year coverage, reloads from the package. Each
writes its audit event in the same transaction."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from enforcement.audit.models import AuditAction
from enforcement.audit.services import record_create, record_event, record_update, snapshot

from .models import CalendarDay, CalendarYear, DaySource
from .package import package_days, package_note, package_years


@transaction.atomic
def save_day(day, *, actor, expected_version=None):
    """Creates or edits a day by hand. It becomes `manual`, so a reload from the package keeps it."""
    day.source = DaySource.MANUAL
    day.full_clean()
    if day.pk is None:
        day.save()
        record_create(day, actor=actor)
    else:
        before = snapshot(CalendarDay.objects.select_for_update().get(pk=day.pk))
        day.save_versioned(expected_version)
        record_update(day, before, actor=actor)
    return day


@transaction.atomic
def delete_day(day, *, actor):
    record_event(day, AuditAction.DELETE, actor=actor, before=snapshot(day))
    day.delete()


@transaction.atomic
def set_year_covered(year, covered, *, actor, note=""):
    """Marks a year's holidays as complete (entered by hand) or not; uncovered years count weekends only."""
    existing = CalendarYear.objects.filter(year=year).first()
    if covered and existing is None:
        record_create(CalendarYear.objects.create(year=year, source=DaySource.MANUAL, note=note), actor=actor)
    elif not covered and existing is not None:
        record_event(existing, AuditAction.DELETE, actor=actor, before=snapshot(existing))
        existing.delete()


@dataclass
class LoadResult:
    year: int
    created: int = 0
    updated: int = 0
    deleted: int = 0


def load_from_package(years=None, *, replace=False, actor=None):
    """(Re)loads `years` (default: every year the package covers) from the package. Days entered by hand
    stay unless `replace`, which makes the year exactly the package's list. Returns a LoadResult per year."""
    available = set(package_years())
    years = sorted(available if years is None else set(years))
    missing = [year for year in years if year not in available]
    if missing:
        raise ValidationError(
            _("The calendar package (%(package)s) has no data for %(years)s.")
            % {"package": package_note(), "years": ", ".join(map(str, missing))}
        )
    by_year = {}
    for d, kind, name in package_days(years):
        by_year.setdefault(d.year, {})[d] = (kind, name)
    return [_load_year(year, by_year.get(year, {}), replace=replace, actor=actor) for year in years]


@transaction.atomic
def _load_year(year, wanted, *, replace, actor):
    result = LoadResult(year)
    existing = {day.date: day for day in CalendarDay.objects.select_for_update().filter(date__year=year)}
    stale = [
        day.pk
        for d, day in existing.items()
        if replace or (day.source == DaySource.PACKAGE and d not in wanted)
    ]
    result.deleted = CalendarDay.objects.filter(pk__in=stale).delete()[0]
    if replace:
        existing = {}
    new = []
    for d, (kind, name) in wanted.items():
        day = existing.get(d)
        if day is None:
            new.append(CalendarDay(date=d, kind=kind, name=name, source=DaySource.PACKAGE))
        elif day.source == DaySource.PACKAGE and (day.kind, day.name) != (kind, name):
            day.kind, day.name = kind, name
            day.save()
            result.updated += 1
    result.created = len(CalendarDay.objects.bulk_create(new))

    year_row, created = CalendarYear.objects.update_or_create(
        year=year, defaults={"source": DaySource.PACKAGE, "note": package_note()}
    )
    record_event(
        year_row,
        AuditAction.CREATE if created else AuditAction.UPDATE,
        actor=actor,
        after={
            "created": result.created,
            "updated": result.updated,
            "deleted": result.deleted,
            "replace": replace,
        },
        note=f"Loaded from {package_note()}",
    )
    return result
