"""Every change to an execution, a review or a seizure (PRODUCT §4). Each locks its row, checks the law
(rules.py), writes, records the audit event, and stores the ledger's new state (`refresh`). Refusals:
ValidationError (400) for bad input, TransitionNotAllowed (409) for a step the law or the state forbids,
PermissionDenied (403) for a role, Http404 outside the user's scope."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cases import rules as case_rules
from cases.signals import fine_payable
from enforcement.approvals.services import decide_approval, pending_for, request_approval
from enforcement.audit.models import AuditAction
from enforcement.audit.services import record_event
from enforcement.workdays import calendar
from enforcement.workflow.exceptions import TransitionNotAllowed

from . import ledger, rules
from .approvals import DEFERRAL
from .choices import LIVE, ExecutionStatus, ReviewOutcome
from .models import Execution, Instalment, Payment, Review
from .workflow import WORKFLOW

E = ExecutionStatus


def _yuan(fen):
    return f"{ledger.to_yuan(fen)}"


def payment_code_for(case_pk):
    """缴款码: 19 digits of the case's id and a Luhn check digit, so a mistyped code matches nothing."""
    body = f"{case_pk:019d}"
    total = 0
    for index, digit in enumerate(reversed(body)):
        d = int(digit) * (2 if index % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return body + str((10 - total % 10) % 10)


# --- opening --------------------------------------------------------------------------------------------
@receiver(fine_payable, dispatch_uid="penalties.open_execution")
def _fine_payable(sender, case, by, **kwargs):
    open_execution(case, by=by)


def open_execution(case, *, by):
    """Opens the collection of `case`'s decided fine once its decision is served (inside the caller's
    transaction): due `payment_days` after service (Art. 67), numbered for the bank by the decision's number
    and a payment code. Idempotent: a case has one execution."""
    existing = Execution.objects.filter(case_id=case.pk).first()
    if existing is not None:
        return existing
    due_at = rules.payment_due(case.served_at)
    due_on = calendar.local_date(due_at)
    served_on = calendar.local_date(case.served_at)
    fine_fen = ledger.to_fen(case.fine_decided)
    court_opens, court_closes = rules.court_window(case.served_at)
    execution = Execution.objects.create(
        case_id=case.pk,
        unit_id=case.unit_id,
        handler_id=case.handler_id,
        decision_number=_decision_number(case),
        payment_code=payment_code_for(case.pk),
        fine=case.fine_decided,
        original_fine=case.fine_decided,
        served_on=served_on,
        due_on=due_on,
        due_at=due_at,
        rate_bp=rules.rate_bp(),
        fine_fen=fine_fen,
        outstanding_fen=fine_fen,
        state_day=served_on.toordinal(),
        opened_at=case.served_at,
        # The window to apply to the court (Art. 53), as nothing is appealed yet: set_court_window.
        court_window_opens_on=court_opens,
        court_window_closes_on=calendar.local_date(court_closes),
        court_due_at=court_closes,
    )
    Instalment.objects.create(
        execution=execution,
        due_on=due_on,
        due_day=due_on.toordinal(),
        amount=case.fine_decided,
        outstanding_fen=fine_fen,
        effective_on=served_on,
    )
    record_event(
        execution, AuditAction.CREATE, actor=by, verb="open_execution", after=_money_audit(execution)
    )
    return execution


def _decision_number(case):
    from enforcement.documents.models import Document

    doc_type = "on_the_spot_decision" if case.is_simple else "penalty_decision"
    document = Document.objects.of(case).live().filter(doc_type=doc_type).order_by("-issued_at").first()
    return document.number if document is not None else case.number


def _money_audit(execution):
    return {
        "fine": str(execution.fine),
        "due_on": execution.due_on.isoformat(),
        "outstanding": _yuan(execution.outstanding_fen),
    }


# --- the ledger ------------------------------------------------------------------------------------------
def history(execution, instalments=None, payments=None, reviews=None):
    """The ledger's inputs from the records: schedules, payments, pauses (reviews pending), revocation. The
    rows may be given, loaded for many executions at once (a statement import)."""
    if instalments is None:
        instalments = list(Instalment.objects.filter(execution=execution))
    instalments = sorted(instalments, key=lambda r: (r.schedule_no, r.due_on, r.pk or 0))
    if payments is None:
        payments = list(Payment.objects.filter(execution=execution))
    if reviews is None:
        reviews = list(Review.objects.filter(case_id=execution.case_id))
    reviews = sorted(reviews, key=lambda r: (r.filed_on, r.pk or 0))
    schedules = {}
    for row in instalments:
        schedules.setdefault(row.schedule_no, []).append(row)
    schedule_list = [
        ledger.Schedule(
            from_day=rows[0].effective_on.toordinal(),
            instalments=tuple(ledger.Instalment(r.due_day, ledger.to_fen(r.amount)) for r in rows),
            # The fine in force from the schedule on: the decided fine until a variation's schedule says
            # otherwise (a varied penalty changes what is owed from then on, not the surcharge before it).
            fine_fen=ledger.to_fen(
                rows[0].schedule_fine if rows[0].schedule_fine is not None else execution.original_fine
            ),
        )
        for _no, rows in sorted(schedules.items())
    ]
    payments = [ledger.Payment(p.paid_on.toordinal(), ledger.to_fen(p.amount), p) for p in payments]
    pauses = [(r.filed_on.toordinal(), r.outcome_on.toordinal() if r.outcome_on else None) for r in reviews]
    revoked = next((r.outcome_on for r in reviews if r.outcome == ReviewOutcome.REVOKED), None)
    return schedule_list, payments, pauses, revoked, instalments


def _last_event(schedules, payments, pauses):
    """The day of the history's last event (payment, schedule, pause or its end): the state is stored as of
    it, and the SQL figure runs on from it."""
    return max(
        [p.day for p in payments]
        + [s.from_day for s in schedules]
        + [d for start, end in pauses for d in (start, end) if d is not None],
        default=0,
    )


def replay(execution, upto=None, extra_payment=None, history_rows=None):
    schedules, payments, pauses, revoked, _rows = history(execution, *(history_rows or ()))
    if extra_payment is not None:
        payments.append(extra_payment)
    upto = upto or timezone.localdate()
    last_event = _last_event(schedules, payments, pauses)  # never before it, as `apply_history` stores it
    return ledger.replay(
        schedules,
        payments,
        pauses,
        rate_bp=execution.rate_bp,
        upto=max(ledger.day_number(upto), last_event),
        revoked_from=revoked,
    )


def refresh(execution, *, today=None):
    """Stores the ledger's state on the execution and its schedule in force (the figures lists read in SQL),
    and ends the execution once nothing is owed. The caller holds the row's lock and saves it."""
    state, changed_rows, changed_payments = apply_history(execution, *history(execution), today=today)
    for row in changed_rows:
        row.save(update_fields=["outstanding_fen"])
    for payment in changed_payments:
        payment.save(update_fields=["surcharge_part"])
    return state


def apply_history(execution, schedules, payments, pauses, revoked, rows, *, today=None):
    """Sets the ledger's state on `execution` (unsaved) from its history; returns (state, the instalment rows
    whose outstanding changed, the saved payments whose surcharge part changed), those rows unsaved. A
    payment not yet saved gets its surcharge part too."""
    today = today or timezone.localdate()
    last_event = _last_event(schedules, payments, pauses)
    try:
        state = ledger.replay(
            schedules, payments, pauses, rate_bp=execution.rate_bp, upto=last_event, revoked_from=revoked
        )
    except ledger.Overpayment as exc:  # a back-dated review or outcome lowered what an earlier day owed
        raise TransitionNotAllowed(
            _(
                "With this change the payment of %(date)s would be more than was then owed (%(owed)s yuan): "
                "record the refund of the difference first."
            )
            % {"date": date_format(date.fromordinal(exc.day), "DATE_FORMAT"), "owed": _yuan(exc.owed_fen)}
        ) from None
    execution.state_day = state.day
    execution.fine_fen = state.fine_fen
    execution.outstanding_fen = state.fine_outstanding_fen
    execution.fine_paid_fen = state.fine_paid_fen
    execution.surcharge_paid_fen = state.surcharge_paid_fen
    execution.accrued_micro = state.accrued_micro
    execution.paused = state.paused
    current_no = max(r.schedule_no for r in rows)
    current = [r for r in rows if r.schedule_no == current_no]
    changed_rows = []
    for row, (_due, fen) in zip(current, state.outstanding, strict=True):
        if row.outstanding_fen != fen:
            row.outstanding_fen = fen
            changed_rows.append(row)
    unpaid = [r for r in current if r.outstanding_fen > 0]
    if unpaid:
        execution.due_on = unpaid[0].due_on
        execution.due_at = calendar.end_of_day(unpaid[0].due_on)
    if state.stopped and execution.status != E.REVOKED:  # revoked, even once paid: to be refunded
        execution.status, execution.ended_at = E.REVOKED, timezone.now()
        execution.end_reason = _("The penalty was revoked.")
    elif execution.status in LIVE and state.owed_fen(today) == 0:
        execution.status, execution.ended_at = E.PAID, timezone.now()
    late_day = unpaid[0].due_day + 1 if unpaid else None
    if execution.surcharge_started_at is None and late_day and ledger.day_number(today) >= late_day:
        execution.surcharge_started_at = calendar.start_of_day(execution.due_on + timedelta(days=1))
    changed_payments = []
    for payment, surcharge_fen in state.splits:
        row, part = payment.row, ledger.to_yuan(surcharge_fen)
        if row is not None and row.surcharge_part != part:
            row.surcharge_part = part
            if row.pk is not None:
                changed_payments.append(row)
    return state, changed_rows, changed_payments


# --- payments ---------------------------------------------------------------------------------------------
def payment_problem(execution, amount, paid_on, today=None, history_rows=None):
    """Why this payment cannot be recorded, in words, or None (`payment_refusal` says on which input)."""
    refusal = payment_refusal(execution, amount, paid_on, today, history_rows)
    return refusal[1] if refusal else None


def payment_refusal(execution, amount, paid_on, today=None, history_rows=None):
    """(input, words) or None: a revoked or ended penalty (input None: the penalty's state, 409), a payment
    dated before the decision was served or in the future ("paid_on"), more than is owed on its day with the
    surcharge ("amount"; both 400). `history_rows` (instalments, payments, reviews) when loaded already, for
    many executions at once."""
    today = today or timezone.localdate()
    if execution.status == E.REVOKED:
        return None, _("This penalty was revoked: nothing is owed, and a payment is not recorded on it.")
    if execution.status not in LIVE:
        return None, _("This penalty is no longer being collected (%(status)s).") % {
            "status": execution.get_status_display()
        }
    if amount is None or amount <= 0:
        return "amount", _("A payment is more than 0 yuan.")
    if paid_on > today:
        return "paid_on", _("A payment cannot be dated in the future.")
    if paid_on < execution.served_on:
        return "paid_on", _("A payment cannot be dated before the decision was served (%(date)s).") % {
            "date": date_format(execution.served_on, "DATE_FORMAT")
        }
    try:
        replay(
            execution,
            upto=paid_on,
            extra_payment=ledger.Payment(paid_on.toordinal(), ledger.to_fen(amount)),
            history_rows=history_rows,
        )
    except ledger.Overpayment as exc:
        if exc.day != paid_on.toordinal():  # this payment would make a later one too large
            return "paid_on", _(
                "Dated %(date)s, this payment would make the payment of %(later)s more than was then owed: "
                "check the dates of both."
            ) % {
                "date": date_format(paid_on, "DATE_FORMAT"),
                "later": date_format(date.fromordinal(exc.day), "DATE_FORMAT"),
            }
        return "amount", _(
            "%(amount)s yuan is more than was owed on %(date)s: %(owed)s yuan (the fine still unpaid and "
            "the surcharge to that day). A payment above what is owed is not recorded."
        ) % {"amount": amount, "date": date_format(paid_on, "DATE_FORMAT"), "owed": _yuan(exc.owed_fen)}
    return None


def _add_payment(execution, *, by, amount, paid_on, channel, reference, payer="", note="", statement=None):
    refusal = payment_refusal(execution, amount, paid_on)
    if refusal:
        field, problem = refusal
        if field is None:
            raise TransitionNotAllowed(problem)
        raise ValidationError({field: problem})  # this payment's amount or date: 400, under its input
    reference = (reference or "").strip()
    if not reference:
        raise ValidationError({"reference": _("Give the bank's or the platform's reference of the payment.")})
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                execution=execution,
                channel=channel,
                reference=reference,
                amount=amount,
                paid_on=paid_on,
                payer=payer,
                recorded_by=by,
                note=note,
                statement=statement,
            )
    except IntegrityError:
        raise TransitionNotAllowed(
            _("The payment with reference %(reference)s has already been recorded.")
            % {"reference": reference}
        ) from None
    refresh(execution)
    return payment


