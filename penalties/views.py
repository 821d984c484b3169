"""The browser pages of the penalties (PRODUCT §4): the unpaid list with the live surcharge, an execution's
page (money, schedule, payments, the deferral asked, the workflow's actions, documents, timeline), bank
statement imports and their problem lines, reconsiderations and lawsuits, seizures.

Every page reads through `visible_to(request.user)` (out of scope → 404); every change goes through the same
service function as the API (services.py, imports.py, reviews.py, seizures.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.models import Case as CaseRecord
from enforcement.approvals.services import may_decide, pending_for
from enforcement.files.views import too_large, upload_view
from enforcement.versioning import StaleEdit
from enforcement.workflow.exceptions import TransitionNotAllowed
from enforcement.workflow.forms import action_form_class, action_forms
from enforcement.workflow.views import add_errors, submit_action

from . import ledger
from .approvals import DEFERRAL, SEIZURE_EXTENSION
from .choices import HANDLERS, LIVE, MONEY_DESK, ReviewOutcome, SeizureStatus
from .forms import (
    DismissLineForm,
    EndSeizureForm,
    ExecutionFilterForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    OutcomeForm,
    RecordLineForm,
    ReviewForm,
    SeizedItemFormSet,
    SeizureForm,
    StatementUploadForm,
)
from .models import Execution, LineStatus, Review, SeizedItem, Seizure, StatementImport, StatementLine
from .statements import StatementError
from .workflow import WORKFLOW

PAGE_SIZE = 25
RECENT_IMPORTS = 20


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _page_number(request):
    value = request.GET.get("page", "")
    return int(value) if value.isdigit() else 1


def _refusal(exc):
    return str(getattr(exc, "message", None) or exc)


# --- the unpaid list ---------------------------------------------------------------------------------------
@login_required
def execution_list(request):
    """Live executions first (the oldest due first), then the ended ones; the surcharge and what is owed
    computed by the database for the whole page (`with_money`: one query, not one per row)."""
    today = timezone.localdate()
    form = ExecutionFilterForm(request.GET or None)
    rows = (
        Execution.objects.visible_to(request.user)
        .with_money(today)
        .select_related("case")
        .annotate(
            ended=Case(
                When(status__in=sorted(LIVE), then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("ended", "due_on", "id")  # live first, the oldest due first
    )
    if form.is_bound:
        rows = form.filter(rows, today) if form.is_valid() else rows.none()
    page = _page(request, rows)
    for row in page.object_list:
        row.surcharge = ledger.to_yuan(row.surcharge_fen)
        row.owed = ledger.to_yuan(row.owed_fen)
        row.late = row.status in LIVE and row.due_on < today
    return render(
        request,
        "penalties/list.html",
        {
            "form": form,
            "page": page,
            "rows": page.object_list,
            "today": today,
            "can_import": request.user.has_role(*MONEY_DESK),
        },
    )


# --- one execution ----------------------------------------------------------------------------------------
def _execution_for(request, pk):
    executions = Execution.objects.visible_to(request.user).select_related("case", "handler")
    return get_object_or_404(executions.prefetch_related("instalments"), pk=pk)


def _schedules(execution):
    """(the schedule in force, [earlier schedules, newest first]) — each a list of instalments."""
    by_number = {}
    for row in execution.instalments.all():
        by_number.setdefault(row.schedule_no, []).append(row)
    current = [row for row in execution.instalments.all() if row.current]
    earlier = [rows for number, rows in sorted(by_number.items(), reverse=True) if not rows[0].current]
    for row in current:
        row.outstanding = ledger.to_yuan(row.outstanding_fen)
    return current, earlier


def _detail_context(request, execution, *, bound=None):
    user = request.user
    current, earlier = _schedules(execution)
    money = execution.money()
    return {
        "execution": execution,
        "case": execution.case,
        "money": money,
        "next_due": next((row.due_on for row in current if row.outstanding_fen > 0), None),
        "instalments": current,
        "earlier_schedules": earlier,
        "payments": list(execution.payments.select_related("recorded_by", "statement")),
        "deferral": pending_for(execution, DEFERRAL),
        "reviews": list(Review.objects.filter(case_id=execution.case_id)),
        "seizures": list(Seizure.objects.filter(case_id=execution.case_id)),
        "action_forms": action_forms(WORKFLOW, execution, user, bound=bound),
        "can_review": user.has_role(*MONEY_DESK),
        "today": timezone.localdate(),
    }


@login_required
def execution_detail(request, pk):
    execution = _execution_for(request, pk)
    return render(request, "penalties/detail.html", _detail_context(request, execution))


@login_required
@require_POST
def execution_action(request, pk, slug):
    if slug not in WORKFLOW.transitions:
        raise Http404
    execution = _execution_for(request, pk)
    done, form, status = submit_action(request, WORKFLOW, execution, slug)
    if done is not None:
        return redirect(execution)
    if status in (403, 409):  # refused (the message says why): show the record afresh, with what was typed
        execution = _execution_for(request, pk)
        form = action_form_class(WORKFLOW, slug)(request.POST, user=request.user, obj=execution)
    context = _detail_context(request, execution, bound=form)
    context["failed_action"] = slug
    return render(request, "penalties/detail.html", context, status=status)


# --- statement imports --------------------------------------------------------------------------------------
def _may_import(user):
    return user.has_role(*MONEY_DESK)


@login_required
@upload_view
def import_list(request):
    """Upload a statement (the file is refused whole, with its line numbers, when it is malformed); the
    recent imports of the user's units."""
    if not _may_import(request.user):
        raise PermissionDenied
    form = StatementUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        refused = too_large(request)
        if refused:
            return refused
        if form.is_valid():
            from .imports import import_statement

            upload = form.cleaned_data["file"]
            try:
                record = import_statement(
                    upload.read(),
                    upload.name,
                    by=request.user,
                    unit=request.user.unit,
                    channel=form.cleaned_data["channel"],
                )
            except StatementError as exc:  # refused whole: each bad line, with its number
                form.add_error(None, [message for _line_no, message in exc.errors])
            except ValidationError as exc:
                add_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(
                    None, _refusal(exc) or _("Your role does not allow importing bank statements.")
                )
            else:
                messages.success(
                    request,
                    _("Statement imported: %(recorded)s payments recorded, %(problems)s lines to look at.")
                    % {"recorded": record.recorded, "problems": record.unmatched + record.refused},
                )
                return redirect("penalties:import", record.pk)
        status = 400
    imports = StatementImport.objects.visible_to(request.user).select_related("imported_by")[:RECENT_IMPORTS]
    return render(request, "penalties/imports.html", {"form": form, "imports": imports}, status=status)


