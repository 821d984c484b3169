"""The law of a case, each rule once, with its article (行政处罚法 2021 unless another law is named).

Two kinds of function:
- `*_problem(...) -> str | None`: None when the rule is met, else the words that tell a clerk which rule stops
  them (the services raise them as 400 or 409; the forms and the API show them as they are);
- guards `can_*(case, user) -> bool`: whether an action of choices.TRANSITIONS applies now (its Guard's words
  say why not). They read what the detail page has prefetched, so asking them costs no query there.

Deadlines are computed here too (`*_due`), from the legal parameters (catalog/params.py) and the working-day
calendar (Art. 85: the law's short periods are working days)."""

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.approvals.services import may_decide
from enforcement.catalog import law
from enforcement.catalog.params import get_int, get_param
from enforcement.workdays import calendar
from enforcement.workdays.periods import PeriodUnit

from .choices import AMOUNT_KINDS, HEARING_KINDS, SIMPLE_KINDS, PenaltyKind, PenaltyStage, Procedure
from .models import (
    CLOSING_KIND,
    DECISION_KIND,
    DISCUSSION_KIND,
    EXTENSION_KIND,
    FILING_KIND,
    LEGAL_REVIEW_KIND,
    REVIEW_KINDS,
)

K = PenaltyKind


def _yuan(amount):
    return f"{amount:,.2f}"


# --- deadlines --------------------------------------------------------------------------------------------
def filing_due(registered_at):
    """A lead is checked and filed or not within 15 days (住房和城乡建设行政处罚程序规定 Art. 17)."""
    return calendar.due_after(registered_at, get_int("filing_decision_days"), PeriodUnit.DAYS)


def decision_due(filed_at, extended_days=0):
    """Art. 60: the decision within 90 days of filing, plus the days of approved extensions."""
    return calendar.due_after(filed_at, get_int("decision_days") + extended_days, PeriodUnit.DAYS)


def hearing_request_due(notified_at):
    """Art. 64(1): a hearing is requested within 5 working days of the advance notice."""
    return calendar.due_after(notified_at, get_int("hearing_request_working_days"), PeriodUnit.WORKING_DAYS)


def earliest_hearing_day(noticed_on):
    """Art. 64(2): the parties are told at least 7 working days before the hearing."""
    return calendar.add_working_days(noticed_on, get_int("hearing_notice_working_days"))


def service_due(decided_at):
    """Art. 61: a decision not handed over on the spot is served within 7 working days."""
    return calendar.due_after(decided_at, get_int("service_working_days"), PeriodUnit.WORKING_DAYS)


def cash_handover_due(collected_at):
    """Art. 71: cash collected on the spot is handed to the bureau within 2 working days."""
    return calendar.due_after(collected_at, get_int("cash_handover_working_days"), PeriodUnit.WORKING_DAYS)


def bureau_filing_due(decided_at):
    """Art. 52: the on-the-spot decision is filed with the bureau, here within 3 working days."""
    return calendar.due_after(decided_at, get_int("simple_filing_working_days"), PeriodUnit.WORKING_DAYS)


# --- the act and the people -------------------------------------------------------------------------------
def discovered_on(case):
    """Art. 36 counts to when the act was discovered: the complaint's receipt, or the lead's registration."""
    moment = case.complaint.received_at if case.complaint_id else case.registered_at
    return timezone.localdate(moment)


def limitation_problem(act_date, harms_safety=False, on=None):
    """Art. 36: no penalty for an act not discovered within 2 years (5 where life, health or financial safety
    was harmed), counted from the act or the day a continuing act ended."""
    if act_date is None:
        return None
    if law.within_limitation(act_date, on, harms_life_health_or_finance=harms_safety):
        return None
    years = get_int("limitation_years_serious" if harms_safety else "limitation_years")
    return _(
        "The act ended on %(date)s, more than %(years)d years ago: it can no longer be punished, so the case "
        "cannot be filed (Administrative Penalty Law, Art. 36)."
    ) % {"date": act_date.isoformat(), "years": years}