def record_payment(execution, *, by, amount, paid_on, channel, reference, note="", payer="", version=None):
    """A payment the bank or the platform received: partial payments add up; more than is owed is refused;
    the execution ends as paid once nothing is owed."""

    def change(e):
        payment = _add_payment(
            e,
            by=by,
            amount=amount,
            paid_on=paid_on,
            channel=channel,
            reference=reference,
            payer=payer,
            note=note,
        )
        return {"amount": str(payment.amount), "paid_on": paid_on.isoformat(), "reference": payment.reference}

    return WORKFLOW.run(execution, "record_payment", by=by, change=change, version=version, note=note)


# --- deferral (Art. 66) ----------------------------------------------------------------------------------
def request_deferral(execution, *, by, due_dates, reason, version=None):
    def change(e):
        problem = rules.deferral_problem(e, due_dates)
        if problem:
            raise ValidationError({"due_dates": problem})
        request_approval(DEFERRAL, e, by=by, reason=reason, due_dates=[d.isoformat() for d in due_dates])
        return {"due_dates": [d.isoformat() for d in due_dates]}

    return WORKFLOW.run(execution, "request_deferral", by=by, change=change, version=version, note=reason)


def decide_deferral(execution, *, by, decision, opinion="", version=None):
    """Approved: the fine still unpaid is shared over the new due dates from today (each instalment late only
    after its own date); the surcharge accrued until today stays."""

    def change(e):
        approval = decide_approval(
            pending_for(e, DEFERRAL) or DEFERRAL, e, by=by, decision=decision, opinion=opinion
        )
        if approval.decision != "approved":
            return {}
        today = timezone.localdate()
        dates = [date.fromisoformat(d) for d in approval.due_dates]
        problem = rules.deferral_problem(e, dates, today)
        if problem:  # e.g. the dates asked for have passed while the request waited
            raise TransitionNotAllowed(problem + " " + _("Ask for new due dates."))
        state = replay(e, upto=today)
        _new_schedule(e, today, state.fine_outstanding_fen, dates, e.fine)
        refresh(e)
        return {"due_dates": approval.due_dates}

    return WORKFLOW.run(execution, "decide_deferral", by=by, change=change, version=version, note=opinion)


