"""Every change to a case, one function per workflow action, plus registering parties, leads and on-the-spot
decisions and adding evidence. Each action hands its edits (`change`) to the platform's engine,
`WORKFLOW.run`: lock the row, check the table, the role and the scope, stamp, save with its version, audit
what changed and announce the step after commit. The law's conditions are asked of rules.py, whose words say
which article stops the user.

Refusals: out of scope → Http404; a role that may not act, or one's own case to approve → PermissionDenied
(403); a state or a rule of the procedure that does not allow the step → TransitionNotAllowed (409); a stale
version → StaleEdit (409); bad input (a missing field, an amount the law does not allow for it) →
ValidationError (400). Nothing is written when any of them is raised.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.approvals.choices import ApprovalDecision
from enforcement.approvals.services import decide_approval, pending_for, request_approval
from enforcement.audit.models import AuditAction
from enforcement.audit.services import record_event, snapshot
from enforcement.catalog.params import get_int
from enforcement.files.services import store_attachment
from enforcement.org.models import in_scope
from enforcement.workflow.exceptions import TransitionNotAllowed

from . import rules
from .approvals import CLOSING, DECISION, DISCUSSION, EXTENSION, FILING, LEGAL_REVIEW, REPORT_REVIEW
from .choices import (
    ENDED_STATUSES,
    HANDLERS,
    HOLDER_FIELDS,
    CaseSource,
    CaseStatus,
    EvidenceType,
    PenaltyKind,
    PenaltyStage,
    Procedure,
)
from .identity import normalise_credit_code, normalise_id_number
from .models import REVIEW_KINDS, Case, CaseEvidence, CasePenalty, Party, next_case_number
from .rules import Proposal
from .signals import decision_served, fine_payable
from .workflow import WORKFLOW

S = CaseStatus
APPROVED = ApprovalDecision.APPROVED
REGISTER_ROLES = ("officer", "squad_leader", "bureau_head", "legal_reviewer")
EVIDENCE_ROLES = ("officer", "squad_leader", "legal_reviewer", "bureau_head")


def _required(**values):
    missing = {
        name: _("This field is required.") for name, value in values.items() if value in (None, "", [])
    }
    if missing:
        raise ValidationError(missing)


def _refuse(message):
    raise TransitionNotAllowed(message)


def _text(value):
    return (value or "").strip()


def _unit_in_scope(user, unit):
    return unit is not None and (user.sees_all_units or unit.pk in user.scope_unit_ids)


# --- parties -----------------------------------------------------------------------------------------------
PARTY_FIELDS = ("party_type", "name", "id_number", "credit_code", "legal_representative", "phone", "address")


def register_party(*, by, **fields):
    """Registers a party (当事人), or answers the one already registered with this ID number or credit code
    (a repeat offender is one party). Its identity is checked (the check digits of an ID number and a credit
    code)."""
    if not by.has_role(*REGISTER_ROLES, "intake"):
        raise PermissionDenied(_("Your role does not allow registering parties."))
    data = {name: _text(fields.get(name)) for name in PARTY_FIELDS}
    data["id_number"] = normalise_id_number(data["id_number"])
    data["credit_code"] = normalise_credit_code(data["credit_code"])
    known = None
    if data["id_number"]:
        known = Party.objects.filter(id_number=data["id_number"]).first()
    elif data["credit_code"]:
        known = Party.objects.filter(credit_code=data["credit_code"]).first()
    if known is None:
        party = Party(created_by=by, **data)
        party.full_clean(exclude=["created_by"])  # a number registered meanwhile: its unique check says so
        with transaction.atomic():
            party.save()
            record_event(party, AuditAction.CREATE, actor=by, after=snapshot(party))
        return party
    if known.party_type != data["party_type"] or (data["name"] and known.name != data["name"]):
        field = "id_number" if data["id_number"] else "credit_code"
        raise ValidationError(
            {
                field: _(
                    "This number is registered to %(name)s: choose that party from the register, or check the "
                    "number."
                )
                % {"name": known.name}
            }
        )
    return known


def edit_party(party, *, by, changes, version=None):
    """Corrects a party's contact details or name; the identity (ID number, credit code) is what the party is,
    so a wrong one is a new party."""
    if not by.has_role(*REGISTER_ROLES, "intake"):
        raise PermissionDenied(_("Your role does not allow editing parties."))
    with transaction.atomic():
        locked = Party.objects.select_for_update().get(pk=party.pk)
        before = snapshot(locked)
        for name in ("name", "legal_representative", "phone", "address"):
            if name in changes:
                setattr(locked, name, _text(changes[name]))
        locked.full_clean(exclude=["created_by", "version"])
        locked.save_versioned(expected_version=version if version not in (None, "") else None)
        from enforcement.audit.services import changed

        old, new = changed(before, snapshot(locked))
        if new:
            record_event(locked, AuditAction.UPDATE, actor=by, before=old, after=new)
    return locked


# --- opening a case --------------------------------------------------------------------------------------
def _new_case(*, by, procedure, party, category, facts, address, act_date, unit, complaint, **fields):
    from complaints.services import grid_for_point

    if not by.has_role(*REGISTER_ROLES):
        raise PermissionDenied(_("Your role does not allow opening cases."))
    unit = unit or by.unit
    if not _unit_in_scope(by, unit):
        raise ValidationError({"unit": _("Choose a unit within your own.")})
    if complaint is not None and not in_scope(by, complaint):
        raise ValidationError({"complaint": _("Choose a complaint you can see.")})
    _required(party=party, category=category, facts=_text(facts), address=_text(address), act_date=act_date)
    source = fields.pop("source", CaseSource.PATROL)  # popped first: a complaint's case never passes it twice
    case = Case(
        procedure=procedure,
        party=party,
        category=category,
        facts=_text(facts),
        address=_text(address),
        act_date=act_date,
        unit=unit,
        complaint=complaint,
        source=CaseSource.COMPLAINT if complaint is not None else source,
        registered_by=by,
        registered_at=timezone.now(),
        legal_basis=_text(fields.pop("legal_basis", "")) or category.legal_basis,
        penalty_basis=_text(fields.pop("penalty_basis", "")) or category.penalty_basis,
        **fields,
    )
    case.grid = grid_for_point(case.lat, case.lng)
    case.full_clean(exclude=["number", "grid", "party", "registered_by", "version"])
    return case


def _save_new(case, by, verb=None):
    case.number = next_case_number(case.registered_at)
    case.save()
    record_event(case, AuditAction.CREATE, actor=by, after=snapshot(case), verb=verb or "register_case")
    if case.complaint_id is not None:
        from complaints.services import link_record

        link_record(case.complaint, case, by=by)


def open_lead(
    *,
    by,
    party,
    category,
    facts,
    address,
    act_date,
    unit=None,
    complaint=None,
    source=CaseSource.PATROL,
    lat=None,
    lng=None,
    act_continuing=False,
    harms_safety=False,
    is_complex=False,
    major_public_interest=False,
    legal_basis="",
    penalty_basis="",
):
    """A lead (线索) of the general procedure: found on patrol, from a complaint, a campaign or a referral. A
    decision to file it or not is due within 15 days; its registering officer holds it until officers are
    assigned."""
    case = _new_case(
        by=by,
        procedure=Procedure.GENERAL,
        party=party,
        category=category,
        facts=facts,
        address=address,
        act_date=act_date,
        unit=unit,
        complaint=complaint,
        source=source,
        lat=lat,
        lng=lng,
        act_continuing=act_continuing,
        harms_safety=harms_safety,
        is_complex=is_complex,
        major_public_interest=major_public_interest,
        legal_basis=legal_basis,
        penalty_basis=penalty_basis,
        status=S.LEAD,
        handler=by if by.has_role(*HANDLERS) else None,
    )
    case.filing_due_at = rules.filing_due(case.registered_at)
    with transaction.atomic():
        _save_new(case, by)
    return case


def decide_on_the_spot(
    *,
    by,
    party,
    category,
    facts,
    address,
    act_date,
    penalty_kinds,
    correction_order,
    fine=None,
    paid_on_spot=False,
    receipt_no="",
    unit=None,
    complaint=None,
    source=CaseSource.PATROL,
    lat=None,
    lng=None,
    legal_basis="",
    penalty_basis="",
):
    """简易程序 (Art. 51–52): one certified officer decides on the spot and issues the numbered on-the-spot
    decision; cash only for a fine of at most 100 yuan, with a receipt (Art. 68, 70), handed to the bureau
    within 2 working days (Art. 71); the decision is filed with the bureau within 3 working days."""
    if not by.has_role(*HANDLERS):
        raise PermissionDenied(_("Only officers and squad leaders decide on the spot."))
    problem = rules.signer_problem(by)
    if problem:
        raise PermissionDenied(problem)
    _required(penalty_kinds=list(penalty_kinds or []))
    proposal = Proposal(penalty_kinds, fine, None, "", correction_order)
    if party is None or category is None:
        _required(party=party, category=category)
    case = _new_case(
        by=by,
        procedure=Procedure.SIMPLE,
        party=party,
        category=category,
        facts=facts,
        address=address,
        act_date=act_date,
        unit=unit,
        complaint=complaint,
        source=source,
        lat=lat,
        lng=lng,
        legal_basis=legal_basis,
        penalty_basis=penalty_basis,
        status=S.DECIDED,
        handler=by,
        correction_order=proposal.correction_order,
    )
    problem = rules.limitation_problem(act_date, case.harms_safety)
    if problem:
        raise ValidationError({"act_date": problem})
    # The kinds before the amounts: a confiscation is refused as not simple, not for want of its value.
    problem = rules.simple_procedure_problem(category, party.party_type, Proposal(penalty_kinds, None))
    if problem:
        raise ValidationError({"penalty_kinds": problem})
    # Then the ceiling of Art. 51, before the category's own range: 200.01 yuan is "use the general procedure".
    if proposal.fine is not None and proposal.fine > 0:
        problem = rules.simple_procedure_problem(category, party.party_type, proposal)
        if problem:
            raise ValidationError({"fine": problem})
    errors = rules.proposal_problems(proposal, case)
    if errors:
        raise ValidationError(errors)
    problem = rules.simple_procedure_problem(category, party.party_type, proposal) or rules.cash_problem(
        proposal, paid_on_spot, receipt_no
    )
    if problem:
        raise ValidationError({"fine" if proposal.has_fine else "penalty_kinds": problem})
    now = case.registered_at
    case.decided_at, case.decided_by = now, by
    case.fine_decided = proposal.fine if proposal.has_fine else None
    case.paid_on_spot, case.receipt_no = bool(paid_on_spot), _text(receipt_no) if paid_on_spot else ""
    case.cash_due_at = rules.cash_handover_due(now) if paid_on_spot else None
    case.bureau_filing_due_at = rules.bureau_filing_due(now)
    case.served_at = now  # the decision is handed to the party on the spot (Art. 52)
    with transaction.atomic():
        _lock_party(party)
        problem = rules.same_act_problem(case, proposal.kinds)
        if problem:
            raise ValidationError({"penalty_kinds": problem})
        _save_new(case, by, verb="decide_on_the_spot")
        _save_penalties(case, PenaltyStage.DECIDED, proposal)
        _issue_if_declared(case, "on_the_spot_decision", by)
        if case.fine_decided and not case.paid_on_spot:
            fine_payable.send(sender=Case, case=case, by=by)  # paid at the bank within 15 days (Art. 67)
    return case


def _lock_party(party):
    """Art. 29 is checked across a party's cases: deciding a fine locks the party's row, so two cases of the
    same act decided at the same moment cannot both fine it."""
    Party.objects.select_for_update().filter(pk=party.pk).first()


def _issue_if_declared(case, doc_type, by):
    from enforcement.documents.registry import spec_for
    from enforcement.documents.services import issue_document

    if spec_for(Case, doc_type) is not None:
        issue_document(case, doc_type, by=by)


def _save_penalties(case, stage, proposal):
    CasePenalty.objects.filter(case=case, stage=stage).delete()
    demolish = PenaltyKind.DEMOLISH
    CasePenalty.objects.bulk_create(
        [
            CasePenalty(
                case=case,
                stage=stage,
                kind=kind,
                amount=proposal.amount_of(kind),
                detail=proposal.detail,
                area=proposal.demolish_area if kind == demolish else None,
                deadline_days=proposal.demolish_days if kind == demolish else None,
            )
            for kind in dict.fromkeys(proposal.kinds)
        ]
    )


# --- the lead and its filing ------------------------------------------------------------------------------
def request_filing(case, *, by, reason, version=None):
    """立案审批: proposed by an officer; refused when the act is past the limitation period (Art. 36)."""
    _required(reason=_text(reason))

    def change(c):
        problem = rules.limitation_problem(c.act_date, c.harms_safety, on=rules.discovered_on(c))
        if problem:
            _refuse(problem)
        request_approval(FILING, c, by=by, reason=reason, due_at=c.filing_due_at)

    return WORKFLOW.run(case, "request_filing", by=by, change=change, version=version, note=reason)


def decide_filing(case, *, by, decision, opinion="", version=None):
    """Approved: the case is filed (立案) and the 90 days of Art. 60 start; rejected: it stays a lead, with the
    supervisor's opinion for the officer."""
    _required(decision=decision)

    def change(c):
        if decision == APPROVED:
            problem = rules.limitation_problem(c.act_date, c.harms_safety, on=rules.discovered_on(c))
            if problem:
                _refuse(problem)
        approval = decide_approval(
            pending_for(c, FILING) or FILING, c, by=by, decision=decision, opinion=opinion
        )
        if approval.is_approved:
            c.status = S.FILED
            c.filed_at = c.lead_decided_at = approval.decided_at
            c.decision_due_at = rules.decision_due(c.filed_at)

    return WORKFLOW.run(case, "decide_filing", by=by, change=change, version=version, note=opinion)


