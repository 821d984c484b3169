"""The law of execution, each rule once with its article (PRODUCT §4). Periods are the platform calendar's
(`due_after`): a period's last day that is a holiday moves to the next working day (民法典 Art. 203); the
Administrative Coercion Law's periods of ten days or less are working days (行政强制法 Art. 69)."""

from datetime import timedelta

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cases import rules as case_rules
from enforcement.approvals.services import may_decide
from enforcement.catalog.params import get_int, get_param
from enforcement.workdays import calendar
from enforcement.workdays.periods import PeriodUnit

from . import ledger
from .choices import DemolitionStatus, ExecutionStatus, ReviewKind, ReviewOutcome

E = ExecutionStatus


def _day(moment):
    return calendar.local_date(moment)


def payment_due(served_at):
    """Art. 67: a fine is paid within `payment_days` (15) of the decision's service."""
    return calendar.due_after(served_at, get_int("payment_days"), PeriodUnit.DAYS)


def rate_bp():
    """Art. 72(1): the daily surcharge, in basis points of what is unpaid (3 % → 300)."""
    return ledger.rate_basis_points(get_param("late_surcharge_percent_per_day"))


def review_window_end(kind, served_at):
    """The last moment to file: a reconsideration within `reconsideration_days` (60, 行政复议法 Art. 20), a
    lawsuit within `litigation_months` (6, 行政诉讼法 Art. 46), both from service."""
    if kind == ReviewKind.RECONSIDERATION:
        return calendar.due_after(served_at, get_int("reconsideration_days"), PeriodUnit.DAYS)
    return calendar.due_after(served_at, get_int("litigation_months"), PeriodUnit.MONTHS)


def appeal_windows_close(served_at, last_outcome_on=None):
    """When the decision can no longer be challenged. Unchallenged: the later of the two periods from service
    (60 days to apply for reconsideration, 6 months to sue). Once a reconsideration or lawsuit against it
    has been decided: `appeal_after_outcome_days` (15) after the party received that outcome — to sue
    against the reconsideration's decision (行政诉讼法 Art. 45) or appeal the judgment (Art. 85); the six
    months from service no longer apply (the party chose the reconsideration, 行政复议法 Art. 29)."""
    if last_outcome_on is not None:
        return calendar.due_after(
            calendar.end_of_day(last_outcome_on), get_int("appeal_after_outcome_days"), PeriodUnit.DAYS
        )
    return max(review_window_end(kind, served_at) for kind in ReviewKind.values)


def last_outcome_on(case):
    """The day the party received the latest decided reconsideration or lawsuit against the case's decision
    (the outcome's own day when no receipt is recorded), or None."""
    days = [
        received or decided
        for received, decided in case.reviews.exclude(outcome=ReviewOutcome.PENDING).values_list(
            "outcome_received_on", "outcome_on"
        )
    ]
    return max(days, default=None)


def court_window(served_at, last_outcome_on=None):
    """行政强制法 Art. 53: court enforcement is applied for within `court_enforcement_application_months` (3)
    after the appeal periods ended: (the first day it may be applied for, the end of the last day)."""
    closes = appeal_windows_close(served_at, last_outcome_on)
    return _day(closes) + timedelta(days=1), calendar.due_after(
        closes, get_int("court_enforcement_application_months"), PeriodUnit.MONTHS
    )


def demand_wait_end(demand_served_at):
    """行政强制法 Art. 54: the application waits until 10 (working, Art. 69) days after the demand to pay
    (催告书) was served and the party still has not paid."""
    return calendar.due_after(
        demand_served_at, get_int("court_enforcement_wait_working_days"), PeriodUnit.WORKING_DAYS
    )


def demand_document(execution):
    """The demand to pay issued on the execution and served (its proof of service recorded), or None."""
    from enforcement.documents.models import Document

    return (
        Document.objects.of(execution)
        .live()
        .filter(doc_type="demand_to_pay", service__isnull=False)
        .select_related("service")
        .order_by("-issued_at")
        .first()
    )


