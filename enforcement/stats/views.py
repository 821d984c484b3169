"""The statistics pages (PRODUCT §9): the monthly report with its filters and exports, submitting (locking)
and unlocking a month with its corrections since, recomputing on demand, the year's targets with how far
they are reached, and the declared list of figures with their definitions.

Every page reads its unit through `query.parse` or `visible_to` (out of scope → 404); every change goes
through `services.py`, which checks again who may make it."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from enforcement.celery import send
from enforcement.org.models import OrgUnit
from enforcement.replicas import reads_replica, replica_reads

from . import compute, exports, measures, query, read, services, tasks
from .forms import (
    ReportFilterForm,
    SubmitMonthForm,
    TargetForm,
    TargetYearForm,
    UnlockMonthForm,
    group_by_choices,
)
from .measures import Period
from .models import TallyMonth, TallySubmission

# A request recomputes at most a year's months itself; a longer range goes to the worker.
SYNC_RECOMPUTE_MONTHS = 12
EXPORT_FORMATS = ("csv", "xlsx")
SHOWN_UNITS = (measures.Unit.YUAN, measures.Unit.SQUARE_METRES)  # counts and rates say it in the cell


# --- figures as the page shows them ------------------------------------------------------------------------
def shown(column, value, *, signed=False):
    """A figure as the page shows it (measures.display: "88.6%", "—", "12,345.00"); `signed` for a
    difference ("+1")."""
    text = measures.display(column, value)
    return f"+{text}" if signed and value is not None and value > 0 else text


@dataclass
class Header:
    slug: str
    label: str
    definition: str
    unit_label: str


def header(column):
    return Header(
        column.slug,
        column.label,
        column.definition,
        measures.UNIT_LABELS[column.unit] if column.unit in SHOWN_UNITS else "",
    )


@dataclass
class FamilyTable:
    slug: str
    label: str
    headers: list
    rows: list  # [(label, [cell text])], the groups in the report's order
    total: list  # [cell text]


def family_tables(report):
    """One table per family of figures, its measures and rates as columns, the report's groups as rows."""
    families = {}
    for column in report.columns:
        families.setdefault(column.family, []).append(column)
    return [
        FamilyTable(
            family,
            measures.FAMILIES.get(family, family),
            [header(column) for column in columns],
            [(row.label, [shown(c, row.value(c.slug)) for c in columns]) for row in report.rows],
            [shown(c, report.total.value(c.slug)) for c in columns],
        )
        for family, columns in families.items()
    ]


def month_label(period):
    return date_format(period.first_day, "YEAR_MONTH_FORMAT")  # 2026年3月


def months_label(report_query):
    if report_query.is_one_month:
        return month_label(report_query.first)
    return f"{month_label(report_query.first)} – {month_label(report_query.last)}"


def report_url(report_query, **changes):
    return f"{reverse('stats:monthly')}?{urlencode(report_query.params(**changes), doseq=True)}"


def month_url(report_query, period):
    return report_url(report_query, **{"from": str(period), "to": str(period)})


def hidden_fields(report_query):
    """The query as (name, value) pairs, for the hidden inputs of the forms that act on it."""
    return [
        (name, item)
        for name, value in report_query.params().items()
        for item in (value if isinstance(value, list) else [value])
    ]


# --- the report ------------------------------------------------------------------------------------------
PARAMETER_FIELDS = {"from": "from_"}  # query.parse names the parameter, the form its field


def invalid_query(request, error):
    """The page with the filters as typed and what is wrong with them (400); no figures."""
    form = ReportFilterForm(request.GET, user=request.user)
    form.is_valid()  # the form's own checks; parse's add what they don't say
    for name, errors in error.message_dict.items():
        field = PARAMETER_FIELDS.get(name, name)
        if field not in form.fields:
            form.add_error(None, errors)
        elif field not in form.errors:
            form.add_error(field, errors)
            widget = form.fields[field].widget
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
    return render(request, "stats/monthly.html", {"form": form}, status=400)


def month_context(report_query):
    """What a single month adds: its submission, when it was computed, its corrections since."""
    period = report_query.first
    submission = services.current_submission(report_query.unit, period)
    corrections = services.corrections(submission) if submission else []
    return {
        "period": period,
        "month_label": month_label(period),
        "month_begun": period.first_day <= timezone.localdate(),
        "tally_month": TallyMonth.objects.filter(month=period.first_day).first(),
        "submission": submission,
        "history": TallySubmission.objects.filter(
            unit=report_query.unit, month=period.first_day, ended_at__isnull=False
        ).select_related("submitted_by", "ended_by")[:20],
        "corrections": [
            (
                header(c.column),
                shown(c.column, c.locked),
                shown(c.column, c.current),
                shown(c.column, c.difference, signed=True),
            )
            for c in corrections
        ],
        "changed_records": services.changed_records(submission) if corrections else [],
        "submit_form": SubmitMonthForm(),
        "unlock_form": UnlockMonthForm(initial={"submission": submission.pk}) if submission else None,
        "previous_url": month_url(report_query, period.previous()),
        "next_url": month_url(report_query, period.next()),
    }