def signer_problem(user, on=None):
    """An officer signs enforcement acts only with a valid enforcement certificate (Art. 42, 52)."""
    if user is not None and user.can_sign_enforcement_acts(on):
        return None
    name = (user.full_name or user.username) if user is not None else ""
    return _(
        "%(name)s has no valid enforcement certificate, so cannot sign enforcement acts "
        "(Administrative Penalty Law, Art. 42)."
    ) % {"name": name}


def officers_problem(handler, co_handler):
    """Art. 42: at least two officers with enforcement certificates investigate."""
    if handler is None or co_handler is None or handler.pk == co_handler.pk:
        return _(
            "A case is investigated by at least two officers: choose two different people "
            "(Administrative Penalty Law, Art. 42)."
        )
    return signer_problem(handler) or signer_problem(co_handler)


def separation_problem(case, user, what):
    """PRODUCT §1: nobody approves, reviews, chairs a hearing or decides a case they investigated."""
    if user is not None and user.pk in case.investigators:
        return _("You investigated this case, so someone else must %(what)s it.") % {"what": what}
    return None


# --- penalties --------------------------------------------------------------------------------------------
class Proposal:
    """A penalty proposed or decided: its kinds, the fine, the value confiscated, the detail, the order to
    correct. Money is Decimal yuan, 2 places."""

    def __init__(
        self,
        kinds=(),
        fine=None,
        confiscation_value=None,
        detail="",
        correction_order="",
        demolish_area=None,
        demolish_days=None,
    ):
        self.kinds = [str(k) for k in kinds]
        self.fine = Decimal(fine) if fine not in (None, "") else None
        self.confiscation_value = (
            Decimal(confiscation_value) if confiscation_value not in (None, "") else None
        )
        self.detail = (detail or "").strip()
        self.correction_order = (correction_order or "").strip()
        # An order to demolish (责令限期拆除): the area of the structure, in m², and the days the party has to
        # demolish it himself, counted from service.
        self.demolish_area = _decimal_or_none(demolish_area)
        self.demolish_days = _int_or_none(demolish_days)

    @classmethod
    def of(cls, case, stage):
        rows = case.penalties_at(stage)
        fine = next((p.amount for p in rows if p.kind == K.FINE), None)
        value = next((p.amount for p in rows if p.kind in (K.CONFISCATE_GAINS, K.CONFISCATE_PROPERTY)), None)
        demolish = next((p for p in rows if p.kind == K.DEMOLISH), None)
        return cls(
            [p.kind for p in rows],
            fine,
            value,
            next((p.detail for p in rows if p.detail), ""),
            case.correction_order,
            demolish.area if demolish else None,
            demolish.deadline_days if demolish else None,
        )

    @classmethod
    def from_json(cls, data):
        return cls(
            data.get("kinds", ()),
            data.get("fine"),
            data.get("confiscation_value"),
            data.get("detail", ""),
            data.get("correction_order", ""),
            data.get("demolish_area"),
            data.get("demolish_days"),
        )

    def as_json(self):
        return {
            "kinds": self.kinds,
            "fine": str(self.fine) if self.fine is not None else None,
            "confiscation_value": str(self.confiscation_value)
            if self.confiscation_value is not None
            else None,
            "detail": self.detail,
            "correction_order": self.correction_order,
            "demolish_area": str(self.demolish_area) if self.demolish_area is not None else None,
            "demolish_days": self.demolish_days,
        }

    @property
    def has_fine(self):
        return K.FINE in self.kinds

    def amount_of(self, kind):
        if kind == K.FINE:
            return self.fine
        if kind in (K.CONFISCATE_GAINS, K.CONFISCATE_PROPERTY):
            return self.confiscation_value
        return None


def _decimal_or_none(value):
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return Decimal("NaN")