def _when(moment):
    return date_format(timezone.localtime(moment), "DATE_FORMAT")


def court_problem(execution, now=None):
    """Why court enforcement cannot be applied for now (行政强制法 Art. 53, 54), in words, or None."""
    now = now or timezone.now()
    if execution.status != E.AWAITING:
        return _("Court enforcement is applied for only while a fine is unpaid.")
    if execution.outstanding_fen == 0 and execution.state().owed_fen(_day(now)) == 0:
        return _("Nothing is owed on this penalty.")
    if execution.case.reviews.filter(outcome=ReviewOutcome.PENDING).exists():
        return _(
            "A reconsideration or lawsuit against the decision is pending: the court is applied to only "
            "after it is decided (Administrative Coercion Law, Art. 53)."
        )
    demand = demand_document(execution)
    if demand is None:
        return _(
            "Issue a demand to pay (催告书) and record its service first (Administrative Coercion Law, "
            "Art. 54)."
        )
    waited = demand_wait_end(demand.service.effective_at)
    if now <= waited:
        return _(
            "The party has until %(date)s to pay after the demand was served: the court may be applied to "
            "from the next day (Administrative Coercion Law, Art. 54: 10 working days)."
        ) % {"date": _when(waited)}
    served_at, decided_on = execution.case.served_at, last_outcome_on(execution.case)
    opens, closes = court_window(served_at, decided_on)
    if _day(now) < opens:
        return _(
            "The party may still apply for reconsideration or sue until %(date)s: court enforcement is "
            "applied for only after these periods end (Administrative Coercion Law, Art. 53)."
        ) % {"date": _when(appeal_windows_close(served_at, decided_on))}
    if now > closes:
        return _(
            "The three months to apply for court enforcement ended on %(date)s (Administrative Coercion "
            "Law, Art. 53)."
        ) % {"date": _when(closes)}
    return None


def review_is_late(kind, served_at, filed_on):
    """A filing after its period is recorded and flagged, not refused: the body decides whether to hear it."""
    return filed_on > _day(review_window_end(kind, served_at))


def deferral_problem(execution, due_dates, today=None):
    """Art. 66: a deferral or instalments are granted on the party's application, with the bureau's
    approval; the new due dates must be after today and in order."""
    today = today or timezone.localdate()
    if not due_dates:
        return _("Give at least one new due date.")
    if len(set(due_dates)) != len(due_dates):
        return _("Each instalment needs its own due date.")
    if min(due_dates) <= today:
        return _("The new due dates must be after today.")
    if execution.outstanding_fen == 0:
        return _("The fine is paid: there is nothing to defer.")
    if len(due_dates) > execution.outstanding_fen:
        return _("There are more instalments than fen owed.")
    return None


def can_request_deferral(execution, user):
    from enforcement.approvals.services import pending_for

    from .approvals import DEFERRAL

    return execution.outstanding_fen > 0 and pending_for(execution, DEFERRAL) is None


def can_decide_deferral(execution, user):
    from enforcement.approvals.services import pending_for

    from .approvals import DEFERRAL

    pending = pending_for(execution, DEFERRAL)
    return pending is not None and may_decide(DEFERRAL, pending, execution, user)


# --- orders to demolish (责令限期拆除; 行政强制法 Art. 44) ---------------------------------------------------
D = DemolitionStatus


def demolition_deadline(served_at, days):
    """The decision gives the party `days` from its service to demolish the structure himself: the end of
    that day (a last day that is a holiday moves to the next working day, 民法典 Art. 203)."""
    return calendar.due_after(served_at, days, PeriodUnit.DAYS)


def notice_deadline(notice_on):
    """The deadline a public notice gives by default: `demolition_notice_days` (10) after it, a last day that
    is a holiday moved to the next working day (民法典 Art. 203)."""
    return calendar.local_date(
        calendar.due_after(
            calendar.start_of_day(notice_on), get_int("demolition_notice_days"), PeriodUnit.DAYS
        )
    )


