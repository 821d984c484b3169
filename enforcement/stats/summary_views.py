"""The dashboard, its heat layer's data, and the annual summary (page, printable view, XLSX)."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.org.models import OrgUnit
from enforcement.replicas import replica_reads

from . import dashboard, exports, measures, query, read, summary
from .measures import Period
from .models import TallyMonth


def _unit(request):
    """The unit asked for, as the report reads it (out of scope 404); a malformed id is not found either."""
    try:
        return query.unit_of(request.GET, request.user)
    except ValidationError:
        raise Http404 from None


def _month(request, name="month"):
    """The month asked for ("YYYY-MM"), or the current one when it is missing or malformed."""
    try:
        return query.period_of(request.GET[name], name)
    except (KeyError, ValidationError):
        return Period.current()


def _year(request):
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    return year if 1950 <= year <= 2200 else timezone.localdate().year


def _rows(data, key):
    """[(month, [values…])] for the dashboard's tables beside the charts."""
    series = data[key]
    return [(month, [series[slug][i] for slug in series]) for i, month in enumerate(data["months"])]


@login_required
@replica_reads
def dashboard_view(request):
    unit = _unit(request)
    through = _month(request)
    data = dashboard.data(request.user, unit, through)

    def ranked(rows):  # each figure as the report pages write it: counts whole, rates with their %
        columns = [measures.get(slug) for slug in data["ranking"]["columns"]]
        return [(row["label"], [measures.display(c, row[c.slug]) for c in columns]) for row in rows]

    return render(
        request,
        "stats/dashboard.html",
        {
            "unit": unit,
            "through": through,
            "data": data,
            "trend_rows": _rows(data, "trend"),
            "rate_rows": _rows(data, "rates"),
            "trend_headers": [data["labels"][slug] for slug in data["trend"]],
            "rate_headers": [data["labels"][slug] for slug in data["rates"]],
            "ranking_rows": ranked(data["ranking"]["rows"]),
            "officer_rows": ranked(data["officers"]),
            "unit_choices": OrgUnit.objects.visible_to(request.user)
            .exclude(level="external")
            .only("id", "name", "name_en", "path"),
            "computed": TallyMonth.objects.filter(
                month=through.first_day, computed_at__isnull=False
            ).exists(),
            "map_tile_url": settings.MAP_TILE_URL,
            "heat_url": reverse("stats:heat") + f"?unit={unit.pk}&month={through}",
            "heat_cell": dashboard.HEAT_CELL,
        },
    )


@login_required
@replica_reads
def heat_view(request):
    unit = _unit(request)
    month = _month(request)
    return JsonResponse({"unit": unit.pk, "month": str(month), "cells": dashboard.heat(unit, month)})


def _annual(request):
    unit = _unit(request)
    year = _year(request)
    written = summary.write(unit, year)
    families = []
    for family, label in measures.FAMILIES.items():
        rows = [
            {
                "column": c.column,
                "value": measures.display(c.column, c.value),
                "last_year": measures.display(c.column, c.last_year),
                "change": "" if c.year_on_year is None else f"{c.year_on_year:+}%",
                "daily": "" if c.daily is None else f"{c.daily}",
            }
            for c in written.comparisons.values()
            if c.column.family == family
        ]
        if rows:
            families.append((label, rows))
    targets = [
        {
            "label": measures.get(target.measure).label
            if target.measure in written.comparisons
            else target.measure,
            "target": measures.display(measures.get(target.measure), target.target),
            "actual": measures.display(measures.get(target.measure), actual),
            "percent": f"{percent}%",
            "met": percent >= 100,
        }
        for target, actual, percent in written.targets
        if target.measure in written.comparisons
    ]
    return unit, year, written, families, targets


@login_required
@replica_reads
def annual_view(request):
    unit, year, written, families, targets = _annual(request)
    template = "stats/annual_print.html" if request.GET.get("print") else "stats/annual.html"
    return render(
        request,
        template,
        {
            "unit": unit,
            "year": year,
            "summary": written,
            "families": families,
            "targets": targets,
            "text": "\n\n".join(written.paragraphs),
            "years": range(timezone.localdate().year, timezone.localdate().year - 6, -1),
        },
    )


@login_required
@replica_reads
def annual_export(request):
    unit, year, written, _families, _targets = _annual(request)
    first, last = Period.of(year, 1), written.through
    reports = [
        read.report(unit, first, last, group_by=group_by)
        for group_by in (read.GroupBy.UNIT, read.GroupBy.MONTH, read.GroupBy.CATEGORY)
    ]
    titles = [_("By unit"), _("By month"), _("By category")]
    return exports.xlsx_report(reports, f"statistics-{unit.code}-{year}.xlsx", titles=titles)