def _int_or_none(value):
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def is_area(area):
    """An area in m²: a finite number above 0 with at most two decimals (an order to demolish, a demolition)."""
    return area is not None and area.is_finite() and area > 0 and area == area.quantize(Decimal("0.01"))


def _in_fen(amount):
    """Money is yuan with at most two decimal places (fen): a third would be rounded away when saved."""
    return amount == amount.quantize(Decimal("0.01"))


def proposal_problems(proposal, case):
    """What is wrong with a proposed or decided penalty, field by field: {input name: message}."""
    errors = {}
    kinds = set(proposal.kinds)
    unknown = kinds - set(K.values)
    if not kinds or unknown:
        errors["penalty_kinds"] = _("Choose at least one penalty from the list.")
        return errors
    if K.FINE in kinds:
        if proposal.fine is None or proposal.fine <= 0:
            errors["fine"] = _("Give the amount of the fine, in yuan.")
        elif not _in_fen(proposal.fine):
            errors["fine"] = _("Amounts are in yuan with at most two decimal places.")
        else:
            problem = fine_range_problem(case.category, proposal.fine, case.party.party_type)
            if problem:
                errors["fine"] = problem
    elif proposal.fine:
        errors["fine"] = _("A fine amount is given only with the penalty “Fine”.")
    confiscating = kinds & {K.CONFISCATE_GAINS, K.CONFISCATE_PROPERTY}
    if confiscating and (proposal.confiscation_value is None or proposal.confiscation_value < 0):
        errors["confiscation_value"] = _("Give the value of what is confiscated, in yuan.")
    elif confiscating and not _in_fen(proposal.confiscation_value):
        errors["confiscation_value"] = _("Amounts are in yuan with at most two decimal places.")
    errors.update(demolition_order_problems(proposal))
    if not proposal.correction_order:
        errors["correction_order"] = _(
            "Every penalty goes with an order to correct the violation (Administrative Penalty Law, Art. 28)."
        )
    return errors


def demolition_order_problems(proposal):
    """责令限期拆除: the decision names the structure's area (m², two decimals) and the days the party has to
    demolish it himself (at least 1; the law sets no fixed period, the bureau's parameter the longest)."""
    errors = {}
    area, days = proposal.demolish_area, proposal.demolish_days
    if K.DEMOLISH not in proposal.kinds:
        if area is not None or days is not None:
            errors["demolish_area"] = _("An area and a deadline are given only with an order to demolish.")
        return errors
    if not is_area(area):
        errors["demolish_area"] = _(
            "Give the area of the structure to demolish in square metres, e.g. 35.5 (at most two decimals)."
        )
    longest = get_int("demolition_max_days")
    if days is None or days < 1 or days > longest:
        errors["demolish_days"] = _(
            "Give the days the party has to demolish it himself, from 1 to %(days)s, counted from service."
        ) % {"days": longest}
    return errors


def fine_range_problem(category, fine, party_type):
    """The category's discretion range (裁量基准) for this kind of party."""
    if law.fine_within_category(category, fine, party_type):
        return None
    low, high = category.fine_range(party_type)
    return _(
        "A fine of %(fine)s yuan is outside this category's range for this party (%(low)s to %(high)s yuan) "
        "set by the bureau's discretion standard (Administrative Penalty Law, Art. 34)."
    ) % {
        "fine": _yuan(fine),
        "low": _yuan(low) if low is not None else "0.00",
        "high": _yuan(high) if high is not None else "—",
    }


