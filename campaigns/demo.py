"""Demo campaign for `manage.py seed_demo` (after "penalties.demo"): 禅城's street-vending drive, under way with
its two squadrons (祖庙, 石湾), goals per squadron and in total, a week of field logs, and ten rectification
items at every step — two just found, three noticed (their notices issued), two rectified, three not
rectified of which one escalated to a case with its photos. Taken through the services by the demo users
(planned by the bureau head); idempotent (recognised by the campaign's name). The demo city's officers all
work in 祖庙, so the logs and items are 祖庙's (its day and evening patrols); 石湾 takes part with its goal."""

from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases import services as case_services
from cases.models import Party
from enforcement.catalog.models import ViolationCategory
from enforcement.org.models import Grid, OrgUnit, User

from . import services
from .models import Campaign

NAME = "禅城区占道经营专项整治行动"


def _photo(name):
    from enforcement.files.testing import jpeg_bytes

    return SimpleUploadedFile(name, jpeg_bytes(), content_type="image/jpeg")


# Per day back from today: (the day patrol's figures, the evening patrol's), both 祖庙's.
LOGS = [
    (
        {
            "persuasion": 42,
            "correction_notices": 18,
            "violations_handled": 3,
            "seized_vehicles": 2,
            "person_times": 16,
        },
        {"persuasion": 30, "correction_notices": 12, "violations_handled": 2, "person_times": 12},
    ),
    (
        {"persuasion": 38, "correction_notices": 15, "seized_goods": 6, "person_times": 14},
        {"persuasion": 27, "correction_notices": 10, "seized_vehicles": 1, "person_times": 12},
    ),
    (
        {
            "persuasion": 51,
            "correction_notices": 22,
            "violations_handled": 4,
            "seized_vehicles": 3,
            "person_times": 20,
        },
        {"persuasion": 33, "correction_notices": 14, "violations_handled": 1, "person_times": 12},
    ),
    (
        {"persuasion": 29, "correction_notices": 11, "person_times": 12, "vehicles_deployed": 3},
        {"persuasion": 24, "correction_notices": 9, "seized_goods": 4, "person_times": 10},
    ),
    (
        {
            "persuasion": 45,
            "correction_notices": 19,
            "violations_handled": 2,
            "seized_equipment": 2,
            "person_times": 18,
        },
        {"persuasion": 36, "correction_notices": 13, "seized_vehicles": 2, "person_times": 14},
    ),
    (
        {"persuasion": 33, "correction_notices": 14, "seized_vehicles": 1, "person_times": 14},
        {"persuasion": 21, "correction_notices": 8, "violations_handled": 1, "person_times": 10},
    ),
    (
        {
            "persuasion": 40,
            "correction_notices": 16,
            "violations_handled": 3,
            "person_times": 16,
            "vehicles_deployed": 4,
        },
        {"persuasion": 28, "correction_notices": 11, "person_times": 12, "vehicles_deployed": 2},
    ),
]

# (officer 0/1, kind, party name, what, where, days ago found, step): step is where the item stops.
ITEMS = [
    (0, "stall", "", "手推车占道摆卖水果", "祖庙路与升平路交界", 0, "found"),
    (1, "stall", "", "人行道上摆卖小百货", "祖庙公园东门", 1, "found"),
    (0, "shop", "鸿运果蔬店", "店外占道堆放货物约4平方米", "祖庙路36号", 2, "noticed"),
    (1, "shop", "好味烧腊店", "店外摆放桌椅占道经营", "升平路12号", 3, "noticed"),
    (0, "sign", "兴隆五金店", "店外摆放落地广告牌占用人行道", "福贤路8号", 4, "noticed"),
    (0, "shop", "家乐士多", "店外占道摆卖饮料", "建新路21号", 5, "rectified"),
    (1, "stall", "", "流动摊点占道煎炸食品", "祖庙博物馆对面", 5, "rectified"),
    (0, "shop", "陈记粥粉面", "夜间店外占道摆放餐桌", "祖庙路58号", 6, "not_rectified"),
    (1, "shop", "兴旺海鲜档", "店外占道设置水箱经营", "跃进路4号", 6, "not_rectified"),
    (0, "stall", "李建国", "屡次劝导后仍占道摆卖水果", "岭南大道北45号", 7, "escalated"),
]
REQUIREMENT = "立即清理占道物品，恢复人行道通行，今后不得在店外占道经营。"