def not_file(case, *, by, reason, version=None):
    _required(reason=_text(reason))

    def change(c):
        c.outcome_reason = _text(reason)
        c.lead_decided_at = timezone.now()

    return WORKFLOW.run(case, "not_file", by=by, change=change, version=version, note=reason)


def assign_officers(case, *, by, handler, co_handler, version=None):
    """Art. 42: two different officers with valid certificates, within the case's unit."""
    problem = rules.officers_problem(handler, co_handler)  # also when one is missing: Art. 42's words
    if problem:
        raise ValidationError({"handler" if handler is None else "co_handler": problem})

    def change(c):
        for field, person in (("handler", handler), ("co_handler", co_handler)):
            if (
                person.unit is None
                or not person.unit.path.startswith(c.unit.path)
                and not in_scope(person, c)
            ):
                raise ValidationError({field: _("Choose an officer of the case's unit.")})
        if by.pk in {handler.pk, co_handler.pk} and by.has_role("bureau_head") and not by.has_role(*HANDLERS):
            raise ValidationError(
                {"handler": _("A bureau head who decides the case does not investigate it.")}
            )
        c.handler, c.co_handler = handler, co_handler

    return WORKFLOW.run(case, "assign_officers", by=by, change=change, version=version)


# --- investigation, review, discussion, notice ------------------------------------------------------------
def _proposal_from(case, penalty_kinds, fine, confiscation_value, penalty_detail, correction_order, demolish):
    proposal = Proposal(
        penalty_kinds or [], fine, confiscation_value, penalty_detail, correction_order, *demolish
    )
    errors = rules.proposal_problems(proposal, case)
    if errors:
        raise ValidationError(errors)
    return proposal