def not_more_than_notified_problem(decided, notified):
    """Art. 45 (and 62): the decision may not be heavier than what the party was told and could answer: no
    penalty kind that was not notified, no higher fine or confiscation."""
    extra = [k for k in decided.kinds if k not in notified.kinds]
    if extra:
        labels = ", ".join(str(K(k).label) for k in extra)
        return _(
            "The decision may not add a penalty the party was not told of in the advance notice (%(kinds)s) "
            "(Administrative Penalty Law, Art. 45)."
        ) % {"kinds": labels}
    for kind in AMOUNT_KINDS:
        new, old = decided.amount_of(kind), notified.amount_of(kind)
        if kind in decided.kinds and new is not None and old is not None and new > old:
            return _(
                "The decision may not be heavier than the advance notice: %(new)s yuan is more than the "
                "%(old)s yuan notified (Administrative Penalty Law, Art. 45)."
            ) % {"new": _yuan(new), "old": _yuan(old)}
    if K.DEMOLISH in decided.kinds and K.DEMOLISH in notified.kinds:
        area, notified_area = decided.demolish_area, notified.demolish_area
        if area is not None and notified_area is not None and area > notified_area:
            return _(
                "The decision may not be heavier than the advance notice: %(new)s m² to demolish is more than "
                "the %(old)s m² notified (Administrative Penalty Law, Art. 45)."
            ) % {"new": area, "old": notified_area}
        days, notified_days = decided.demolish_days, notified.demolish_days
        if days is not None and notified_days is not None and days < notified_days:
            return _(
                "The decision may not be heavier than the advance notice: %(new)s days to demolish is shorter "
                "than the %(old)s days notified (Administrative Penalty Law, Art. 45)."
            ) % {"new": days, "old": notified_days}
    return None


def same_act_problem(case, kinds):
    """Art. 29: one act is not fined twice. Another case of the same party, category and act date with a fine
    decided means this act has been fined."""
    if K.FINE not in kinds:
        return None
    from .models import CasePenalty

    other = (
        CasePenalty.objects.filter(
            stage=PenaltyStage.DECIDED,
            kind=K.FINE,
            case__party_id=case.party_id,
            case__category_id=case.category_id,
            case__act_date=case.act_date,
        )
        .exclude(case_id=case.pk)
        .values_list("case__number", flat=True)
        .first()
    )
    if other is None:
        return None
    return _(
        "This act has already been fined in case %(number)s: one act gets one fine (Administrative Penalty "
        "Law, Art. 29)."
    ) % {"number": other}


def simple_procedure_problem(category, party_type, proposal):
    """Art. 51: on the spot only a warning, or a fine of at most 200 yuan (individual) / 3,000 yuan
    (organisation), in a category marked eligible."""
    use_general = _("Use the general procedure.")
    if not category.simple_procedure_allowed:
        return (
            _(
                "This category may not be decided on the spot (simple procedure) (Administrative Penalty Law, Art. 51). "
            )
            + use_general
        )
    if set(proposal.kinds) - SIMPLE_KINDS or not proposal.kinds:
        return (
            _(
                "On the spot only a warning or a small fine may be imposed (Administrative Penalty Law, Art. 51). "
            )
            + use_general
        )
    if (
        proposal.has_fine
        and proposal.fine is not None
        and not law.simple_procedure_permits(proposal.fine, party_type)
    ):
        ceiling = get_param(f"simple_fine_max_{party_type}")
        return (
            _(
                "A fine of %(fine)s yuan is more than the %(max)s yuan that may be imposed on the spot on this party "
                "(Administrative Penalty Law, Art. 51). "
            )
            % {"fine": _yuan(proposal.fine), "max": _yuan(ceiling)}
            + use_general
        )
    return None


def cash_problem(proposal, paid_on_spot, receipt_no):
    """Art. 68: cash on the spot only for a fine of at most 100 yuan; Art. 70: with the official receipt."""
    if not paid_on_spot:
        return None
    if not proposal.has_fine or not law.cash_on_the_spot_permitted(proposal.fine):
        return _(
            "Cash may be collected on the spot only for a fine of at most %(max)s yuan (Administrative Penalty "
            "Law, Art. 68); the party pays the rest at the bank."
        ) % {"max": _yuan(get_param("cash_on_spot_max"))}
    if not (receipt_no or "").strip():
        return _(
            "Give the number of the official receipt handed to the party (Administrative Penalty Law, Art. 70)."
        )
    return None