# Each check answers (input, words) — input None when the order's state or the law stops it (409), else the
# input that is wrong (400) — or None.
def notice_refusal(demolition, notice_on, deadline_on, today=None):
    """行政强制法 Art. 44: before a forced demolition the bureau gives public notice (公告) with a deadline
    for the party to demolish it himself — once the decision's own deadline has passed undone."""
    today = today or timezone.localdate()
    if demolition.status != D.ORDERED:
        return None, _("A public notice is given once, while the structure still stands.")
    if notice_on is None or notice_on > today:
        return "notice_on", _("Give the day of the public notice (not in the future).")
    if notice_on <= _day(demolition.deadline_at):
        return None, _(
            "The party has until %(date)s to demolish it himself as the decision orders: the public notice "
            "comes after that day (Administrative Coercion Law, Art. 44)."
        ) % {"date": _when(demolition.deadline_at)}
    if deadline_on is None or deadline_on <= notice_on:
        return "deadline_on", _(
            "The public notice gives the party a deadline to demolish it himself, after the day of the notice "
            "(Administrative Coercion Law, Art. 44)."
        )
    return None


def forced_demolition_refusal(demolition, demolished_on, today=None):
    """行政强制法 Art. 44: a forced demolition only after the public notice's deadline has passed and only
    once the party can no longer apply for reconsideration or sue (nor has a case pending)."""
    today = today or timezone.localdate()
    if demolition.status != D.NOTICED:
        return None, _(
            "A structure is demolished by force only after a public notice with a deadline (Administrative "
            "Coercion Law, Art. 44)."
        )
    if demolished_on is None or demolished_on > today:
        return "demolished_on", _("Give the day of the demolition (not in the future).")
    if demolished_on <= _day(demolition.notice_deadline_at):
        return None, _(
            "The public notice gives the party until %(date)s to demolish it himself: a forced demolition "
            "comes after that day (Administrative Coercion Law, Art. 44)."
        ) % {"date": _when(demolition.notice_deadline_at)}
    case = demolition.case
    if case.reviews.filter(outcome=ReviewOutcome.PENDING).exists():
        return None, _(
            "A reconsideration or lawsuit against the decision is pending: the structure is not demolished by "
            "force until it is decided (Administrative Coercion Law, Art. 44)."
        )
    closes = appeal_windows_close(case.served_at, last_outcome_on(case))
    if demolished_on <= _day(closes):
        return None, _(
            "The party may still apply for reconsideration or sue until %(date)s: a forced demolition comes "
            "only after these periods end (Administrative Coercion Law, Art. 44)."
        ) % {"date": _when(closes)}
    return None


def forced_demolition_problem(demolition, demolished_on, today=None):
    refusal = forced_demolition_refusal(demolition, demolished_on, today)
    return refusal[1] if refusal else None


def demolished_refusal(demolition, demolished_on, area, note="", today=None):
    """What was demolished: on a day after service, not in the future; an area in m², never more than the
    area ordered — less only with a note saying why (a part found lawful, a part left for another case)."""
    today = today or timezone.localdate()
    if demolition.status not in (D.ORDERED, D.NOTICED):
        return None, _("This order to demolish has already ended.")
    if demolished_on is None or demolished_on > today or demolished_on < _day(demolition.case.served_at):
        return "demolished_on", _(
            "Give the day of the demolition: after the decision was served, not in the future."
        )
    problem = area_problem(area)
    if problem:
        return "area", problem
    if area > demolition.area_ordered:
        return "area", _("%(area)s m² is more than the %(ordered)s m² the decision orders demolished.") % {
            "area": area,
            "ordered": demolition.area_ordered,
        }
    if area < demolition.area_ordered and not (note or "").strip():
        return "note", _(
            "Less than the %(ordered)s m² ordered was demolished: say why in the note (the order then ends)."
        ) % {"ordered": demolition.area_ordered}
    return None


def area_problem(area):
    if not case_rules.is_area(area):
        return _("Give the area demolished in square metres, e.g. 35.5 (at most two decimals).")
    return None