def _new_schedule(execution, from_on, outstanding_fen, due_dates, fine):
    last = Instalment.objects.filter(execution=execution).order_by("-schedule_no").first()
    number = (last.schedule_no if last else 0) + 1
    Instalment.objects.filter(execution=execution, current=True).update(current=False)
    if outstanding_fen == 0:
        due_dates = due_dates[:1]
    for item in ledger.split_schedule(from_on.toordinal(), outstanding_fen, due_dates):
        due_on = date.fromordinal(item.due_day)
        Instalment.objects.create(
            execution=execution,
            schedule_no=number,
            due_on=due_on,
            due_day=item.due_day,
            amount=ledger.to_yuan(item.amount_fen),
            outstanding_fen=item.amount_fen,
            effective_on=from_on,
            schedule_fine=fine,
        )


# --- court enforcement and the other ends ------------------------------------------------------------------
def apply_to_court(execution, *, by, court, reference="", note="", version=None):
    """行政强制法 Art. 53-54: recorded, not performed; only after the demand's 10 working days and once the
    appeal periods have ended, within three months."""

    def change(e):
        e.court, e.court_reference, e.court_applied_at = (
            court.strip(),
            (reference or "").strip(),
            timezone.now(),
        )

    return WORKFLOW.run(execution, "apply_to_court", by=by, change=change, version=version, note=note)


