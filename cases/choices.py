"""Case procedures, statuses, penalty kinds and the case workflow's transition table — declared once, as data.

Two procedures of the Administrative Penalty Law (行政处罚法, 2021; PRODUCT §3):
- simple (简易程序): decided on the spot by one officer (Art. 51–52), then filed with the bureau (备案);
- general (一般程序): lead → filing (立案) → investigation → review (审核, 法制审核) → collective discussion
  (集体讨论, when flagged) → advance notice (事先告知) → decision → service (送达) → execution → closing (结案)
  → archive, with the other outcomes not filed, no penalty, transferred (移送) and filing revoked.

`TRANSITIONS` is the only place that says which action moves a case from which statuses, who may take it and
what it needs. An action whose result depends on a decision (an approval: approved or rejected) keeps its
`target` empty and its service sets the status (services.py). The law's conditions beyond the status are in
rules.py, each with its article; the guards below only say whether an action applies now.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from enforcement.org.choices import HANDLER_ROLES, LINE_SUPERVISOR_ROLES, Role
from enforcement.workflow.table import Guard, Transition


class Procedure(models.TextChoices):
    SIMPLE = "simple", _("Simple procedure")  # 简易程序
    GENERAL = "general", _("General procedure")  # 一般程序


class CaseStatus(models.TextChoices):
    LEAD = "lead", _("Lead")  # 线索
    FILED = "filed", pgettext_lazy("case status", "Filed")  # 已立案
    NOT_FILED = "not_filed", _("Not filed")  # 不予立案
    INVESTIGATING = "investigating", _("Investigating")  # 调查取证
    REVIEW = "review", pgettext_lazy("case status", "Under review")  # 审核（法制审核）
    DISCUSSION = "discussion", _("Collective discussion")  # 集体讨论
    NOTIFIED = "notified", _("Advance notice given")  # 已事先告知
    DECIDED = "decided", pgettext_lazy("case status", "Decided")  # 已决定
    SERVED = "served", pgettext_lazy("case status", "Served")  # 已送达
    EXECUTING = "executing", _("Executing")  # 执行中
    CLOSED = "closed", pgettext_lazy("case status", "Closed")  # 已结案
    ARCHIVED = "archived", _("Archived")  # 已归档
    NO_PENALTY = "no_penalty", _("No penalty")  # 不予处罚
    TRANSFERRED = "transferred", _("Transferred")  # 移送
    REVOKED = "revoked", _("Filing revoked")  # 撤销立案


S = CaseStatus

# Where the 90-day decision limit runs (Art. 60): from filing until the decision.
DECISION_LIVE = frozenset({S.FILED, S.INVESTIGATING, S.REVIEW, S.DISCUSSION, S.NOTIFIED})
OPEN_STATUSES = frozenset(
    {S.LEAD, *DECISION_LIVE, S.DECIDED, S.SERVED, S.EXECUTING}
)  # what officers still work on
FINAL_STATUSES = frozenset({S.NOT_FILED, S.CLOSED, S.ARCHIVED, S.NO_PENALTY, S.TRANSFERRED, S.REVOKED})
# Statuses before the decision, in which the facts and the proposal may still change.
BEFORE_DECISION = frozenset({S.LEAD, *DECISION_LIVE})
# Ended without a penalty being carried out, or put away: nothing is added to the case any more.
ENDED_STATUSES = frozenset({S.NOT_FILED, S.ARCHIVED, S.TRANSFERRED, S.REVOKED})
# Who investigated a case, by its user fields: the registering officer, the two investigating officers, the
# report's author. None of them approves, reviews, chairs a hearing or decides it (PRODUCT §1); the first two
# gather its evidence and hold its deadlines.
INVESTIGATOR_FIELDS = ("handler", "co_handler", "reported_by", "registered_by")
HOLDER_FIELDS = ("handler", "co_handler")


class CaseSource(models.TextChoices):
    PATROL = "patrol", _("Found on patrol")  # 巡查发现
    COMPLAINT = "complaint", _("Complaint or report")  # 投诉举报
    CAMPAIGN = "campaign", _("Campaign")  # 专项整治
    REFERRAL = "referral", _("Referred by another authority")  # 移送
    OTHER = "other", _("Other")


class PenaltyKind(models.TextChoices):
    """The kinds of administrative penalty a 城管 bureau imposes (Art. 9), and the order to demolish."""

    WARNING = "warning", pgettext_lazy("penalty kind", "Warning")  # 警告, not 预警 (an alert)
    FINE = "fine", _("Fine")  # 罚款
    CONFISCATE_GAINS = "confiscate_gains", _("Confiscation of illegal gains")  # 没收违法所得
    CONFISCATE_PROPERTY = "confiscate_property", _("Confiscation of illegal property")  # 没收非法财物
    SUSPEND_LICENCE = "suspend_licence", _("Suspension of a licence")  # 暂扣许可证件
    REVOKE_LICENCE = "revoke_licence", _("Revocation of a licence")  # 吊销许可证件
    STOP_BUSINESS = "stop_business", _("Order to stop business")  # 责令停产停业
    DEMOLISH = "demolish", _("Order to demolish")  # 责令限期拆除


# Kinds whose weight gives the party the right to a hearing whatever the amount (Art. 63(1): revoking a
# licence, ordering business to stop or close, and "other heavier penalties" — a demolition order is one).
HEARING_KINDS = frozenset({PenaltyKind.REVOKE_LICENCE, PenaltyKind.STOP_BUSINESS, PenaltyKind.DEMOLISH})
# Kinds that carry an amount of money (the fine) or a value (what is confiscated).
AMOUNT_KINDS = frozenset({PenaltyKind.FINE, PenaltyKind.CONFISCATE_GAINS, PenaltyKind.CONFISCATE_PROPERTY})
# What the simple procedure may decide (Art. 51): a warning, a small fine.
SIMPLE_KINDS = frozenset({PenaltyKind.WARNING, PenaltyKind.FINE})


class PenaltyStage(models.TextChoices):
    NOTIFIED = "notified", _("Proposed and notified")  # 拟处罚（告知）
    DECIDED = "decided", pgettext_lazy("penalty stage", "Decided")  # 决定


class EvidenceType(models.TextChoices):
    """Art. 46's kinds of evidence, as a case file lists them."""

    INQUIRY_RECORD = "inquiry_record", _("Inquiry record")  # 询问笔录
    INSPECTION_RECORD = "inspection_record", _("Site inspection record")  # 现场检查（勘验）笔录
    PHOTO = "photo", _("Photo")
    VIDEO = "video", _("Video")
    AUDIO = "audio", _("Audio recording")
    DOCUMENT = "document", _("Documentary evidence")  # 书证
    EXPERT_OPINION = "expert_opinion", _("Expert opinion")  # 鉴定意见


