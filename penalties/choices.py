"""The execution of a decided fine (PRODUCT §4): its statuses and the transition table."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from enforcement.org.choices import HANDLER_ROLES, LINE_SUPERVISOR_ROLES, Role
from enforcement.workflow.table import Guard, Transition


class ExecutionStatus(models.TextChoices):
    AWAITING = "awaiting", _("Awaiting payment")  # 待缴纳
    COURT_APPLIED = "court_applied", _("Court enforcement applied for")  # 已申请法院强制执行
    PAID = "paid", pgettext_lazy("execution status", "Paid")  # 已缴清
    ENFORCED = "enforced", _("Enforced by the court")  # 已强制执行
    WAIVED_BY_LAW = "waived_by_law", _("Ended by law")  # 依法终结执行
    UNCOLLECTABLE = "uncollectable", _("Uncollectable")  # 无法执行
    REVOKED = "revoked", _("Penalty revoked")  # 处罚被撤销


E = ExecutionStatus
LIVE = frozenset({E.AWAITING, E.COURT_APPLIED})  # money still to come
ENDED = frozenset({E.PAID, E.ENFORCED, E.WAIVED_BY_LAW, E.UNCOLLECTABLE, E.REVOKED})


class PaymentChannel(models.TextChoices):
    BANK = "bank", _("Bank counter or transfer")  # 银行
    PLATFORM = "platform", _("Non-tax payment platform")  # 非税收入缴款平台
    COURT = "court", _("Collected by the court")  # 法院执行款


class ReviewKind(models.TextChoices):
    RECONSIDERATION = "reconsideration", _("Administrative reconsideration")  # 行政复议
    LITIGATION = "litigation", _("Administrative lawsuit")  # 行政诉讼


class ReviewOutcome(models.TextChoices):
    PENDING = "pending", pgettext_lazy("review outcome", "Pending")  # 审理中
    UPHELD = "upheld", _("Upheld")  # 维持
    VARIED = "varied", _("Varied")  # 变更
    REVOKED = "revoked", pgettext_lazy("review outcome", "Revoked")  # 撤销
    DECLARED_UNLAWFUL = "declared_unlawful", _("Declared unlawful")  # 确认违法
    DISMISSED = "dismissed", _("Dismissed")  # 驳回


class SeizureKind(models.TextChoices):
    SEIZE = "seize", _("Seizure")  # 扣押
    SEAL = "seal", _("Sealing")  # 查封


class SeizureStatus(models.TextChoices):
    HELD = "held", _("In custody")  # 扣押（查封）中
    RETURNED = "returned", _("Returned")  # 已解除、退还
    CONFISCATED = "confiscated", _("Confiscated")  # 已没收


class DemolitionStatus(models.TextChoices):
    """An order to demolish (责令限期拆除) carried out: by the party within the decision's deadline, or, after a
    public notice with a deadline and the appeal periods, by force (行政强制法 Art. 44)."""

    ORDERED = "ordered", _("Ordered, for the party to demolish")  # 限期自行拆除
    NOTICED = "noticed", _("Public notice given")  # 已公告
    DEMOLISHED = "demolished", _("Demolished by the party")  # 当事人自行拆除
    FORCED = "forced", _("Demolished by force")  # 依法强制拆除
    REVOKED = "revoked", _("Order revoked")  # 决定被撤销


DEMOLITION_LIVE = frozenset({DemolitionStatus.ORDERED, DemolitionStatus.NOTICED})


class ItemKind(models.TextChoices):
    VEHICLE = "vehicle", _("Vehicles")  # 车辆
    GOODS = "goods", _("Goods")  # 物品
    EQUIPMENT = "equipment", _("Equipment")  # 工具设备


HANDLERS = HANDLER_ROLES
LINE = frozenset(LINE_SUPERVISOR_ROLES)
MONEY_DESK = frozenset({*HANDLER_ROLES, Role.BUREAU_HEAD})  # who records what the bank received
HEAD = frozenset({Role.BUREAU_HEAD})

DEFERRAL_REQUESTABLE = Guard(
    "can_request_deferral",
    _("A deferral or instalments can be asked for only while the fine is unpaid and no request is waiting."),
)
DEFERRAL_DECIDABLE = Guard(
    "can_decide_deferral",
    _(
        "There is no deferral request waiting for a decision, or you made it (nobody approves their own "
        "request)."
    ),
)
COURT_APPLICABLE = Guard("can_apply_to_court", _("Court enforcement cannot be applied for yet."))

TRANSITIONS = {
    "record_payment": Transition(  # 罚缴分离 (Art. 67): what the bank or the platform received
        _("Record a payment"),
        LIVE,
        None,  # → paid once nothing is owed
        MONEY_DESK,
        fields=("amount", "paid_on", "channel", "reference", "note"),
        required=("amount", "paid_on", "channel", "reference"),
        done=_("Payment recorded."),
    ),
    "request_deferral": Transition(  # Art. 66
        _("Request deferral or instalments"),
        frozenset({E.AWAITING}),
        None,
        HANDLERS,
        fields=("due_dates", "reason"),
        required=("due_dates", "reason"),
        guard=DEFERRAL_REQUESTABLE,
        done=_("Request recorded. The bureau head decides."),
    ),
    "decide_deferral": Transition(
        _("Decide deferral"),
        frozenset({E.AWAITING}),
        None,
        HEAD,
        fields=("decision", "opinion"),
        required=("decision",),
        guard=DEFERRAL_DECIDABLE,
        confirm=_("Record your decision on this deferral request?"),
        done=_("Deferral decided."),
    ),
    "apply_to_court": Transition(  # 行政强制法 Art. 53, 54
        _("Apply for court enforcement"),
        frozenset({E.AWAITING}),
        E.COURT_APPLIED,
        LINE,
        fields=("court", "reference", "note"),
        required=("court",),
        guard=COURT_APPLICABLE,
        confirm=_("Record that court enforcement has been applied for?"),
        done=_("Application for court enforcement recorded."),
    ),
    "record_enforced": Transition(
        _("Record enforcement by the court"),
        frozenset({E.COURT_APPLIED}),
        E.ENFORCED,
        LINE,
        fields=("reason",),
        required=("reason",),
        confirm=_("Record that the court has enforced the decision?"),
        done=_("Enforcement recorded."),
    ),
    "end_by_law": Transition(  # 行政强制法 Art. 40: 终结执行
        _("End execution by law"),
        LIVE,
        E.WAIVED_BY_LAW,
        LINE,
        fields=("reason",),
        required=("reason",),
        confirm=_("End the execution of this penalty? Give the legal ground."),
        style="secondary",
        done=_("Execution ended by law."),
    ),
    "mark_uncollectable": Transition(
        _("Mark uncollectable"),
        LIVE,
        E.UNCOLLECTABLE,
        LINE,
        fields=("reason",),
        required=("reason",),
        confirm=_("Mark this fine as uncollectable? Give the reason."),
        style="secondary",
        done=_("Marked uncollectable."),
    ),
}