@login_required
@replica_reads
def monthly(request):
    try:
        report_query = query.parse(request.GET, request.user)
    except ValidationError as error:
        return invalid_query(request, error)
    report = report_query.report()
    form = ReportFilterForm(
        initial={
            "unit": report_query.unit.pk,
            "from_": str(report_query.first),
            "to": str(report_query.last),
            "group_by": report_query.group_by,
        },
        user=request.user,
    )
    context = {
        "form": form,
        "query": report_query,
        "report": report,
        "tables": family_tables(report),
        "group_label": read.describe(report_query.group_by),
        "group_links": [
            (value, label, report_url(report_query, group_by=value))
            for value, label in group_by_choices(request.user)
        ],
        "months_label": months_label(report_query),
        "query_string": urlencode(report_query.params(), doseq=True),
        "hidden_fields": hidden_fields(report_query),
        "is_statistician": services.is_statistician_of(request.user, report_query.unit),
        "from_replica": reads_replica(),
    }
    if report_query.is_one_month:
        context |= month_context(report_query)
    return render(request, "stats/monthly.html", context)


@login_required
@replica_reads
def monthly_export(request):
    """The report of the same query as CSV (UTF-8 with BOM) or XLSX (exports.py)."""
    try:
        report_query = query.parse(request.GET, request.user)
        kind = request.GET.get("format") or "csv"
        if kind not in EXPORT_FORMATS:
            raise ValidationError({"format": [_("Export as CSV or XLSX.")]})
    except ValidationError as error:
        return invalid_query(request, error)
    report = report_query.report()
    filename = exports.filename_for(report, kind)
    if kind == "xlsx":
        return exports.xlsx_report([report], filename)
    return exports.csv_report(report, filename)


# --- submitting, unlocking, recomputing a month -------------------------------------------------------------
def statistician_query(request):
    """The query a statistics form posted (the page's own hidden fields: anything else is a bad request),
    for statistics staff of its unit only (403)."""
    try:
        report_query = query.parse(request.POST, request.user)
    except ValidationError:
        raise BadRequest from None
    if not services.is_statistician_of(request.user, report_query.unit):
        raise PermissionDenied(_("Only statistics staff of this unit or a unit above it can do this."))
    return report_query


def posted_month(request, report_query, form):
    """The one month a submit or unlock form acts on, once its form is valid; else None and a message."""
    if not report_query.is_one_month:
        messages.error(request, _("Choose a single month to submit or unlock it."))
        return None
    if not form.is_valid():
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else None
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
        return None
    return report_query.first


@login_required
@require_POST
def lock_month(request):
    report_query = statistician_query(request)
    form = SubmitMonthForm(request.POST)
    period = posted_month(request, report_query, form)
    if period is not None:
        again = services.current_submission(report_query.unit, period) is not None
        try:
            services.submit(report_query.unit, period, by=request.user, note=form.cleaned_data["note"])
        except services.SubmissionRefused as refused:
            messages.error(request, refused.message)
        else:
            message = (
                _("Submitted the statistics of %(month)s again; the earlier submission is kept as history.")
                if again
                else _("Submitted (locked) the statistics of %(month)s.")
            )
            messages.success(request, message % {"month": month_label(period)})
    return redirect(report_url(report_query))


@login_required
@require_POST
def unlock_month(request):
    report_query = statistician_query(request)
    form = UnlockMonthForm(request.POST)
    period = posted_month(request, report_query, form)
    if period is not None:
        submission = services.current_submission(report_query.unit, period)
        try:
            # The submission the page showed: one made since is not unlocked unseen.
            if submission is None or submission.pk != form.cleaned_data["submission"]:
                raise services.SubmissionRefused(_("This submission was already replaced or unlocked."))
            services.unlock(submission, by=request.user, reason=form.cleaned_data["reason"])
        except services.SubmissionRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(
                request,
                _("Unlocked the statistics of %(month)s: its figures follow the records again.")
                % {"month": month_label(period)},
            )
    return redirect(report_url(report_query))