def _investigator_only(c, by):
    if by.pk not in {getattr(c, f"{name}_id") for name in HOLDER_FIELDS}:
        raise PermissionDenied(_("Only the case's investigating officers take this step."))


def submit_report(
    case,
    *,
    by,
    report,
    penalty_kinds,
    correction_order,
    fine=None,
    confiscation_value=None,
    demolish_area=None,
    demolish_days=None,
    penalty_detail="",
    facts="",
    legal_basis="",
    penalty_basis="",
    is_complex=None,
    major_public_interest=None,
    version=None,
):
    """调查终结报告 with the proposed penalty, and the facts as the investigation found them (the decision states
    these, not the lead's first account), with the basis and the Art. 57/58 flags confirmed or corrected. It goes to a legal reviewer when Art. 58 makes a legal review
    mandatory (major public interest, complex, a large fine), else to the unit's supervisors."""
    _required(
        report=_text(report),
        penalty_kinds=list(penalty_kinds or []),
        correction_order=_text(correction_order),
    )

    def change(c):
        _investigator_only(c, by)
        problem = rules.officers_problem(c.handler, c.co_handler)
        if problem:
            _refuse(problem)
        if not c.evidence.exists():
            _refuse(
                _(
                    "Add the evidence gathered before submitting the report (Administrative Penalty Law, Art. 54)."
                )
            )
        for name, value in (("facts", facts), ("legal_basis", legal_basis), ("penalty_basis", penalty_basis)):
            if _text(value):
                setattr(c, name, _text(value))
        for name, value in (("is_complex", is_complex), ("major_public_interest", major_public_interest)):
            if value is not None:
                setattr(c, name, bool(value))
        proposal = _proposal_from(
            c,
            penalty_kinds,
            fine,
            confiscation_value,
            penalty_detail,
            correction_order,
            (demolish_area, demolish_days),
        )
        c.report, c.reported_at, c.reported_by = _text(report), timezone.now(), by
        c.correction_order = proposal.correction_order
        _save_penalties(c, PenaltyStage.NOTIFIED, proposal)
        kind = LEGAL_REVIEW if rules.legal_review_reason(c, proposal) else REPORT_REVIEW
        request_approval(kind, c, by=by, reason=c.report, due_at=c.decision_due_at)
        return {"proposal": proposal.as_json(), "review": kind.slug}

    return WORKFLOW.run(case, "submit_report", by=by, change=change, version=version)


