"""The browser pages of the penalties (PRODUCT §4): the unpaid list with the live surcharge, an execution's
page (money, schedule, payments, the deferral asked, the workflow's actions, documents, timeline), bank
statement imports and their problem lines, reconsiderations and lawsuits, seizures, orders to demolish.

Every page reads through `visible_to(request.user)` (out of scope → 404); every change goes through the same
service function as the API (services.py, imports.py, reviews.py, seizures.py, demolitions.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, F, IntegerField, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.models import Case as CaseRecord
from enforcement.approvals.services import may_decide, pending_for
from enforcement.files.views import too_large, upload_view
from enforcement.filters import filter_list
from enforcement.versioning import StaleEdit
from enforcement.workflow.exceptions import TransitionNotAllowed
from enforcement.workflow.forms import action_form_class, action_forms
from enforcement.workflow.views import add_errors, submit_action

from . import ledger
from .approvals import DEFERRAL, SEIZURE_EXTENSION
from .choices import (
    DEMOLITION_LIVE,
    HANDLERS,
    LIVE,
    MONEY_DESK,
    ReviewOutcome,
    SeizureStatus,
)
from .filtersets import DemolitionFilterSet, ExecutionFilterSet
from .forms import (
    DemolishedForm,
    DemolitionNoticeForm,
    DismissLineForm,
    EndSeizureForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    OutcomeForm,
    RecordLineForm,
    ReviewForm,
    SeizedItemFormSet,
    SeizureForm,
    StatementUploadForm,
)
from .models import (
    Demolition,
    Execution,
    LineStatus,
    Review,
    SeizedItem,
    Seizure,
    StatementImport,
    StatementLine,
)
from .statements import StatementError
from .workflow import WORKFLOW

PAGE_SIZE = 25
RECENT_IMPORTS = 20


def _paged(request, queryset):
    """A list page's context: its page of `queryset` and that page's rows."""
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return {"page": page, "rows": page.object_list}


def _filtered_page(request, filterset_class, base):
    """A filtered list's context: the filters' form (filtersets.py, the API's too: an invalid filter matches
    nothing and says why), the status chosen and the page of the rows matched."""
    filterset, rows = filter_list(filterset_class, request, base)
    return {"form": filterset.form, "selected_status": request.GET.getlist("status"), **_paged(request, rows)}


def _live_first(live):
    """0 for a record still in progress (status in `live`), 1 for an ended one: the lists sort on it."""
    return Case(When(status__in=sorted(live), then=Value(0)), default=Value(1), output_field=IntegerField())


def _page_number(request):
    value = request.GET.get("page", "")
    return int(value) if value.isdigit() else 1


def _refusal(exc):
    return str(getattr(exc, "message", None) or exc)


REFUSALS = (TransitionNotAllowed, PermissionDenied)
CONFLICTS = (*REFUSALS, StaleEdit)  # a step on a record's page: refused as it stands now (409)


def _submit(form, call, *, valid=True, refused=REFUSALS, status=400):
    """`call(form.cleaned_data)` — the service — if the form (and `valid`: its formset) is valid: (its answer,
    None); else (None, the status to answer) with why said on the form: bad input under its fields (400),
    a refusal of `refused` above them (`status`)."""
    if not (form.is_valid() and valid):
        return None, 400
    try:
        return call(form.cleaned_data), None
    except ValidationError as exc:
        add_errors(form, exc)
        return None, 400
    except refused as exc:
        form.add_error(None, _refusal(exc))
        return None, status


def _initial_case(request):
    """A new record's form starts on the case `?case=<number>` names, when the user may see it."""
    number = request.GET.get("case") and _case_number(request, request.GET["case"])
    return {"case": number} if number else {}


# --- the unpaid list ---------------------------------------------------------------------------------------
@login_required
def execution_list(request):
    """Live executions first (the oldest due first), then the ended ones; the surcharge and what is owed
    computed by the database for the whole page (`with_money`: one query, not one per row)."""
    today = timezone.localdate()
    rows = (
        Execution.objects.visible_to(request.user)
        .with_money(today)
        .select_related("case")
        .annotate(ended=_live_first(LIVE))
        .order_by("ended", "due_on", "id")  # live first, the oldest due first
    )
    context = _filtered_page(request, ExecutionFilterSet, rows)
    for row in context["rows"]:
        row.surcharge = ledger.to_yuan(row.surcharge_fen)
        row.owed = ledger.to_yuan(row.owed_fen)
        row.late = row.status in LIVE and row.due_on < today
    context.update(today=today, can_import=request.user.has_role(*MONEY_DESK))
    return render(request, "penalties/list.html", context)


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
    _line, failed = _submit(
        form,
        lambda data: resolve_line(
            line, by=request.user, execution=getattr(form, "execution", None), note=data.get("note", "")
        ),
        refused=CONFLICTS,
        status=409,
    )
    if not failed:
        done = (
            _("Line %(line)s recorded on the penalty.") if how == "record" else _("Line %(line)s dismissed.")
        )
        messages.success(request, done % {"line": line.line_no})
        return redirect(f"{reverse('penalties:import', args=[record.pk])}?page={_page_number(request)}")
    context = _import_context(request, record, bound=(line.pk, attribute, form))
    return render(request, "penalties/import_detail.html", context, status=failed)


