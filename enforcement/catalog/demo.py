"""The demo violation catalogue (`manage.py seed_demo`): the kinds of violations the bureaus' work
summaries report, as major categories (大类) with sub-categories (小类), their legal basis and fine
ranges. Demonstration data: plausible, but a bureau checks each range against its own local rules.
Idempotent: categories are found by code and restored to these values."""

from decimal import Decimal

from enforcement.org.demo import upsert

from . import params
from .models import ViolationCategory

CITY_APPEARANCE = "《城市市容和环境卫生管理条例》"
PLANNING = "《中华人民共和国城乡规划法》"
GREENING = "《城市绿化条例》"
ROADS = "《城市道路管理条例》"
AIR = "《中华人民共和国大气污染防治法》"
NOISE = "《中华人民共和国噪声污染防治法》"
UNLICENSED = "《无证无照经营查处办法》"
GAS = "《城镇燃气管理条例》"
WASTE = "《中华人民共和国固体废物污染环境防治法》"
CONSTRUCTION_WASTE = "《城市建筑垃圾管理规定》"


def sub(
    code,
    name,
    name_en,
    basis,
    penalty="",
    individual=(None, None),
    organisation=(None, None),
    simple=False,
    urgent=False,
):
    def money(value):
        return None if value is None else Decimal(value)

    return {
        "code": code,
        "name": name,
        "name_en": name_en,
        "legal_basis": basis,
        "penalty_basis": penalty,
        "fine_min_individual": money(individual[0]),
        "fine_max_individual": money(individual[1]),
        "fine_min_organisation": money(organisation[0]),
        "fine_max_organisation": money(organisation[1]),
        "simple_procedure_allowed": simple,
        "is_urgent": urgent,
    }