def decide_review(case, *, by, decision, opinion="", version=None):
    """审核 / 法制审核. Approved at review: on to the collective discussion (complex or major cases, Art. 57) or
    ready for the advance notice; rejected: back to the investigation with the opinion. In `notified` (a legal
    review after a hearing) the case stays where it is."""
    _required(decision=decision)

    def change(c):
        pending = c.pending_approval(*REVIEW_KINDS)
        roles = [r for r in ("legal_reviewer", "bureau_head", "squad_leader") if by.has_role(r)]
        approval = decide_approval(
            pending or LEGAL_REVIEW,
            c,
            by=by,
            decision=decision,
            opinion=opinion,
            decided_by_role=roles[0] if roles else "",
        )
        if c.status == S.REVIEW:
            if not approval.is_approved:
                c.status = S.INVESTIGATING
            elif c.is_complex:
                c.status = S.DISCUSSION
                request_approval(
                    DISCUSSION, c, by=approval.requested_by, reason=c.report, due_at=c.decision_due_at
                )
        return {"review": approval.kind}

    return WORKFLOW.run(case, "decide_review", by=by, change=change, version=version, note=opinion)


def decide_discussion(case, *, by, decision, opinion, version=None):
    """集体讨论 (Art. 57): the bureau's heads discuss a complex or major case; the record is the opinion."""
    _required(decision=decision, opinion=_text(opinion))

    def change(c):
        approval = decide_approval(
            pending_for(c, DISCUSSION) or DISCUSSION, c, by=by, decision=decision, opinion=opinion
        )
        if not approval.is_approved:
            c.status = S.INVESTIGATING

    return WORKFLOW.run(case, "decide_discussion", by=by, change=change, version=version, note=opinion)