# --- reconsiderations and lawsuits ------------------------------------------------------------------------
@login_required
def review_list(request):
    from .reviews import file_review

    can_file = request.user.has_role(*MONEY_DESK)
    form = ReviewForm(request.POST or None, user=request.user, initial=_initial_case(request))
    failed = None
    if request.method == "POST":
        if not can_file:
            raise PermissionDenied
        review, failed = _submit(
            form,
            lambda data: file_review(
                data["case"],
                by=request.user,
                kind=data["kind"],
                body=data["body"],
                filed_on=data["filed_on"],
                hearing_on=data.get("hearing_on"),
                note=data.get("note", ""),
            ),
        )
        if not failed:
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
    reviews = Review.objects.visible_to(request.user).select_related("case")
    pending = request.GET.get("pending") == "1"
    if pending:
        reviews = reviews.filter(outcome=ReviewOutcome.PENDING)
    context = {**_paged(request, reviews), "form": form, "can_file": can_file, "pending": pending}
    return render(request, "penalties/reviews.html", context, status=failed or 200)


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
    failed = None
    if request.method == "POST":
        if not can_decide:
            raise PermissionDenied
        _review, failed = _submit(
            form,
            lambda data: record_outcome(
                review,
                by=request.user,
                outcome=data["outcome"],
                outcome_on=data["outcome_on"],
                outcome_received_on=data.get("outcome_received_on"),
                varied_fine=data.get("varied_fine"),
                note=data.get("note", ""),
            ),
        )
        if not failed:
            messages.success(request, _("Outcome recorded."))
            return redirect("penalties:review", review.pk)
    execution = Execution.objects.filter(case_id=review.case_id).first()
    return render(
        request,
        "penalties/review_detail.html",
        {"review": review, "form": form, "can_decide": can_decide, "execution": execution},
        status=failed or 200,
    )


# --- seizures and sealings ------------------------------------------------------------------------------
@login_required
def seizure_list(request):
    from .seizures import seize, seized_counts

    can_seize = request.user.has_role(*HANDLERS)
    form = SeizureForm(request.POST or None, user=request.user, initial=_initial_case(request))
    items = SeizedItemFormSet(request.POST or None, prefix="items")
    failed = None
    if request.method == "POST":
        if not can_seize:
            raise PermissionDenied
        # The item rows' error from the service ("items") shows above the form.
        seizure, failed = _submit(
            form,
            lambda data: seize(
                data["case"],
                by=request.user,
                kind=data["kind"],
                custody_place=data["custody_place"],
                seized_on=data["seized_on"],
                items=[item for item in (f.item() for f in items) if item],
                note=data.get("note", ""),
            ),
            valid=items.is_valid(),
        )
        if not failed:
            messages.success(request, _("Seizure recorded."))
            return redirect(seizure)
    seizures = Seizure.objects.visible_to(request.user).select_related("case")
    held = request.GET.get("held") == "1"
    if held:
        seizures = seizures.filter(status=SeizureStatus.HELD)
    context = {
        **_paged(request, seizures),
        "form": form,
        "items": items,
        "can_seize": can_seize,
        "held": held,
        "counts": _counts(seized_counts(seizures)),
    }
    return render(request, "penalties/seizures.html", context, status=failed or 200)


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

    def take_step(data):  # → what is said once it is done
        if step == "extend":
            seizures.request_extension(seizure, by=request.user, days=data["days"], reason=data["reason"])
            return _("Extension requested. The bureau head decides.")
        if step == "decide":
            seizures.decide_extension(
                seizure, by=request.user, decision=data["decision"], opinion=data.get("opinion", "")
            )
            return _("Extension decided.")
        seizures.end_seizure(seizure, by=request.user, outcome=data["outcome"], note=data.get("note", ""))
        return _("Seizure ended.")

    done, failed = _submit(form, take_step, refused=CONFLICTS, status=409)
    if not failed:
        messages.success(request, done)
        return redirect(seizure)
    seizure = _seizure_for(request, pk)
    return render(
        request,
        "penalties/seizure_detail.html",
        _seizure_context(request, seizure, bound=(step, form)),
        status=failed,
    )


