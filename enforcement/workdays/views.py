"""The calendar page (every signed-in user) and a city administrator's edits to it (the calendar is
city-wide: `org.permissions`)."""

import calendar as pycalendar
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS, WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enforcement.org.permissions import can_edit_city_wide, city_admin_required
from enforcement.versioning import StaleEdit

from .calendar import get_calendar
from .forms import CalendarDayForm, ReloadYearForm
from .models import CalendarDay, CalendarYear, DaySource
from .package import package_note, package_years
from .services import delete_day, load_from_package, save_day, set_year_covered

MIN_YEAR, MAX_YEAR = 1990, 2100


def _check_year(year):
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404


def _calendar_url(year):
    return f"{reverse('workdays:calendar')}?year={year}"


def _month_grids(year, days):
    """Twelve months of weeks (Monday first); each cell says what kind of day it is."""
    by_date = {day.date: day for day in days}
    grid = pycalendar.Calendar(firstweekday=0)
    months = []
    for month in range(1, 13):
        weeks = []
        for week in grid.monthdatescalendar(year, month):
            cells = []
            for d in week:
                day = by_date.get(d)
                if day is not None:
                    kind = day.kind
                elif d.weekday() >= 5:
                    kind = "weekend"
                else:
                    kind = "working"
                cells.append({"date": d, "in_month": d.month == month, "kind": kind, "day": day})
            weeks.append(cells)
        months.append({"number": month, "name": MONTHS[month], "weeks": weeks})
    return months


@login_required
def calendar_page(request):
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, MIN_YEAR), MAX_YEAR)
    cal = get_calendar()
    days = list(CalendarDay.objects.visible_to(request.user).filter(date__year=year))
    first, last = date(year, 1, 1), date(year, 12, 31)
    return render(
        request,
        "workdays/calendar.html",
        {
            "year": year,
            "previous_year": year - 1,
            "next_year": year + 1,
            "today": today,
            "months": _month_grids(year, days),
            "weekdays": [WEEKDAYS_ABBR[i] for i in range(7)],
            "days": days,
            "year_row": CalendarYear.objects.filter(year=year).first(),
            "warning": cal.coverage_warning(first, last),
            "working_day_count": cal.working_days_between(date(year - 1, 12, 31), last),
            "in_package": year in package_years(),
            "package_note": package_note(),
            "can_edit": can_edit_city_wide(request.user),
        },
    )


@city_admin_required
def day_add(request):
    initial = {"date": request.GET.get("date")} if request.GET.get("date") else {}
    return _day_form(request, CalendarDay(), initial=initial)


@city_admin_required
def day_edit(request, pk):
    return _day_form(request, get_object_or_404(CalendarDay, pk=pk))


def _day_form(request, day, initial=None):
    creating = day.pk is None
    form = CalendarDayForm(
        request.POST if request.method == "POST" else None,
        instance=day,
        initial={**(initial or {}), "version": day.version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            day = save_day(
                form.save(commit=False), actor=request.user, expected_version=form.cleaned_data["version"]
            )
        except StaleEdit as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Saved %(day)s.") % {"day": day})
            return redirect(_calendar_url(day.date.year))
    return render(request, "workdays/day_form.html", {"form": form, "day": day, "creating": creating})


@city_admin_required
def day_delete(request, pk):
    day = get_object_or_404(CalendarDay, pk=pk)
    if request.method == "POST":
        delete_day(day, actor=request.user)
        messages.success(request, _("Deleted %(day)s.") % {"day": day})
        return redirect(_calendar_url(day.date.year))
    details = []
    if day.source == DaySource.PACKAGE:
        details.append(
            _(
                "This day comes from the calendar package: reloading the year brings it back. To override it "
                "for good, edit it instead."
            )
        )
    return render(
        request,
        "workdays/confirm.html",
        {
            "title": _("Delete %(day)s?") % {"day": day},
            "details": details,
            "button": _("Delete"),
            "button_class": "btn-danger",
            "back_url": _calendar_url(day.date.year),
        },
    )


@city_admin_required
def year_reload(request, year):
    _check_year(year)
    if year not in package_years():
        messages.error(
            request,
            _("The calendar package (%(package)s) has no data for %(years)s.")
            % {
                "package": package_note(),
                "years": year,
            },
        )
        return redirect(_calendar_url(year))
    form = ReloadYearForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        (result,) = load_from_package([year], replace=form.cleaned_data["replace"], actor=request.user)
        messages.success(
            request,
            _(
                "Reloaded %(year)s from the calendar package: %(created)s added, %(updated)s changed, "
                "%(deleted)s removed."
            )
            % {"year": year, "created": result.created, "updated": result.updated, "deleted": result.deleted},
        )
        return redirect(_calendar_url(year))
    return render(
        request,
        "workdays/confirm.html",
        {
            "title": _("Reload %(year)s from the calendar package?") % {"year": year},
            "details": [
                _("Holidays and make-up working days of %(year)s are set to those of %(package)s.")
                % {
                    "year": year,
                    "package": package_note(),
                },
                _("Days entered by hand are kept unless you tick the box below."),
            ],
            "form": form,
            "button": _("Reload"),
            "button_class": "btn-primary",
            "back_url": _calendar_url(year),
        },
    )


@require_POST
@city_admin_required
def year_coverage(request, year):
    _check_year(year)
    covered = request.POST.get("covered") == "1"
    set_year_covered(year, covered, actor=request.user)
    if covered:
        messages.success(
            request,
            _("%(year)s is marked complete: deadlines use its holidays without a warning.") % {"year": year},
        )
    else:
        messages.success(
            request, _("%(year)s is marked incomplete: deadlines in it show a warning.") % {"year": year}
        )
    return redirect(_calendar_url(year))