# --- roles -----------------------------------------------------------------------------------------
HANDLERS = HANDLER_ROLES  # officers and squad leaders investigate and propose
LINE = LINE_SUPERVISOR_ROLES  # squad leaders and bureau heads approve filing and closing
LEGAL = frozenset({Role.LEGAL_REVIEWER})  # 法制审核
HEAD = frozenset({Role.BUREAU_HEAD})  # 行政机关负责人: decides, discusses, extends


# --- guards: beyond the status, does the action apply now? ----------------------------------------------
def _guard(method, message):
    return Guard(method, message)


NOTHING_PENDING = _("A request of this kind is already waiting for a decision.")
FILING_REQUESTABLE = _guard("can_request_filing", NOTHING_PENDING)
FILING_DECIDABLE = _guard(
    "can_decide_filing",
    _(
        "There is no filing request you may decide: nobody decides their own request, nor one on a case they handle."
    ),
)
REVIEW_DECIDABLE = _guard(
    "can_decide_review",
    _(
        "There is no review you may decide: a legal review is decided by a legal reviewer, a report review by the "
        "unit's supervisors, and never by the case's investigating officers."
    ),
)
DISCUSSION_DECIDABLE = _guard(
    "can_decide_discussion",
    _("There is no collective discussion waiting for a bureau head who did not investigate the case."),
)
NOTICE_READY = _guard(
    "can_give_notice",
    _(
        "The advance notice is given once the investigation report has been approved (for a complex or major "
        "case, by the collective discussion too, Art. 57), and the notice has been issued and its service "
        "recorded on it (Administrative Penalty Law, Art. 44)."
    ),
)
HEARING_WAIVABLE = _guard(
    "can_waive_hearing",
    _("Only a hearing the party has requested and that has not been held can be withdrawn."),
)
HEARING_REQUESTABLE = _guard(
    "can_request_hearing",
    _(
        "A hearing can be requested once, and only for a large fine, a large confiscation, the revocation of a "
        "licence, an order to stop business or to demolish (Administrative Penalty Law, Art. 63)."
    ),
)
HEARING_SCHEDULABLE = _guard(
    "can_schedule_hearing", _("A hearing is scheduled once the party has requested one, before it is held.")
)
HEARING_RECORDABLE = _guard("can_record_hearing", _("A hearing is recorded once it has been scheduled."))
LEGAL_REVIEW_REQUESTABLE = _guard(
    "can_request_legal_review",
    _("A legal review is requested when the decision needs one and none is approved or waiting."),
)
DECISION_REQUESTABLE = _guard("can_request_decision", NOTHING_PENDING)
DECISION_DECIDABLE = _guard(
    "can_decide",
    _("There is no decision request waiting for a bureau head who did not investigate the case."),
)
EXTENSION_REQUESTABLE = _guard("can_request_extension", NOTHING_PENDING)
EXTENSION_DECIDABLE = _guard(
    "can_decide_extension",
    _("There is no extension request waiting for a bureau head who did not investigate the case."),
)
DECISION_SERVED = _guard(
    "can_record_service",
    _(
        "Record the service of the penalty decision first: on the decision's page, record the proof of service "
        "(Administrative Penalty Law, Art. 61)."
    ),
)
CLOSING_REQUESTABLE = Guard("can_request_closing", NOTHING_PENDING, explain="closing_refusal")
CLOSING_DECIDABLE = _guard(
    "can_decide_closing",
    _(
        "There is no closing request you may decide: nobody decides their own request, nor one on a case they handle."
    ),
)
CASH_TO_HAND_OVER = _guard(
    "can_hand_over_cash",
    _("Only cash collected on the spot and not yet handed to the bureau is handed over."),
)
FILING_TO_ACKNOWLEDGE = _guard(
    "can_acknowledge_filing",
    _(
        "Only an on-the-spot decision not yet filed is acknowledged, by a supervisor other than the officer, "
        "once any cash collected has been handed to the bureau (Administrative Penalty Law, Art. 71)."
    ),
)