# (code, name, English name, legal basis, sub-categories)
CATEGORIES = [
    (
        "01",
        "市容环卫",
        "City appearance and sanitation",
        CITY_APPEARANCE,
        [
            sub(
                "0101",
                "乱扔废弃物",
                "Littering",
                f"{CITY_APPEARANCE}第三十四条第（一）项",
                "责令纠正，可以并处警告、罚款",
                individual=("50", "200"),
                simple=True,
            ),
            sub(
                "0102",
                "乱倒生活垃圾",
                "Dumping household waste",
                f"{WASTE}第一百一十一条",
                "责令改正，对单位处五万元以上五十万元以下罚款，对个人处一百元以上五百元以下罚款",
                individual=("100", "500"),
                organisation=("50000", "500000"),
                simple=True,
            ),
            sub(
                "0103",
                "门前三包责任不落实",
                "Shop-front duties (门前三包) not met",
                f"{CITY_APPEARANCE}第三十四条第（五）项",
                "责令纠正，可以并处警告、罚款",
                individual=("50", "500"),
                organisation=("200", "2000"),
                simple=True,
            ),
            sub(
                "0104",
                "临街阳台窗外堆放吊挂",
                "Stacking or hanging on street-facing balconies",
                f"{CITY_APPEARANCE}第三十四条第（三）项",
                "责令纠正，可以并处警告、罚款",
                individual=("20", "200"),
                simple=True,
            ),
        ],
    ),
    (
        "02",
        "违法建设",
        "Illegal construction",
        PLANNING,
        [
            sub(
                "0201",
                "未取得建设工程规划许可证建设",
                "Building without a planning permit",
                f"{PLANNING}第六十四条",
                "责令停止建设；限期改正，处建设工程造价百分之五以上百分之十以下的罚款；无法改正的，限期拆除",
            ),
            sub(
                "0202",
                "未按建设工程规划许可证建设",
                "Building other than as permitted",
                f"{PLANNING}第六十四条",
                "责令停止建设；限期改正，处建设工程造价百分之五以上百分之十以下的罚款；无法改正的，限期拆除",
            ),
            sub(
                "0203",
                "临时建筑逾期未拆除",
                "Temporary building not removed in time",
                f"{PLANNING}第六十六条",
                "责令限期拆除，可以并处临时建设工程造价一倍以下的罚款",
            ),
            sub(
                "0204",
                "有倒塌危险的违法建设",
                "Illegal structure at risk of collapse",
                f"{PLANNING}第六十四条、第六十八条",
                "责令停止建设、限期拆除；危及安全的，立即处置",
                urgent=True,
            ),
        ],
    ),
    (
        "03",
        "城市绿化",
        "Urban greenery",
        GREENING,
        [
            sub(
                "0301",
                "损坏城市树木花草",
                "Damaging trees and plants",
                f"{GREENING}第二十六条",
                "责令停止侵害，可以并处罚款；造成损失的，应当负赔偿责任",
                individual=("50", "1000"),
                organisation=("500", "5000"),
                simple=True,
            ),
            sub(
                "0302",
                "擅自修剪、砍伐或迁移树木",
                "Pruning, felling or moving trees without approval",
                f"{GREENING}第二十六条",
                "责令停止侵害，可以并处罚款",
                individual=("500", "5000"),
                organisation=("1000", "10000"),
            ),
            sub(
                "0303",
                "擅自占用城市绿地",
                "Occupying green space without approval",
                f"{GREENING}第二十七条",
                "责令限期退还、恢复原状，可以并处罚款",
                individual=("500", "5000"),
                organisation=("1000", "20000"),
            ),
        ],
    ),
    (
        "04",
        "市政公用",
        "Municipal facilities",
        ROADS,
        [
            sub(
                "0401",
                "擅自占用或挖掘城市道路",
                "Occupying or digging up a road without approval",
                f"{ROADS}第四十二条",
                "责令限期改正，可以处二万元以下的罚款",
                individual=(None, "20000"),
                organisation=(None, "20000"),
            ),
            sub(
                "0402",
                "损坏城市道路设施",
                "Damaging road facilities",
                f"{ROADS}第四十二条",
                "责令限期改正，可以处二万元以下的罚款；造成损失的，应当依法承担赔偿责任",
                individual=(None, "20000"),
                organisation=(None, "20000"),
            ),
            sub(
                "0403",
                "窨井盖缺失或损坏",
                "Missing or broken manhole cover",
                ROADS,
                "立即设置警示、通知权属单位修复",
                urgent=True,
            ),
        ],
    ),
    (
        "05",
        "环境污染（噪声、油烟）",
        "Noise and cooking fumes",
        f"{AIR}{NOISE}",
        [
            sub(
                "0501",
                "餐饮油烟未经净化排放",
                "Restaurant fumes without purification",
                f"{AIR}第一百一十八条第一款",
                "责令改正，处五千元以上五万元以下的罚款；拒不改正的，责令停业整治",
                individual=("5000", "50000"),
                organisation=("5000", "50000"),
            ),
            sub(
                "0502",
                "禁止区域露天烧烤",
                "Open-air barbecue in a banned area",
                f"{AIR}第一百一十八条第三款",
                "责令改正，没收烧烤工具和违法所得，并处五百元以上二万元以下的罚款",
                individual=("500", "20000"),
                organisation=("500", "20000"),
            ),
            sub(
                "0503",
                "建筑施工噪声扰民",
                "Construction noise at night",
                f"{NOISE}第七十七条",
                "责令改正，处一万元以上十万元以下的罚款；拒不改正的，责令停工整治",
                organisation=("10000", "100000"),
            ),
            sub(
                "0504",
                "商业经营活动噪声",
                "Noise from commercial activities",
                f"{NOISE}第八十二条",
                "说服教育，责令改正；拒不改正的，给予警告，对个人可以处二百元以上一千元以下的罚款，"
                "对单位可以处二千元以上二万元以下的罚款",
                individual=("200", "1000"),
                organisation=("2000", "20000"),
                simple=True,
            ),
        ],
    ),
    (
        "06",
        "无照经营",
        "Unlicensed business",
        UNLICENSED,
        [
            sub(
                "0601",
                "无照经营",
                "Trading without a business licence",
                f"{UNLICENSED}第十三条",
                "责令停止违法行为，没收违法所得，并处一万元以下的罚款",
                individual=(None, "10000"),
                organisation=(None, "10000"),
            ),
            sub(
                "0602",
                "无照流动经营",
                "Unlicensed mobile trading",
                f"{UNLICENSED}第十三条",
                "责令停止违法行为，没收违法所得，并处一万元以下的罚款",
                individual=(None, "10000"),
                simple=True,
            ),
        ],
    ),
    (
        "07",
        "占道经营",
        "Street vending and occupying the street",
        CITY_APPEARANCE,
        [
            sub(
                "0701",
                "流动摊贩占道经营（乱摆卖）",
                "Street vending",
                f"{CITY_APPEARANCE}第三十六条第（二）项",
                "责令停止违法行为，限期清理，并可处以罚款",
                individual=("50", "200"),
                simple=True,
            ),
            sub(
                "0702",
                "店铺出店经营",
                "Trading outside the shop front",
                f"{CITY_APPEARANCE}第三十六条第（二）项",
                "责令停止违法行为，限期清理，并可处以罚款",
                individual=("100", "1000"),
                organisation=("500", "3000"),
                simple=True,
            ),
            sub(
                "0703",
                "占道堆放物料",
                "Stacking materials on the street",
                f"{CITY_APPEARANCE}第三十六条第（二）项",
                "责令限期清理，并可处以罚款",
                individual=("100", "2000"),
                organisation=("100", "2000"),
                simple=True,
            ),
        ],
    ),
    (
        "08",
        "乱张贴（牛皮癣）",
        "Illegal posters (“牛皮癣”)",
        CITY_APPEARANCE,
        [
            sub(
                "0801",
                "乱张贴小广告",
                "Flyers and posters without approval",
                f"{CITY_APPEARANCE}第三十四条第（二）项",
                "责令纠正，采取补救措施，可以并处警告、罚款",
                individual=("50", "200"),
                organisation=("200", "2000"),
                simple=True,
            ),
            sub(
                "0802",
                "乱涂写、刻画、喷涂号码",
                "Graffiti and painted phone numbers",
                f"{CITY_APPEARANCE}第三十四条第（二）项",
                "责令纠正，采取补救措施，可以并处警告、罚款",
                individual=("50", "200"),
                organisation=("200", "2000"),
                simple=True,
            ),
            sub(
                "0803",
                "擅自悬挂横幅",
                "Banners without approval",
                f"{CITY_APPEARANCE}第三十四条第（二）项",
                "责令纠正，可以并处警告、罚款",
                individual=("100", "500"),
                organisation=("100", "500"),
                simple=True,
            ),
        ],
    ),
    (
        "09",
        "燃气安全",
        "Gas safety",
        GAS,
        [
            sub(
                "0901",
                "无证经营燃气",
                "Selling gas without a licence",
                f"{GAS}第四十五条",
                "责令停止违法行为，处五万元以上五十万元以下罚款；有违法所得的，没收违法所得",
                individual=("50000", "500000"),
                organisation=("50000", "500000"),
            ),
            sub(
                "0902",
                "违规使用燃气设施",
                "Unsafe use of gas installations",
                f"{GAS}第四十九条",
                "责令限期改正；逾期不改正的，对单位可以处十万元以下罚款，对个人可以处一千元以下罚款",
                individual=(None, "1000"),
                organisation=(None, "100000"),
                simple=True,
            ),
            sub("0903", "燃气泄漏", "Gas leak", GAS, "立即疏散、报警并通知燃气经营企业抢修", urgent=True),
        ],
    ),
    (
        "10",
        "户外广告",
        "Outdoor advertising",
        CITY_APPEARANCE,
        [
            sub(
                "1001",
                "擅自设置户外广告",
                "Outdoor advertising without approval",
                f"{CITY_APPEARANCE}第三十六条第（一）项",
                "责令停止违法行为，限期清理、拆除，并可处以罚款",
                individual=("500", "5000"),
                organisation=("1000", "10000"),
            ),
            sub(
                "1002",
                "招牌广告破损影响市容",
                "Damaged signboards spoiling the streetscape",
                f"{CITY_APPEARANCE}第十一条",
                "责令限期维修或者拆除",
                individual=("100", "1000"),
                organisation=("100", "1000"),
                simple=True,
            ),
            sub(
                "1003",
                "户外广告设施有坠落危险",
                "Advertising structure at risk of falling",
                f"{CITY_APPEARANCE}第十一条",
                "立即设置警示区域，责令设置人排除险情",
                urgent=True,
            ),
        ],
    ),
    (
        "11",
        "渣土运输",
        "Construction-waste transport",
        CONSTRUCTION_WASTE,
        [
            sub(
                "1101",
                "运输途中遗撒建筑垃圾",
                "Spilling construction waste in transit",
                f"{CONSTRUCTION_WASTE}第二十三条",
                "责令限期改正，给予警告，处五千元以上五万元以下罚款",
                individual=("5000", "50000"),
                organisation=("5000", "50000"),
            ),
            sub(
                "1102",
                "未经核准处置建筑垃圾",
                "Disposing of construction waste without approval",
                f"{CONSTRUCTION_WASTE}第二十五条",
                "责令限期改正，给予警告，对施工单位处一万元以上十万元以下罚款，对建设单位、运输单位处五千元以上三万元以下罚款",
                organisation=("5000", "100000"),
            ),
            sub(
                "1103",
                "运输车辆未密闭覆盖",
                "Transport vehicle not sealed or covered",
                f"{CITY_APPEARANCE}第三十四条第（六）项",
                "责令纠正，可以并处警告、罚款",
                individual=("200", "2000"),
                organisation=("200", "2000"),
                simple=True,
            ),
        ],
    ),
]


def seed():
    """Creates or restores the demo catalogue and the legal parameters' rows; returns the number of
    categories."""
    params.ensure_rows()
    count = 0
    for order, (code, name, name_en, basis, subs) in enumerate(CATEGORIES, start=1):
        major, _ = upsert(
            ViolationCategory,
            {"code": code},
            {
                "name": name,
                "name_en": name_en,
                "legal_basis": basis,
                "parent": None,
                "sort_order": order,
                "is_active": True,
            },
        )
        count += 1
        for sub_order, values in enumerate(subs, start=1):
            values = dict(values)
            upsert(
                ViolationCategory,
                {"code": values.pop("code")},
                {
                    **values,
                    "parent": major,
                    "sort_order": sub_order,
                    "is_active": True,
                },
            )
            count += 1
    return count