def seed():
    if Campaign.objects.filter(name=NAME).exists():
        return 0
    today = timezone.localdate()
    district = OrgUnit.objects.get(code="chancheng")
    zumiao, shiwan = (
        OrgUnit.objects.get(code="chancheng-zumiao"),
        OrgUnit.objects.get(code="chancheng-shiwan"),
    )
    leader = User.objects.get(username="chancheng.bureau_head")  # the district's: it leads the drive
    officers = (
        User.objects.get(username="chancheng.officer"),
        User.objects.get(username="chancheng.officer2"),
    )
    squadrons = (zumiao, shiwan)
    patrols = ("祖庙路、升平路、福贤路一带（日间）", "祖庙夜市、岭南大道一带（夜间）")
    vending = ViolationCategory.objects.get(code="0701")

    campaign = services.plan_campaign(
        by=leader,
        name=NAME,
        kind="street_vending",
        starts_on=today - timedelta(days=7),
        ends_on=today + timedelta(days=23),
        lead_unit=district,
        units=[zumiao, shiwan],
        partners=["public_security", "market_regulation", "street_office"],
        grids=list(Grid.objects.filter(unit__in=squadrons).order_by("code")),
        description="集中整治主次干道、学校周边和夜市片区的占道经营、店外经营，做到发现一处、劝导一处、整改一处。",
        goals=[
            ("correction_notices", None, "300"),
            ("correction_notices", zumiao, "160"),
            ("correction_notices", shiwan, "140"),
            ("seized_vehicles", None, "30"),
            ("persuasion", None, "800"),
            ("violations_handled", None, "40"),
        ],
    )
    campaign = services.start(campaign, by=leader, note="动员部署会后全面开展。")

    for days_ago, figures in enumerate(LOGS):
        for officer, place, values in zip(officers, patrols, figures, strict=True):
            services.log_field_work(
                campaign,
                by=officer,
                unit=zumiao,
                day=today - timedelta(days=days_ago),
                values={slug: str(value) for slug, value in values.items()},
                place=place,
                note="联合公安、市场监管开展早晚高峰巡查。",
                partners=["public_security", "market_regulation"],
                photos=[_photo("巡查现场.jpg")] if days_ago == 0 else [],
            )

    li = Party.objects.filter(name="李建国").first() or case_services.register_party(
        by=officers[0], party_type="individual", name="李建国", phone="13600001111"
    )
    corner = (Decimal("23.020000"), Decimal("113.100000"))  # 祖庙's first grid, south-west
    for n, (who, kind, party_name, what, where, days_ago, step) in enumerate(ITEMS):
        officer = officers[who]
        item = services.register_item(
            campaign,
            by=officer,
            unit=zumiao,
            kind=kind,
            description=what,
            address=f"禅城区{where}",
            found_on=today - timedelta(days=days_ago),
            party=li if party_name == "李建国" else None,
            party_name=party_name,
            category=vending,
            lat=corner[0] + Decimal("0.0007") * (n + 1),
            lng=corner[1] + Decimal("0.0011") * (n + 1),
            photos=[_photo("整改前.jpg")],
        )
        if step == "found":
            continue
        deadline = today + timedelta(days=5) if step == "noticed" else today
        item = services.issue_notice(item, by=officer, deadline_on=deadline, requirement=REQUIREMENT)
        if step == "noticed":
            continue
        result = "rectified" if step == "rectified" else "not_rectified"
        item = services.recheck(
            item,
            by=officer,
            result=result,
            rechecked_on=today,
            note="已清理完毕。" if result == "rectified" else "复查时仍在占道经营。",
            photos=[_photo("复查.jpg")],
        )
        if step == "escalated":
            services.escalate(item, by=officer, procedure="general", note="逾期未整改，转立案查处。")
    return 1
