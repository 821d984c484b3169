"""Every case action × every role × every status, generated from the transition table by the platform's
permission matrix (enforcement/workflow/testing.py): the service succeeds exactly where the table (and the
action's guard, satisfied here) allows, answers 403 for a role and 409 for a state it does not allow, changes
nothing when it refuses, answers 404 out of scope and 409 for a stale version, and `allowed_actions` agrees.

`prepare` builds each case directly (CaseFactory) in district A with two investigating officers who are not
the actor (so that the separation of duties does not refuse), and the state the action's guard and service
need: the pending approval it decides, the penalties notified, the evidence, the hearing's moments, and for
`serve` the penalty decision with its proof of service, through the documents service. Three actions are
special:
- `submit_report`, `notify` and `request_decision` are taken only by the case's investigating officers
  (services._investigator_only): the actor is made the case's handler when their role is a handler role;
- the approvals decided with a `target`-less transition are decided so that the status stays (a filing,
  a decision or a closing rejected; a review, a discussion or an extension approved), as the matrix expects
  of an action without a target;
- `acknowledge_filing` has no target in the table (its service closes the case, or leaves it executing
  while a fine is owed at the bank); the matrix is given its outcome for the case prepared here, a
  warning on the spot: closed."""

from dataclasses import replace
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from enforcement.approvals.choices import ApprovalDecision
from enforcement.documents.registry import spec_for
from enforcement.documents.services import issue_document, record_service
from enforcement.workdays import calendar
from enforcement.workflow.testing import permission_matrix

from .. import rules, services
from ..choices import HANDLERS, CaseStatus, PenaltyKind, PenaltyStage, Procedure
from ..models import (
    CLOSING_KIND,
    DECISION_KIND,
    DISCUSSION_KIND,
    EXTENSION_KIND,
    FILING_KIND,
    LEGAL_REVIEW_KIND,
    REPORT_REVIEW_KIND,
    Case,
    CaseApproval,
    CaseEvidence,
    CasePenalty,
)
from ..workflow import WORKFLOW
from .conftest import JPEG
from .factories import CaseFactory, PartyFactory

S = CaseStatus
APPROVED, REJECTED = ApprovalDecision.APPROVED, ApprovalDecision.REJECTED
ORDER = "立即停止占道经营"
TZ = timezone.get_default_timezone()
INVESTIGATOR_ONLY = {"submit_report", "notify", "request_decision"}


class _Matrix:
    """The case workflow as the matrix reads it: the real table, engine and services, with the outcome of
    `acknowledge_filing` for the case `prepare` gives it (the table leaves it to the service)."""

    def __init__(self, workflow, outcomes):
        self._workflow = workflow
        self.transitions = {
            slug: replace(t, target=outcomes.get(slug, t.target)) for slug, t in workflow.transitions.items()
        }

    def __getattr__(self, name):
        return getattr(self._workflow, name)


MATRIX = _Matrix(WORKFLOW, {"acknowledge_filing": S.CLOSED})


def _approval(case, kind, requested_by, decision=ApprovalDecision.PENDING, decided_by=None, **fields):
    now = timezone.now()
    return CaseApproval.objects.create(
        case=case,
        kind=kind,
        requested_by=requested_by,
        requested_at=now - timedelta(hours=2),
        reason="请审批",
        decision=decision,
        decided_by=decided_by,
        decided_at=now - timedelta(hours=1) if decided_by else None,
        **fields,
    )


def _penalty(case, stage, amount):
    CasePenalty.objects.create(case=case, stage=stage, kind=PenaltyKind.FINE, amount=Decimal(amount))


def _evidence(case, by):
    CaseEvidence.objects.create(
        case=case,
        file=ContentFile(JPEG, name="site.jpg"),
        kind="photo",
        content_type="image/jpeg",
        size=len(JPEG),
        sha256="0" * 64,
        uploaded_by=by,
        evidence_type="photo",
        description="现场照片",
    )