def notify(case, *, by, note="", version=None):
    """事先告知 (Art. 44): the party has received the advance notice of the intended penalty, facts, basis and
    rights (its proof of service is recorded on the paper); the statement period and, where the penalty gives
    the right, the hearing window (Art. 63-64) count from when it was served."""

    def change(c):
        _investigator_only(c, by)
        c.notified_at = rules.advance_notice_document(c).service.effective_at
        c.hearing_request_due_at = (
            rules.hearing_request_due(c.notified_at) if rules.hearing_qualifies(c) else None
        )

    return WORKFLOW.run(case, "notify", by=by, change=change, version=version, note=note)


def record_statement(case, *, by, statement, version=None):
    """陈述、申辩 (Art. 45): recorded; each statement is added to the record, nothing replaced."""
    _required(statement=_text(statement))

    def change(c):
        c.statement = "\n\n".join(part for part in (c.statement, _text(statement)) if part)

    return WORKFLOW.run(case, "record_statement", by=by, change=change, version=version, note=statement)


def request_hearing(case, *, by, requested_at=None, version=None):
    requested_at = requested_at or timezone.now()

    def change(c):
        problem = rules.hearing_request_problem(c, requested_at)
        if problem:
            _refuse(problem)
        c.hearing_requested_at = requested_at

    return WORKFLOW.run(case, "request_hearing", by=by, change=change, version=version)