# --- hearings ---------------------------------------------------------------------------------------------
def hearing_qualifies(case, proposal=None):
    """Art. 63(1): a large fine, a large confiscation, a licence revoked, business stopped or a demolition
    ordered give the party the right to a hearing."""
    proposal = proposal or Proposal.of(case, PenaltyStage.NOTIFIED)
    party = case.party.party_type
    if set(proposal.kinds) & HEARING_KINDS:
        return True
    if proposal.has_fine and proposal.fine is not None and law.is_large_fine(proposal.fine, party):
        return True
    confiscating = set(proposal.kinds) & {K.CONFISCATE_GAINS, K.CONFISCATE_PROPERTY}
    return bool(confiscating) and law.is_large_confiscation(proposal.confiscation_value or 0, party)


def hearing_request_problem(case, requested_at):
    """Art. 64(1): within 5 working days of the advance notice."""
    if requested_at > timezone.now() + timezone.timedelta(minutes=5):
        return _("The time of the request cannot be in the future.")
    if case.notified_at and requested_at < case.notified_at:
        return _("The request cannot be before the advance notice.")
    if case.hearing_request_due_at and requested_at > case.hearing_request_due_at:
        return _(
            "A hearing must be requested within %(days)d working days of the advance notice; that time ended on "
            "%(end)s (Administrative Penalty Law, Art. 64)."
        ) % {
            "days": get_int("hearing_request_working_days"),
            "end": timezone.localtime(case.hearing_request_due_at).strftime("%Y-%m-%d"),
        }
    return None


def hearing_schedule_problems(case, hearing_at, chair, now=None):
    """Art. 64(2): the party is told at least 7 working days ahead; Art. 64(4): the chair did not investigate."""
    errors = {}
    now = now or timezone.now()
    earliest = earliest_hearing_day(timezone.localdate(now))
    if timezone.localdate(hearing_at) < earliest:
        errors["hearing_at"] = _(
            "The party must be told at least %(days)d working days before the hearing: hold it on %(day)s or "
            "later (Administrative Penalty Law, Art. 64)."
        ) % {"days": get_int("hearing_notice_working_days"), "day": earliest.isoformat()}
    if chair is not None and chair.pk in case.investigators:
        errors["chair"] = _(
            "The hearing is chaired by someone who did not investigate the case (Administrative Penalty Law, "
            "Art. 64)."
        )
    return errors


# --- legal review (Art. 58) -------------------------------------------------------------------------------
def first_violation_problem(case):
    """Art. 33: "first violation" only for a party never penalised before, in any district."""
    from .models import Case

    earlier = Case.objects.filter(party_id=case.party_id, decided_at__isnull=False).exclude(pk=case.pk)
    if not earlier.exclude(status="no_penalty").exists():
        return None
    return _(
        "The party has been penalised before, so this is not a first violation (Administrative Penalty Law, "
        "Art. 33)."
    )


def legal_review_reason(case, proposal=None):
    """Why Art. 58 makes a legal review by a legal reviewer mandatory before the decision, or None."""
    proposal = proposal or Proposal.of(case, PenaltyStage.NOTIFIED)
    if case.major_public_interest:
        return _("it involves major public interest")
    if case.is_complex:
        return _("it is complex or major")
    if case.hearing_held_at:
        return _("a hearing was held")
    if (
        proposal.has_fine
        and proposal.fine is not None
        and law.is_large_fine(proposal.fine, case.party.party_type)
    ):
        return _("the fine is above the large-fine threshold")
    return None


def legal_review_done(case):
    """An approved legal review after the last hearing (a hearing's record is reviewed too)."""
    approved = [a for a in case._approvals() if a.kind == LEGAL_REVIEW_KIND and a.is_approved]
    if case.hearing_held_at:
        approved = [a for a in approved if a.decided_at and a.decided_at >= case.hearing_held_at]
    return bool(approved)


