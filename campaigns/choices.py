"""Campaigns (专项整治, PRODUCT §7): kinds, statuses, partner departments, rectification items, and the two
transition tables — declared once, as data, for the platform's workflow engine (workflow.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from enforcement.org.choices import HANDLER_ROLES, LINE_SUPERVISOR_ROLES, Role
from enforcement.workflow.table import Guard, Transition


class CampaignKind(models.TextChoices):
    STREET_VENDING = "street_vending", _("Street vending")  # 乱摆卖、占道经营
    ILLEGAL_PARKING = "illegal_parking", _("Illegal parking")  # 乱停放
    ILLEGAL_POSTERS = "illegal_posters", _("Illegal posters")  # 牛皮癣、小广告
    OUTDOOR_ADVERTISING = "outdoor_advertising", _("Outdoor advertising")  # 户外广告
    ILLEGAL_CONSTRUCTION = "illegal_construction", _("Illegal construction")  # 两违（违法建设、违法用地）
    GAS_SAFETY = "gas_safety", _("Gas safety")  # 燃气安全
    NIGHT_STALLS = "night_stalls", _("Night stalls")  # 夜市、烧烤摊档
    FRONTAGE_DUTIES = "frontage_duties", _("Frontage duties")  # 门前三包
    OTHER = "other", pgettext_lazy("campaign kind", "Other")


class CampaignStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")  # 计划
    ACTIVE = "active", pgettext_lazy("campaign status", "Under way")  # 开展中
    CONCLUDED = "concluded", _("Concluded")  # 已总结
    CANCELLED = "cancelled", pgettext_lazy("campaign status", "Cancelled")  # 已取消


class Partner(models.TextChoices):
    """Partner departments of a joint campaign (联合执法)."""

    PUBLIC_SECURITY = "public_security", _("Public security")  # 公安
    TRAFFIC_POLICE = "traffic_police", _("Traffic police")  # 交警
    MARKET_REGULATION = "market_regulation", _("Market regulation")  # 市场监管
    HOUSING = "housing", _("Housing and construction")  # 住建
    NATURAL_RESOURCES = "natural_resources", _("Natural resources")  # 自然资源
    ECOLOGY = "ecology", _("Ecology and environment")  # 生态环境
    EMERGENCY = "emergency", _("Emergency management")  # 应急管理
    FIRE = "fire", _("Fire and rescue")  # 消防救援
    TELECOM = "telecom", _("Telecommunications operators")  # 通信运营商（停机）
    STREET_OFFICE = "street_office", _("Town and street offices")  # 镇街
    OTHER = "other", pgettext_lazy("partner department", "Other")


class ItemKind(models.TextChoices):
    """What a rectification item (整改对象) is."""

    SHOP = "shop", _("Shop")  # 店铺
    STALL = "stall", _("Stall")  # 摊点
    STRUCTURE = "structure", _("Structure")  # 建（构）筑物
    SIGN = "sign", _("Sign or advertisement")  # 招牌、广告
    OTHER = "other", pgettext_lazy("item kind", "Other")


class ItemStatus(models.TextChoices):
    FOUND = "found", _("Found")  # 已登记
    NOTICED = "noticed", pgettext_lazy("item status", "Notice issued")  # 已发整改通知
    RECTIFIED = "rectified", _("Rectified")  # 已整改
    NOT_RECTIFIED = "not_rectified", _("Not rectified")  # 逾期未整改
    ESCALATED = "escalated", _("Escalated to a case")  # 已转立案


class RecheckResult(models.TextChoices):
    RECTIFIED = "rectified", _("Rectified")
    NOT_RECTIFIED = "not_rectified", _("Not rectified")


class PhotoStage(models.TextChoices):
    BEFORE = "before", _("Before")  # 整改前
    AFTER = "after", _("After")  # 整改后


class EscalationProcedure(models.TextChoices):
    GENERAL = "general", _("General procedure (a lead to file)")
    SIMPLE = "simple", _("Simple procedure (decided on the spot)")


C = CampaignStatus
I = ItemStatus  # noqa: E741 - the items' statuses, as S is a complaint's
LIVE_CAMPAIGN = frozenset({C.PLANNED, C.ACTIVE})
OPEN_ITEMS = frozenset({I.FOUND, I.NOTICED, I.NOT_RECTIFIED})

PLANNERS = frozenset({*LINE_SUPERVISOR_ROLES, Role.BUREAU_HEAD})  # who plans, starts and concludes
HANDLERS = HANDLER_ROLES  # who logs field work and handles items

CAMPAIGN_TRANSITIONS = {
    "start": Transition(
        _("Start the campaign"),
        frozenset({C.PLANNED}),
        C.ACTIVE,
        PLANNERS,
        fields=("note",),
        guard=Guard("can_start", _("A campaign starts once its period has begun and it has a goal.")),
        done=_("The campaign is under way: the units can log their field work."),
    ),
    "conclude": Transition(
        _("Conclude with a summary"),
        frozenset({C.ACTIVE}),
        C.CONCLUDED,
        PLANNERS,
        fields=("summary",),
        required=("summary",),
        confirm=_("Conclude the campaign? Field logs can no longer be added."),
        done=_("The campaign is concluded."),
    ),
    "cancel": Transition(
        pgettext_lazy("campaign", "Cancel"),
        frozenset({C.PLANNED, C.ACTIVE}),
        C.CANCELLED,
        PLANNERS,
        fields=("reason",),
        required=("reason",),
        style="danger",
        confirm=_("Cancel the campaign? Field logs can no longer be added."),
        done=_("The campaign is cancelled."),
    ),
}

ITEM_TRANSITIONS = {
    "issue_notice": Transition(  # 责令限期整改通知书, numbered
        _("Issue the rectification notice"),
        frozenset({I.FOUND}),
        I.NOTICED,
        HANDLERS,
        fields=("deadline_on", "requirement"),
        required=("deadline_on", "requirement"),
        done=_("Notice issued: print it and hand it to the party. The re-check is due on the deadline."),
    ),
    "recheck": Transition(  # 复查, with photos after
        _("Record the re-check"),
        frozenset({I.NOTICED}),
        None,  # rectified or not_rectified, by the result
        HANDLERS,
        fields=("result", "rechecked_on", "note"),
        required=("result", "rechecked_on"),
        done=_("Re-check recorded."),
    ),
    "escalate": Transition(  # 转立案
        _("Escalate to a case"),
        frozenset({I.NOT_RECTIFIED}),
        I.ESCALATED,
        HANDLERS,
        fields=("procedure", "note"),
        required=("procedure",),
        guard=Guard(
            "can_escalate",
            _("An item is escalated once, when it was not rectified, with its party and category recorded."),
            explain="escalation_problem",
        ),
        confirm=_("Open a case on this item with its party, place, category and photos?"),
        done=_("Escalated: the case is open, with the item's photos as evidence."),
    ),
}