LINES_PAGE_SIZE = 50


def _import_context(request, record, *, bound=None):
    """The import's counts and a page of its problem lines, each with its two forms (`bound`: (line id,
    form attribute, the submitted form) shows a refused one again)."""
    lines = record.problem_lines.select_related("payment__execution").order_by("line_no")
    page = Paginator(lines, LINES_PAGE_SIZE).get_page(request.GET.get("page"))
    for line in page.object_list:
        line.open = line.status in (LineStatus.UNMATCHED, LineStatus.REFUSED)
        line.record_form = RecordLineForm(user=request.user, prefix=f"record-{line.pk}")
        line.dismiss_form = DismissLineForm(prefix=f"dismiss-{line.pk}")
        if bound is not None and bound[0] == line.pk:
            setattr(line, bound[1], bound[2])
    return {
        "record": record,
        "lines": page.object_list,
        "page": page,
        "open_lines": record.problem_lines.filter(
            status__in=(LineStatus.UNMATCHED, LineStatus.REFUSED)
        ).count(),
    }


def _import_for(request, pk):
    if not _may_import(request.user):
        raise PermissionDenied
    return get_object_or_404(
        StatementImport.objects.visible_to(request.user).select_related("imported_by"), pk=pk
    )


@login_required
def import_detail(request, pk):
    record = _import_for(request, pk)
    return render(request, "penalties/import_detail.html", _import_context(request, record))