def _ending(slug):
    def end(execution, *, by, reason, version=None):
        def change(e):
            e.ended_at, e.end_reason = timezone.now(), reason.strip()

        return WORKFLOW.run(execution, slug, by=by, change=change, version=version, note=reason)

    end.__name__ = slug
    return end


record_enforced = _ending("record_enforced")
end_by_law = _ending("end_by_law")
mark_uncollectable = _ending("mark_uncollectable")


def note_demand_served(execution):
    """Once the demand to pay is served, the 10 working days of Art. 54 run (the sweep watches them)."""
    demand = rules.demand_document(execution)
    if demand is not None:
        execution.demand_due_at = rules.demand_wait_end(demand.service.effective_at)
        set_court_window(execution)


def set_court_window(execution):
    """The window to apply for court enforcement (行政强制法 Art. 53), from the decision's service or, once a
    reconsideration or lawsuit has been decided, from when its outcome can no longer be challenged."""
    case = execution.case
    opens, closes = rules.court_window(case.served_at, rules.last_outcome_on(case))
    execution.court_window_opens_on = opens
    execution.court_window_closes_on = calendar.local_date(closes)
    execution.court_due_at = closes  # reminded of once the demand is served (deadlines.COURT_WINDOW)


# --- the case's closing waits for the money -------------------------------------------------------------
def _execution_holds(case):
    execution = Execution.objects.filter(case_id=case.pk).only("status").first()
    if execution is not None and execution.status in LIVE:
        return _(
            "The fine is still being collected: record the payments, or how the execution ended, before "
            "proposing to close the case."
        )
    return None


case_rules.CLOSING_CHECKS.append(_execution_holds)

WORKFLOW.services.update(
    {
        "record_payment": record_payment,
        "request_deferral": request_deferral,
        "decide_deferral": decide_deferral,
        "apply_to_court": apply_to_court,
        "record_enforced": record_enforced,
        "end_by_law": end_by_law,
        "mark_uncollectable": mark_uncollectable,
    }
)
