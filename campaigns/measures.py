"""What field work is counted in (PRODUCT §7, §9): the one declared list of measures, each with its unit of
measure, the campaign kinds that use it and its definition. Field logs record a value per measure; goals
set a target per measure; the statistics (issue 14) read the same list. A measure added here needs no
migration: values are rows (FieldLogValue), keyed by the measure's slug."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .choices import CampaignKind as K

ALL_KINDS = frozenset(K.values)


@dataclass(frozen=True)
class Measure:
    slug: str
    label: Promise
    unit: Promise  # the unit of measure, as the summaries write it (人次, 份, 宗, 平方米 …)
    kinds: frozenset  # the campaign kinds whose logs and goals use it
    definition: Promise
    decimals: int = 0  # counts are whole; an area has two decimals

    @property
    def step(self):
        return Decimal(1).scaleb(-self.decimals)

    def uses(self, kind):
        return kind in self.kinds


VENDING = frozenset({K.STREET_VENDING, K.NIGHT_STALLS, K.FRONTAGE_DUTIES, K.OTHER})
SEIZING = VENDING | {K.ILLEGAL_PARKING, K.OUTDOOR_ADVERTISING, K.ILLEGAL_POSTERS}
BUILDING = frozenset({K.ILLEGAL_CONSTRUCTION, K.OUTDOOR_ADVERTISING, K.OTHER})
POSTERS = frozenset({K.ILLEGAL_POSTERS, K.OTHER})

MEASURES = (
    Measure(
        "persuasion",
        _("Persuasion and education"),  # 劝导教育
        pgettext_lazy("unit of measure", "person-times"),
        ALL_KINDS,
        _("Parties persuaded or educated on the spot to correct a minor violation, counted per person."),
    ),
    Measure(
        "correction_notices",
        _("Correction notices issued"),  # 发出责令整改通知书
        pgettext_lazy("unit of measure", "notices"),
        ALL_KINDS,
        _("Written orders to correct handed to parties during the campaign's field work."),
    ),
    Measure(
        "violations_handled",
        _("Violations handled"),  # 查处违法行为
        pgettext_lazy("unit of measure", "cases"),
        ALL_KINDS,
        _("Violations dealt with by a penalty or an order, on the spot or by a case."),
    ),
    Measure(
        "seized_vehicles",
        _("Vehicles seized"),  # 暂扣车辆（三轮车等）
        pgettext_lazy("unit of measure", "vehicles"),
        SEIZING,
        _("Vehicles (tricycles, carts) seized or held under the Administrative Coercion Law."),
    ),
    Measure(
        "seized_goods",
        _("Goods seized"),  # 暂扣物品
        pgettext_lazy("unit of measure", "items"),
        SEIZING,
        _("Goods seized or held, counted per item."),
    ),
    Measure(
        "seized_equipment",
        _("Equipment seized"),  # 暂扣工具设备
        pgettext_lazy("unit of measure", "items"),
        SEIZING | BUILDING,
        _("Tools and equipment seized or held, counted per item."),
    ),
    Measure(
        "confiscated_items",
        _("Items confiscated"),  # 没收物品
        pgettext_lazy("unit of measure", "items"),
        SEIZING,
        _("Illegal goods or tools confiscated by a decision, counted per item."),
    ),
    Measure(
        "demolished_area",
        _("Illegal structures demolished"),  # 拆除违法建设
        pgettext_lazy("unit of measure", "m²"),
        BUILDING,
        _("Floor area of illegal buildings and structures demolished, in square metres."),
        decimals=2,
    ),
    Measure(
        "signs_removed",
        _("Signs and light boxes removed"),  # 拆除招牌、灯箱
        pgettext_lazy("unit of measure", "signs"),
        frozenset({K.OUTDOOR_ADVERTISING, K.FRONTAGE_DUTIES, K.OTHER}),
        _("Illegal signs, billboards and light boxes taken down."),
    ),
    Measure(
        "posters_cleaned",
        _("Posters cleaned"),  # 清理小广告
        pgettext_lazy("unit of measure", "posters"),
        POSTERS,
        _("Illegal posters and painted advertisements (牛皮癣) removed, counted per sheet or painting."),
    ),
    Measure(
        "phones_suspended",
        _("Phone numbers suspended"),  # 停机号码
        pgettext_lazy("unit of measure", "numbers"),
        POSTERS,
        _(
            "Telephone numbers printed on illegal posters that the operators suspended at the bureau's request."
        ),
    ),
    Measure(
        "workshops_closed",
        _("Workshops closed"),  # 取缔窝点
        pgettext_lazy("unit of measure", "workshops"),
        POSTERS | {K.GAS_SAFETY, K.STREET_VENDING},
        _("Illegal workshops or dens (printing, storage, filling) shut down."),
    ),
    Measure(
        "vehicles_cleared",
        _("Vehicles moved or cleared"),  # 清理乱停放车辆
        pgettext_lazy("unit of measure", "vehicles"),
        frozenset({K.ILLEGAL_PARKING, K.OTHER}),
        _("Illegally parked vehicles moved, towed or tidied, including shared bicycles."),
    ),
    Measure(
        "sites_inspected",
        _("Sites inspected"),  # 检查经营场所
        pgettext_lazy("unit of measure", "sites"),
        frozenset({K.GAS_SAFETY, K.FRONTAGE_DUTIES, K.NIGHT_STALLS, K.OTHER}),
        _("Shops, restaurants and other premises inspected."),
    ),
    Measure(
        "hazards_found",
        _("Hazards found"),  # 发现隐患
        pgettext_lazy("unit of measure", "hazards"),
        frozenset({K.GAS_SAFETY, K.OTHER}),
        _("Safety hazards found in inspections (gas bottles indoors, unsafe hoses…)."),
    ),
    Measure(
        "person_times",
        _("Officers deployed"),  # 出动人次
        pgettext_lazy("unit of measure", "person-times"),
        ALL_KINDS,
        _("Officers and partner staff deployed, counted per person and outing."),
    ),
    Measure(
        "vehicles_deployed",
        _("Vehicles deployed"),  # 出动车次
        pgettext_lazy("unit of measure", "vehicle-times"),
        ALL_KINDS,
        _("Law-enforcement vehicles deployed, counted per vehicle and outing."),
    ),
)
BY_SLUG = {measure.slug: measure for measure in MEASURES}
CHOICES = [(measure.slug, measure.label) for measure in MEASURES]


def get(slug):
    return BY_SLUG.get(slug)


def for_kind(kind):
    """The measures a campaign of this kind logs and sets goals in, in the declared order."""
    return [measure for measure in MEASURES if measure.uses(kind)]