def prepare(slug, status, *, request, actor, outsider=False):
    """A case in `status` in district A that meets the action's guard, and the action's inputs."""
    district_a, category, make_user = (
        request.getfixturevalue(name) for name in ("district_a", "category", "make_user")
    )
    home = request.getfixturevalue("district_b") if outsider else district_a
    officer, officer2 = make_user("officer", unit=district_a), make_user("officer", unit=district_a)
    supervisor = make_user("squad_leader", unit=district_a)  # approved earlier steps, issues papers
    now = timezone.now()
    filed = now - timedelta(days=10)
    fields = {
        "procedure": Procedure.GENERAL,
        "handler": officer,
        "co_handler": officer2,
        "registered_by": officer,
        "legal_basis": "《城市市容和环境卫生管理条例》第十四条",
        "penalty_basis": "《城市市容和环境卫生管理条例》第三十六条",
        "filed_at": filed,
        "decision_due_at": rules.decision_due(filed),
    }
    if slug in INVESTIGATOR_ONLY and actor.roles & HANDLERS:
        fields["handler"] = actor
    if slug == "notify" and status == S.DISCUSSION:
        fields["is_complex"] = True
    if slug == "request_hearing":
        fields["notified_at"] = now - timedelta(hours=1)
        fields["hearing_request_due_at"] = rules.hearing_request_due(fields["notified_at"])
    if slug in ("schedule_hearing", "record_hearing", "withdraw_hearing"):
        fields["hearing_requested_at"] = now - timedelta(days=1)
    if slug == "record_hearing":
        fields["hearing_at"] = now - timedelta(hours=1)
    if slug == "request_legal_review":
        fields["major_public_interest"] = True
    if slug == "request_decision":
        fields["notified_at"] = now - timedelta(days=9)
        fields["hearing_request_due_at"] = rules.hearing_request_due(fields["notified_at"])
    if slug in ("hand_over_cash", "acknowledge_filing"):
        fields.update(procedure=Procedure.SIMPLE, filed_at=None, decision_due_at=None, decided_at=now)
        fields["bureau_filing_due_at"] = rules.bureau_filing_due(now)
        if slug == "hand_over_cash":
            fields.update(paid_on_spot=True, receipt_no="NO.0001", fine_decided=Decimal("100"))
            fields["cash_due_at"] = rules.cash_handover_due(now)
    if slug == "serve":
        fields.update(
            decided_at=now - timedelta(hours=1), fine_decided=Decimal("400"), correction_order=ORDER
        )
        fields.update(legal_basis="《城市市容和环境卫生管理条例》第十四条", penalty_basis="同条例第三十六条")
        fields["service_due_at"] = rules.service_due(fields["decided_at"])
    case = CaseFactory(
        unit=district_a,
        status=status,
        category=category,
        party=PartyFactory(created_by=officer),
        **fields,
    )

    if slug == "decide_filing":
        _approval(case, FILING_KIND, officer)
    elif slug == "submit_report":
        _evidence(case, officer)
    elif slug == "decide_review":
        legal = "legal_reviewer" in actor.roles
        _approval(case, LEGAL_REVIEW_KIND if legal else REPORT_REVIEW_KIND, officer)
    elif slug == "decide_discussion":
        _approval(case, DISCUSSION_KIND, officer)
    elif slug == "notify":
        _approval(case, REPORT_REVIEW_KIND, officer, APPROVED, supervisor)
        if status == S.DISCUSSION:
            _approval(case, DISCUSSION_KIND, officer, APPROVED, make_user("bureau_head", unit=district_a))
        if status in (S.REVIEW, S.DISCUSSION):  # the notice issued and served on the party (Art. 44)
            _penalty(case, PenaltyStage.NOTIFIED, "500")
            notice = issue_document(Case.objects.get(pk=case.pk), "advance_notice", by=supervisor)
            record_service(notice, by=supervisor, method="in_person", recipient="当事人")
    elif slug == "request_hearing":
        _penalty(case, PenaltyStage.NOTIFIED, "5000")  # above the large-fine threshold (Art. 63)
    elif slug == "request_decision":
        _penalty(case, PenaltyStage.NOTIFIED, "500")
    elif slug == "decide":
        _penalty(case, PenaltyStage.NOTIFIED, "500")
        proposal = {"kinds": ["fine"], "fine": "400.00", "correction_order": ORDER}
        _approval(case, DECISION_KIND, officer, proposal=proposal)
    elif slug == "decide_extension":
        _approval(case, EXTENSION_KIND, officer, days=10)
    elif slug == "decide_closing":
        _approval(case, CLOSING_KIND, officer)
    elif slug == "serve" and status == S.DECIDED:
        _penalty(case, PenaltyStage.DECIDED, "400")
        _evidence(case, officer)
        decision = issue_document(case, "penalty_decision", by=supervisor)
        record_service(decision, by=supervisor, method="in_person", recipient="当事人")

    hearing_day = calendar.add_working_days(timezone.localdate(), 8)
    inputs = {
        "request_filing": {"reason": "证据初步确凿"},
        "withdraw_hearing": {"reason": "当事人书面撤回听证申请"},
        "decide_filing": {"decision": REJECTED, "opinion": "请补充材料"},
        "not_file": {"reason": "不构成违法"},
        "assign_officers": {
            "handler": make_user("officer", unit=home),
            "co_handler": make_user("officer", unit=home),
        },
        "submit_report": {
            "report": "事实清楚，证据确凿",
            "penalty_kinds": ["fine"],
            "fine": Decimal("500"),
            "correction_order": ORDER,
        },
        "decide_review": {"decision": APPROVED, "opinion": "同意"},
        "decide_discussion": {"decision": APPROVED, "opinion": "经集体讨论，同意"},
        "notify": {"note": "已告知"},
        "record_statement": {"statement": "当事人无异议"},
        "request_hearing": {},
        "schedule_hearing": {
            "hearing_at": datetime.combine(hearing_day, time(10), tzinfo=TZ),
            "hearing_place": "听证室",
            "chair": make_user("squad_leader", unit=home),
        },
        "record_hearing": {"hearing_record": "当事人到场陈述申辩"},
        "request_legal_review": {"reason": "涉及重大公共利益"},
        "request_decision": {
            "penalty_kinds": ["fine"],
            "fine": Decimal("400"),
            "correction_order": ORDER,
            "reason": "拟罚款400元",
        },
        "decide": {"decision": REJECTED, "opinion": "请重新拟定"},
        "decide_no_penalty": {"reason": "违法行为轻微并及时改正", "first_violation": True},
        "transfer": {"transferred_to": "市公安局禅城分局", "reason": "涉嫌犯罪"},
        "revoke_filing": {"reason": "违法事实不成立"},
        "request_extension": {"reason": "需鉴定", "days": 10},
        "decide_extension": {"decision": APPROVED, "opinion": "同意延期"},
        "serve": {"note": "直接送达"},
        "execute": {"note": "督促缴款"},
        "request_closing": {"reason": "罚款已缴纳，已改正"},
        "decide_closing": {"decision": REJECTED, "opinion": "请补充缴款凭证"},
        "archive": {"note": "归档"},
        "hand_over_cash": {"note": "已交财务"},
        "acknowledge_filing": {"note": "已备案"},
    }[slug]
    return Case.objects.get(pk=case.pk), inputs


def test_the_matrix_covers_every_action_of_the_table():
    # The actions run through their own services (registered when cases.services is imported), never the
    # engine's plain status change.
    assert set(WORKFLOW.services) == set(WORKFLOW.transitions)
    assert WORKFLOW.services["acknowledge_filing"] is services.acknowledge_filing
    assert set(MATRIX.transitions) == set(WORKFLOW.transitions)
    assert spec_for(Case, "penalty_decision") is not None  # `serve` is prepared with a real decision
    changed = {s for s, t in MATRIX.transitions.items() if t.target != WORKFLOW.transitions[s].target}
    assert changed == {"acknowledge_filing"}


test_action_per_role_and_status, test_out_of_scope_actor_gets_404, test_stale_version_loses = (
    permission_matrix(MATRIX, prepare=prepare)
)