def schedule_hearing(case, *, by, hearing_at, hearing_place, chair, version=None):
    _required(hearing_at=hearing_at, hearing_place=_text(hearing_place), chair=chair)

    def change(c):
        errors = rules.hearing_schedule_problems(c, hearing_at, chair)
        if errors:
            raise ValidationError(errors)
        c.hearing_at, c.hearing_place, c.hearing_chair = hearing_at, _text(hearing_place), chair

    return WORKFLOW.run(case, "schedule_hearing", by=by, change=change, version=version)


def record_hearing(case, *, by, hearing_record, version=None):
    _required(hearing_record=_text(hearing_record))

    def change(c):
        if timezone.now() < c.hearing_at - timedelta(hours=12):
            _refuse(_("The hearing is recorded once it has been held."))
        if by.pk in c.investigators:
            raise PermissionDenied(
                _(
                    "The hearing is chaired by someone who did not investigate the case (Administrative Penalty Law, Art. 64)."
                )
            )
        c.hearing_record, c.hearing_held_at = _text(hearing_record), timezone.now()

    return WORKFLOW.run(case, "record_hearing", by=by, change=change, version=version)


def withdraw_hearing(case, *, by, reason, version=None):
    """Art. 64(6): the party withdrew the request, or did not attend without good reason: the right is waived."""
    _required(reason=_text(reason))

    def change(c):
        c.hearing_withdrawn_at = timezone.now()

    return WORKFLOW.run(case, "withdraw_hearing", by=by, change=change, version=version, note=reason)


def request_legal_review(case, *, by, reason, version=None):
    """Art. 58: a legal review the decision needs (after a hearing, or when the first review was not legal)."""
    _required(reason=_text(reason))

    def change(c):
        request_approval(LEGAL_REVIEW, c, by=by, reason=reason, due_at=c.decision_due_at)

    return WORKFLOW.run(case, "request_legal_review", by=by, change=change, version=version, note=reason)


def request_decision(
    case,
    *,
    by,
    penalty_kinds,
    correction_order,
    reason,
    fine=None,
    confiscation_value=None,
    demolish_area=None,
    demolish_days=None,
    penalty_detail="",
    version=None,
):
    """处罚决定审批: the penalty to decide, never more than was notified (Art. 45), for a bureau head."""
    _required(
        penalty_kinds=list(penalty_kinds or []),
        correction_order=_text(correction_order),
        reason=_text(reason),
    )

    def change(c):
        _investigator_only(c, by)
        proposal = _proposal_from(
            c,
            penalty_kinds,
            fine,
            confiscation_value,
            penalty_detail,
            correction_order,
            (demolish_area, demolish_days),
        )
        problem = rules.decision_problems(c, proposal)
        if problem:
            _refuse(problem)
        request_approval(
            DECISION, c, by=by, reason=reason, due_at=c.decision_due_at, proposal=proposal.as_json()
        )
        return {"proposal": proposal.as_json()}

    return WORKFLOW.run(case, "request_decision", by=by, change=change, version=version, note=reason)


def decide(case, *, by, decision, opinion="", version=None):
    """The bureau head's decision (Art. 57), within 90 days of filing (Art. 60), after the mandatory legal review
    (Art. 58) and any hearing (Art. 64), never heavier than notified (Art. 45), one fine per act (Art. 29). It is
    then served within 7 working days (Art. 61). Rejected: back to the officers with the opinion."""
    _required(decision=decision)

    def change(c):
        pending = pending_for(c, DECISION)
        proposal = Proposal.from_json(pending.proposal) if pending is not None else None
        if decision == APPROVED and proposal is not None:
            _lock_party(c.party)
            problem = rules.decision_problems(c, proposal)
            if problem:
                _refuse(problem)
        approval = decide_approval(pending or DECISION, c, by=by, decision=decision, opinion=opinion)
        if approval.is_approved:
            c.status = S.DECIDED
            c.decided_at, c.decided_by = approval.decided_at, by
            c.correction_order = proposal.correction_order
            c.fine_decided = proposal.fine if proposal.has_fine else None
            c.service_due_at = rules.service_due(c.decided_at)
            _save_penalties(c, PenaltyStage.DECIDED, proposal)
            return {"proposal": proposal.as_json()}
        return None

    return WORKFLOW.run(case, "decide", by=by, change=change, version=version, note=opinion)