# --- orders to demolish ---------------------------------------------------------------------------------
@login_required
def demolition_list(request):
    """The orders still being carried out first (the nearest deadline first: the notice's once it is given),
    then the ended ones; filtered by status, overdue, a decision or case number or the party's name."""
    today = timezone.localdate()
    rows = (
        Demolition.objects.visible_to(request.user)
        .select_related("case__party")
        .annotate(
            ended=_live_first(DEMOLITION_LIVE), due_on=Coalesce(F("notice_deadline_on"), F("deadline_on"))
        )
        .order_by("ended", "due_on", "id")
    )
    context = _filtered_page(request, DemolitionFilterSet, rows)
    for row in context["rows"]:
        row.late = row.status in DEMOLITION_LIVE and row.due_on < today
    return render(request, "penalties/demolitions.html", {**context, "today": today})


def _demolition_for(request, pk):
    demolitions = Demolition.objects.visible_to(request.user).select_related("case__party", "handler")
    return get_object_or_404(demolitions, pk=pk)


DEMOLITION_STEPS = {"notice": DemolitionNoticeForm, "demolish": DemolishedForm}


def _demolition_forms(request, demolition):
    """The live actions' empty forms, with their defaults: the notice today with the parameter's period
    (Art. 44), the demolition today over the whole area ordered."""
    from . import demolitions, rules

    actions = demolitions.allowed_actions(demolition, request.user)
    if "demolished" not in actions:
        return {"notice": None, "demolish": None}
    today = timezone.localdate()
    notice = None
    if "notice" in actions:
        notice = DemolitionNoticeForm(
            initial={
                "notice_on": today,
                "deadline_on": rules.notice_deadline(today),
                "version": demolition.version,
            },
            prefix="notice",
        )
    demolish = DemolishedForm(
        initial={"demolished_on": today, "area": demolition.area_ordered, "version": demolition.version},
        prefix="demolish",
    )
    return {"notice": notice, "demolish": demolish}


def _demolition_context(request, demolition, *, bound=None, if_offered=False):
    """`bound`: (step, the submitted form) shown again in place of the empty one — `if_offered`: only if the
    order's state still offers that step (after a 409 the state may have moved on)."""
    from . import rules

    forms = _demolition_forms(request, demolition)
    if bound is not None and (forms[bound[0]] is not None or not if_offered):
        forms[bound[0]] = bound[1]
    force_problem = None
    if forms["demolish"] is not None:
        force_problem = rules.forced_demolition_problem(demolition, timezone.localdate())
    return {
        "demolition": demolition,
        "case": demolition.case,
        "notice_form": forms["notice"],
        "demolish_form": forms["demolish"],
        "force_problem": force_problem,
        "today": timezone.localdate(),
    }


@login_required
def demolition_detail(request, pk):
    demolition = _demolition_for(request, pk)
    return render(request, "penalties/demolition_detail.html", _demolition_context(request, demolition))


@login_required
@require_POST
def demolition_step(request, pk, step):
    """give_notice or record_demolished (demolitions.py), from the order's page: a refusal is said on the form
    with what was typed (400); a change made meanwhile is said above it (409)."""
    from . import demolitions

    if step not in DEMOLITION_STEPS:
        raise Http404
    demolition = _demolition_for(request, pk)
    form = DEMOLITION_STEPS[step](request.POST, prefix=step)

    def take_step(data):  # → what is said once it is done
        if step == "notice":
            demolitions.give_notice(
                demolition,
                by=request.user,
                notice_on=data["notice_on"],
                deadline_on=data["deadline_on"],
                note=data.get("note", ""),
                version=data.get("version"),
            )
            return _("Public notice recorded.")
        demolitions.record_demolished(
            demolition,
            by=request.user,
            demolished_on=data["demolished_on"],
            area=data["area"],
            by_force=data.get("by_force", False),
            note=data.get("note", ""),
            version=data.get("version"),
        )
        return _("Demolition recorded.")

    try:
        done, failed = _submit(form, take_step, refused=(TransitionNotAllowed,))
    except PermissionDenied as exc:
        form.add_error(
            None, _refusal(exc) or _("Your role does not allow this step on an order to demolish.")
        )
        failed = 403
    except StaleEdit:
        # Shown afresh, with what was typed on the current version: sending it again applies it.
        messages.error(request, StaleEdit.message)
        demolition = _demolition_for(request, pk)
        posted = request.POST.copy()
        posted[f"{step}-version"] = str(demolition.version)
        form = DEMOLITION_STEPS[step](posted, prefix=step)
        return render(
            request,
            "penalties/demolition_detail.html",
            _demolition_context(request, demolition, bound=(step, form), if_offered=True),
            status=409,
        )
    if not failed:
        messages.success(request, done)
        return redirect(demolition)
    return render(
        request,
        "penalties/demolition_detail.html",
        _demolition_context(request, demolition, bound=(step, form)),
        status=failed,
    )