@login_required
@require_POST
def line_resolve(request, pk, line_id, how):
    """A problem line recorded on the penalty named (by decision number or payment code), or dismissed with
    a note (imports.resolve_line)."""
    from .imports import resolve_line

    if how not in ("record", "dismiss"):
        raise Http404
    record = _import_for(request, pk)
    line = get_object_or_404(StatementLine, statement=record, pk=line_id)
    prefix = f"{how}-{line.pk}"
    if how == "record":
        form, attribute = RecordLineForm(request.POST, user=request.user, prefix=prefix), "record_form"
    else:
        form, attribute = DismissLineForm(request.POST, prefix=prefix), "dismiss_form"
    status = 400
    if form.is_valid():
        try:
            resolve_line(
                line,
                by=request.user,
                execution=getattr(form, "execution", None),
                note=form.cleaned_data.get("note", ""),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        except (TransitionNotAllowed, PermissionDenied, StaleEdit) as exc:
            form.add_error(None, _refusal(exc))
            status = 409
        else:
            done = (
                _("Line %(line)s recorded on the penalty.")
                if how == "record"
                else _("Line %(line)s dismissed.")
            )
            messages.success(request, done % {"line": line.line_no})
            return redirect(f"{reverse('penalties:import', args=[record.pk])}?page={_page_number(request)}")
    context = _import_context(request, record, bound=(line.pk, attribute, form))
    return render(request, "penalties/import_detail.html", context, status=status)


# --- reconsiderations and lawsuits ------------------------------------------------------------------------
@login_required
def review_list(request):
    from .reviews import file_review

    can_file = request.user.has_role(*MONEY_DESK)
    initial = {}
    if request.GET.get("case"):
        case = _case_number(request, request.GET["case"])
        initial = {"case": case} if case else {}
    form = ReviewForm(request.POST or None, user=request.user, initial=initial)
    status = 200
    if request.method == "POST":
        if not can_file:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                review = file_review(
                    data["case"],
                    by=request.user,
                    kind=data["kind"],
                    body=data["body"],
                    filed_on=data["filed_on"],
                    hearing_on=data.get("hearing_on"),
                    note=data.get("note", ""),
                )
            except ValidationError as exc:
                add_errors(form, exc)
            except (TransitionNotAllowed, PermissionDenied) as exc:
                form.add_error(None, _refusal(exc))
            else:
                if review.late:
                    messages.warning(
                        request,
                        _(
                            "Recorded, and flagged as filed after its period: the body decides whether to hear it."
                        ),
                    )
                else:
                    messages.success(request, _("Reconsideration or lawsuit recorded."))
                return redirect("penalties:review", review.pk)
        status = 400
    reviews = Review.objects.visible_to(request.user).select_related("case")
    pending = request.GET.get("pending") == "1"
    if pending:
        reviews = reviews.filter(outcome=ReviewOutcome.PENDING)
    page = _page(request, reviews)
    return render(
        request,
        "penalties/reviews.html",
        {
            "page": page,
            "rows": page.object_list,
            "form": form,
            "can_file": can_file,
            "pending": pending,
        },
        status=status,
    )


def _case_number(request, number):
    """The number of a case the user may see (the form's initial value), or None."""
    return (
        CaseRecord.objects.visible_to(request.user)
        .filter(number=number.strip().upper())
        .values_list("number", flat=True)
        .first()
    )


@login_required
def review_detail(request, pk):
    from .reviews import record_outcome

    review = get_object_or_404(
        Review.objects.visible_to(request.user).select_related("case", "recorded_by"), pk=pk
    )
    can_decide = review.outcome == ReviewOutcome.PENDING and request.user.has_role(*MONEY_DESK)
    form = OutcomeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not can_decide:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                record_outcome(
                    review,
                    by=request.user,
                    outcome=data["outcome"],
                    outcome_on=data["outcome_on"],
                    varied_fine=data.get("varied_fine"),
                    note=data.get("note", ""),
                )
            except ValidationError as exc:
                add_errors(form, exc)
            except (TransitionNotAllowed, PermissionDenied) as exc:
                form.add_error(None, _refusal(exc))
            else:
                messages.success(request, _("Outcome recorded."))
                return redirect("penalties:review", review.pk)
        status = 400
    execution = Execution.objects.filter(case_id=review.case_id).first()
    return render(
        request,
        "penalties/review_detail.html",
        {"review": review, "form": form, "can_decide": can_decide, "execution": execution},
        status=status,
    )


# --- seizures and sealings ------------------------------------------------------------------------------
@login_required
def seizure_list(request):
    from .seizures import seize, seized_counts

    can_seize = request.user.has_role(*HANDLERS)
    initial = {}
    if request.GET.get("case"):
        case = _case_number(request, request.GET["case"])
        initial = {"case": case} if case else {}
    form = SeizureForm(request.POST or None, user=request.user, initial=initial)
    items = SeizedItemFormSet(request.POST or None, prefix="items")
    status = 200
    if request.method == "POST":
        if not can_seize:
            raise PermissionDenied
        if form.is_valid() & items.is_valid():
            data = form.cleaned_data
            try:
                seizure = seize(
                    data["case"],
                    by=request.user,
                    kind=data["kind"],
                    custody_place=data["custody_place"],
                    seized_on=data["seized_on"],
                    items=[item for item in (f.item() for f in items) if item],
                    note=data.get("note", ""),
                )
            except ValidationError as exc:
                add_errors(form, exc)  # the item rows' error ("items") shows above the form
            except (TransitionNotAllowed, PermissionDenied) as exc:
                form.add_error(None, _refusal(exc))
            else:
                messages.success(request, _("Seizure recorded."))
                return redirect(seizure)
        status = 400
    seizures = Seizure.objects.visible_to(request.user).select_related("case")
    held = request.GET.get("held") == "1"
    if held:
        seizures = seizures.filter(status=SeizureStatus.HELD)
    page = _page(request, seizures)
    return render(
        request,
        "penalties/seizures.html",
        {
            "page": page,
            "rows": page.object_list,
            "form": form,
            "items": items,
            "can_seize": can_seize,
            "held": held,
            "counts": _counts(seized_counts(seizures)),
        },
        status=status,
    )


def _counts(counts):
    labels = dict(SeizedItem._meta.get_field("kind").choices)
    return [(labels[kind], quantity) for kind, quantity in counts.items()]


def _seizure_for(request, pk):
    seizures = Seizure.objects.visible_to(request.user).select_related("case", "created_by")
    return get_object_or_404(seizures.prefetch_related("items"), pk=pk)


def _seizure_context(request, seizure, *, bound=None):
    user = request.user
    pending = pending_for(seizure, SEIZURE_EXTENSION)
    held = seizure.status == SeizureStatus.HELD
    handler = user.has_role(*HANDLERS)
    forms = {
        "extend": ExtensionRequestForm()
        if held and handler and pending is None and not seizure.extended_days
        else None,
        "decide": ExtensionDecisionForm()
        if pending is not None and may_decide(SEIZURE_EXTENSION, pending, seizure, user)
        else None,
        "end": EndSeizureForm() if held and handler else None,
    }
    if bound is not None:
        forms[bound[0]] = bound[1]
    return {
        "seizure": seizure,
        "items": list(seizure.items.all()),
        "pending": pending,
        "approvals": list(
            seizure.approvals.select_related("requested_by", "decided_by").order_by("requested_at")
        ),
        "extend_form": forms["extend"],
        "decide_form": forms["decide"],
        "end_form": forms["end"],
    }


@login_required
def seizure_detail(request, pk):
    seizure = _seizure_for(request, pk)
    return render(request, "penalties/seizure_detail.html", _seizure_context(request, seizure))


@login_required
@require_POST
def seizure_step(request, pk, step):
    """request_extension, decide_extension or end_seizure (seizures.py), from the seizure's page."""
    from . import seizures

    forms = {"extend": ExtensionRequestForm, "decide": ExtensionDecisionForm, "end": EndSeizureForm}
    if step not in forms:
        raise Http404
    seizure = _seizure_for(request, pk)
    form = forms[step](request.POST)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            if step == "extend":
                seizures.request_extension(seizure, by=request.user, days=data["days"], reason=data["reason"])
                done = _("Extension requested. The bureau head decides.")
            elif step == "decide":
                seizures.decide_extension(
                    seizure, by=request.user, decision=data["decision"], opinion=data.get("opinion", "")
                )
                done = _("Extension decided.")
            else:
                seizures.end_seizure(
                    seizure, by=request.user, outcome=data["outcome"], note=data.get("note", "")
                )
                done = _("Seizure ended.")
        except ValidationError as exc:
            add_errors(form, exc)
        except (TransitionNotAllowed, PermissionDenied, StaleEdit) as exc:
            form.add_error(None, _refusal(exc))
            status = 409
        else:
            messages.success(request, done)
            return redirect(seizure)
    seizure = _seizure_for(request, pk)
    return render(
        request,
        "penalties/seizure_detail.html",
        _seizure_context(request, seizure, bound=(step, form)),
        status=status,
    )