@login_required
@require_POST
def recompute_months(request):
    """The shown months recomputed from the records: here and now for up to a year, else on the worker."""
    report_query = statistician_query(request)
    periods = list(Period.range(report_query.first, report_query.last))
    label = months_label(report_query)
    if len(periods) <= SYNC_RECOMPUTE_MONTHS:
        for period in periods:
            compute.recompute(period)
        messages.success(
            request, _("Recomputed the figures of %(months)s from the records.") % {"months": label}
        )
    else:
        first, last = report_query.first.first_day.isoformat(), report_query.last.first_day.isoformat()
        if send(tasks.recompute_months_task, first, last):
            messages.info(
                request,
                _("The figures of %(months)s are being recomputed; open the report again in a few minutes.")
                % {"months": label},
            )
        else:
            messages.error(
                request,
                _(
                    "The figures of %(months)s were not recomputed: the task queue is not answering. Try again "
                    "in a few minutes, or choose at most %(count)s months, which are recomputed at once."
                )
                % {"months": label, "count": SYNC_RECOMPUTE_MONTHS},
            )
    return redirect(report_url(report_query))


# --- annual targets (目标任务书) ---------------------------------------------------------------------------
def target_unit(params, user):
    unit_id = params.get("unit")
    if not unit_id:
        unit = read.default_unit(user)
        if unit is None:
            raise Http404
        return unit
    try:
        return OrgUnit.objects.visible_to(user).get(pk=int(unit_id))
    except (TypeError, ValueError, OrgUnit.DoesNotExist):
        raise Http404 from None


def measure_or_slug(slug):
    """The declared measure, or a stand-in for a target whose measure is no longer declared."""
    try:
        return measures.get(slug)
    except KeyError:
        return measures.Measure(slug, slug, "", "")


@login_required
@require_http_methods(["GET", "POST"])
@replica_reads
def targets(request):
    params = request.POST if request.method == "POST" else request.GET
    unit = target_unit(params, request.user)
    chooser = TargetYearForm(
        {"unit": unit.pk, "year": params.get("year") or timezone.localdate().year}, user=request.user
    )
    if not chooser.is_valid():
        return render(request, "stats/targets.html", {"chooser": chooser, "unit": unit}, status=400)
    year = chooser.cleaned_data["year"]
    here = f"{reverse('stats:targets')}?{urlencode({'unit': unit.pk, 'year': year})}"
    can_set = services.can_set_targets(request.user, unit)
    form = TargetForm(request.POST if request.method == "POST" and "remove" not in request.POST else None)
    if request.method == "POST":
        if not can_set:
            raise PermissionDenied(
                _("Only an administrator of this unit or a unit above it sets its targets.")
            )
        if "remove" in request.POST:
            measure = measure_or_slug(request.POST["remove"])
            try:
                services.set_target(unit, year, measure.slug, None, by=request.user)
            except KeyError:
                raise Http404 from None
            messages.success(request, _("Removed the target for “%(measure)s”.") % {"measure": measure.label})
            return redirect(here)
        if form.is_valid():
            data = form.cleaned_data
            measure = measures.get(data["measure"])
            services.set_target(unit, year, measure.slug, data["target"], by=request.user, note=data["note"])
            messages.success(
                request,
                _("Target for “%(measure)s” set to %(target)s.")
                % {"measure": measure.label, "target": shown(measure, data["target"])},
            )
            return redirect(here)
    current = Period.current()
    through = current if year == current.year else None
    rows = []
    for target, actual, percent in services.achievements(unit, year, through):
        measure = measure_or_slug(target.measure)
        rows.append(
            {
                "target": target,
                "header": header(measure),
                "target_text": shown(measure, target.target),
                "actual_text": shown(measure, actual),
                "percent_text": f"{percent}%",
            }
        )
    context = {
        "chooser": chooser,
        "unit": unit,
        "year": year,
        "through_label": month_label(through or Period.of(year, 12)),
        "rows": rows,
        "can_set": can_set,
        "form": form,
        "previous_url": f"{reverse('stats:targets')}?{urlencode({'unit': unit.pk, 'year': year - 1})}",
        "next_url": f"{reverse('stats:targets')}?{urlencode({'unit': unit.pk, 'year': year + 1})}",
    }
    return render(request, "stats/targets.html", context, status=400 if form.errors else 200)


# --- the declared list --------------------------------------------------------------------------------------
def formula(rate):
    def names(slugs):
        return " + ".join(str(measure_or_slug(slug).label) for slug in slugs)

    return _("(%(numerator)s) ÷ (%(denominator)s) × 100%%") % {
        "numerator": names(rate.numerator),
        "denominator": names(rate.denominator),
    }


@login_required
def definitions(request):
    families = {}
    for item in measures.ordered([*measures.all_measures(), *measures.all_rates()]):
        families.setdefault(item.family, []).append(
            {
                "item": item,
                "unit_label": measures.UNIT_LABELS[item.unit],
                "formula": formula(item) if isinstance(item, measures.Rate) else "",
            }
        )
    return render(
        request,
        "stats/definitions.html",
        {"families": [(slug, measures.FAMILIES.get(slug, slug), items) for slug, items in families.items()]},
    )