TRANSITIONS = {
    # --- general procedure: the lead and its filing (立案) ---------------------------------------------
    "request_filing": Transition(
        _("Propose filing"),
        frozenset({S.LEAD}),
        None,
        HANDLERS,
        fields=("reason",),
        required=("reason",),
        guard=FILING_REQUESTABLE,
        done=_("Filing proposed. A supervisor decides whether to file the case."),
    ),
    "decide_filing": Transition(
        _("Decide filing"),
        frozenset({S.LEAD}),
        None,  # approved → filed, rejected → stays a lead, with the opinion
        LINE,
        fields=("decision", "opinion"),
        required=("decision",),
        guard=FILING_DECIDABLE,
        done=_("Filing decided."),
    ),
    "not_file": Transition(
        _("Do not file"),
        frozenset({S.LEAD}),
        S.NOT_FILED,
        LINE,
        fields=("reason",),
        required=("reason",),
        style="danger",
        confirm=_("Decide not to file this case? The lead is then closed."),
        done=_("Not filed. The lead is closed with the reason."),
    ),
    "assign_officers": Transition(  # Art. 42: at least two officers with valid certificates
        _("Assign investigating officers"),
        frozenset({S.FILED}),
        S.INVESTIGATING,
        LINE,
        fields=("handler", "co_handler"),
        required=("handler", "co_handler"),
        done=_("Officers assigned. The investigation has started."),
    ),
    "submit_report": Transition(  # 调查终结报告, with the proposed penalty
        _("Submit investigation report"),
        frozenset({S.INVESTIGATING}),
        S.REVIEW,
        HANDLERS,
        fields=(
            "report",
            "facts",
            "legal_basis",
            "penalty_basis",
            "is_complex",
            "major_public_interest",
            "penalty_kinds",
            "fine",
            "confiscation_value",
            "demolish_area",
            "demolish_days",
            "penalty_detail",
            "correction_order",
        ),
        required=("report", "penalty_kinds", "correction_order"),
        done=_("Report submitted for review."),
    ),
    "decide_review": Transition(  # 审核 / 法制审核 (Art. 58)
        _("Decide review"),
        frozenset({S.REVIEW, S.NOTIFIED}),
        None,  # approved at review → discussion (when flagged) or ready for the notice; rejected → investigating
        LEGAL | LINE,
        fields=("decision", "opinion"),
        required=("decision",),
        guard=REVIEW_DECIDABLE,
        done=_("Review decided."),
    ),
    "decide_discussion": Transition(  # 集体讨论 (Art. 57)
        _("Record collective discussion"),
        frozenset({S.DISCUSSION}),
        None,
        HEAD,
        fields=("decision", "opinion"),
        required=("decision", "opinion"),
        guard=DISCUSSION_DECIDABLE,
        done=_("Collective discussion recorded."),
    ),
    "notify": Transition(  # 事先告知 (Art. 44)
        _("Give advance notice"),
        frozenset({S.REVIEW, S.DISCUSSION}),
        S.NOTIFIED,
        HANDLERS,
        fields=("note",),
        guard=NOTICE_READY,
        confirm=_(
            "Give the party advance notice of the intended penalty? The proposal can then only be lowered."
        ),
        done=_("Advance notice given. Issue the notice and record the party's statement."),
    ),
    "record_statement": Transition(  # 陈述、申辩 (Art. 45)
        _("Record statement and defence"),
        frozenset({S.NOTIFIED}),
        None,
        HANDLERS,
        fields=("statement",),
        required=("statement",),
        style="secondary",
        done=_("Statement and defence recorded."),
    ),
    "request_hearing": Transition(  # Art. 64(1): within 5 working days of the notice
        _("Record hearing request"),
        frozenset({S.NOTIFIED}),
        None,
        HANDLERS | LINE,
        fields=("requested_at",),
        guard=HEARING_REQUESTABLE,
        style="secondary",
        done=_("Hearing request recorded. Schedule the hearing at least 7 working days ahead."),
    ),
    "schedule_hearing": Transition(  # Art. 64(2), (4)
        _("Schedule hearing"),
        frozenset({S.NOTIFIED}),
        None,
        LINE,
        fields=("hearing_at", "hearing_place", "chair"),
        required=("hearing_at", "hearing_place", "chair"),
        guard=HEARING_SCHEDULABLE,
        style="secondary",
        done=_("Hearing scheduled. Issue the hearing notice to the party."),
    ),
    "record_hearing": Transition(
        _("Record hearing"),
        frozenset({S.NOTIFIED}),
        None,
        HANDLERS | LINE | LEGAL,
        fields=("hearing_record",),
        required=("hearing_record",),
        guard=HEARING_RECORDABLE,
        style="secondary",
        done=_("Hearing recorded. A legal review is needed before the decision (Art. 58)."),
    ),
    "withdraw_hearing": Transition(  # Art. 64(6): withdrawn, or the party did not come: the right is waived
        _("Record hearing withdrawn"),
        frozenset({S.NOTIFIED}),
        None,
        HANDLERS | LINE,
        fields=("reason",),
        required=("reason",),
        guard=HEARING_WAIVABLE,
        style="secondary",
        confirm=_(
            "Record that the party withdrew the hearing request or did not attend? The hearing right is then waived."
        ),
        done=_("Hearing recorded as withdrawn."),
    ),
    "request_legal_review": Transition(  # Art. 58 after a hearing, or when the first review was not legal
        _("Request legal review"),
        frozenset({S.NOTIFIED}),
        None,
        HANDLERS,
        fields=("reason",),
        required=("reason",),
        guard=LEGAL_REVIEW_REQUESTABLE,
        style="secondary",
        done=_("Legal review requested."),
    ),
    "request_decision": Transition(  # 处罚决定审批
        _("Propose decision"),
        frozenset({S.NOTIFIED}),
        None,
        HANDLERS,
        fields=(
            "penalty_kinds",
            "fine",
            "confiscation_value",
            "demolish_area",
            "demolish_days",
            "penalty_detail",
            "correction_order",
            "reason",
        ),
        required=("penalty_kinds", "correction_order", "reason"),
        guard=DECISION_REQUESTABLE,
        done=_("Decision proposed. A bureau head decides."),
    ),
    "decide": Transition(  # Art. 57, 60: by the bureau head, within 90 days of filing
        pgettext_lazy("case", "Decide"),
        frozenset({S.NOTIFIED}),
        None,  # approved → decided; rejected → stays notified with the opinion
        HEAD,
        fields=("decision", "opinion"),
        required=("decision",),
        guard=DECISION_DECIDABLE,
        confirm=_("Record your decision on the proposed penalty? An approved decision is final."),
        done=_("Decision recorded."),
    ),
    "decide_no_penalty": Transition(  # 不予处罚 (Art. 30–33)
        _("Decide no penalty"),
        frozenset({S.REVIEW, S.DISCUSSION, S.NOTIFIED}),
        S.NO_PENALTY,
        HEAD,
        fields=("reason", "first_violation"),
        required=("reason",),
        style="warning",
        confirm=_("Decide not to impose a penalty? The case is then ended."),
        done=_("No penalty decided."),
    ),
    "transfer": Transition(  # 移送 (Art. 27)
        _("Transfer"),
        frozenset({S.LEAD, S.FILED, S.INVESTIGATING, S.REVIEW, S.DISCUSSION, S.NOTIFIED}),
        S.TRANSFERRED,
        LINE,
        fields=("transferred_to", "reason"),
        required=("transferred_to", "reason"),
        style="warning",
        confirm=_("Transfer this case to another authority? It is then ended here."),
        done=_("Transferred."),
    ),
    "revoke_filing": Transition(  # 撤销立案
        _("Revoke filing"),
        frozenset({S.FILED, S.INVESTIGATING, S.REVIEW, S.DISCUSSION, S.NOTIFIED}),
        S.REVOKED,
        HEAD,
        fields=("reason",),
        required=("reason",),
        style="danger",
        confirm=_("Revoke the filing of this case? It is then ended."),
        done=_("Filing revoked."),
    ),
    "request_extension": Transition(  # Art. 60: the 90 days extended with approval
        _("Request extension"),
        frozenset(DECISION_LIVE),
        None,
        HANDLERS,
        fields=("reason", "days"),
        required=("reason", "days"),
        guard=EXTENSION_REQUESTABLE,
        style="secondary",
        done=_("Extension requested. A bureau head decides."),
    ),
    "decide_extension": Transition(
        _("Decide extension"),
        frozenset(DECISION_LIVE),
        None,
        HEAD,
        fields=("decision", "opinion"),
        required=("decision",),
        guard=EXTENSION_DECIDABLE,
        style="secondary",
        done=_("Extension request decided."),
    ),
    "serve": Transition(  # 送达 (Art. 61)
        _("Record service of the decision"),
        frozenset({S.DECIDED}),
        S.SERVED,
        HANDLERS,
        fields=("note",),
        guard=DECISION_SERVED,
        confirm=_(
            "Record that the penalty decision has been served? The periods for payment and appeal then run."
        ),
        done=_("Service recorded. The party has 15 days to pay a fine."),
    ),
    "execute": Transition(
        _("Start execution"),
        frozenset({S.SERVED}),
        S.EXECUTING,
        HANDLERS,
        fields=("note",),
        done=_("Execution started."),
    ),
    "request_closing": Transition(  # 结案报告
        _("Propose closing"),
        frozenset({S.SERVED, S.EXECUTING}),
        None,
        HANDLERS,
        fields=("reason",),
        required=("reason",),
        guard=CLOSING_REQUESTABLE,
        done=_("Closing proposed. A supervisor decides."),
    ),
    "decide_closing": Transition(
        _("Decide closing"),
        frozenset({S.SERVED, S.EXECUTING}),
        None,
        LINE,
        fields=("decision", "opinion"),
        required=("decision",),
        guard=CLOSING_DECIDABLE,
        confirm=_("Record your decision on closing this case?"),
        done=_("Closing decided."),
    ),
    "archive": Transition(
        _("Archive"),
        frozenset({S.CLOSED}),
        S.ARCHIVED,
        LINE,
        fields=("note",),
        style="secondary",
        confirm=_("Archive this case? Nothing can be added to it afterwards."),
        done=_("Archived."),
    ),
    # --- simple procedure: after the on-the-spot decision -----------------------------------------------
    "hand_over_cash": Transition(  # Art. 71: within 2 working days
        _("Hand cash to the bureau"),
        frozenset({S.DECIDED}),
        None,
        HANDLERS,
        fields=("note",),
        guard=CASH_TO_HAND_OVER,
        done=_("Cash handed over to the bureau."),
    ),
    "acknowledge_filing": Transition(  # 备案: within 3 working days
        _("Acknowledge filing"),
        frozenset({S.DECIDED}),
        None,  # → closed, or executing while a fine is still to be paid at the bank
        LINE,
        fields=("note",),
        guard=FILING_TO_ACKNOWLEDGE,
        done=_("On-the-spot decision filed with the bureau."),
    ),
}
