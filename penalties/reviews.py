"""Reconsiderations (行政复议) and lawsuits (行政诉讼) against a penalty decision (PRODUCT §4): recorded with the
body, the dates and the outcome. A filing after its period is recorded and flagged, not refused — the body
decides whether to hear it. While one is pending no surcharge is counted (Art. 73); a varied decision
changes what is owed from then on; a revoked one ends the collection (nothing owed, not counted as
collected)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case
from enforcement.audit.models import AuditAction
from enforcement.audit.services import record_event
from enforcement.org.models import in_scope
from enforcement.workflow.exceptions import TransitionNotAllowed

from . import demolitions, ledger, publication, rules, services
from .choices import LIVE, MONEY_DESK, ExecutionStatus, ReviewKind, ReviewOutcome
from .models import Execution, Review

OUTCOME = ReviewOutcome


def _check(user, case):
    if not in_scope(user, case):
        from django.http import Http404

        raise Http404(_("Not found."))
    if not (user.roles & MONEY_DESK):
        raise PermissionDenied(_("Your role does not allow recording reconsiderations and lawsuits."))


def _execution(case):
    return Execution.objects.select_for_update().filter(case_id=case.pk).first()


def file_review(case, *, by, kind, body, filed_on, hearing_on=None, note=""):
    """Records a reconsideration or lawsuit against `case`'s decision; returns the Review (`late` flags a
    filing after its period, from service)."""
    _check(by, case)
    if kind not in ReviewKind.values:
        raise ValidationError({"kind": _("Choose reconsideration or lawsuit.")})
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Name the reconsideration body or the court.")})
    if case.served_at is None:
        raise TransitionNotAllowed(
            _("The decision has not been served: a reconsideration or lawsuit is recorded after service.")
        )
    if filed_on > timezone.localdate():
        raise ValidationError({"filed_on": _("The filing date cannot be in the future.")})
    if filed_on < timezone.localtime(case.served_at).date():
        raise ValidationError({"filed_on": _("The filing date cannot be before the decision was served.")})
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).first()
        window = rules.review_window_end(kind, case.served_at)
        review = Review.objects.create(
            case=case,
            unit_id=case.unit_id,
            kind=kind,
            body=body,
            filed_on=filed_on,
            window_ends_on=timezone.localtime(window).date(),
            late=rules.review_is_late(kind, case.served_at, filed_on),
            hearing_on=hearing_on,
            note=note,
            recorded_by=by,
        )
        record_event(
            review, AuditAction.CREATE, actor=by, verb="file_review", after=_audit(review), root=case
        )
        _refresh(case)
    return review


def set_hearing(review, *, by, hearing_on):
    _check(by, review.case)
    with transaction.atomic():
        locked = Review.objects.select_for_update().get(pk=review.pk)
        locked.hearing_on = hearing_on
        locked.save(update_fields=["hearing_on"])
        record_event(
            locked,
            AuditAction.UPDATE,
            actor=by,
            verb="review_hearing",
            after=_audit(locked),
            root=locked.case,
        )
    return locked


def record_outcome(review, *, by, outcome, outcome_on, varied_fine=None, note="", outcome_received_on=None):
    """The body's decision. `varied` needs the fine as varied (what is owed from then on); `revoked` ends the
    collection. Only a pending review gets an outcome."""
    _check(by, review.case)
    if outcome not in OUTCOME.values or outcome == OUTCOME.PENDING:
        raise ValidationError({"outcome": _("Choose the outcome.")})
    if outcome_on is None or outcome_on > timezone.localdate():
        raise ValidationError({"outcome_on": _("Give the date of the outcome (not in the future).")})
    if outcome_on < review.filed_on:
        raise ValidationError({"outcome_on": _("The outcome cannot be dated before the filing.")})
    if outcome_received_on is not None and not outcome_on <= outcome_received_on <= timezone.localdate():
        raise ValidationError(
            {
                "outcome_received_on": _(
                    "The party receives the outcome on or after its day, not in the future."
                )
            }
        )
    if outcome == OUTCOME.VARIED:
        if varied_fine is None:
            raise ValidationError({"varied_fine": _("Give the fine as varied.")})
    elif varied_fine is not None:
        raise ValidationError({"varied_fine": _("A fine as varied is given only for a varied decision.")})
    with transaction.atomic():
        locked = Review.objects.select_for_update().select_related("case").get(pk=review.pk)
        if locked.outcome != OUTCOME.PENDING:
            raise TransitionNotAllowed(_("This review already has its outcome."))
        execution = _execution(locked.case)
        if outcome == OUTCOME.VARIED and execution is not None:
            if varied_fine > execution.fine:
                raise ValidationError(
                    {"varied_fine": _("A varied fine is recorded when it is lower than the fine in force.")}
                )
        locked.outcome, locked.outcome_on, locked.varied_fine = outcome, outcome_on, varied_fine
        locked.outcome_received_on = outcome_received_on
        locked.note = "\n".join(part for part in (locked.note, note) if part)
        locked.save()
        if outcome == OUTCOME.VARIED and execution is not None and execution.status in LIVE:
            state = services.replay(execution, upto=outcome_on)
            new_fen = ledger.to_fen(varied_fine)
            owed = max(0, new_fen - state.fine_paid_fen)
            dates = [i.due_on for i in execution.current_instalments()] or [execution.due_on]
            services._new_schedule(execution, outcome_on, owed, dates, varied_fine)
            execution.fine = varied_fine
        if outcome in (OUTCOME.VARIED, OUTCOME.REVOKED, OUTCOME.DECLARED_UNLAWFUL):
            publication.decision_changed(locked.case)  # withdrawn within 3 working days (Art. 48)
        if execution is not None:
            services.set_court_window(execution)  # from when the outcome is final (Art. 53)
        demolitions.review_decided(locked.case, outcome, by=by)
        record_event(
            locked,
            AuditAction.UPDATE,
            actor=by,
            verb="review_outcome",
            after=_audit(locked),
            root=locked.case,
        )
        _refresh(locked.case, execution)
    return locked


def _refresh(case, execution=None):
    execution = execution or _execution(case)
    # A paid one too: a revocation after payment ends it as revoked (the payment is to be refunded).
    if execution is not None and (execution.status in LIVE or execution.status == ExecutionStatus.PAID):
        services.refresh(execution)
        execution.save()


def _audit(review):
    return {
        "kind": review.kind,
        "body": review.body,
        "filed_on": review.filed_on.isoformat(),
        "late": review.late,
        "outcome": review.outcome,
        **({"varied_fine": str(review.varied_fine)} if review.varied_fine is not None else {}),
    }