def decide_no_penalty(case, *, by, reason, first_violation=False, version=None):
    """不予处罚 (Art. 30–33), e.g. a first minor violation corrected in time (Art. 33)."""
    _required(reason=_text(reason))

    def change(c):
        problem = rules.separation_problem(c, by, _("decide"))
        if problem:
            raise PermissionDenied(problem)
        if first_violation:
            problem = rules.first_violation_problem(c)
            if problem:
                _refuse(problem)
        c.outcome_reason, c.first_violation = _text(reason), bool(first_violation)
        c.decided_at, c.decided_by = timezone.now(), by

    return WORKFLOW.run(case, "decide_no_penalty", by=by, change=change, version=version, note=reason)


def transfer(case, *, by, transferred_to, reason, version=None):
    """移送 (Art. 27): to the authority competent for it (e.g. the police), with the reason."""
    _required(transferred_to=_text(transferred_to), reason=_text(reason))

    def change(c):
        c.transferred_to, c.outcome_reason = _text(transferred_to), _text(reason)
        if c.status == S.LEAD:
            c.lead_decided_at = timezone.now()

    return WORKFLOW.run(case, "transfer", by=by, change=change, version=version, note=reason)


def revoke_filing(case, *, by, reason, version=None):
    _required(reason=_text(reason))

    def change(c):
        c.outcome_reason = _text(reason)

    return WORKFLOW.run(case, "revoke_filing", by=by, change=change, version=version, note=reason)


def request_extension(case, *, by, reason, days, version=None):
    """Art. 60: more time to decide, approved by a bureau head; at most 30 days a request."""
    _required(reason=_text(reason), days=days)
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise ValidationError({"days": _("Enter a whole number.")}) from None
    longest = get_int("decision_extension_max_days")
    if days < 1 or days > longest:
        raise ValidationError({"days": _("An extension is 1 to %(max)d days.") % {"max": longest}})

    def change(c):
        problem = rules.extension_time_problem(c)
        if problem:
            _refuse(problem)
        request_approval(EXTENSION, c, by=by, reason=reason, due_at=c.decision_due_at, days=days)

    return WORKFLOW.run(case, "request_extension", by=by, change=change, version=version, note=reason)


def decide_extension(case, *, by, decision, opinion="", version=None):
    _required(decision=decision)

    def change(c):
        if decision == APPROVED:
            problem = rules.extension_time_problem(c)
            if problem:
                _refuse(problem)
        approval = decide_approval(
            pending_for(c, EXTENSION) or EXTENSION, c, by=by, decision=decision, opinion=opinion
        )
        if approval.is_approved:
            c.extended_days += approval.days
            c.decision_due_at = rules.decision_due(c.filed_at, c.extended_days)

    return WORKFLOW.run(case, "decide_extension", by=by, change=change, version=version, note=opinion)


# --- service, execution, closing ----------------------------------------------------------------------------
def serve(case, *, by, note="", version=None):
    """送达 (Art. 61): the decision's proof of service is recorded on the document; it counts from then."""

    def change(c):
        document = rules.decision_document(c)
        c.served_at = document.service.effective_at
        if c.fine_decided:
            fine_payable.send(sender=Case, case=c, by=by)
        decision_served.send(sender=Case, case=c, by=by)

    return WORKFLOW.run(case, "serve", by=by, change=change, version=version, note=note)


def execute(case, *, by, note="", version=None):
    return WORKFLOW.run(case, "execute", by=by, version=version, note=note)


def request_closing(case, *, by, reason, version=None):
    """结案报告: the penalty carried out (or ended by law), for a supervisor's approval."""
    _required(reason=_text(reason))

    def change(c):
        request_approval(CLOSING, c, by=by, reason=reason)

    return WORKFLOW.run(case, "request_closing", by=by, change=change, version=version, note=reason)