def legal_review_problem(case, proposal=None):
    reason = legal_review_reason(case, proposal)
    if reason is None or legal_review_done(case):
        return None
    return _(
        "This decision needs an approved legal review by a legal reviewer first, because %(reason)s "
        "(Administrative Penalty Law, Art. 58)."
    ) % {"reason": reason}


# --- the decision -----------------------------------------------------------------------------------------
def decision_time_problem(case, at=None):
    """Art. 60: within 90 days of filing, unless an extension was approved."""
    at = at or timezone.now()
    if case.decision_due_at is None or at <= case.decision_due_at:
        return None
    return _(
        "The decision was due by %(due)s, %(days)d days after filing: it can no longer be made. An extension is "
        "approved before the period ends (Administrative Penalty Law, Art. 60)."
    ) % {
        "due": timezone.localtime(case.decision_due_at).strftime("%Y-%m-%d"),
        "days": get_int("decision_days") + case.extended_days,
    }


def extension_time_problem(case, now=None):
    """Art. 60: the period is extended before it runs out; once it has, no decision can be made in it."""
    now = now or timezone.now()
    if case.decision_due_at is None or now <= case.decision_due_at:
        return None
    return _(
        "The decision period ended on %(due)s: an extension is asked for before the period ends "
        "(Administrative Penalty Law, Art. 60)."
    ) % {"due": timezone.localtime(case.decision_due_at).strftime("%Y-%m-%d")}


def statement_due(case):
    """Art. 45, 62: the party states and defends within a few working days of receiving the notice."""
    return calendar.due_after(case.notified_at, get_int("statement_working_days"), PeriodUnit.WORKING_DAYS)


def statement_problem(case, now=None):
    """Art. 62: no decision before the party has been heard, or has let the statement period pass."""
    now = now or timezone.now()
    if case.statement or case.notified_at is None or now > statement_due(case):
        return None
    return _(
        "The party may state and defend until %(end)s: record their statement (or that they waive it), or decide "
        "after that (Administrative Penalty Law, Art. 45, 62)."
    ) % {"end": timezone.localtime(statement_due(case)).strftime("%Y-%m-%d")}


def hearing_pending_problem(case, now=None):
    """Art. 64: a requested hearing is held (or withdrawn) before the decision; a party entitled to one has the
    5 working days to ask."""
    now = now or timezone.now()
    if case.hearing_requested_at and not case.hearing_held_at and not case.hearing_withdrawn_at:
        return _(
            "The party asked for a hearing: hold and record it before deciding (Administrative Penalty Law, Art. 64)."
        )
    if (
        not case.hearing_requested_at
        and hearing_qualifies(case)
        and case.hearing_request_due_at
        and now <= case.hearing_request_due_at
    ):
        return _(
            "The party may still ask for a hearing until %(end)s: decide after that (Administrative Penalty Law, "
            "Art. 64)."
        ) % {"end": timezone.localtime(case.hearing_request_due_at).strftime("%Y-%m-%d")}
    return None


def decision_problems(case, proposal, now=None):
    """Every rule a penalty decision must meet, in the order a clerk would check them; the first that fails."""
    notified = Proposal.of(case, PenaltyStage.NOTIFIED)
    field_errors = proposal_problems(proposal, case)
    if field_errors:
        return next(iter(field_errors.values()))
    return (
        decision_time_problem(case, now)
        or statement_problem(case, now)
        or hearing_pending_problem(case, now)
        or legal_review_problem(case, proposal)
        or not_more_than_notified_problem(proposal, notified)
        or same_act_problem(case, proposal.kinds)
    )


# --- guards (choices.TRANSITIONS) --------------------------------------------------------------------------
def _none_pending(case, kind):
    return case.pending_approval(kind) is None


def can_request_filing(case, user):
    return _none_pending(case, FILING_KIND)


def can_decide_filing(case, user):
    return may_decide(FILING_KIND, case.pending_approval(FILING_KIND), case, user)