def decide_closing(case, *, by, decision, opinion="", version=None):
    _required(decision=decision)

    def change(c):
        approval = decide_approval(
            pending_for(c, CLOSING) or CLOSING, c, by=by, decision=decision, opinion=opinion
        )
        if approval.is_approved:
            c.status, c.closed_at = S.CLOSED, approval.decided_at

    return WORKFLOW.run(case, "decide_closing", by=by, change=change, version=version, note=opinion)


def archive(case, *, by, note="", version=None):
    def change(c):
        c.archived_at = timezone.now()

    return WORKFLOW.run(case, "archive", by=by, change=change, version=version, note=note)


def hand_over_cash(case, *, by, note="", version=None):
    """Art. 71: the cash collected on the spot reaches the bureau (within 2 working days)."""

    def change(c):
        c.cash_handed_over_at = timezone.now()

    return WORKFLOW.run(case, "hand_over_cash", by=by, change=change, version=version, note=note)


def acknowledge_filing(case, *, by, note="", version=None):
    """备案: a supervisor other than the officer acknowledges the on-the-spot decision; the case is closed, or
    executing while a fine is still to be paid at the bank."""

    def change(c):
        c.bureau_filed_at, c.bureau_filed_by = timezone.now(), by
        owes = c.fine_decided and not c.paid_on_spot
        c.status = S.EXECUTING if owes else S.CLOSED
        if c.status == S.CLOSED:
            c.closed_at = c.bureau_filed_at

    return WORKFLOW.run(case, "acknowledge_filing", by=by, change=change, version=version, note=note)


WORKFLOW.services.update(
    {
        "request_filing": request_filing,
        "decide_filing": decide_filing,
        "not_file": not_file,
        "assign_officers": assign_officers,
        "submit_report": submit_report,
        "decide_review": decide_review,
        "decide_discussion": decide_discussion,
        "notify": notify,
        "record_statement": record_statement,
        "request_hearing": request_hearing,
        "schedule_hearing": schedule_hearing,
        "record_hearing": record_hearing,
        "request_legal_review": request_legal_review,
        "withdraw_hearing": withdraw_hearing,
        "request_decision": request_decision,
        "decide": decide,
        "decide_no_penalty": decide_no_penalty,
        "transfer": transfer,
        "revoke_filing": revoke_filing,
        "request_extension": request_extension,
        "decide_extension": decide_extension,
        "serve": serve,
        "execute": execute,
        "request_closing": request_closing,
        "decide_closing": decide_closing,
        "archive": archive,
        "hand_over_cash": hand_over_cash,
        "acknowledge_filing": acknowledge_filing,
    }
)
WORKFLOW.check_services()
perform = WORKFLOW.perform


# --- evidence ------------------------------------------------------------------------------------------------
def add_evidence(case, upload, *, by, evidence_type, description="", **capture):
    """Adds an item of evidence (Art. 46) with when and where it was taken. Nothing is ever overwritten or
    deleted; once the case is decided, an addition is marked as added after the decision."""
    if not in_scope(by, case):
        raise Http404
    if not by.has_role(*EVIDENCE_ROLES):
        raise PermissionDenied(_("Your role does not allow adding evidence."))
    if evidence_type not in EvidenceType.values:
        raise ValidationError({"evidence_type": _("Choose one of the listed types of evidence.")})
    with transaction.atomic():
        # Locked: an item added while the case is being decided is counted on the right side of the decision.
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.status in ENDED_STATUSES:
            raise TransitionNotAllowed(_("Evidence is added while the case is open, not once it has ended."))
        if locked.before_decision and by.pk not in locked.investigators:
            raise PermissionDenied(
                _(
                    "Evidence is gathered by the case's investigating officers (Administrative Penalty Law, "
                    "Art. 42): those who review or decide the case do not gather it."
                )
            )
        return store_attachment(
            CaseEvidence,
            locked,
            upload,
            by=by,
            evidence_type=evidence_type,
            description=_text(description)[:500],
            after_decision=locked.decided_at is not None,
            **capture,
        )