def can_decide_review(case, user):
    pending = case.pending_approval(*REVIEW_KINDS)
    return pending is not None and may_decide(pending.kind, pending, case, user)


def can_decide_discussion(case, user):
    return may_decide(DISCUSSION_KIND, case.pending_approval(DISCUSSION_KIND), case, user)


def can_notify(case, user):
    review = case.latest_approval(*REVIEW_KINDS)
    if review is None or not review.is_approved:
        return False
    if case.is_complex:  # Art. 57: a complex or major case is discussed before the notice
        discussion = case.latest_approval(DISCUSSION_KIND)
        return case.status == "discussion" and discussion is not None and discussion.is_approved
    return case.status == "review"


def advance_notice_document(case):
    """The live advance notice (事先告知书) of the case, with its proof of service, or None."""
    from enforcement.documents.models import Document

    return (
        Document.objects.of(case).live().filter(doc_type="advance_notice").select_related("service").first()
    )


def can_give_notice(case, user):
    """The notice may be given once it may be issued (can_notify), and has been issued and served."""
    if not can_notify(case, user):
        return False
    document = advance_notice_document(case)
    return document is not None and hasattr(document, "service")


def can_waive_hearing(case, user):
    return (
        case.hearing_requested_at is not None
        and case.hearing_held_at is None
        and case.hearing_withdrawn_at is None
    )


def can_request_hearing(case, user):
    return case.hearing_requested_at is None and hearing_qualifies(case)


def can_schedule_hearing(case, user):
    return can_waive_hearing(case, user)


def can_record_hearing(case, user):
    return case.hearing_at is not None and case.hearing_held_at is None and case.hearing_withdrawn_at is None


def can_request_legal_review(case, user):
    return (
        legal_review_reason(case) is not None
        and not legal_review_done(case)
        and case.pending_approval(*REVIEW_KINDS) is None
    )


def can_request_decision(case, user):
    return _none_pending(case, DECISION_KIND)


def can_decide(case, user):
    return may_decide(DECISION_KIND, case.pending_approval(DECISION_KIND), case, user)


def can_request_extension(case, user):
    return _none_pending(case, EXTENSION_KIND)


def can_decide_extension(case, user):
    return may_decide(EXTENSION_KIND, case.pending_approval(EXTENSION_KIND), case, user)


def decision_document(case):
    """The live penalty decision (行政处罚决定书) of a general case, with its proof of service, or None."""
    from enforcement.documents.models import Document

    return (
        Document.objects.of(case).live().filter(doc_type="penalty_decision").select_related("service").first()
    )


def can_record_service(case, user):
    if case.procedure != Procedure.GENERAL:
        return False
    document = decision_document(case)
    return document is not None and hasattr(document, "service")


# Checks other apps add on what must be finished before a case closes: `check(case) -> words or None`
# (penalties: a fine still being collected). Cases do not know those apps; they ask them here.
CLOSING_CHECKS = []


def closing_refusal(case):
    """Why the case cannot be proposed for closing yet, in words, when another app holds it; else None."""
    for check in CLOSING_CHECKS:
        words = check(case)
        if words:
            return words
    return None


def can_request_closing(case, user):
    # A simple case whose fine is paid at the bank waits in `executing` and is closed the same way.
    return (
        (case.procedure == Procedure.GENERAL or case.status == "executing")
        and _none_pending(case, CLOSING_KIND)
        and closing_refusal(case) is None
    )


def can_decide_closing(case, user):
    return may_decide(CLOSING_KIND, case.pending_approval(CLOSING_KIND), case, user)


def can_hand_over_cash(case, user):
    return case.is_simple and case.paid_on_spot and case.cash_handed_over_at is None


def can_acknowledge_filing(case, user):
    return (
        case.is_simple
        and case.bureau_filed_at is None
        and (not case.paid_on_spot or case.cash_handed_over_at is not None)
        and user.pk not in case.investigators
    )
