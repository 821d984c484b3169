"""The benchmark city: a deterministic generator that loads a realistic city into the configured database.

From the shell (migrates first; refuses a database whose name does not contain "bench" unless --force):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cg_bench .venv/bin/python -m bench.generate
    ... -m bench.generate --complaints 200000 --seed 7 --end 2026-11-25T18:00+08:00
    ... -m bench.generate --penalties-only     # the penalties stage (3c) alone, on the cases already loaded
    ... -m bench.generate --campaigns-only     # the campaigns stage (3d) alone (--campaigns, --items)

From Python (e.g. the reminders' benchmark), on whatever database Django is connected to:

    from bench.generate import generate
    city = generate(complaints=2_000_000, seed=20261125)     # -> Summary (counts, users, timings)

What it does, in one transaction:
1. empties the bench tables (org units, grids, users, complaints, number counters, audit events, and what
   references them, via Django's own flush SQL: TRUNCATE … CASCADE on PostgreSQL, DELETE elsewhere);
   the schema itself is the migrations' — nothing is created or altered for good;
2. loads the demo violation catalogue (`enforcement.catalog.demo`, idempotent), an org tree of 1 city
   bureau, 12 district bureaus and 8 squadrons each, 6 grids per squadron with bounding boxes, and 462
   users with roles (password `BENCH_PASSWORD`; usernames in `Summary.users`);
3. streams the complaints over `years` years up to `end`, received in time order, across channels,
   categories, units, grids and statuses, with their due moments computed on the working-day calendar by
   the complaints' deadline policies (so `due_at` is the live one of the three, as the services keep it),
   and their audit events: a create event for every complaint, the full transition history for those
   received in the last `full_history_days` days and a `full_history_share` of the older ones;
3b. then the cases (`cases`, by default 500,000 with 2 million complaints, in proportion otherwise): 97 %
   simple (decided on the spot, cash handed over, filed with the bureau, closed once paid) and 3 % general
   (lead → filing → investigation → review → discussion → notice → hearing → decision → service →
   execution → closing → archive, or not filed, transferred, revoked, no penalty), with their parties
   (valid ID numbers and credit codes, `cases.identity`; repeat offenders), penalties, evidence rows,
   approval records (pending where the data ends) and audit events; a fifth of the general cases come from a
   complaint (ComplaintLink). Every deadline is `cases.rules`' (memoised per local date), `due_at` is
   `Case.live_due_at`'s (`_CaseStream`);
3c. then the penalties (`generate_penalties`): an execution with its instalment, payments and ledger state
   for every fine not paid in cash, deferrals, court applications and enforcement, reconsiderations and
   lawsuits (some decisions varied or revoked), seizures with their items, orders to demolish carried out
   (`_demolition_plan`, which the general cases' closing waits for), published decisions, and the audit
   events of these steps (an earlier run's removed first, which takes a superuser: the table is
   append-only);
3d. then the campaigns (`generate_campaigns`, issue 13): 200 campaigns over the three years (with 2 million
   complaints; `campaigns_for` otherwise) led by the district bureaus with 2–6 of their squadrons, partners,
   target grids and goals, the squadrons' daily field logs with their values per measure, 100,000
   rectification items (`items_for`) with statuses by age, the not rectified ones escalated to a case of
   their unit registered soon after (linked one-to-one), and their audit events;
4. on PostgreSQL with `fast` (default for loads of 100,000 complaints and more): foreign-key and
   append-only triggers are off for the load (`session_replication_role = replica`, superuser only) and
   the secondary indexes of the big tables (complaints, audit events, the case tables; partial ones
   excepted) are dropped before and recreated after the COPY from their own definitions
   (`pg_get_indexdef`, plus the statistics targets of their columns), so the schema afterwards is exactly
   the migrations';
5. ANALYZE (VACUUM ANALYZE on PostgreSQL when not inside an outer transaction).

Rows are COPYed (psycopg2 `copy_expert`, chunks built in memory while the previous one loads; the cases'
chunks one after another, as their generation asks the database the law's deadlines) on PostgreSQL,
and inserted in batches elsewhere (SQLite: the test suite's tiny run). The same `seed`, `complaints`,
`cases`, `years` and `end` give the same rows.
"""

import argparse
import hashlib
import io
import math
import os
import queue
import random
import sys
import threading
import time
from array import array
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

BENCH_PASSWORD = "Bench-pass-2026"
DEFAULT_SEED = 20261125
DEFAULT_COMPLAINTS = 2_000_000
DISTRICTS = 12
SQUADRONS_PER_DISTRICT = 8
GRIDS_PER_SQUADRON = 6
FAST_THRESHOLD = 100_000
STUCK_SHARE = 0.005  # complaints that stall at some step: the overdue backlog

# --- the city ------------------------------------------------------------------------------------------
CITY = ("bench-city", "江州市城市管理综合执法局", "Jiangzhou Urban Management Bureau")
DISTRICT_NAMES = [
    ("东湖区", "Donghu"),
    ("西江区", "Xijiang"),
    ("南山区", "Nanshan"),
    ("北城区", "Beicheng"),
    ("中山区", "Zhongshan"),
    ("滨江区", "Binjiang"),
    ("高新区", "Gaoxin"),
    ("新城区", "Xincheng"),
    ("临港区", "Lingang"),
    ("石桥区", "Shiqiao"),
    ("青山区", "Qingshan"),
    ("白沙区", "Baisha"),
]
# Busier centre, quieter outskirts.
DISTRICT_WEIGHTS = [16, 14, 12, 12, 10, 9, 8, 6, 5, 3, 3, 2]
TOWNS = [
    "城东",
    "城西",
    "江南",
    "江北",
    "河口",
    "龙岗",
    "凤凰",
    "金沙",
    "银湖",
    "桃源",
    "杏林",
    "梅岭",
    "竹园",
    "松岗",
    "柳堤",
    "荷塘",
    "兰亭",
    "菊坊",
    "春晖",
    "秋实",
    "华林",
    "光明",
    "和平",
    "人民",
    "解放",
    "新民",
    "长乐",
    "永安",
    "太平",
    "兴隆",
    "丰收",
    "建设",
    "前进",
    "胜利",
    "红旗",
    "朝阳",
    "东风",
    "向阳",
    "幸福",
    "团结",
    "文昌",
    "白云",
    "青松",
    "翠湖",
    "碧水",
    "清河",
    "石门",
    "沙湾",
]
STREETS = [
    "中山路",
    "解放路",
    "人民路",
    "建设大道",
    "滨江路",
    "东风路",
    "环市路",
    "北京路",
    "文昌路",
    "江南大道",
    "工业大道",
    "沿江路",
    "花园路",
    "学府路",
    "科技路",
    "创业路",
    "长江路",
    "黄河路",
    "珠江路",
    "湖滨路",
    "青年路",
    "新华街",
    "光明街",
    "幸福街",
    "和平街",
    "朝阳路",
    "南湖路",
    "北湖路",
    "西湖路",
    "东湖路",
    "金沙路",
    "银河路",
    "星光路",
    "明珠路",
    "体育路",
    "公园路",
    "府前路",
    "同心路",
    "民主路",
    "教育路",
    "医院路",
    "车站路",
    "港口路",
    "机场路",
    "龙华路",
    "凤凰路",
    "梅园路",
    "桂花路",
    "荔枝路",
    "榕树路",
]
LANDMARKS = [
    "菜市场",
    "小学门口",
    "地铁站出口",
    "公交站",
    "商业广场",
    "人民医院",
    "公园东门",
    "农贸市场",
    "步行街",
    "夜市",
    "建筑工地",
    "加油站",
    "写字楼",
    "酒店",
    "中学",
    "超市",
    "社区服务中心",
    "大排档",
    "汽车站",
]
ESTATES = [
    "锦绣花园",
    "阳光小区",
    "金色家园",
    "翠苑",
    "碧桂园",
    "丽景湾",
    "富康小区",
    "和谐家园",
    "新天地",
    "滨江花园",
]
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛"
TIMES = [
    "",
    "",
    "",
    "每天晚上",
    "每天早上",
    "最近一周",
    "周末",
    "深夜",
    "凌晨",
    "中午",
    "长期",
    "近期",
    "连续多日",
]
IMPACTS = [
    "影响行人通行",
    "造成交通拥堵",
    "环境脏乱差",
    "严重影响居民休息",
    "存在安全隐患",
    "影响市容市貌",
    "周边居民意见很大",
    "影响附近商户经营",
    "给出行带来不便",
    "气味难闻",
]
ASKS = [
    "请尽快处理",
    "希望城管部门加强管理",
    "已多次反映仍未解决",
    "请相关部门核实处理",
    "希望彻底整治",
    "请尽快派人查看",
    "要求依法查处",
    "请给予答复",
]
# Per sub-category code (the demo catalogue): what a caller says. Unknown codes fall back to the name.
PROBLEMS = {
    "0101": ["有人随意乱扔垃圾", "路边废弃物无人清理"],
    "0102": ["有人乱倒生活垃圾", "垃圾桶旁堆满生活垃圾"],
    "0103": ["商铺门前三包责任不落实", "店铺门前卫生无人打扫"],
    "0104": ["临街阳台堆放杂物", "窗外吊挂衣物和杂物"],
    "0201": ["有人违法搭建钢棚", "楼顶正在加建房屋"],
    "0202": ["建筑未按规划许可施工", "违规扩建围墙"],
    "0203": ["临时建筑逾期未拆除", "工地临时板房长期未拆"],
    "0204": ["违法建筑有倒塌危险", "违建外墙开裂随时可能倒塌"],
    "0301": ["有人损坏绿化带花草", "绿化树木被人为破坏"],
    "0302": ["有人擅自砍伐行道树", "小区树木被私自修剪"],
    "0303": ["绿地被占用堆放杂物", "公共绿地被圈占种菜"],
    "0401": ["道路被擅自开挖", "有单位占道施工未设围挡"],
    "0402": ["人行道护栏被损坏", "道路设施被撞坏"],
    "0403": ["窨井盖缺失", "井盖破损下陷"],
    "0501": ["餐馆油烟直排", "饭店油烟未经净化排放"],
    "0502": ["露天烧烤摊占道经营", "夜间露天烧烤油烟扰民"],
    "0503": ["建筑工地夜间施工噪声扰民", "工地深夜施工机器轰鸣"],
    "0504": ["商铺高音喇叭招揽生意", "店铺音响声音过大"],
    "0601": ["有人无照经营", "无证照店铺开门营业"],
    "0602": ["无照流动摊贩经营", "流动商贩沿街叫卖"],
    "0701": ["流动摊贩占道经营", "小商贩摆摊占用人行道"],
    "0702": ["店铺出店经营", "商户将货物摆到店外"],
    "0703": ["占道堆放建筑材料", "人行道上堆放物料"],
    "0801": ["墙面乱张贴小广告", "电线杆上贴满小广告"],
    "0802": ["墙上喷涂办证电话号码", "有人乱涂乱画"],
    "0803": ["擅自悬挂横幅", "临街私挂宣传横幅"],
    "0901": ["有人无证销售瓶装燃气", "黑气点非法充装液化气"],
    "0902": ["餐馆违规使用液化气", "燃气设施私拉乱接"],
    "0903": ["闻到明显燃气泄漏气味", "燃气管道疑似泄漏"],
    "1001": ["擅自设置大型户外广告牌", "违规设置广告立柱"],
    "1002": ["招牌广告破损", "店招残缺不全影响市容"],
    "1003": ["户外广告牌松动有坠落危险", "大风后广告牌摇摇欲坠"],
    "1101": ["渣土车沿途遗撒", "泥头车带泥上路污染路面"],
    "1102": ["有人乱倒建筑垃圾", "建筑垃圾被偷倒在空地"],
    "1103": ["运输车辆未密闭覆盖", "渣土车未盖篷布"],
}
CATEGORY_WEIGHTS = {
    "0701": 12,
    "0702": 8,
    "0504": 6,
    "0501": 6,
    "0502": 5,
    "0503": 5,
    "0101": 4,
    "0801": 4,
    "0103": 3,
    "0201": 3,
    "0703": 3,
    "0602": 3,
    "1103": 2,
    "0102": 2,
    "1101": 2,
}
# The general procedure's categories, where they differ from CATEGORY_WEIGHTS: illegal construction (违法建设,
# 02xx) is about a third of a bureau's general cases, each decided with an order to demolish (责令限期拆除).
GENERAL_WEIGHTS = {"0201": 30, "0202": 10, "0203": 6, "0204": 2}
URGENT_WEIGHT = 0.3
CHANNEL_WEIGHTS = {
    "hotline_12345": 42,
    "hotline_bureau": 10,
    "mayor_hotline": 4,
    "web": 10,
    "patrol": 18,
    "letter": 3,
    "visit": 3,
    "petition": 3,
    "media": 2,
    "npc_motion": 0.5,
    "cppcc_proposal": 0.5,
}
CITY_DESK_CHANNELS = {"hotline_12345", "mayor_hotline", "web", "media", "npc_motion", "cppcc_proposal"}
SLOW_CHANNELS = {"letter", "visit", "petition", "npc_motion", "cppcc_proposal"}  # accepted in days, not hours
HOUR_WEIGHTS = [1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 3, 6, 9, 9, 8, 6, 7, 8, 8, 7, 6, 5, 5, 5, 4, 3, 2]
REPLIES = [
    "经现场核查，情况属实，已责令当事人立即整改，现场已恢复正常。",
    "执法队员已到场处置，当事人已自行清理，我局将加强日常巡查。",
    "经核查，已对当事人进行教育劝导并下达责令改正通知书，后续将跟踪复查。",
    "已联系权属单位进行修复，并将该点位纳入重点巡查范围。",
    "经调查，已依法立案查处，处理结果将另行告知。",
]
REJECT_REASONS = [
    "该事项不属于城管执法职责范围，已告知向住建部门反映。",
    "诉求内容不明确，经联系反映人未能补充有效信息。",
    "该事项已通过司法途径处理，依法不予受理。",
]
VISIT_NOTES = ["电话回访，市民表示满意。", "电话回访，市民认可处理结果。", "回访时市民表示问题已解决。", ""]
SPOT_NOTES = ["已当场劝离并恢复通行。", "已当场清理完毕。", "当事人已当场整改。"]
SATISFACTION = [("satisfied", 78), ("basically_satisfied", 14), ("unsatisfied", 4), ("unreachable", 4)]

DAY = timedelta(days=1)


@dataclass
class Summary:
    complaints: int = 0
    events: int = 0
    by_status: dict = field(default_factory=dict)
    open: int = 0
    overdue: int = 0
    units: int = 0
    grids: int = 0
    users: dict = field(default_factory=dict)  # "city_intake", "district_intake", ... -> username
    end: datetime | None = None
    seconds: dict = field(default_factory=dict)
    digest: str = ""
    cases: int = 0
    case_events: int = 0
    case_counts: dict = field(default_factory=dict)  # _CaseStream.summary: parties, by procedure, by status…
    penalties: dict = field(default_factory=dict)  # generate_penalties' counts
    campaigns: dict = field(default_factory=dict)  # generate_campaigns' counts

    def lines(self):
        yield f"complaints {self.complaints:,}, audit events {self.events:,}, open {self.open:,}, overdue {self.overdue:,}"
        yield "by status: " + ", ".join(f"{k} {v:,}" for k, v in sorted(self.by_status.items()))
        yield f"units {self.units}, grids {self.grids}, users: " + ", ".join(
            f"{k}={v}" for k, v in self.users.items()
        )
        if self.cases:
            c = self.case_counts
            procedures = ", ".join(f"{k} {v:,}" for k, v in sorted(c["by_procedure"].items()))
            yield (
                f"cases {self.cases:,} ({procedures}), open {c['open']:,}, overdue {c['overdue']:,}, parties "
                f"{c['parties']:,}, penalties {c['penalties']:,}, evidence {c['evidence']:,}, approvals "
                f"{c['approvals']:,} ({c['pending_approvals']:,} pending), complaint links {c['links']:,}, "
                f"events {self.case_events:,}"
            )
            yield "cases by status: " + ", ".join(f"{k} {v:,}" for k, v in sorted(c["by_status"].items()))
        if self.penalties:
            yield penalty_line(self.penalties)
        if self.campaigns:
            yield campaign_line(self.campaigns)
        yield "seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in self.seconds.items())


def _table(weighted, size=10_000):
    """A lookup list where each value fills its weight's share: `table[int(rng.random() * len)]` is a
    weighted draw at the cost of one random()."""
    total = sum(w for _, w in weighted)
    table = []
    for value, weight in weighted:
        table.extend([value] * max(1, round(size * weight / total)))
    return table


def _micro(value):
    return f"{value // 1_000_000}.{value % 1_000_000:06d}"


def _ts(moment):
    return None if moment is None else moment.isoformat(sep=" ")


def _json_ts(moment):
    return "null" if moment is None else '"' + moment.isoformat() + 'Z"'


def _json_int(value):
    return "null" if value is None else str(value)


# --- org tree, users, catalogue -----------------------------------------------------------------------
@dataclass
class _Squadron:
    id: int
    district: int  # index
    grids: list  # [(id, min_lat_micro, min_lng_micro)]
    leader: int
    officers: list


@dataclass
class _District:
    id: int
    name: str
    intake: list
    head: int
    squadrons: list
    legal: int = 0  # the district's legal reviewer (法制审核)


@dataclass
class _City:
    id: int
    intake: list
    districts: list
    categories: list  # [(id, code, name, is_urgent)]
    case_categories: list = field(default_factory=list)  # [{id, code, simple, fine ranges…}]


def _build_city(summary):
    from django.contrib.auth.hashers import make_password

    from enforcement.org.choices import Role, UnitLevel
    from enforcement.org.models import Grid, OrgUnit, User, UserRole

    code, name, name_en = CITY
    city = OrgUnit(code=code, name=name, name_en=name_en, level=UnitLevel.CITY)
    city.save()
    password = make_password(BENCH_PASSWORD)
    users, roles = [], []

    def user(username, unit, role, full_name):
        users.append(
            User(
                username=username,
                full_name=full_name,
                unit_id=unit.pk,
                password=password,
                email=f"{username}@bench.invalid",
                certificate_no=f"BENCH{len(users):06d}",
                certificate_expires=date(2099, 12, 31),
            )
        )
        roles.append((username, role))
        return username

    name_rng = random.Random(1)

    def person():
        return name_rng.choice(SURNAMES) + "".join(
            name_rng.choice(GIVEN) for _ in range(name_rng.choice((1, 2)))
        )

    layout = {"city": city, "districts": []}
    for role, suffix in (
        (Role.INTAKE, "intake1"),
        (Role.INTAKE, "intake2"),
        (Role.INTAKE, "intake3"),
        (Role.BUREAU_HEAD, "bureau_head"),
        (Role.ADMIN, "admin"),
        (Role.STATISTICIAN, "statistician"),
    ):
        user(f"bench.city.{suffix}", city, role, person())
    grids = []
    lat0, lng0 = 22_900_000, 113_000_000
    for d, (dname, dname_en) in enumerate(DISTRICT_NAMES[:DISTRICTS]):
        district = OrgUnit(
            code=f"bench-d{d + 1:02d}",
            name=f"{dname}分局",
            name_en=f"{dname_en} District Bureau",
            level=UnitLevel.DISTRICT,
            parent=city,
        )
        district.save()
        prefix = f"bench.d{d + 1:02d}"
        for role, suffix in (
            (Role.INTAKE, "intake1"),
            (Role.INTAKE, "intake2"),
            (Role.BUREAU_HEAD, "bureau_head"),
            (Role.LEGAL_REVIEWER, "legal_reviewer"),
            (Role.STATISTICIAN, "statistician"),
            (Role.ADMIN, "admin"),
        ):
            user(f"{prefix}.{suffix}", district, role, person())
        d_lat, d_lng = lat0 + (d // 4) * 80_000, lng0 + (d % 4) * 120_000
        squadrons = []
        for s in range(SQUADRONS_PER_DISTRICT):
            town = TOWNS[(d * SQUADRONS_PER_DISTRICT + s) % len(TOWNS)]
            squadron = OrgUnit(
                code=f"bench-d{d + 1:02d}-s{s + 1:02d}",
                name=f"{dname[:-1]}{town}中队",
                name_en=f"{dname_en} Squadron {s + 1}",
                level=UnitLevel.SQUADRON,
                parent=district,
            )
            squadron.save()
            sprefix = f"{prefix}.s{s + 1:02d}"
            user(f"{sprefix}.squad_leader", squadron, Role.SQUAD_LEADER, person())
            for n in range(3):
                user(f"{sprefix}.officer{n + 1}", squadron, Role.OFFICER, person())
            s_lat, s_lng = d_lat + (s // 4) * 40_000, d_lng + (s % 4) * 30_000
            for g in range(GRIDS_PER_SQUADRON):
                g_lat, g_lng = s_lat + (g // 3) * 20_000, s_lng + (g % 3) * 10_000
                grids.append(
                    Grid(
                        code=f"bench-d{d + 1:02d}-s{s + 1:02d}-g{g + 1}",
                        name=f"{town}第{g + 1}网格",
                        unit=squadron,
                        min_lat=_micro(g_lat),
                        max_lat=_micro(g_lat + 20_000),
                        min_lng=_micro(g_lng),
                        max_lng=_micro(g_lng + 10_000),
                    )
                )
            squadrons.append((squadron, sprefix))
        layout["districts"].append((district, prefix, squadrons))
    Grid.objects.bulk_create(grids)
    User.objects.bulk_create(users)
    ids = dict(User.objects.filter(username__startswith="bench.").values_list("username", "id"))
    UserRole.objects.bulk_create([UserRole(user_id=ids[username], role=role) for username, role in roles])

    grid_rows = {}
    for grid in Grid.objects.filter(code__startswith="bench-").order_by("code"):
        grid_rows.setdefault(grid.unit_id, []).append(
            (grid.pk, int(grid.min_lat * 1_000_000), int(grid.min_lng * 1_000_000))
        )
    districts = []
    for district, prefix, squadrons in layout["districts"]:
        districts.append(
            _District(
                id=district.pk,
                name=district.name,
                intake=[ids[f"{prefix}.intake1"], ids[f"{prefix}.intake2"]],
                head=ids[f"{prefix}.bureau_head"],
                legal=ids[f"{prefix}.legal_reviewer"],
                squadrons=[
                    _Squadron(
                        id=sq.pk,
                        district=len(districts),
                        grids=grid_rows[sq.pk],
                        leader=ids[f"{sp}.squad_leader"],
                        officers=[ids[f"{sp}.officer{n + 1}"] for n in range(3)],
                    )
                    for sq, sp in squadrons
                ],
            )
        )
    summary.units = OrgUnit.objects.count()
    summary.grids = len(grids)
    summary.users = {
        "city_intake": "bench.city.intake1",
        "city_admin": "bench.city.admin",
        "district_intake": "bench.d01.intake1",
        "district_head": "bench.d01.bureau_head",
        "squad_leader": "bench.d01.s01.squad_leader",
        "officer": "bench.d01.s01.officer1",
        "password": BENCH_PASSWORD,
    }
    return _City(
        id=city.pk,
        intake=[ids[f"bench.city.intake{n}"] for n in (1, 2, 3)],
        districts=districts,
        categories=_categories(),
        case_categories=_case_categories(),
    )


def _categories():
    from enforcement.catalog.models import ViolationCategory

    try:
        from enforcement.catalog import demo
    except ImportError:  # pragma: no cover - the catalogue app without its demo module
        demo = None
    if demo is not None:
        demo.seed()
    rows = list(
        ViolationCategory.objects.filter(is_active=True, parent__isnull=False, parent__is_active=True)
        .order_by("code")
        .values_list("pk", "code", "name", "is_urgent")
    )
    if not rows:
        raise RuntimeError("No active sub-categories to file complaints under: load a catalogue first.")
    return rows


# --- deadlines ----------------------------------------------------------------------------------------
class _Deadlines:
    """The complaints' deadline policies on the working-day calendar, memoised per (local date, period):
    the same arithmetic as `complaints.policies`, in naive UTC for the generator."""

    def __init__(self, start, end):
        from django.utils import timezone

        from complaints import policies
        from enforcement.workdays.calendar import get_calendar

        self.calendar = get_calendar()
        self.tz = timezone.get_default_timezone()
        offsets = {self.tz.utcoffset(start + timedelta(days=n)) for n in range(0, (end - start).days + 2, 7)}
        self.fixed = offsets.pop() if len(offsets) == 1 else None
        self.policy = {channel: policies.policy_for(channel) for channel in CHANNEL_WEIGHTS}
        self._memo = {}

    def local_date(self, moment):
        if self.fixed is not None:
            return (moment + self.fixed).date()
        return moment.replace(tzinfo=UTC).astimezone(self.tz).date()

    def _utc(self, aware):
        return aware.astimezone(UTC).replace(tzinfo=None)

    def after(self, moment, amount, unit, urgent=False):
        """The due moment `amount` periods of `unit` after `moment` (end of the same day when urgent)."""
        if unit == "working_hours" and not urgent:
            return self._utc(self.calendar.add_working_hours(moment.replace(tzinfo=UTC), amount))
        day = self.local_date(moment)
        key = (day, -1 if urgent else amount, unit)
        due = self._memo.get(key)
        if due is None:
            if urgent:
                from enforcement.workdays.calendar import end_of_day

                aware = end_of_day(day)
            else:
                aware = self.calendar.due_after(day, amount, unit)
            due = self._memo[key] = self._utc(aware)
        return due


# --- the complaints and their events --------------------------------------------------------------------
COMPLAINT_COLUMNS = [
    "id",
    "version",
    "number",
    "received_at",
    "channel",
    "is_anonymous",
    "complainant_name",
    "complainant_phone",
    "address",
    "lat",
    "lng",
    "description",
    "status",
    "accept_due_at",
    "reply_due_at",
    "visit_due_at",
    "due_at",
    "accepted_at",
    "dispatched_at",
    "replied_at",
    "visited_at",
    "closed_at",
    "reject_reason",
    "sent_back_count",
    "reply_text",
    "satisfaction",
    "visit_note",
    "reopen_count",
    "extension_count",
    "extended_days",
    "on_the_spot",
    "closure_note",
    "created_at",
    "updated_at",
    "category_id",
    "grid_id",
    "handler_id",
    "intake_unit_id",
    "merged_into_id",
    "previous_unit_id",
    "received_by_id",
    "replied_by_id",
    "unit_id",
]
EVENT_COLUMNS = [
    "at",
    "actor_id",
    "content_type_id",
    "object_id",
    "object_repr",
    "action",
    "verb",
    "source",
    "before",
    "after",
    "note",
]


def _columns(model, known):
    """The table's columns: ours first, then any column a later migration added, filled with its default."""
    by_column = {f.column: f for f in model._meta.concrete_fields}
    missing = [c for c in known if c not in by_column]
    if missing:
        raise RuntimeError(f"bench/generate.py is out of date: {model.__name__} has no column(s) {missing}.")
    extra_columns, extra_values = [], []
    for column, f in by_column.items():
        if column in known or (column == "id" and f.primary_key):
            continue
        default = f.get_default()
        if default is None and not f.null:
            raise RuntimeError(f"bench/generate.py does not know how to fill {model.__name__}.{column}.")
        if isinstance(default, bool):
            default = "1" if default else "0"
        extra_columns.append(column)
        extra_values.append(None if default is None else str(default))
    return list(known) + extra_columns, tuple(extra_values)


def _day_counts(deadlines, start, end, n):
    """(local days, how many records each, the local end): `n` records over the days from `start` to `end`,
    fewer at weekends, growing over the years, with the seasons, the last day in proportion to its hours."""
    first, last = deadlines.local_date(start) + DAY, deadlines.local_date(end)
    days = [first + timedelta(days=k) for k in range((last - first).days + 1)]
    span = max(len(days) - 1, 1)
    end_local = end + (deadlines.fixed or timedelta(0))
    weights = []
    for i, d in enumerate(days):
        w = (0.7 if d.weekday() >= 5 else 1.0) * (1 + 0.25 * i / span)
        w *= 1 + 0.15 * math.sin(2 * math.pi * (d.timetuple().tm_yday - 100) / 365)
        if i == len(days) - 1:
            w *= (end_local - datetime.combine(d, datetime.min.time())).total_seconds() / 86400
        weights.append(w)
    total = sum(weights)
    exact = [w / total * n for w in weights]
    counts = [int(x) for x in exact]
    by_remainder = sorted(range(len(days)), key=lambda i: (counts[i] - exact[i], i))
    for i in by_remainder[: n - sum(counts)]:
        counts[i] += 1
    return days, counts, end_local


class _ComplaintStream:
    """Yields (complaint row, [event rows]) in received order. Pure: no database access after __init__."""

    def __init__(
        self,
        city,
        deadlines,
        *,
        complaints,
        seed,
        start,
        end,
        full_history_days,
        full_history_share,
        content_type_id,
        complaint_extra,
        event_extra,
    ):
        self.city, self.deadlines = city, deadlines
        self.n, self.seed, self.start, self.end = complaints, seed, start, end
        self.full_history_from = end - timedelta(days=full_history_days)
        self.full_history_share = full_history_share
        self.ct = str(content_type_id)
        self.complaint_extra, self.event_extra = complaint_extra, event_extra
        self.sequences = {}  # local date -> last serial
        self.district_of = array("B", [0])  # complaint id -> district index (the cases link to complaints)

    def _day_counts(self):
        return _day_counts(self.deadlines, self.start, self.end, self.n)

    def __iter__(self):  # one flat loop: the fast way to make millions of rows
        rng = random.Random(self.seed)
        rand, rint = rng.random, rng.randrange
        city, dl = self.city, self.deadlines
        offset = dl.fixed or timedelta(0)
        days, counts, end_local = self._day_counts()
        hour_table = _table(list(enumerate(HOUR_WEIGHTS)), 2400)
        channel_table = _table(list(CHANNEL_WEIGHTS.items()))
        district_table = _table(list(enumerate(DISTRICT_WEIGHTS[: len(city.districts)])))
        categories = city.categories
        category_table = _table(
            [(c, URGENT_WEIGHT if c[3] else CATEGORY_WEIGHTS.get(c[1], 1)) for c in categories]
        )
        satisfaction_table = _table(SATISFACTION, 1000)
        policies = dl.policy
        merge_targets = {}  # (category id, district) -> (id, number): the latest live complaint
        ct, c_extra, e_extra, end = self.ct, self.complaint_extra, self.event_extra, self.end
        full_from, full_share = self.full_history_from, self.full_history_share
        pk = 0
        for day, count in zip(days, counts, strict=True):
            if not count:
                continue
            if count > 9999:
                raise RuntimeError(f"{count} complaints on {day}: the daily serial has 4 digits.")
            midnight = datetime.combine(day, datetime.min.time())
            if day == days[-1]:
                limit = (end_local - midnight).total_seconds()
                seconds = sorted(rand() * limit for _ in range(count))
            else:
                seconds = sorted(
                    hour_table[int(rand() * len(hour_table))] * 3600 + rand() * 3600 for _ in range(count)
                )
            self.sequences[day] = count
            day_code = f"TS{day:%Y%m%d}"
            for serial, second in enumerate(seconds, start=1):
                pk += 1
                received = midnight + timedelta(seconds=int(second)) - offset
                number = f"{day_code}{serial:04d}"
                channel = channel_table[int(rand() * len(channel_table))]
                cat_id, cat_code, cat_name, urgent = category_table[int(rand() * len(category_table))]
                district_index = district_table[int(rand() * len(district_table))]
                self.district_of.append(district_index)
                district = city.districts[district_index]
                squadron = district.squadrons[int(rand() * len(district.squadrons))]
                grid_id, g_lat, g_lng = squadron.grids[int(rand() * len(squadron.grids))]
                lat, lng = _micro(g_lat + rint(20_000)), _micro(g_lng + rint(10_000))
                street = STREETS[int(rand() * len(STREETS))]
                if rand() < 0.3:
                    address = f"{district.name[:-2]}{ESTATES[int(rand() * len(ESTATES))]}{rint(1, 30)}栋"
                else:
                    address = f"{district.name[:-2]}{street}{rint(1, 400)}号"
                place = address if rand() < 0.6 else f"{street}{LANDMARKS[int(rand() * len(LANDMARKS))]}"
                phrases = PROBLEMS.get(cat_code) or [f"存在{cat_name}问题"]
                problem = phrases[int(rand() * len(phrases))]
                description = (
                    f"{TIMES[int(rand() * len(TIMES))]}{place}{problem}，{IMPACTS[int(rand() * len(IMPACTS))]}，"
                    f"{ASKS[int(rand() * len(ASKS))]}。"
                )
                title = description if len(description) <= 24 else description[:23] + "…"
                patrol = channel == "patrol"
                if patrol or rand() < 0.2:
                    anonymous, name, phone = ("0" if patrol else "1"), "", ""
                else:
                    anonymous = "0"
                    name = SURNAMES[int(rand() * len(SURNAMES))] + GIVEN[int(rand() * len(GIVEN))]
                    if rand() < 0.6:
                        name += GIVEN[int(rand() * len(GIVEN))]
                    phone = f"1{(3, 5, 7, 8, 9)[int(rand() * 5)]}{rint(100_000_000, 999_999_999)}"
                policy = policies[channel]
                officer = squadron.officers[int(rand() * 3)]
                spot = patrol and rand() < 0.4
                if spot:
                    intake_unit, receiver = squadron.id, officer
                elif channel in CITY_DESK_CHANNELS and rand() < 0.4:
                    intake_unit, receiver = city.id, city.intake[int(rand() * len(city.intake))]
                else:
                    intake_unit, receiver = district.id, district.intake[int(rand() * len(district.intake))]

                accept_due = dl.after(received, policy.accept_within, policy.unit, urgent)
                from_receipt = policy.reply_counts_from == "received"
                reply_due = (
                    dl.after(received, policy.reply_within, policy.unit, urgent) if from_receipt else None
                )
                intake_reply_due = reply_due
                visit_due = None
                status, unit, previous_unit, handler, replied_by = "received", intake_unit, None, None, None
                accepted = dispatched = replied = visited = closed = None
                reject_reason = reply_text = satisfaction = visit_note = closure_note = ""
                merged_into = None
                reopen_count = 0
                on_the_spot = "0"
                steps = []  # (at, actor, verb, before, after, note)
                roll = rand()
                stuck_at = int(rand() * 6) if roll < STUCK_SHARE else 99
                slow = channel in SLOW_CHANNELS
                if spot:
                    at = received + timedelta(minutes=10 + rint(50))
                    if at <= end and stuck_at > 0:
                        status, closed, handler, on_the_spot = "closed", at, officer, "1"
                        unit = squadron.id
                        closure_note = SPOT_NOTES[int(rand() * len(SPOT_NOTES))]
                        steps.append((at, officer, "close_on_the_spot", "received", '"closed"', closure_note))
                else:
                    fate = rand()
                    delay = (
                        (1 + rand() * 11)
                        if slow
                        else (0.005 + rand() * 0.03 if urgent else 0.02 + rand() * 0.38)
                    )
                    if rand() < 0.03:
                        delay += 1 + rand() * (10 if slow else 2)
                    at = received + timedelta(days=delay)
                    target = merge_targets.get((cat_id, district.id))
                    if stuck_at == 0 or at > end:
                        pass
                    elif fate < (0.08 if slow else 0.04):
                        status, closed = "rejected", at
                        reject_reason = REJECT_REASONS[int(rand() * len(REJECT_REASONS))]
                        steps.append((at, receiver, "reject", "received", '"rejected"', reject_reason))
                    elif fate > 0.98 and target is not None:
                        status, closed, merged_into = "merged", at, target[0]
                        steps.append(
                            (
                                at,
                                receiver,
                                "merge",
                                "received",
                                f'"merged", "merged_into": {target[0]}, "merged_into_number": "{target[1]}"',
                                "",
                            )
                        )
                    else:
                        status, accepted = "accepted", at
                        steps.append((at, receiver, "accept", "received", '"accepted"', ""))
                        if not from_receipt:
                            reply_due = dl.after(at, policy.reply_within, policy.unit, urgent)
                        cycles = 1
                        while True:
                            # dispatch → start → reply → visit → close (a reopen goes round once more)
                            at += timedelta(
                                days=(0.003 + rand() * 0.02) if urgent else (0.01 + rand() * 0.25)
                            )
                            if stuck_at <= 1 or at > end:
                                break
                            handler = officer if (rand() < 0.5 or cycles > 1) else None
                            previous_unit, unit, dispatched = (
                                (intake_unit if cycles == 1 else previous_unit),
                                squadron.id,
                                at,
                            )
                            status = "dispatched"
                            frm = "accepted" if cycles == 1 else "visited"
                            verb = "dispatch" if cycles == 1 else "reopen"
                            extra = (
                                (
                                    f'"dispatched", "from_unit": {intake_unit}, "unit": {squadron.id}, '
                                    f'"handler": {_json_int(handler)}'
                                )
                                if cycles == 1
                                else '"dispatched", "satisfaction": "unsatisfied"'
                            )
                            steps.append(
                                (
                                    at,
                                    receiver,
                                    verb,
                                    frm,
                                    extra,
                                    "" if cycles == 1 else "市民不满意，重新办理",
                                )
                            )
                            at += timedelta(
                                days=(0.01 + rand() * 0.04)
                                if urgent
                                else (1 + rand() * 9 if slow else 0.05 + rand() * 1.2)
                            )
                            if stuck_at <= 2 or at > end:
                                break
                            status, handler = "in_progress", officer
                            steps.append(
                                (
                                    at,
                                    officer,
                                    "start",
                                    "dispatched",
                                    f'"in_progress", "handler": {officer}',
                                    "",
                                )
                            )
                            window = (reply_due - at).total_seconds() if reply_due else 86400
                            if rand() < 0.06 or window < 3600:
                                at = max(at, reply_due or at) + timedelta(days=0.05 + rand() * 5)
                            else:
                                at += timedelta(seconds=window * (0.05 + rand() * 0.9))
                            if stuck_at <= 3 or at > end:
                                break
                            status, replied, replied_by = "replied", at, officer
                            reply_text = REPLIES[int(rand() * len(REPLIES))]
                            on_time = "true" if reply_due is None or at <= reply_due else "false"
                            steps.append(
                                (
                                    at,
                                    officer,
                                    "reply",
                                    "in_progress",
                                    f'"replied", "replied_on_time": {on_time}',
                                    "",
                                )
                            )
                            visit_due = dl.after(at, policy.visit_within, policy.visit_unit)
                            window = (visit_due - at).total_seconds()
                            at += timedelta(
                                seconds=window * (1.05 + rand() if rand() < 0.05 else 0.05 + rand() * 0.9)
                            )
                            if stuck_at <= 4 or at > end:
                                break
                            status, visited = "visited", at
                            satisfaction = satisfaction_table[int(rand() * len(satisfaction_table))]
                            visit_note = VISIT_NOTES[int(rand() * len(VISIT_NOTES))]
                            steps.append(
                                (
                                    at,
                                    receiver,
                                    "record_visit",
                                    "replied",
                                    f'"visited", "satisfaction": "{satisfaction}"',
                                    visit_note,
                                )
                            )
                            if satisfaction == "unsatisfied" and cycles == 1 and rand() < 0.5:
                                cycles, reopen_count = 2, 1
                                at += timedelta(days=0.1 + rand())
                                if at > end:
                                    break
                                # services.reopen: new reply deadline from now; the visit is to be done again
                                reply_due = dl.after(at, policy.reply_within, policy.unit, urgent)
                                visit_due = replied = visited = None
                                satisfaction = ""
                                at -= timedelta(days=0.01)  # the loop adds the dispatch delay back
                                continue
                            at += timedelta(days=0.005 + rand() * 0.3)
                            if stuck_at <= 5 or at > end:
                                break
                            status, closed = "closed", at
                            steps.append((at, receiver, "close", "visited", '"closed"', ""))
                            break
                    if status not in ("merged", "rejected"):
                        merge_targets[(cat_id, district.id)] = (pk, number)

                if status == "received":
                    due = accept_due
                elif status in ("accepted", "dispatched", "in_progress"):
                    due = reply_due
                elif status == "replied":
                    due = visit_due
                else:
                    due = None
                updated = steps[-1][0] if steps else received
                row = (
                    str(pk),
                    str(1 + len(steps)),
                    number,
                    _ts(received),
                    channel,
                    anonymous,
                    name,
                    phone,
                    address,
                    lat,
                    lng,
                    description,
                    status,
                    _ts(accept_due),
                    _ts(reply_due),
                    _ts(visit_due),
                    _ts(due),
                    _ts(accepted),
                    _ts(dispatched),
                    _ts(replied),
                    _ts(visited),
                    _ts(closed),
                    reject_reason,
                    "0",
                    reply_text,
                    satisfaction,
                    visit_note,
                    str(reopen_count),
                    "0",
                    "0",
                    on_the_spot,
                    closure_note,
                    _ts(received),
                    _ts(updated),
                    str(cat_id),
                    str(grid_id),
                    str(handler) if handler else None,
                    str(intake_unit),
                    str(merged_into) if merged_into else None,
                    str(previous_unit) if previous_unit else None,
                    str(receiver),
                    str(replied_by) if replied_by else None,
                    str(unit),
                ) + c_extra

                oid, repr_ = str(pk), f"{number} {title}"
                create = (
                    f'{{"number": "{number}", "received_at": {_json_ts(received)}, "channel": "{channel}", '
                    f'"is_anonymous": {"true" if anonymous == "1" else "false"}, "complainant_name": "{name}", '
                    f'"complainant_phone": "{phone}", "address": "{address}", "lat": "{lat}", "lng": "{lng}", '
                    f'"grid": {grid_id}, "category": {cat_id}, "description": "{description}", '
                    f'"unit": {intake_unit}, "intake_unit": {intake_unit}, "received_by": {receiver}, '
                    f'"status": "received", "accept_due_at": {_json_ts(accept_due)}, '
                    f'"reply_due_at": {_json_ts(intake_reply_due)}}}'
                )
                events = [
                    (
                        _ts(received),
                        str(receiver),
                        ct,
                        oid,
                        repr_,
                        "create",
                        "",
                        "api" if channel == "web" else "ui",
                        None,
                        create,
                        "",
                    )
                    + e_extra
                ]
                if steps and (received >= full_from or rand() < full_share):
                    for at, actor, verb, frm, after, note in steps:
                        events.append(
                            (
                                _ts(at),
                                str(actor),
                                ct,
                                oid,
                                repr_,
                                "transition",
                                verb,
                                "ui",
                                f'{{"status": "{frm}"}}',
                                f'{{"status": {after}}}',
                                note,
                            )
                            + e_extra
                        )
                yield row, events, status, due


# --- the cases (issue 11) -------------------------------------------------------------------------------
DEFAULT_CASES = 500_000  # with DEFAULT_COMPLAINTS; in proportion otherwise (`cases_for`)
GENERAL_SHARE = 0.03  # the bureau's summaries: 576 general against 14,173 simple cases a year
NEW_PARTY_SHARE = 0.70  # the rest are repeat offenders, found in the register
ORGANISATION_SHARE = 0.20
LINKED_SHARE = 0.20  # general cases opened from a complaint
SIMPLE_STUCK_SHARE = 0.003  # on-the-spot decisions never filed with the bureau: overdue for good
GENERAL_STUCK_SHARE = 0.02  # general cases that stall at some step
COMPLEX_SHARE = 0.10
HEARING_SHARE = 0.30  # of the cases whose penalty gives the right to a hearing
LONG_INVESTIGATION_SHARE = 0.05  # investigations of two to three months: the 90 days are extended (Art. 60)
EXTENSION_DAYS = 30
EXTENSION_REASON = "案情复杂，申请延长办案期限。"
ID_REGIONS = [
    "440103",
    "440104",
    "440105",
    "440106",
    "440111",
    "440112",
    "440113",
    "440114",
    "440115",
    "440117",
    "440118",
    "440303",
    "440304",
    "441302",
    "445102",
    "360102",
    "430105",
    "450103",
]
SHOP_KINDS = [
    "餐饮店",
    "便利店",
    "水果店",
    "五金店",
    "烧烤店",
    "建材商行",
    "广告有限公司",
    "装饰工程有限公司",
    "物业管理有限公司",
    "建筑工程有限公司",
    "运输有限公司",
    "商贸有限公司",
]
SHOP_WORDS = ["鑫", "顺", "发", "隆", "盛", "达", "兴", "旺", "福", "源", "祥", "和", "嘉", "恒", "泰", "丰"]
FACT_OPENINGS = ["执法队员巡查时发现", "经现场检查，", "根据群众投诉，执法队员到场核实，", "经调查核实，"]
REPORTS = [
    "经调查，当事人的违法事实清楚，证据确实充分，建议依法给予行政处罚。",
    "当事人对违法事实供认不讳，已提交询问笔录、现场检查笔录及照片为证，建议依法处罚。",
]
CORRECTIONS = [
    "责令当事人立即改正违法行为。",
    "责令当事人限期三日内自行整改。",
    "责令当事人立即停止违法行为并恢复原状。",
]
STATEMENTS = [
    "当事人表示认识到错误，请求从轻处罚。",
    "当事人对处罚无异议。",
    "当事人称系初次违法，已自行整改。",
]
EVIDENCE_KINDS = [
    ("inquiry_record", "pdf", "application/pdf", ".pdf", "询问笔录"),
    ("inspection_record", "pdf", "application/pdf", ".pdf", "现场检查笔录"),
    ("photo", "photo", "image/jpeg", ".jpg", "现场照片"),
    ("photo", "photo", "image/jpeg", ".jpg", "现场照片"),
    ("video", "video", "video/mp4", ".mp4", "执法记录仪视频"),
    ("document", "pdf", "application/pdf", ".pdf", "营业执照复印件"),
]
PARTY_COLUMNS = [
    "id",
    "version",
    "party_type",
    "name",
    "id_number",
    "credit_code",
    "legal_representative",
    "phone",
    "address",
    "created_by_id",
    "created_at",
    "updated_at",
]
CASE_COLUMNS = [
    "id",
    "version",
    "number",
    "procedure",
    "status",
    "source",
    "complaint_id",
    "party_id",
    "category_id",
    "unit_id",
    "grid_id",
    "address",
    "lat",
    "lng",
    "act_date",
    "act_continuing",
    "harms_safety",
    "facts",
    "legal_basis",
    "penalty_basis",
    "is_complex",
    "major_public_interest",
    "registered_by_id",
    "registered_at",
    "handler_id",
    "co_handler_id",
    "filing_due_at",
    "lead_decided_at",
    "filed_at",
    "decision_due_at",
    "extended_days",
    "report",
    "reported_at",
    "reported_by_id",
    "correction_order",
    "notified_at",
    "hearing_request_due_at",
    "statement",
    "hearing_requested_at",
    "hearing_at",
    "hearing_place",
    "hearing_chair_id",
    "hearing_held_at",
    "hearing_record",
    "decided_at",
    "decided_by_id",
    "fine_decided",
    "first_violation",
    "service_due_at",
    "served_at",
    "paid_on_spot",
    "receipt_no",
    "cash_due_at",
    "cash_handed_over_at",
    "bureau_filing_due_at",
    "bureau_filed_at",
    "bureau_filed_by_id",
    "outcome_reason",
    "transferred_to",
    "closed_at",
    "archived_at",
    "due_at",
    "created_at",
    "updated_at",
]
PENALTY_COLUMNS = ["id", "case_id", "stage", "kind", "amount", "detail", "area", "deadline_days"]
EVIDENCE_COLUMNS = [
    "id",
    "file",
    "kind",
    "original_name",
    "content_type",
    "size",
    "sha256",
    "uploaded_by_id",
    "uploaded_at",
    "captured_at",
    "lat",
    "lng",
    "case_id",
    "evidence_type",
    "description",
    "after_decision",
]
APPROVAL_COLUMNS = [
    "id",
    "requested_by_id",
    "requested_at",
    "reason",
    "due_at",
    "decision",
    "decided_by_id",
    "decided_at",
    "opinion",
    "kind",
    "case_id",
    "days",
    "proposal",
    "decided_by_role",
]
LINK_COLUMNS = ["id", "complaint_id", "content_type_id", "object_id", "created_by_id", "created_at"]
CASE_EVENT_COLUMNS = EVENT_COLUMNS + ["root_content_type_id", "root_object_id"]
_CASE_DEFAULTS = {
    "version": "1",
    "source": "patrol",
    "complaint_id": None,
    "act_continuing": "0",
    "harms_safety": "0",
    "is_complex": "0",
    "major_public_interest": "0",
    "extended_days": "0",
    "report": "",
    "statement": "",
    "hearing_place": "",
    "hearing_record": "",
    "first_violation": "0",
    "paid_on_spot": "0",
    "receipt_no": "",
    "outcome_reason": "",
    "transferred_to": "",
    "correction_order": "",
}


def cases_for(complaints):
    """The cases that go with `complaints` complaints: 500,000 with 2 million, in proportion otherwise."""
    return round(complaints * DEFAULT_CASES / DEFAULT_COMPLAINTS)


def id_number_for(serial, rng):
    """A well-formed resident identity card number (GB 11643-1999), distinct for each `serial` < 20 million:
    the birth date and the 3-digit sequence encode it (7919 is prime to 20,000, so a block of 20,000 serials
    gets 20,000 different birth dates), the check digit is `cases.identity`'s."""
    from cases.identity import id_number_check_char

    born = date(1955, 1, 1) + timedelta(days=(serial * 7919) % 20_000)
    first17 = f"{ID_REGIONS[int(rng.random() * len(ID_REGIONS))]}{born:%Y%m%d}{serial // 20_000:03d}"
    return first17 + id_number_check_char(first17)


def credit_code_for(serial):
    """A well-formed unified social credit code (GB 32100-2015), distinct for each serial: 91 (an enterprise
    registered with market regulation), a region, the serial as the organisation code, `cases.identity`'s
    check character."""
    from cases.identity import credit_code_check_char

    first17 = f"91{ID_REGIONS[serial % len(ID_REGIONS)]}{serial:08d}M"
    return first17 + credit_code_check_char(first17)


def _money_text(value):
    return None if value is None else f"{value:.2f}"


class _CaseLaw:
    """`cases.rules`' deadlines and the penalty law of `enforcement.catalog.law`, memoised: every deadline of
    a case is the end of a local day computed from the local date of its start (working days or days, as
    rules.py says), so the rule is asked once per (rule, local date) and the answer reused, in naive UTC."""

    def __init__(self, deadlines):
        from cases import rules
        from enforcement.catalog import law

        self.rules, self.law, self.dl = rules, law, deadlines
        self._memo = {}

    def due(self, rule, moment, *args):
        key = (rule, self.dl.local_date(moment), args)
        found = self._memo.get(key)
        if found is None:
            aware = getattr(self.rules, rule)(moment.replace(tzinfo=UTC), *args)
            found = self._memo[key] = aware.astimezone(UTC).replace(tzinfo=None)
        return found

    def earliest_hearing(self, moment):
        """The first day a hearing may be held when noticed at `moment` (Art. 64), 09:30 local, naive UTC."""
        from django.utils import timezone

        day = self.rules.earliest_hearing_day(self.dl.local_date(moment))
        aware = datetime.combine(
            day, datetime.min.time().replace(hour=9, minute=30), tzinfo=timezone.get_default_timezone()
        )
        return aware.astimezone(UTC).replace(tzinfo=None)

    def ask(self, question, *args):
        key = (question, *args)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = getattr(self.law, question)(*args)
        return found


class _LiveDue:
    """A case as `Case.live_due_at` reads it, so the generator asks the model's own method (no Case
    instance: building 500,000 of them costs 25 s). The moments given are the row's; any other field is its
    default, as in the row the generator writes (`_columns`)."""

    def __init__(self, **values):
        self.__dict__.update(values)

    def __getattr__(self, name):
        from cases.models import Case

        return Case._meta.get_field(name).get_default()

    @property
    def is_simple(self):
        return self.procedure == "simple"


def _live_due(**values):
    from cases.models import Case

    return Case.live_due_at(_LiveDue(**values))


class _CaseStream:
    """Yields chunks of rows for the case tables, cases in registration order. Pure but for the law's
    memoised answers (`_CaseLaw`)."""

    def __init__(
        self,
        city,
        deadlines,
        complaint_stream,
        *,
        cases,
        seed,
        start,
        end,
        full_history_days,
        full_history_share,
        content_types,
        extras,
    ):
        from decimal import Decimal

        self.city, self.dl, self.law = city, deadlines, _CaseLaw(deadlines)
        self.n, self.seed, self.start, self.end = cases, seed, start, end
        self.full_from = end - timedelta(days=full_history_days)
        self.full_share = full_history_share
        self.ct = {label: str(pk) for label, pk in content_types.items()}
        self.extras = extras
        self.sequences = {}
        self.district_of = complaint_stream.district_of
        # complaint ids by local day of receipt: [(day, first id, last id)]
        self.complaint_days, first = [], 1
        for day, count in sorted(complaint_stream.sequences.items()):
            self.complaint_days.append((day, first, first + count - 1))
            first += count
        self.Decimal = Decimal
        self.summary = {
            "parties": 0,
            "penalties": 0,
            "evidence": 0,
            "approvals": 0,
            "links": 0,
            "events": 0,
            "by_procedure": {},
            "by_status": {},
            "open": 0,
            "overdue": 0,
            "pending_approvals": 0,
        }

    # --- helpers -----------------------------------------------------------------------------------
    def _complaint_before(self, moment, district_index, rng):
        """(id, number) of a complaint received 1-10 days before `moment` in the same district, or None."""
        import bisect

        local = self.dl.local_date(moment)
        day = local - timedelta(days=1 + int(rng.random() * 10))
        days = self.complaint_days
        i = bisect.bisect_right(days, (day, 10**12, 10**12)) - 1
        if i < 0:
            return None
        _day, first, last = days[i]
        pk = first + int(rng.random() * (last - first + 1))
        for candidate in range(pk, max(first, pk - 400) - 1, -1):
            if self.district_of[candidate] == district_index:
                return candidate, f"TS{_day:%Y%m%d}{candidate - first + 1:04d}"
        return None

    def __iter__(self):
        rng = random.Random(self.seed * 31 + 11)
        self.rng, self.rand = rng, rng.random
        city, dl = self.city, self.dl
        categories = city.case_categories
        weights = [(c, CATEGORY_WEIGHTS.get(c["code"], 1)) for c in categories]
        self.simple_table = _table([(c, w) for c, w in weights if c["simple"]])
        self.general_table = _table([(c, GENERAL_WEIGHTS.get(c["code"], w)) for c, w in weights])
        district_table = _table(list(enumerate(DISTRICT_WEIGHTS[: len(city.districts)])))
        hour_table = _table(list(enumerate(HOUR_WEIGHTS)), 2400)
        days, counts, end_local = _day_counts(dl, self.start, self.end, self.n)
        offset = dl.fixed or timedelta(0)
        self.ids = {"party": 0, "case": 0, "penalty": 0, "evidence": 0, "approval": 0, "link": 0}
        self.parties_by_district = [[] for _ in city.districts]  # [(id, type)]
        chunk = self._new_chunk()
        for day, count in zip(days, counts, strict=True):
            if not count:
                continue
            if count > 9999:
                raise RuntimeError(f"{count} cases on {day}: the daily serial has 4 digits.")
            midnight = datetime.combine(day, datetime.min.time())
            if day == days[-1]:
                limit = (end_local - midnight).total_seconds()
                seconds = sorted(self.rand() * limit for _ in range(count))
            else:
                seconds = sorted(
                    hour_table[int(self.rand() * len(hour_table))] * 3600 + self.rand() * 3600
                    for _ in range(count)
                )
            self.sequences[day] = count
            for serial, second in enumerate(seconds, start=1):
                registered = midnight + timedelta(seconds=int(second)) - offset
                number = f"AJ{day:%Y%m%d}{serial:04d}"
                district_index = district_table[int(self.rand() * len(district_table))]
                if self.rand() < GENERAL_SHARE:
                    self._general(chunk, registered, number, district_index)
                else:
                    self._simple(chunk, registered, number, district_index)
                if len(chunk["cases"]) >= 20_000:
                    yield chunk
                    chunk = self._new_chunk()
        if chunk["cases"]:
            yield chunk

    def _new_chunk(self):
        return {
            "parties": [],
            "cases": [],
            "penalties": [],
            "evidence": [],
            "approvals": [],
            "links": [],
            "events": [],
        }

    def _next(self, table):
        self.ids[table] += 1
        return self.ids[table]

    # --- rows ----------------------------------------------------------------------------------------
    def _event(
        self, chunk, at, actor, model, object_id, repr_, action, verb, before, after, note="", root=None
    ):
        chunk["events"].append(
            (
                _ts(at),
                str(actor) if actor else None,
                self.ct[model],
                str(object_id),
                repr_[:200],
                action,
                verb,
                "ui",
                before,
                after,
                note,
                self.ct["case"] if root else None,
                str(root) if root else None,
            )
            + self.extras["event"]
        )

    def _party(self, chunk, district_index, moment, registrar, organisation):
        """A party of the district's register: a repeat offender (an earlier party of the district, the
        older ones more often) or a new one, registered a few minutes before the case."""
        rand = self.rand
        pool = self.parties_by_district[district_index]
        if pool and rand() > NEW_PARTY_SHARE:
            return pool[int(rand() ** 2 * len(pool))]
        pk = self._next("party")
        district = self.city.districts[district_index]
        town = district.name[:-2]
        if organisation:
            kind = SHOP_KINDS[int(rand() * len(SHOP_KINDS))]
            word = SHOP_WORDS[int(rand() * len(SHOP_WORDS))] + SHOP_WORDS[int(rand() * len(SHOP_WORDS))]
            name = f"江州市{town}区{word}{kind}"
            party_type, id_number, credit_code = "organisation", "", credit_code_for(pk)
            representative = SURNAMES[int(rand() * len(SURNAMES))] + GIVEN[int(rand() * len(GIVEN))] * 1
        else:
            name = SURNAMES[int(rand() * len(SURNAMES))] + GIVEN[int(rand() * len(GIVEN))]
            if rand() < 0.6:
                name += GIVEN[int(rand() * len(GIVEN))]
            party_type, id_number, credit_code, representative = (
                "individual",
                id_number_for(pk, self.rng),
                "",
                "",
            )
        phone = f"1{(3, 5, 7, 8, 9)[int(rand() * 5)]}{self.rng.randrange(100_000_000, 999_999_999)}"
        address = f"{town}区{STREETS[int(rand() * len(STREETS))]}{self.rng.randrange(1, 400)}号"
        created = moment - timedelta(minutes=2 + int(rand() * 10))
        chunk["parties"].append(
            (
                str(pk),
                "1",
                party_type,
                name,
                id_number,
                credit_code,
                representative,
                phone,
                address,
                str(registrar),
                _ts(created),
                _ts(created),
            )
            + self.extras["party"]
        )
        masked = id_number[:6] + "********" + id_number[-4:] if id_number else ""
        self._event(
            chunk,
            created,
            registrar,
            "party",
            pk,
            name,
            "create",
            "",
            None,
            f'{{"party_type": "{party_type}", "name": "{name}", "id_number": "{masked}", '
            f'"credit_code": "{credit_code}"}}',
        )
        party = (pk, party_type)
        pool.append(party)
        self.summary["parties"] += 1
        return party

    def _place(self, squadron, district):
        rand, rint = self.rand, self.rng.randrange
        grid_id, g_lat, g_lng = squadron.grids[int(rand() * len(squadron.grids))]
        lat, lng = _micro(g_lat + rint(20_000)), _micro(g_lng + rint(10_000))
        street = STREETS[int(rand() * len(STREETS))]
        if rand() < 0.7:
            address = f"{district.name[:-2]}{street}{rint(1, 400)}号"
        else:
            address = f"{district.name[:-2]}{street}{LANDMARKS[int(rand() * len(LANDMARKS))]}"
        return grid_id, lat, lng, address

    def _case_row(self, **values):
        row = dict(_CASE_DEFAULTS)
        row.update(values)
        return tuple(row.get(column) for column in CASE_COLUMNS) + self.extras["case"]

    def _fine(self, category, party_type, ceiling=None):
        """A fine in the category's range for the party, in steps of 50 yuan (under `ceiling`), or None."""
        low, high = category[f"min_{party_type}"], category[f"max_{party_type}"]
        if low is None and high is None:
            return None
        low = low or self.Decimal(50)
        high = high if high is not None else low * 10
        if ceiling is not None:
            high = min(high, ceiling)
        if high < low:
            return None
        steps = int((high - low) // 50)
        fine = low + 50 * int(self.rand() ** 1.5 * (steps + 1))
        return min(fine, high)

    def _count(self, procedure, status, due):
        s = self.summary
        s["by_procedure"][procedure] = s["by_procedure"].get(procedure, 0) + 1
        s["by_status"][status] = s["by_status"].get(status, 0) + 1
        from cases.choices import OPEN_STATUSES

        if status in OPEN_STATUSES:
            s["open"] += 1
            if due is not None and due < self.end:
                s["overdue"] += 1

    def _facts(self, category, address, act_date):
        phrases = PROBLEMS.get(category["code"]) or [f"存在{category['name']}行为"]
        problem = phrases[int(self.rand() * len(phrases))]
        opening = FACT_OPENINGS[int(self.rand() * len(FACT_OPENINGS))]
        return f"{act_date:%Y年%m月%d日}，{opening}当事人在{address}{problem.removeprefix('有人')}。"

    # --- the simple procedure ------------------------------------------------------------------------
    def _simple(self, chunk, registered, number, district_index):
        """简易程序: decided on the spot (Art. 51-52), cash handed over (Art. 71), filed with the bureau by the
        squad leader (备案); a fine not paid on the spot keeps it executing until paid, then closed with a
        closing approval."""
        rand, law, end = self.rand, self.law, self.end
        district = self.city.districts[district_index]
        squadron = district.squadrons[int(rand() * len(district.squadrons))]
        officer = squadron.officers[int(rand() * len(squadron.officers))]
        category = self.simple_table[int(rand() * len(self.simple_table))]
        organisation = category["min_individual"] is None and category["max_individual"] is None
        organisation = organisation or rand() < ORGANISATION_SHARE / 2
        party_id, party_type = self._party(chunk, district_index, registered, officer, organisation)
        pk = self._next("case")
        grid_id, lat, lng, address = self._place(squadron, district)
        act_date = self.dl.local_date(registered)
        facts = self._facts(category, address, act_date)
        fine = None
        if rand() > 0.3:
            ceiling = self.Decimal(200 if party_type == "individual" else 3000)
            fine = self._fine(category, party_type, ceiling)
            if fine is not None and not law.ask("simple_procedure_permits", fine, party_type):
                fine = None
        kind = "fine" if fine is not None else "warning"
        paid = fine is not None and law.ask("cash_on_the_spot_permitted", fine) and rand() < 0.6
        decided = registered
        cash_due = law.due("cash_handover_due", decided) if paid else None
        filing_due = law.due("bureau_filing_due", decided)
        stuck = rand() < SIMPLE_STUCK_SHARE
        leader = squadron.leader
        cash_at = filed_at = closed_at = None
        status = "decided"
        steps = []
        if paid:
            cash_at = decided + timedelta(hours=2 + rand() * 30)
            if cash_at > end or stuck:
                cash_at = None
            else:
                steps.append((cash_at, officer, "hand_over_cash", "decided", "decided"))
        if not stuck and (cash_at or not paid):
            filed_at = max(
                decided + timedelta(days=0.2 + rand() * 2.5), (cash_at or decided) + timedelta(hours=1)
            )
            if filed_at > end:
                filed_at = None
        owes = fine is not None and not paid
        closing = None
        if filed_at:
            status = "executing" if owes else "closed"
            steps.append((filed_at, leader, "acknowledge_filing", "decided", status))
            if owes:
                paid_at = filed_at + timedelta(days=1 + rand() * 14)
                if paid_at <= end and rand() > 0.01:
                    closing = (paid_at, paid_at + timedelta(days=0.2 + rand() * 3))
                    if closing[1] > end:
                        closing = (paid_at, None)
                    else:
                        status, closed_at = "closed", closing[1]
            else:
                closed_at = filed_at
        due = _live_due(
            status=status,
            procedure="simple",
            decided_at=decided,
            served_at=decided,
            bureau_filing_due_at=filing_due,
            bureau_filed_at=filed_at,
            paid_on_spot=paid,
            cash_handed_over_at=cash_at,
            cash_due_at=cash_due,
            closed_at=closed_at,
        )
        updated = closed_at or (closing[0] if closing else None) or filed_at or cash_at or registered
        chunk["cases"].append(
            self._case_row(
                id=str(pk),
                number=number,
                procedure="simple",
                status=status,
                party_id=str(party_id),
                category_id=str(category["id"]),
                unit_id=str(squadron.id),
                grid_id=str(grid_id),
                address=address,
                lat=lat,
                lng=lng,
                act_date=act_date.isoformat(),
                facts=facts,
                legal_basis=category["legal_basis"],
                penalty_basis=category["penalty_basis"],
                registered_by_id=str(officer),
                registered_at=_ts(registered),
                handler_id=str(officer),
                correction_order=CORRECTIONS[0],
                decided_at=_ts(decided),
                decided_by_id=str(officer),
                fine_decided=_money_text(fine),
                served_at=_ts(decided),
                paid_on_spot="1" if paid else "0",
                receipt_no=f"JZ{pk:010d}" if paid else "",
                cash_due_at=_ts(cash_due),
                cash_handed_over_at=_ts(cash_at),
                bureau_filing_due_at=_ts(filing_due),
                bureau_filed_at=_ts(filed_at),
                bureau_filed_by_id=str(leader) if filed_at else None,
                closed_at=_ts(closed_at),
                due_at=_ts(due),
                created_at=_ts(registered),
                updated_at=_ts(updated),
                version=str(1 + len(steps) + (2 if closing else 0)),
            )
        )
        self._count("simple", status, due)
        penalty = self._next("penalty")
        chunk["penalties"].append((str(penalty), str(pk), "decided", kind, _money_text(fine), "", None, None))
        self.summary["penalties"] += 1
        repr_ = f"{number} {facts[:23]}…"
        self._event(
            chunk,
            registered,
            officer,
            "case",
            pk,
            repr_,
            "create",
            "decide_on_the_spot",
            None,
            f'{{"number": "{number}", "procedure": "simple", "status": "decided", '
            f'"fine_decided": {_json_money(fine)}, "paid_on_spot": {"true" if paid else "false"}}}',
        )
        full = registered >= self.full_from or rand() < self.full_share
        if rand() < 0.15:
            self._evidence(chunk, pk, number, registered, officer, 1 + int(rand() * 2), lat, lng, full)
        if not full:
            if closing:
                self._approval(
                    chunk,
                    pk,
                    number,
                    "case_closing",
                    closing[0],
                    officer,
                    "罚款已缴纳，申请结案。",
                    None,
                    closing[1],
                    leader,
                    full=False,
                )
            return
        for at, actor, verb, frm, to in steps:
            self._event(
                chunk,
                at,
                actor,
                "case",
                pk,
                repr_,
                "transition",
                verb,
                f'{{"status": "{frm}"}}',
                f'{{"status": "{to}"}}',
            )
        if closing:
            self._event(
                chunk,
                closing[0],
                officer,
                "case",
                pk,
                repr_,
                "transition",
                "request_closing",
                '{"status": "executing"}',
                '{"status": "executing"}',
                "罚款已缴纳，申请结案。",
            )
            self._approval(
                chunk,
                pk,
                number,
                "case_closing",
                closing[0],
                officer,
                "罚款已缴纳，申请结案。",
                None,
                closing[1],
                leader,
            )
            if closing[1]:
                self._event(
                    chunk,
                    closing[1],
                    leader,
                    "case",
                    pk,
                    repr_,
                    "transition",
                    "decide_closing",
                    '{"status": "executing"}',
                    '{"status": "closed"}',
                )

    def _evidence(
        self, chunk, case_id, number, captured, by, count, lat, lng, events=True, after_decision=False
    ):
        rand = self.rand
        for n in range(count):
            pk = self._next("evidence")
            evidence_type, kind, content_type, extension, label = EVIDENCE_KINDS[
                int(rand() * len(EVIDENCE_KINDS))
            ]
            sha = f"{self.rng.getrandbits(256):064x}"
            size = 40_000 + int(rand() * (8_000_000 if kind == "video" else 900_000))
            at = captured + timedelta(minutes=n * 3)
            name = f"{label}{n + 1}{extension}"
            chunk["evidence"].append(
                (
                    str(pk),
                    f"cases/{at:%Y/%m}/{sha}{extension}",
                    kind,
                    name,
                    content_type,
                    str(size),
                    sha,
                    str(by),
                    _ts(at + timedelta(minutes=5)),
                    _ts(at),
                    lat,
                    lng,
                    str(case_id),
                    evidence_type,
                    f"{label}（{number}）",
                    "1" if after_decision else "0",
                )
                + self.extras["evidence"]
            )
            self.summary["evidence"] += 1
            if events:
                self._event(
                    chunk,
                    at + timedelta(minutes=5),
                    by,
                    "case",
                    case_id,
                    number,
                    "update",
                    "add_attachment",
                    None,
                    f'{{"attachment": {pk}, "name": "{name}", "sha256": "{sha}", "kind": "{kind}", '
                    f'"size": {size}}}',
                )

    def _approval(
        self,
        chunk,
        case_id,
        number,
        kind,
        requested,
        by,
        reason,
        due,
        decided,
        decider,
        decision="approved",
        opinion="同意。",
        days=None,
        proposal="{}",
        role="",
        full=True,
    ):
        """One approval record: requested, and decided unless `decided` is None or after the end (pending)."""
        pk = self._next("approval")
        if decided is not None and decided > self.end:
            decided = None
        pending = decided is None
        chunk["approvals"].append(
            (
                str(pk),
                str(by),
                _ts(requested),
                reason,
                _ts(due),
                "pending" if pending else decision,
                None if pending else str(decider),
                None if pending else _ts(decided),
                "" if pending else opinion,
                kind,
                str(case_id),
                None if days is None else str(days),
                proposal,
                "" if pending else role,
            )
            + self.extras["approval"]
        )
        self.summary["approvals"] += 1
        self.summary["pending_approvals"] += pending
        if full:
            repr_ = f"{number} {kind}"
            self._event(
                chunk,
                requested,
                by,
                "approval",
                pk,
                repr_,
                "create",
                "request_approval",
                None,
                f'{{"kind": "{kind}", "decision": "pending"}}',
                reason,
                root=case_id,
            )
            if not pending:
                self._event(
                    chunk,
                    decided,
                    decider,
                    "approval",
                    pk,
                    repr_,
                    "transition",
                    "decide_approval",
                    '{"decision": "pending"}',
                    f'{{"decision": "{decision}", "decided_by": {decider}}}',
                    opinion,
                    root=case_id,
                )
        return decided

    # --- the general procedure -----------------------------------------------------------------------
    def _general(self, chunk, registered, number, district_index):
        """一般程序, step by step until the end of the data (or a stall): lead → filing approved → officers
        assigned → evidence → report and its review (legal review where Art. 58 says so) → collective
        discussion for complex cases → advance notice (a hearing when requested and the penalty qualifies)
        → decision request and decision (an extension when the 90 days would run out) → service →
        execution → closing approval → archive; some not filed, transferred, revoked or with no penalty."""
        rand, law, end = self.rand, self.law, self.end
        city = self.city
        district = city.districts[district_index]
        complaint_id = complaint_number = None
        if rand() < LINKED_SHARE:
            found = self._complaint_before(registered, district_index, self.rng)
            if found:
                complaint_id, complaint_number = found
        squadron = district.squadrons[int(rand() * len(district.squadrons))]
        officers = list(squadron.officers)
        a = officers.pop(int(rand() * len(officers)))
        b = officers[int(rand() * len(officers))]
        leader, head, legal = squadron.leader, district.head, district.legal
        category = self.general_table[int(rand() * len(self.general_table))]
        no_individual = category["min_individual"] is None and category["max_individual"] is None
        organisation = no_individual or rand() < ORGANISATION_SHARE * 2
        party_id, party_type = self._party(chunk, district_index, registered, a, organisation)
        pk = self._next("case")
        grid_id, lat, lng, address = self._place(squadron, district)
        act_date = self.dl.local_date(registered - timedelta(days=int(rand() * 20)))
        facts = self._facts(category, address, act_date)
        repr_ = f"{number} {facts[:23]}…"
        is_complex = rand() < COMPLEX_SHARE
        public = is_complex and rand() < 0.3
        stuck_at = int(rand() * 12) if rand() < GENERAL_STUCK_SHARE else 99
        c = {
            "id": str(pk),
            "number": number,
            "procedure": "general",
            "status": "lead",
            "source": "complaint" if complaint_id else "patrol",
            "complaint_id": str(complaint_id) if complaint_id else None,
            "party_id": str(party_id),
            "category_id": str(category["id"]),
            "unit_id": str(squadron.id),
            "grid_id": str(grid_id),
            "address": address,
            "lat": lat,
            "lng": lng,
            "act_date": act_date.isoformat(),
            "facts": facts,
            "legal_basis": category["legal_basis"],
            "penalty_basis": category["penalty_basis"],
            "is_complex": "1" if is_complex else "0",
            "major_public_interest": "1" if public else "0",
            "registered_by_id": str(a),
            "registered_at": _ts(registered),
            "handler_id": str(a),
            "created_at": _ts(registered),
        }
        moments = {"filing_due_at": law.due("filing_due", registered)}
        events = []  # (at, actor, verb, from, to, note)
        self._event(
            chunk,
            registered,
            a,
            "case",
            pk,
            repr_,
            "create",
            "register_case",
            None,
            f'{{"number": "{number}", "procedure": "general", "status": "lead", "party": {party_id}}}',
        )
        if complaint_id:
            link = self._next("link")
            chunk["links"].append(
                (str(link), str(complaint_id), self.ct["case"], str(pk), str(a), _ts(registered))
                + self.extras["link"]
            )
            self.summary["links"] += 1
            self._event(
                chunk,
                registered,
                a,
                "complaint",
                complaint_id,
                complaint_number,
                "update",
                "link",
                None,
                f'{{"model": "case", "object_id": "{pk}"}}',
            )
        status = "lead"
        step = 0

        def go(at):
            nonlocal step
            step += 1
            return at <= end and step != stuck_at

        def move(at, actor, verb, to, note=""):
            nonlocal status
            events.append((at, actor, verb, status, to, note))
            status = to

        at = registered + timedelta(days=0.1 + rand() * 2)
        fate = rand()
        while True:  # one pass; `break` where the case stops
            if fate < 0.04:  # not filed (不予立案), or transferred at once (移送)
                at += timedelta(days=1 + rand() * 5)
                if not go(at):
                    break
                if fate < 0.03:
                    c["outcome_reason"] = "经核查，违法事实不能成立，不予立案。"
                    move(at, leader, "not_file", "not_filed", c["outcome_reason"])
                else:
                    c["outcome_reason"], c["transferred_to"] = (
                        "涉嫌违反治安管理处罚法，依法移送。",
                        "江州市公安局",
                    )
                    move(at, leader, "transfer", "transferred", c["outcome_reason"])
                moments["lead_decided_at"] = at
                break
            if not go(at):
                break
            move(at, a, "request_filing", "lead", "违法事实基本清楚，建议立案调查。")
            decided = at + timedelta(days=0.5 + rand() * 6)
            decided = self._approval(
                chunk,
                pk,
                number,
                "case_filing",
                at,
                a,
                "违法事实基本清楚，建议立案调查。",
                moments["filing_due_at"],
                decided if go(decided) else None,
                leader,
            )
            if decided is None:
                break
            at = decided
            moments["filed_at"] = moments["lead_decided_at"] = at
            moments["decision_due_at"] = law.due("decision_due", at)
            extended = 0
            move(at, leader, "decide_filing", "filed")
            at += timedelta(days=rand() * 2)
            if not go(at):
                break
            c["co_handler_id"] = str(b)
            move(at, leader, "assign_officers", "investigating")
            capture = at + timedelta(days=0.2 + rand() * 3)
            if capture <= end:
                self._evidence(
                    chunk, pk, number, capture, a if rand() < 0.5 else b, 1 + int(rand() * 3), lat, lng
                )
            if fate > 0.99:  # transferred during the investigation
                at += timedelta(days=3 + rand() * 10)
                if go(at):
                    c["outcome_reason"], c["transferred_to"] = "案件涉嫌犯罪，依法移送。", "江州市公安局"
                    move(at, leader, "transfer", "transferred", c["outcome_reason"])
                break
            if 0.98 < fate <= 0.99:  # filing revoked
                at += timedelta(days=3 + rand() * 10)
                if go(at):
                    c["outcome_reason"] = "经调查，违法行为不是当事人所为，撤销立案。"
                    move(at, head, "revoke_filing", "revoked", c["outcome_reason"])
                break
            # the proposal, from the category's range for the party
            kinds = []
            fine = self._fine(category, party_type)
            if category["code"].startswith("02"):
                kinds.append("demolish")
            if fine is not None and (not kinds or rand() < 0.5):
                kinds.append("fine")
            if not kinds:
                kinds.append("warning")
            value = None
            if category["code"] in ("0601", "0602", "0701", "0901") and rand() < 0.3:
                kinds.append("confiscate_property")
                value = self.Decimal(200 + 100 * int(rand() * 30))
            order = _demolition_plan(self.seed, pk) if "demolish" in kinds else None
            proposal = self.law.rules.Proposal(
                kinds,
                fine if "fine" in kinds else None,
                value,
                "",
                CORRECTIONS[int(rand() * len(CORRECTIONS))],
                order.area if order else None,
                order.days if order else None,
            )
            subject = _CaseFacts(party_type, is_complex, public)

            def extend(asked):
                """Art. 60: 30 more days, asked of the bureau head 5-10 days before the limit; the
                approval's time, or None where the case stops."""
                nonlocal extended
                if not go(asked):
                    return None
                move(asked, a, "request_extension", status, EXTENSION_REASON)
                decided = self._approval(
                    chunk,
                    pk,
                    number,
                    "case_extension",
                    asked,
                    a,
                    EXTENSION_REASON,
                    moments["decision_due_at"],
                    (asked + timedelta(days=0.5 + rand() * 2)) if go(asked) else None,
                    head,
                    days=EXTENSION_DAYS,
                )
                if decided is None:
                    return None
                extended += EXTENSION_DAYS
                moments["decision_due_at"] = law.due("decision_due", moments["filed_at"], extended)
                move(decided, head, "decide_extension", status)
                return decided

            started = at
            long = rand() < LONG_INVESTIGATION_SHARE
            at += timedelta(days=(55 + rand() * 40) if long else (8 + rand() * 35))
            if at + timedelta(days=20) > moments["decision_due_at"]:  # the report comes late: extend first
                asked = max(
                    started + timedelta(hours=1), moments["decision_due_at"] - timedelta(days=5 + rand() * 5)
                )
                decided = extend(asked)
                if decided is None:
                    break
                at = max(at, decided + timedelta(hours=1))
            if not go(at):
                break
            c.update(
                report=REPORTS[int(rand() * len(REPORTS))],
                reported_at=_ts(at),
                reported_by_id=str(a),
                correction_order=proposal.correction_order,
            )
            move(at, a, "submit_report", "review")
            for kind in kinds:
                self._penalty(chunk, pk, "notified", kind, proposal)
            legal_needed = bool(self.law.rules.legal_review_reason(subject, proposal))
            review_kind, reviewer = (
                ("case_legal_review", legal) if legal_needed else ("case_report_review", leader)
            )
            decided = at + timedelta(days=1 + rand() * 5)
            decided = self._approval(
                chunk,
                pk,
                number,
                review_kind,
                at,
                a,
                c["report"],
                moments["decision_due_at"],
                decided if go(decided) else None,
                reviewer,
                role="legal_reviewer" if legal_needed else "squad_leader",
            )
            if decided is None:
                break
            at = decided
            if (
                fate > 0.955
            ):  # no penalty (不予处罚), e.g. a first minor violation corrected in time (Art. 33)
                at += timedelta(days=1 + rand() * 5)
                if go(at):
                    c.update(
                        outcome_reason="当事人系初次违法且危害后果轻微并及时改正，依法不予处罚。",
                        first_violation="1",
                    )
                    moments["decided_at"] = at
                    c["decided_by_id"] = str(head)
                    move(at, head, "decide_no_penalty", "no_penalty", c["outcome_reason"])
                break
            if is_complex:
                move(at, reviewer, "decide_review", "discussion")
                decided = at + timedelta(days=2 + rand() * 5)
                decided = self._approval(
                    chunk,
                    pk,
                    number,
                    "case_discussion",
                    at,
                    a,
                    c["report"],
                    moments["decision_due_at"],
                    decided if go(decided) else None,
                    head,
                    opinion="经集体讨论，同意拟处罚意见。",
                )
                if decided is None:
                    break
                at = decided
            else:
                move(at, reviewer, "decide_review", "review")
            at += timedelta(days=0.3 + rand() * 3)
            if not go(at):
                break
            moments["notified_at"] = at
            moments["hearing_request_due_at"] = law.due("hearing_request_due", at)
            move(at, a, "notify", "notified")
            last = at
            if rand() < 0.4:
                last = at + timedelta(days=0.5 + rand() * 2)
                if last <= end:
                    c["statement"] = STATEMENTS[int(rand() * len(STATEMENTS))]
                    move(last, a, "record_statement", "notified", c["statement"])
            hearing = self.law.rules.hearing_qualifies(subject, proposal) and rand() < HEARING_SHARE
            if hearing:
                requested = min(
                    at + timedelta(days=0.5 + rand() * 3),
                    moments["hearing_request_due_at"] - timedelta(hours=2),
                )
                if not go(requested):
                    break
                moments["hearing_requested_at"] = requested
                move(requested, a, "request_hearing", "notified")
                scheduled = requested + timedelta(days=0.5 + rand())
                if not go(scheduled):
                    break
                chair = (
                    city.districts[district_index]
                    .squadrons[(district.squadrons.index(squadron) + 1) % len(district.squadrons)]
                    .leader
                )
                moments["hearing_at"] = law.earliest_hearing(scheduled) + timedelta(days=int(rand() * 3))
                c.update(hearing_place=f"{district.name}听证室", hearing_chair_id=str(chair))
                move(scheduled, leader, "schedule_hearing", "notified")
                held = moments["hearing_at"] + timedelta(hours=2)
                if not go(held):
                    break
                moments["hearing_held_at"] = held
                c["hearing_record"] = "听证会依法举行，当事人进行了陈述和申辩。"
                move(held, chair, "record_hearing", "notified")
                subject.hearing_held_at = held
                at = held + timedelta(days=0.5 + rand() * 2)
                if not go(at):
                    break
                move(at, a, "request_legal_review", "notified", "听证后依法进行法制审核。")
                decided = self._approval(
                    chunk,
                    pk,
                    number,
                    "case_legal_review",
                    at,
                    a,
                    "听证后依法进行法制审核。",
                    moments["decision_due_at"],
                    (at + timedelta(days=1 + rand() * 3)) if go(at) else None,
                    legal,
                    role="legal_reviewer",
                )
                if decided is None:
                    break
                last = decided
            at = max(last, moments["hearing_request_due_at"]) + timedelta(days=0.3 + rand() * 5)
            # Art. 60: 90 days from filing, unless extended; the extension is asked 5-10 days before the end.
            if at + timedelta(days=4) > moments["decision_due_at"]:
                asked = max(last, moments["decision_due_at"] - timedelta(days=5 + rand() * 5))
                decided = extend(asked)
                if decided is None:
                    break
                at = min(
                    max(at, decided + timedelta(hours=2)), moments["decision_due_at"] - timedelta(days=4)
                )
            if not go(at):
                break
            decided_kinds, decided_fine = kinds, proposal.fine
            if (
                decided_fine is not None and rand() < 0.2
            ):  # lowered after the statement (never raised, Art. 45)
                low = category[f"min_{party_type}"] or self.Decimal(0)
                decided_fine = max(low, (decided_fine * self.Decimal("0.8")).quantize(self.Decimal("1")))
            final = self.law.rules.Proposal(
                decided_kinds,
                decided_fine,
                value,
                "",
                proposal.correction_order,
                proposal.demolish_area,
                proposal.demolish_days,
            )
            move(at, a, "request_decision", "notified", "拟作出行政处罚决定，报请审批。")
            decided = at + timedelta(days=0.5 + rand() * 3)
            decided = self._approval(
                chunk,
                pk,
                number,
                "case_decision",
                at,
                a,
                "拟作出行政处罚决定，报请审批。",
                moments["decision_due_at"],
                decided if go(decided) else None,
                head,
                proposal=json_dumps(final.as_json()),
            )
            if decided is None:
                break
            at = decided
            moments["decided_at"] = at
            moments["service_due_at"] = law.due("service_due", at)
            c.update(decided_by_id=str(head), fine_decided=_money_text(final.fine))
            move(at, head, "decide", "decided")
            for kind in decided_kinds:
                self._penalty(chunk, pk, "decided", kind, final)
            at += timedelta(days=rand() * 5)
            at = min(at, moments["service_due_at"] - timedelta(hours=6))
            if not go(at):
                break
            moments["served_at"] = at
            move(at, a, "serve", "served")
            if rand() < 0.7:
                at += timedelta(days=rand() * 3)
                if not go(at):
                    break
                move(at, a, "execute", "executing")
            at += timedelta(days=5 + rand() * 50)
            if order is not None:  # the case closes once the structure is down (penalties.demolitions)
                at = max(at, moments["served_at"] + timedelta(days=order.done_by + 1 + rand() * 5))
            if not go(at):
                break
            move(at, a, "request_closing", status, "处罚决定已执行完毕，申请结案。")
            decided = self._approval(
                chunk,
                pk,
                number,
                "case_closing",
                at,
                a,
                "处罚决定已执行完毕，申请结案。",
                None,
                (at + timedelta(days=0.5 + rand() * 4)) if go(at) else None,
                leader,
            )
            if decided is None:
                break
            moments["closed_at"] = decided
            move(decided, leader, "decide_closing", "closed")
            at = decided + timedelta(days=10 + rand() * 80)
            if go(at):
                moments["archived_at"] = at
                move(at, leader, "archive", "archived")
            break
        c["status"] = status
        extended_days = extended if "filed_at" in moments else 0
        c["extended_days"] = str(extended_days)
        due = _live_due(
            status=status,
            procedure="general",
            extended_days=extended_days,
            is_complex=is_complex,
            major_public_interest=public,
            **moments,
        )
        for name, moment in moments.items():
            c[name] = _ts(moment)
        c["due_at"] = _ts(due)
        c["version"] = str(1 + len(events))
        c["updated_at"] = _ts(events[-1][0] if events else registered)
        chunk["cases"].append(self._case_row(**c))
        self._count("general", status, due)
        for at, actor, verb, frm, to, note in events:
            self._event(
                chunk,
                at,
                actor,
                "case",
                pk,
                repr_,
                "transition",
                verb,
                f'{{"status": "{frm}"}}',
                f'{{"status": "{to}"}}',
                note,
            )

    def _penalty(self, chunk, case_id, stage, kind, proposal):
        pk = self._next("penalty")
        demolish = kind == "demolish"
        chunk["penalties"].append(
            (
                str(pk),
                str(case_id),
                stage,
                kind,
                _money_text(proposal.amount_of(kind)),
                "",
                _money_text(proposal.demolish_area) if demolish else None,
                str(proposal.demolish_days) if demolish else None,
            )
        )
        self.summary["penalties"] += 1


class _CaseFacts:
    """What `cases.rules.legal_review_reason` and `hearing_qualifies` read of a case."""

    def __init__(self, party_type, is_complex, public):
        self.party = type("PartyFacts", (), {"party_type": party_type})()
        self.is_complex, self.major_public_interest, self.hearing_held_at = is_complex, public, None


def _json_money(value):
    return "null" if value is None else f'"{value:.2f}"'


def json_dumps(value):
    import json

    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _case_categories():
    from enforcement.catalog.models import ViolationCategory

    rows = ViolationCategory.objects.filter(is_active=True, parent__isnull=False, parent__is_active=True)
    return [
        {
            "id": c.pk,
            "code": c.code,
            "name": c.name,
            "simple": c.simple_procedure_allowed,
            "legal_basis": c.legal_basis,
            "penalty_basis": c.penalty_basis,
            "min_individual": c.fine_min_individual,
            "max_individual": c.fine_max_individual,
            "min_organisation": c.fine_min_organisation,
            "max_organisation": c.fine_max_organisation,
        }
        for c in rows.order_by("code")
    ]


# --- writing --------------------------------------------------------------------------------------------
class _Writer:
    """COPY on PostgreSQL (chunks formatted here, loaded by a thread while the next chunk is generated, or,
    not `threaded`, at once: for a stream that asks the database questions while it generates, which must
    not share the connection with a COPY in flight); batched INSERTs elsewhere."""

    def __init__(self, connection, threaded=True):
        self.connection = connection
        self.postgres = connection.vendor == "postgresql"
        self.threaded = self.postgres and threaded
        self.digest = hashlib.sha256()
        self.error = None
        if self.threaded:
            self.raw = connection.connection
            self.queue = queue.Queue(maxsize=2)
            self.thread = threading.Thread(target=self._copy_loop, daemon=True)
            self.thread.start()

    def _copy_loop(self):
        with self.raw.cursor() as cursor:
            while True:
                item = self.queue.get()
                if item is None:
                    return
                if self.error is not None:
                    continue
                table, columns, buffer = item
                try:
                    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)
                except Exception as exc:  # handed back to the generating thread
                    self.error = exc

    def write(self, table, columns, rows):
        if self.error is not None:
            raise self.error
        if self.postgres:
            null = "\\N"
            text = "\n".join("\t".join([null if v is None else v for v in row]) for row in rows) + "\n"
            self.digest.update(text.encode())
            if not self.threaded:
                with self.connection.cursor() as cursor:
                    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", io.StringIO(text))
                return
            self.queue.put((table, columns, io.StringIO(text)))
        else:
            for row in rows:
                self.digest.update("\t".join(["\\N" if v is None else v for v in row]).encode())
            names = ", ".join(self.connection.ops.quote_name(c) for c in columns)  # "values" is a keyword
            sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
            with self.connection.cursor() as cursor:
                cursor.executemany(sql, rows)

    def close(self):
        if self.threaded:
            self.queue.put(None)
            self.thread.join()
        if self.error is not None:
            raise self.error


# --- PostgreSQL bulk-load helpers ---------------------------------------------------------------------
def _secondary_indexes(cursor, table):
    """[(name, [SQL that recreates it])] of the indexes to drop for the load: its definition, then any
    statistics target set on its columns (an expression index's, e.g. complaints 0006), which pg_get_indexdef
    does not include. Partial indexes stay: they are small by design, and a predicate written by Django
    (`status IN (…)`) would come back from pg_get_indexdef in another, equivalent spelling."""
    cursor.execute(
        """SELECT i.relname, pg_get_indexdef(i.oid),
                  ARRAY(SELECT a.attnum || ' ' || a.attstattarget FROM pg_attribute a
                        WHERE a.attrelid = i.oid AND a.attnum > 0 AND a.attstattarget >= 0 ORDER BY a.attnum)
           FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
           WHERE x.indrelid = %s::regclass AND x.indpred IS NULL
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
           ORDER BY i.relname""",
        [table],
    )
    found = []
    for name, definition, targets in cursor.fetchall():
        statements = [definition]
        for target in targets:
            column, value = target.split()
            statements.append(f'ALTER INDEX "{name}" ALTER COLUMN {column} SET STATISTICS {value}')
        found.append((name, statements))
    return found


def _is_superuser(cursor):
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    row = cursor.fetchone()
    return bool(row and row[0])


def _flush_bench_tables(connection):
    from django.core.management.color import no_style

    from cases.models import Case, CaseApproval, CaseEvidence, CasePenalty, Party
    from complaints.models import Complaint, ComplaintLink
    from enforcement.audit.models import AuditEvent
    from enforcement.audit.services import allow_truncate
    from enforcement.documents.models import NumberCounter
    from enforcement.org.models import Grid, OrgUnit, User, UserRole

    case_models = [CasePenalty, CaseEvidence, CaseApproval, ComplaintLink, Case, Party]
    models = (
        _campaign_models()
        + _penalty_models()
        + case_models
        + [AuditEvent, Complaint, NumberCounter, UserRole, Grid, User, OrgUnit]
    )
    tables = [m._meta.db_table for m in models]
    statements = connection.ops.sql_flush(no_style(), tables, reset_sequences=True, allow_cascade=True)
    allow_truncate(connection)  # the audit table refuses TRUNCATE otherwise; this is the bench's own database
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _log(log, message, started):
    if log:
        log(f"[{time.monotonic() - started:7.1f}s] {message}")


def generate(
    complaints=DEFAULT_COMPLAINTS,
    *,
    seed=DEFAULT_SEED,
    years=3,
    end=None,
    full_history_days=120,
    full_history_share=0.10,
    chunk_size=50_000,
    fast=None,
    log=print,
    cases=None,
    campaigns=None,
    items=None,
):
    """Empties the bench tables and loads the benchmark city (see the module docstring). Returns a Summary.
    `cases` defaults to `cases_for(complaints)` (500,000 with 2 million complaints), `campaigns` and `items`
    to `campaigns_for(complaints)` and `items_for(complaints)` (200 and 100,000 with 2 million)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from django.utils import timezone

    from cases.models import NUMBER_SCOPE as CASE_SCOPE
    from cases.models import Case, CaseApproval, CaseEvidence, CasePenalty, Party
    from complaints.choices import OPEN_STATUSES
    from complaints.models import NUMBER_SCOPE, Complaint, ComplaintLink
    from enforcement.audit.models import AuditEvent
    from enforcement.documents.models import NumberCounter

    started = time.monotonic()
    summary = Summary()
    end = end or timezone.now().replace(second=0, microsecond=0)
    end_utc = end.astimezone(UTC).replace(tzinfo=None)
    start_utc = end_utc - timedelta(days=round(365.25 * years))
    summary.end = end
    postgres = connection.vendor == "postgresql"
    fast = postgres and (complaints >= FAST_THRESHOLD if fast is None else fast)
    cases = cases_for(complaints) if cases is None else cases
    case_models = [Party, Case, CasePenalty, CaseEvidence, CaseApproval, ComplaintLink]
    big_tables = [Complaint._meta.db_table, AuditEvent._meta.db_table] + [
        m._meta.db_table for m in case_models
    ]
    complaint_columns, complaint_extra = _columns(Complaint, COMPLAINT_COLUMNS)
    event_columns, event_extra = _columns(AuditEvent, EVENT_COLUMNS)

    with transaction.atomic():
        with connection.cursor() as cursor:
            if postgres:
                cursor.execute("SET LOCAL TIME ZONE 'UTC'")
                if fast and _is_superuser(cursor):
                    cursor.execute("SET LOCAL session_replication_role = replica")
        _flush_bench_tables(connection)
        city = _build_city(summary)
        _log(
            log,
            f"city: {summary.units} units, {summary.grids} grids, {len(city.categories)} categories",
            started,
        )
        dropped = []
        if fast:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
                for table in big_tables:
                    for name, statements in _secondary_indexes(cursor, table):
                        cursor.execute(f'DROP INDEX "{name}"')
                        dropped.append(statements)
            _log(log, f"dropped {len(dropped)} secondary indexes for the load", started)
        summary.seconds["setup"] = time.monotonic() - started

        stream = _ComplaintStream(
            city,
            _Deadlines(start_utc, end_utc),
            complaints=complaints,
            seed=seed,
            start=start_utc,
            end=end_utc,
            full_history_days=full_history_days,
            full_history_share=full_history_share,
            content_type_id=ContentType.objects.get_for_model(Complaint).pk,
            complaint_extra=complaint_extra,
            event_extra=event_extra,
        )
        writer = _Writer(connection)
        load_started = time.monotonic()
        rows, events = [], []
        by_status = {}
        open_count = overdue = event_count = 0
        try:
            for row, row_events, status, due in stream:
                rows.append(row)
                events.extend(row_events)
                by_status[status] = by_status.get(status, 0) + 1
                if status in OPEN_STATUSES:
                    open_count += 1
                    if due is not None and due < end_utc:
                        overdue += 1
                if len(rows) >= chunk_size:
                    writer.write(Complaint._meta.db_table, complaint_columns, rows)
                    writer.write(AuditEvent._meta.db_table, event_columns, events)
                    event_count += len(events)
                    rows, events = [], []
                    done = sum(by_status.values())
                    if done % (chunk_size * 4) == 0:
                        _log(log, f"{done:,} complaints, {event_count:,} events", started)
            if rows:
                writer.write(Complaint._meta.db_table, complaint_columns, rows)
                writer.write(AuditEvent._meta.db_table, event_columns, events)
                event_count += len(events)
        finally:
            writer.close()
        NumberCounter.objects.bulk_create(
            [
                NumberCounter(scope=NUMBER_SCOPE, period=day.isoformat(), last=last)
                for day, last in stream.sequences.items()
            ]
        )
        summary.seconds["load"] = time.monotonic() - load_started
        _log(log, f"loaded {complaints:,} complaints and {event_count:,} events", started)

        cases_started = time.monotonic()
        case_stream = _CaseStream(
            city,
            stream.deadlines,
            stream,
            cases=cases,
            seed=seed,
            start=start_utc,
            end=end_utc,
            full_history_days=full_history_days,
            full_history_share=full_history_share,
            content_types={
                label: ContentType.objects.get_for_model(model).pk
                for label, model in (
                    ("case", Case),
                    ("party", Party),
                    ("approval", CaseApproval),
                    ("complaint", Complaint),
                )
            },
            extras={
                "event": _columns(AuditEvent, CASE_EVENT_COLUMNS)[1],
                "party": _columns(Party, PARTY_COLUMNS)[1],
                "case": _columns(Case, CASE_COLUMNS)[1],
                "evidence": _columns(CaseEvidence, EVIDENCE_COLUMNS)[1],
                "approval": _columns(CaseApproval, APPROVAL_COLUMNS)[1],
                "link": _columns(ComplaintLink, LINK_COLUMNS)[1],
            },
        )
        tables = [
            ("parties", Party, PARTY_COLUMNS),
            ("cases", Case, CASE_COLUMNS),
            ("penalties", CasePenalty, PENALTY_COLUMNS),
            ("evidence", CaseEvidence, EVIDENCE_COLUMNS),
            ("approvals", CaseApproval, APPROVAL_COLUMNS),
            ("links", ComplaintLink, LINK_COLUMNS),
            ("events", AuditEvent, CASE_EVENT_COLUMNS),
        ]
        columns_of = {key: _columns(model, known)[0] for key, model, known in tables}
        case_writer = _Writer(connection, threaded=False)  # the law's answers (rules.py) are read meanwhile
        written = 0
        try:
            for chunk in case_stream:
                for key, model, _known in tables:
                    if chunk[key]:
                        case_writer.write(model._meta.db_table, columns_of[key], chunk[key])
                written += len(chunk["cases"])
                summary.case_events += len(chunk["events"])
                if written % 100_000 == 0:
                    _log(log, f"{written:,} cases", started)
        finally:
            case_writer.close()
        NumberCounter.objects.bulk_create(
            [
                NumberCounter(scope=CASE_SCOPE, period=day.isoformat(), last=last)
                for day, last in case_stream.sequences.items()
            ]
        )
        summary.cases = written
        summary.case_counts = case_stream.summary
        summary.seconds["cases"] = time.monotonic() - cases_started
        _log(log, f"loaded {written:,} cases, {summary.case_events:,} of their events", started)

        penalties_started = time.monotonic()
        summary.penalties = generate_penalties(seed=seed, end=end, log=log, started=started, fresh=True)
        summary.seconds["penalties"] = time.monotonic() - penalties_started

        campaigns_started = time.monotonic()
        summary.campaigns = generate_campaigns(
            seed=seed,
            end=end,
            log=log,
            started=started,
            fresh=True,
            campaigns=campaigns_for(complaints) if campaigns is None else campaigns,
            items=items_for(complaints) if items is None else items,
        )
        summary.seconds["campaigns"] = time.monotonic() - campaigns_started

        if dropped:
            index_started = time.monotonic()
            with connection.cursor() as cursor:
                for statements in dropped:
                    for sql in statements:
                        cursor.execute(sql)
                    _log(log, statements[0].split(" USING ")[0], started)
            summary.seconds["indexes"] = time.monotonic() - index_started
        from django.core.management.color import no_style

        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Complaint, AuditEvent, *case_models]):
                cursor.execute(sql)

    analyze_started = time.monotonic()
    with connection.cursor() as cursor:
        penalty_tables = [m._meta.db_table for m in _penalty_models() + _campaign_models()]
        for table in (
            big_tables + penalty_tables + ["org_orgunit", "org_user", "org_grid", "catalog_violationcategory"]
        ):
            if postgres and not connection.in_atomic_block:
                cursor.execute(f"VACUUM (ANALYZE) {table}")
            else:
                cursor.execute(f"ANALYZE {table}")
    summary.seconds["analyze"] = time.monotonic() - analyze_started
    summary.seconds["total"] = time.monotonic() - started
    summary.complaints = complaints
    summary.events = event_count
    summary.by_status = by_status
    summary.open, summary.overdue = open_count, overdue
    summary.digest = (
        writer.digest.hexdigest()
        + case_writer.digest.hexdigest()[:16]
        + summary.penalties.get("digest", "")[:16]
        + summary.campaigns.get("digest", "")[:16]
    )
    _log(log, "done", started)
    return summary


# --- the penalties (issue 12) -------------------------------------------------------------------------------
DEMOLITION_DAYS = [7, 10, 15, 15, 15, 20, 30, 30, 30, 45, 60]  # the decision's days to demolish, from service
DEMOLITION_FATES = [  # (share, fate): how an order to demolish is carried out
    (0.50, "party"),  # by the party within the decision's deadline
    (0.12, "late"),  # by the party after it, before any notice
    (0.16, "noticed"),  # by the party within the public notice's deadline (公告)
    (0.22, "forced"),  # by force after the notice and the appeal periods (行政强制法 Art. 44)
]
HOLIDAY_SLACK_DAYS = 10  # the most a deadline moves off a holiday (民法典 Art. 203), plus a day of time zone
APPEAL_MONTHS_DAYS = 186  # six months (行政诉讼法 Art. 46) as days, at most
NOTICE_DAYS = 10  # enforcement.catalog.params `demolition_notice_days`: the deadline a public notice gives


@dataclass(frozen=True)
class _DemolitionPlan:
    area: object  # Decimal m²
    days: int
    fate: str
    party_day: int  # "party": the day after service it is down
    late_days: int  # "late": days after the deadline
    notice_gap: int  # days after the deadline the public notice is given
    notice_party_day: int  # "noticed": the day of the notice period it is down
    forced_after: int  # "forced": days after the first day force is allowed
    share_down: float  # of the area ordered, demolished (mostly all)

    @property
    def done_by(self):
        """Days after service by which the structure is down at the latest (the case's closing waits for it;
        penalties' dates are computed from the same plan, within this bound)."""
        deadline = self.days + HOLIDAY_SLACK_DAYS
        notice_end = deadline + self.notice_gap + NOTICE_DAYS
        return {
            "party": self.party_day,
            "late": deadline + self.late_days,
            "noticed": deadline + self.notice_gap + self.notice_party_day,
            "forced": max(notice_end, APPEAL_MONTHS_DAYS + HOLIDAY_SLACK_DAYS) + 1 + self.forced_after,
        }[self.fate]


def _demolition_plan(seed, case_id):
    """An order to demolish of case `case_id`: the structure (5-800 m², most of them small sheds, rooftop
    additions and enclosures), the days given, and how it ends — drawn from the case's own stream so the cases
    stage (which closes the case once it is down) and the penalties stage agree without sharing a stream."""
    from decimal import Decimal

    r = random.Random(f"demolition-{seed}-{case_id}").random
    area = Decimal(round((5 + 795 * r() ** 2.2) * 2) / 2).quantize(Decimal("0.01"))
    days = DEMOLITION_DAYS[int(r() * len(DEMOLITION_DAYS))]
    draw, fate = r(), DEMOLITION_FATES[-1][1]
    for share, name in DEMOLITION_FATES:
        if draw < share:
            fate = name
            break
        draw -= share
    return _DemolitionPlan(
        area=area,
        days=days,
        fate=fate,
        party_day=1 + int(r() * days),
        late_days=1 + int(r() * 20),
        notice_gap=3 + int(r() * 22),
        notice_party_day=1 + int(r() * NOTICE_DAYS),
        forced_after=3 + int(r() * 60),
        share_down=1.0 if r() < 0.88 else 0.7 + 0.29 * r(),
    )


RECENT_UNPAID_DAYS = 150  # the simple cases' bank-paid fines of the last five months: still awaiting payment
DEFERRAL_SHARE = 0.02  # of the live executions: an approved deferral of 2 or 3 instalments (Art. 66)
LATE_PAID_SHARE = (
    0.15  # of the fines paid whose case closed after the due date: paid late, with the surcharge
)
REVIEW_SHARE = 0.03  # of the general cases' executions and orders to demolish: reconsiderations, lawsuits
PENDING_REVIEW_SHARE = 0.2
VARIED_SHARE = 0.08  # of the decided reviews: the fine lowered (on live executions)
REVOKED_SHARE = 0.05  # of the decided reviews: the decision revoked
REVIEW_NOTES = {
    "varied": "经审查，原处罚决定罚款数额明显不当，予以变更。",
    "revoked": "认定事实不清、证据不足，决定撤销原行政处罚决定。",
}
COURT_SHARE = 0.35  # of the unpaid fines whose window to apply to the court has opened (行政强制法 Art. 53)
COURT_ENFORCED_NOTE = "人民法院裁定准予强制执行，已执行完毕。"
PUBLICATION_SHARE = 0.10  # of the general cases' penalty decisions: published (Art. 48)
WITHDRAW_REASONS = {
    "varied": "该行政处罚决定已被依法变更，依法撤回公开。",
    "revoked": "该行政处罚决定已被依法撤销，依法撤回公开。",
    "declared_unlawful": "该行政处罚决定已被确认违法，依法撤回公开。",
}
DEMOLITION_NOTES = {
    "notice": "当事人逾期未自行拆除，依法予以公告，限期自行拆除。",
    "demolished": "当事人已自行拆除，经现场核查属实。",
    "forced": "公告期满当事人仍未拆除，且未申请行政复议、提起行政诉讼，依法组织强制拆除。",
}
SEIZURE_SHARE = 0.01  # of all cases: about 5,000 seizures and sealings, on general cases
SEIZURE_DAYS = 30  # 行政强制法 Art. 25
BANKS = ["ICBC", "ABC", "BOC", "CCB", "BOCOM", "PSBC"]
SEIZED = {
    "vehicle": ["三轮车", "电动三轮车", "流动餐车", "人力板车", "小型货车"],
    "goods": ["水果", "服装", "小商品", "蔬菜", "广告牌", "遮阳伞", "烧烤食材", "花卉盆景"],
    "equipment": ["液化气罐", "烧烤炉", "折叠桌椅", "音响设备", "切割机", "电焊机", "搅拌机"],
}
SEIZURE_NOTES = {
    "returned": "当事人已接受处理，解除扣押，物品已当场退还。",
    "confiscated": "依法予以没收，已登记入库。",
}
EXECUTION_COLUMNS = [
    "id", "version", "status", "decision_number", "payment_code", "fine", "original_fine", "served_on",
    "due_on", "due_at", "rate_bp", "fine_fen", "outstanding_fen", "fine_paid_fen", "surcharge_paid_fen",
    "accrued_micro", "state_day", "paused", "surcharge_started_at", "court", "court_reference", "end_reason",
    "ended_at", "opened_at", "updated_at", "case_id", "handler_id", "unit_id", "court_applied_at",
    "court_window_opens_on", "court_window_closes_on", "court_due_at", "demand_due_at",
]  # fmt: skip
INSTALMENT_COLUMNS = [
    "id", "schedule_no", "current", "due_on", "due_day", "amount", "outstanding_fen", "effective_on",
    "execution_id", "schedule_fine",
]  # fmt: skip
PAYMENT_COLUMNS = [
    "id", "channel", "reference", "amount", "paid_on", "payer", "recorded_at", "note", "execution_id",
    "recorded_by_id", "surcharge_part",
]  # fmt: skip
DEFERRAL_COLUMNS = [
    "id", "kind", "requested_by_id", "requested_at", "reason", "decision", "decided_by_id", "decided_at",
    "opinion", "due_dates", "execution_id",
]  # fmt: skip
REVIEW_COLUMNS = [
    "id", "kind", "body", "filed_on", "window_ends_on", "late", "hearing_on", "outcome", "outcome_on", "note",
    "recorded_at", "case_id", "recorded_by_id", "unit_id", "varied_fine",
]  # fmt: skip
DEMOLITION_COLUMNS = [
    "id", "version", "status", "decision_number", "area_ordered", "deadline_on", "deadline_at", "notice_on",
    "notice_deadline_on", "notice_deadline_at", "demolished_on", "area_demolished", "ended_at", "end_note",
    "opened_at", "updated_at", "case_id", "handler_id", "unit_id",
]  # fmt: skip
PUBLICATION_COLUMNS = [
    "id", "case_id", "unit_id", "status", "values", "published_at", "published_by_id", "withdraw_due_at",
    "withdrawn_at", "withdrawn_by_id", "withdraw_reason", "handler_id", "updated_at",
]  # fmt: skip
SEIZURE_COLUMNS = [
    "id", "version", "kind", "status", "custody_place", "seized_on", "limit_on", "limit_at", "extended_days",
    "ended_at", "end_note", "updated_at", "case_id", "created_by_id", "unit_id",
]  # fmt: skip
SEIZED_ITEM_COLUMNS = ["id", "kind", "description", "quantity", "seizure_id"]
SEIZURE_APPROVAL_COLUMNS = [
    "id", "kind", "requested_by_id", "requested_at", "reason", "decision", "decided_by_id", "decided_at",
    "opinion", "days", "seizure_id",
]  # fmt: skip


def _penalty_models():
    from penalties.models import (
        Demolition,
        Execution,
        ExecutionApproval,
        Instalment,
        Payment,
        Publication,
        Review,
        SeizedItem,
        Seizure,
        SeizureApproval,
        StatementImport,
        StatementLine,
    )

    # Children first (the order SQLite's DELETE needs).
    return [
        StatementLine,
        Payment,
        StatementImport,
        Instalment,
        ExecutionApproval,
        Execution,
        Review,
        SeizedItem,
        SeizureApproval,
        Seizure,
        Publication,
        Demolition,
    ]


def _flush_penalty_events(connection, models):
    """Empties the penalties' audit events of an earlier run (`--penalties-only`): the audit table refuses
    DELETE (append-only, audit migration 0002) except to a session that fires no triggers, which takes a
    superuser — this is the bench's own database."""
    from django.contrib.contenttypes.models import ContentType

    from enforcement.audit.models import AuditEvent

    table = AuditEvent._meta.db_table
    ids = ", ".join(str(ContentType.objects.get_for_model(m).pk) for m in models)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {table} WHERE content_type_id IN ({ids}) LIMIT 1")
        if cursor.fetchone() is None:
            return
        if connection.vendor != "postgresql":
            cursor.execute(f"DELETE FROM {table} WHERE content_type_id IN ({ids})")
            return
        if not _is_superuser(cursor):
            raise RuntimeError(
                "The penalties' audit events of an earlier run can be removed only as a superuser (the audit "
                "table is append-only): reload the whole city, or run as a superuser."
            )
        cursor.execute("SHOW session_replication_role")
        role = cursor.fetchone()[0]
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(f"DELETE FROM {table} WHERE content_type_id IN ({ids})")
        cursor.execute(f"SET LOCAL session_replication_role = {role}")


def _flush_penalty_tables(connection):
    from django.core.management.color import no_style

    tables = [m._meta.db_table for m in _penalty_models()]
    with connection.cursor() as cursor:
        for sql in connection.ops.sql_flush(no_style(), tables, reset_sequences=True, allow_cascade=True):
            cursor.execute(sql)


class _PenaltyLaw:
    """penalties.rules' deadlines, memoised per local date of service (each is the end of a local day
    computed from that date), returned aware."""

    def __init__(self):
        from penalties import rules

        self.rules = rules
        self._memo = {}

    def due(self, rule, served_at, *args):
        from enforcement.workdays import calendar

        key = (rule, calendar.local_date(served_at), args)
        if key not in self._memo:
            self._memo[key] = getattr(self.rules, rule)(*args, served_at)
        return self._memo[key]

    def at(self, rule, moment, *args):
        """The same for the rules that take the moment first: `rule(moment, *args)`."""
        from enforcement.workdays import calendar

        key = (rule, "at", calendar.local_date(moment), args)
        if key not in self._memo:
            self._memo[key] = getattr(self.rules, rule)(moment, *args)
        return self._memo[key]


def _utc_text(moment):
    return None if moment is None else _ts(moment.astimezone(UTC).replace(tzinfo=None))


def _bool(value):
    return "1" if value else "0"


def generate_penalties(*, seed=DEFAULT_SEED, end=None, log=print, started=None, fresh=False):
    """The penalties stage (issue 12), on the cases already loaded (inside the caller's transaction; the
    penalties tables are emptied first). For every case with a decided fine not paid in cash on the spot — a
    simple case's fine paid at the bank, every general case's fine — one Execution, its single Instalment
    (due 15 days after service, `penalties.rules.payment_due`), its payments and its ledger state as
    `penalties.services.apply_history` computes it from that history (so the stored state is the ledger's,
    not the generator's arithmetic):
    - closed and archived cases were paid in full, most in time, LATE_PAID_SHARE after the due date with
      the surcharge (in one payment, or the fine first and the surcharge a few days later) — except the
      simple cases served in the last RECENT_UNPAID_DAYS, left unpaid or partly paid, with the cases still
      executing: tens of thousands of executions awaiting payment, many late, some capped;
    - DEFERRAL_SHARE of the live ones have an approved deferral (ExecutionApproval) of 2–3 instalments;
    - reconsiderations and lawsuits on REVIEW_SHARE of the general cases' executions and orders to
      demolish, mostly upheld, some pending (the surcharge paused, Art. 73); late filings flagged as `rules.review_is_late` says;
    - seizures and sealings (SEIZURE_SHARE of all cases, on general ones) with their items, mostly returned,
      some confiscated, those still within their period held; a few extended once by 30 days (approved);
    - the window to apply to the court on every execution (行政强制法 Art. 53); for COURT_SHARE of the unpaid
      ones whose window opened, a demand to pay served, its 10 working days, the application (court_applied)
      and, for most applied long enough ago, the court's enforcement (enforced);
    - reviews' outcomes: VARIED_SHARE varied (a lower fine in force, a new schedule from the outcome, as
      `reviews.record_outcome` does; only on live executions), REVOKED_SHARE revoked (the execution revoked);
    - orders to demolish (`penalties.models.Demolition`) for the decided `demolish` penalties of the served
      cases, carried out as `_demolition_plan` says (the plan the cases stage waited for before closing):
      by the party in time or late, after a public notice, or by force once Art. 44 allows it; ended by a
      revoked decision;
    - published decisions (Art. 48) of PUBLICATION_SHARE of the general cases' decisions, redacted as
      `penalties.publication` does, withdrawn after a decision was varied or revoked;
    - the audit events of each step as the services write them: open_execution, record_payment,
      apply_to_court, record_enforced, file_review, review_outcome, open_demolition, give_notice,
      record_demolished, revoke_demolition, publish, withdraw_publication (an earlier run's are removed).
    Deterministic: the same cases, `seed` and `end` give the same rows (the orders to demolish agree with
    the cases' closing only with the `seed` the cases were loaded with). Returns the counts."""
    with _calendar_pinned():
        return _generate_penalties(seed=seed, end=end, log=log, started=started, fresh=fresh)


@contextmanager
def _calendar_pinned():
    """The working-day calendar without its freshness check (one query per deadline computed, most of the
    stage's fixed cost): it cannot change inside the stage's transaction."""
    from enforcement.workdays import calendar

    check, stamp = calendar._stamp, calendar._stamp()
    calendar._stamp = lambda: stamp
    try:
        yield
    finally:
        calendar._stamp = check


def _generate_penalties(*, seed, end, log, started, fresh):
    from decimal import Decimal
    from types import SimpleNamespace

    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.db.models import Max
    from django.utils import timezone

    from cases.choices import PenaltyKind
    from cases.models import Case, CasePenalty
    from enforcement.audit.models import AuditEvent
    from enforcement.org.models import OrgUnit, User
    from enforcement.workdays import calendar
    from enforcement.workdays.periods import PeriodUnit
    from penalties import ledger, services
    from penalties.choices import ReviewKind, ReviewOutcome
    from penalties.models import (
        DEFERRAL_KIND,
        SEIZURE_EXTENSION_KIND,
        Demolition,
        Execution,
        ExecutionApproval,
        Instalment,
        Payment,
        Publication,
        Review,
    )

    started = started or time.monotonic()
    postgres = connection.vendor == "postgresql"
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL TIME ZONE 'UTC'")
    _flush_penalty_tables(connection)
    if not fresh:  # (`fresh`: the audit table was emptied with the rest of the load)
        _flush_penalty_events(connection, [Execution, Review, Demolition, Publication])
    if end is None:
        end = Case.objects.aggregate(end=Max("updated_at"))["end"]
    if end is None:
        return {}
    end_day = calendar.local_date(end)
    rng = random.Random(seed * 1_000_003 + 12)
    rand, law = rng.random, _PenaltyLaw()
    rate_bp = law.rules.rate_bp()

    # Org: each unit's district (its path's first two steps) and that district's bureau head.
    units = list(OrgUnit.objects.values_list("id", "path", "code"))
    district_of_path = {path: code for _id, path, code in units if path.count(".") == 2}
    heads = dict(
        User.objects.filter(username__endswith=".bureau_head").values_list("username", "id")
    )  # bench.d01.bureau_head, …
    district_index, head_of = {}, {}
    for pk, path, _code in units:
        code = district_of_path.get(path[:18], "bench-d01")
        index = int(code.rsplit("d", 1)[1][:2]) - 1 if "-d" in code else 0
        district_index[pk] = index
        head_of[pk] = heads.get(f"bench.d{index + 1:02d}.bureau_head") or heads.get("bench.city.bureau_head")

    fined = (
        Case.objects.filter(fine_decided__gt=0, served_at__isnull=False, paid_on_spot=False)
        .exclude(procedure="general", status__in=["decided", "revoked"])
        .order_by("pk")
        .values_list(
            "pk",
            "procedure",
            "status",
            "unit_id",
            "handler_id",
            "registered_by_id",
            "fine_decided",
            "served_at",
            "closed_at",
            "number",
            "party__name",
        )  # fmt: skip
    )
    rows = list(fined)
    _log(log, f"penalties: {len(rows):,} cases with a fine to collect", started)
    # Orders to demolish (opened when the decision is served, penalties.demolitions.open_demolition).
    orders = list(
        CasePenalty.objects.filter(
            stage="decided",
            kind="demolish",
            area__isnull=False,
            deadline_days__isnull=False,
            case__served_at__isnull=False,
        )
        .order_by("case_id")
        .values_list(
            "case_id",
            "case__status",
            "case__unit_id",
            "case__handler_id",
            "case__registered_by_id",
            "case__served_at",
            "case__closed_at",
            "case__number",
            "area",
            "deadline_days",
        )  # fmt: skip
    )
    fined_ids = {r[0] for r in rows}
    # Reviews: on the general cases' executions and orders to demolish; the pending ones (the surcharge
    # paused) on live ones only; some decisions varied (a lower fine, on live executions: a paid one keeps its
    # fine, the difference refunded off the platform) or revoked.
    live_statuses = ("served", "executing")
    pool = sorted(
        [(r[0], r[2]) for r in rows if r[1] == "general"]
        + [(o[0], o[1]) for o in orders if o[0] not in fined_ids]
    )
    live_pool = [p for p in pool if p[1] in live_statuses]
    review_count = min(len(pool), max(4, round(len(pool) * REVIEW_SHARE)))
    variable = [p for p in live_pool if p[0] in fined_ids]
    varied_count = min(len(variable), max(1, round(review_count * VARIED_SHARE)))
    planned = {case_id: "varied" for case_id, _status in rng.sample(variable, varied_count)}
    waiting = [p for p in live_pool if p[0] not in planned]
    pending_count = min(len(waiting), max(1, round(review_count * PENDING_REVIEW_SHARE)))
    planned.update({case_id: "pending" for case_id, _status in rng.sample(waiting, pending_count)})
    others = [p for p in pool if p[0] not in planned]
    decided_reviews = sorted(rng.sample(others, min(len(others), review_count - len(planned))))
    for case_id, _status in decided_reviews:
        planned[case_id] = None  # upheld or dismissed, drawn with the review
    for case_id, _status in rng.sample(
        decided_reviews, min(len(decided_reviews), max(1, round(len(decided_reviews) * REVOKED_SHARE)))
    ):
        planned[case_id] = "revoked"
    writer = _Writer(connection, threaded=False)  # the law's answers (rules.py) are read meanwhile
    out = {key: [] for key in ("execution", "instalment", "payment", "deferral", "review", "event")}
    counts = {
        "by_status": {},
        "late": 0,
        "capped": 0,
        "paused": 0,
        "deferrals": 0,
        "payments": 0,
        "pending_reviews": 0,
        "reviews_by_outcome": {},
        "demands": 0,
        "events": 0,
    }
    next_id = {"instalment": 1, "payment": 1, "deferral": 1, "review": 1}
    tz = timezone.get_default_timezone()
    event_columns, event_extra = _columns(AuditEvent, CASE_EVENT_COLUMNS)
    ct = {
        model: str(ContentType.objects.get_for_model(model).pk)
        for model in (Case, Execution, Review, Demolition, Publication)
    }
    copy_text = (lambda text: text.replace("\\", "\\\\")) if postgres else (lambda text: text)

    def moment(day, hours=0.0):  # 10:00 local on `day`, plus `hours`
        return datetime.combine(day, datetime.min.time(), tzinfo=tz) + timedelta(hours=10 + hours)

    def json_text(value):  # JSON for COPY; the hot events' JSON comes written already (sorted keys)
        if value is None or isinstance(value, str):
            return value
        return copy_text(json_dumps(value))

    def event(at, actor, model, object_id, repr_, action, verb, before, after, note="", root=None):
        """One audit event as `enforcement.audit.services.record_event` writes it (`root`: the case, for a
        child record's event)."""
        out["event"].append(
            (
                at if isinstance(at, str) else _utc_text(min(at, end)),  # (given as text: not after the end)
                str(actor) if actor else None,
                ct[model],
                str(object_id),
                repr_[:200],
                action,
                verb,
                "ui",
                json_text(before),
                json_text(after),
                note,
                ct[Case] if root else None,
                str(root) if root else None,
            )
            + event_extra
        )

    def flush(force=False):
        if force or len(out["execution"]) >= 20_000:
            for key, model, columns in (
                ("execution", Execution, EXECUTION_COLUMNS),
                ("instalment", Instalment, INSTALMENT_COLUMNS),
                ("payment", Payment, PAYMENT_COLUMNS),
                ("deferral", ExecutionApproval, DEFERRAL_COLUMNS),
                ("review", Review, REVIEW_COLUMNS),
                ("event", AuditEvent, event_columns),
            ):
                if out[key]:
                    writer.write(model._meta.db_table, columns, out[key])
                    counts["events"] += len(out[key]) if key == "event" else 0
                    out[key] = []

    def new_id(kind):
        value = next_id[kind]
        next_id[kind] += 1
        return value

    def _yuan(fen):
        return f"{ledger.to_yuan(fen)}"

    def owed_on(schedules, payments, pauses, day, revoked=None):
        return ledger.replay(
            schedules, payments, pauses, rate_bp=rate_bp, upto=day, revoked_from=revoked
        ).owed_fen(day)

    def make_review(case_id, unit_id, handler_id, served_at, live):
        """The case's reconsideration or lawsuit as planned: filed within the windows (5 % late), decided
        20-70 days later unless pending (on live cases only)."""
        served_on = calendar.local_date(served_at)
        pending = planned[case_id] == "pending" and live
        kind = "reconsideration" if rand() < 0.75 else "litigation"
        window_day = calendar.local_date(law.due("review_window_end", served_at, kind))
        span = max(1, min((window_day - served_on).days, (end_day - served_on).days - (0 if pending else 40)))
        filed_on = served_on + timedelta(days=1 + int(rand() * span))
        if rand() < 0.05:
            filed_on = window_day + timedelta(days=1 + int(rand() * 10))  # late: flagged, not refused
        filed_on = min(filed_on, end_day)
        outcome, outcome_on = "pending", None
        if not pending:
            outcome_on = min(end_day, filed_on + timedelta(days=20 + int(rand() * 50)))
            outcome = planned[case_id] or ("upheld" if rand() < 0.9 else "dismissed")
        district = DISTRICT_NAMES[district_index.get(unit_id, 0)][0]
        hearing_on = None
        if kind == "litigation":
            hearing_on = filed_on + timedelta(days=30 + int(rand() * 30))
            if outcome_on is not None:
                hearing_on = min(hearing_on, outcome_on)
        return SimpleNamespace(
            id=new_id("review"), case_id=case_id, unit_id=unit_id, by=handler_id, kind=kind, served_at=served_at,
            body="江州市人民政府" if kind == "reconsideration" else f"江州市{district}人民法院",
            filed_on=filed_on, window_day=window_day, hearing_on=hearing_on, outcome=outcome,
            outcome_on=outcome_on, varied_fine=None,
        )  # fmt: skip

    def write_review(r):
        late = law.rules.review_is_late(r.kind, r.served_at, r.filed_on)
        note = REVIEW_NOTES.get(r.outcome, "")
        out["review"].append(
            [
                str(r.id),
                r.kind,
                r.body,
                r.filed_on.isoformat(),
                r.window_day.isoformat(),
                _bool(late),
                r.hearing_on.isoformat() if r.hearing_on else None,
                r.outcome,
                r.outcome_on.isoformat() if r.outcome_on else None,
                note,
                _utc_text(moment(r.filed_on, 1)),
                str(r.case_id),
                str(r.by),
                str(r.unit_id),
                _money_text(r.varied_fine),
            ]  # fmt: skip
        )
        counts["pending_reviews"] += r.outcome == "pending"
        outcomes = counts["reviews_by_outcome"]
        outcomes[r.outcome] = outcomes.get(r.outcome, 0) + 1
        audit = {"kind": r.kind, "body": r.body, "filed_on": r.filed_on.isoformat(), "late": late}
        repr_ = f"{ReviewKind(r.kind).label} {r.body} ({ReviewOutcome(r.outcome).label})"
        event(
            moment(r.filed_on, 1), r.by, Review, r.id, repr_, "create", "file_review", None,
            {**audit, "outcome": "pending"}, root=r.case_id,
        )  # fmt: skip
        if r.outcome != "pending":
            varied = {"varied_fine": _money_text(r.varied_fine)} if r.varied_fine is not None else {}
            event(
                moment(r.outcome_on, 2), r.by, Review, r.id, repr_, "update", "review_outcome", None,
                {**audit, "outcome": r.outcome, **varied}, note=note, root=r.case_id,
            )  # fmt: skip

    review_of = {}  # case id → its review (the orders to demolish read them)
    court_windows = {}  # (served on, last outcome on) → the window to apply to the court, and its texts
    for (
        case_id,
        procedure,
        status,
        unit_id,
        handler_id,
        registrar,
        fine,
        served_at,
        closed_at,
        number,
        payer,
    ) in rows:
        handler_id = handler_id or registrar
        served_on = calendar.local_date(served_at)
        due_at = law.due("payment_due", served_at)
        due_on = calendar.local_date(due_at)
        fine_fen = ledger.to_fen(fine)
        served_text = _utc_text(served_at)
        schedules = [
            ledger.Schedule(
                served_on.toordinal(), (ledger.Instalment(due_on.toordinal(), fine_fen),), fine_fen
            )
        ]
        instalment_rows = [
            SimpleNamespace(
                id=new_id("instalment"),
                schedule_no=1,
                due_on=due_on,
                due_day=due_on.toordinal(),
                amount=fine,
                outstanding_fen=fine_fen,
                effective_on=served_on,
                current=True,
                schedule_fine=None,
            )  # fmt: skip
        ]
        ended = status in ("closed", "archived") and not (
            procedure == "simple" and (end_day - served_on).days < RECENT_UNPAID_DAYS
        )
        pauses, payments = [], []  # ledger inputs
        review = revoked = varied_fine = None
        if case_id in planned:  # (general cases)
            review = review_of[case_id] = make_review(case_id, unit_id, handler_id, served_at, not ended)
            pauses.append(
                (review.filed_on.toordinal(), review.outcome_on.toordinal() if review.outcome_on else None)
            )
            if review.outcome == "revoked":
                revoked = review.outcome_on  # nothing owed from then (what was paid is refunded)
            elif review.outcome == "varied":
                varied_fine = Decimal(int(fine * Decimal(0.4 + 0.4 * rand())) // 50 * 50)
                if 0 < varied_fine < fine:
                    review.varied_fine = varied_fine
                else:
                    review.outcome, varied_fine = "upheld", None
        deferral = None
        if varied_fine is not None:
            # services: the fine in force (the first schedule's too, `history`) and a schedule of what is
            # unpaid of it from the outcome, on the current due date. The party awaited the outcome to pay.
            varied_fen = ledger.to_fen(varied_fine)
            outcome_day = review.outcome_on
            schedules = [
                ledger.Schedule(schedules[0].from_day, schedules[0].instalments, varied_fen),
                ledger.Schedule(
                    outcome_day.toordinal(), ledger.split_schedule(outcome_day.toordinal(), varied_fen, [due_on]),
                    varied_fen,
                ),
            ]  # fmt: skip
            instalment_rows[0].current = False
            instalment_rows.append(
                SimpleNamespace(
                    id=new_id("instalment"),
                    schedule_no=2,
                    due_on=due_on,
                    due_day=due_on.toordinal(),
                    amount=varied_fine,
                    outstanding_fen=varied_fen,
                    effective_on=outcome_day,
                    current=True,
                    schedule_fine=varied_fine,
                )  # fmt: skip
            )
            day = outcome_day + timedelta(days=1 + int(rand() * 15))
            if day <= end_day and rand() < 0.5:
                payments.append(ledger.Payment(day.toordinal(), owed_on(schedules, [], pauses, day)))
        elif ended:
            close_day = min(end_day, calendar.local_date(closed_at) if closed_at else end_day)
            close_day = max(close_day, served_on)
            late = close_day > due_on and rand() < LATE_PAID_SHARE
            if late:
                day = due_on + timedelta(days=1 + int(rand() * (close_day - due_on).days))
            else:
                day = served_on + timedelta(
                    days=int(rand() * ((min(close_day, due_on) - served_on).days + 1))
                )
            owed = owed_on(schedules, [], pauses, day, revoked)
            if late and owed > fine_fen and day < close_day and rand() < 0.3:
                payments.append(ledger.Payment(day.toordinal(), fine_fen))  # the fine, then the surcharge
                day += timedelta(days=1 + int(rand() * (close_day - day).days))
                owed = owed_on(schedules, payments, pauses, day, revoked)
            payments.append(ledger.Payment(day.toordinal(), owed))
        else:
            if rand() < DEFERRAL_SHARE and (end_day - served_on).days >= 3 and review is None:
                approved_on = min(end_day, due_on, served_on + timedelta(days=2 + int(rand() * 10)))
                dues = [due_on + timedelta(days=30 * k) for k in range(1, (2 if rand() < 0.6 else 3) + 1)]
                parts = ledger.split_schedule(approved_on.toordinal(), fine_fen, dues)
                schedules.append(ledger.Schedule(approved_on.toordinal(), parts, fine_fen))
                for row in instalment_rows:
                    row.current = False
                for due, part in zip(dues, parts, strict=True):
                    instalment_rows.append(
                        SimpleNamespace(
                            id=new_id("instalment"),
                            schedule_no=2,
                            due_on=due,
                            due_day=due.toordinal(),
                            amount=ledger.to_yuan(part.amount_fen),
                            outstanding_fen=part.amount_fen,
                            effective_on=approved_on,
                            current=True,
                            schedule_fine=None,
                        )  # fmt: skip
                    )
                # The instalments fallen due are mostly paid on time; the last one stays open.
                for due, part in list(zip(dues, parts, strict=True))[:-1]:
                    if due <= end_day and rand() < 0.8:
                        day = max(approved_on, due - timedelta(days=int(rand() * 6)))
                        payments.append(ledger.Payment(day.toordinal(), part.amount_fen))
                deferral = (approved_on, dues)
            else:
                last = min(end_day, due_on + timedelta(days=30))
                draw = rand()
                if draw < 0.35 and last >= served_on:
                    day = served_on + timedelta(days=int(rand() * ((last - served_on).days + 1)))
                    part = max(100, int(fine_fen * (0.2 + 0.6 * rand())) // 1000 * 1000)  # whole 10 yuan
                    if part < fine_fen:
                        payments.append(ledger.Payment(day.toordinal(), part))
                elif draw < 0.42 and end_day > due_on + timedelta(days=1):
                    # The fine paid late, the surcharge still owed.
                    day = due_on + timedelta(days=1 + int(rand() * (end_day - due_on).days))
                    payments.append(ledger.Payment(day.toordinal(), fine_fen))
        if revoked is not None:  # nobody pays a revoked penalty
            payments = [p for p in payments if p.day <= revoked.toordinal()]
        payments = [p for p in payments if p.amount_fen > 0]
        execution = SimpleNamespace(
            rate_bp=rate_bp, status="awaiting", surcharge_started_at=None, due_on=due_on, due_at=due_at,
            ended_at=None, end_reason="",
        )  # fmt: skip
        state, _changed, _paid = services.apply_history(
            execution, schedules, payments, pauses, revoked, instalment_rows, today=end_day
        )
        surcharge_of = {id(payment): fen for payment, fen in state.splits}
        # The window to apply to the court (行政强制法 Art. 53): from service, or from the review's outcome.
        last_outcome = review.outcome_on if review is not None else None
        key = (served_on, last_outcome)
        if key not in court_windows:
            opens, closes = law.at("court_window", served_at, last_outcome)
            court_windows[key] = (
                opens,
                closes,
                opens.isoformat(),
                f"{calendar.local_date(closes)}",
                _utc_text(closes),
            )
        court_opens, court_closes, opens_text, closes_day_text, closes_text = court_windows[key]
        pay_moments = []
        paid_so_far, outstanding_before = 0, schedules[-1].fine_fen
        for index, payment in enumerate(payments):
            paid_on = date.fromordinal(payment.day)
            recorded = min(end, moment(paid_on, 24 + rand() * 8))  # the next day's statement
            recorded_text = _utc_text(recorded)
            pay_moments.append(recorded)
            bank = BANKS[int(rand() * len(BANKS))]
            pk = new_id("payment")
            channel = "bank" if procedure == "simple" or rand() < 0.7 else "platform"
            reference = f"{bank}{paid_on:%Y%m%d}{pk:09d}"
            amount = _money_text(ledger.to_yuan(payment.amount_fen))
            out["payment"].append(
                [
                    str(pk),
                    channel,
                    reference,
                    amount,
                    paid_on.isoformat(),
                    payer or "",
                    recorded_text,
                    "",
                    str(case_id),
                    str(handler_id),
                    _money_text(ledger.to_yuan(surcharge_of.get(id(payment), 0))),
                ]  # fmt: skip
            )
            # record_payment's event (the workflow's transition): the money before and after it.
            if index == len(payments) - 1:
                after_outstanding, to_status = state.fine_outstanding_fen, execution.status
                if to_status == "revoked":  # later: was it paid in full then?
                    then = ledger.replay(schedules, payments, pauses, rate_bp=rate_bp, upto=payment.day)
                    to_status = "paid" if then.owed_fen(payment.day) == 0 else "awaiting"
            else:
                after_outstanding = ledger.replay(
                    schedules, payments[: index + 1], pauses, rate_bp=rate_bp, upto=payment.day
                ).fine_outstanding_fen
                to_status = "awaiting"
            before = (
                f'{{"outstanding": "{_yuan(outstanding_before)}", "paid": "{_yuan(paid_so_far)}", '
                '"status": "awaiting"}'
            )
            paid_so_far += payment.amount_fen
            after = (
                f'{{"amount": "{amount}", "outstanding": "{_yuan(after_outstanding)}", "paid": '
                f'"{_yuan(paid_so_far)}", "paid_on": "{paid_on.isoformat()}", "reference": "{reference}", '
                f'"status": "{"paid" if to_status == "paid" else "awaiting"}"}}'
            )
            event(recorded_text, handler_id, Execution, case_id, f"{number} {fine}", "transition", "record_payment",
                  before, after)  # fmt: skip
            outstanding_before = after_outstanding
        if execution.status == "paid":
            execution.ended_at = max(pay_moments)
        elif execution.status == "revoked":
            execution.ended_at = min(end, moment(revoked, 2))
        court_applied_at = demand_due_at = None
        steps = []  # (moment, verb, from, to, note) of the court
        if (
            execution.status == "awaiting"
            and not execution.paused
            and court_opens < end_day
            and state.owed_fen(end_day) > 0
            and rand() < COURT_SHARE
        ):
            # A demand to pay (催告书) served once the party stopped paying, its 10 working days (Art. 54),
            # then the application within the window (Art. 53); the court's ruling weeks or months later.
            last_paid = max([due_on] + [date.fromordinal(p.day) for p in payments])
            demand_on = max(last_paid, court_opens - timedelta(days=30)) + timedelta(
                days=1 + int(rand() * 20)
            )
            if demand_on <= end_day:
                counts["demands"] += 1
                demand_due_at = law.at("demand_wait_end", moment(demand_on, 3))
                apply_on = max(
                    court_opens, calendar.local_date(demand_due_at) + timedelta(days=1)
                ) + timedelta(days=int(rand() * 25))
                if apply_on <= min(end_day, calendar.local_date(court_closes)):
                    district = DISTRICT_NAMES[district_index.get(unit_id, 0)][0]
                    execution.court = f"江州市{district}人民法院"
                    execution.court_reference = f"（{apply_on.year}）江{district_index.get(unit_id, 0) + 1:02d}01行审{case_id % 9000 + 100}号"
                    court_applied_at = min(end, moment(apply_on, 3))
                    execution.status = "court_applied"
                    steps.append((court_applied_at, "apply_to_court", "awaiting", "court_applied", ""))
                    ruled_on = apply_on + timedelta(days=30 + int(rand() * 120))
                    if ruled_on <= end_day and rand() < 0.6:
                        execution.status, execution.ended_at = "enforced", min(end, moment(ruled_on, 5))
                        execution.end_reason = COURT_ENFORCED_NOTE
                        steps.append(
                            (
                                execution.ended_at,
                                "record_enforced",
                                "court_applied",
                                "enforced",
                                COURT_ENFORCED_NOTE,
                            )
                        )
        for at, verb, frm, to, note in steps:
            event(at, head_of.get(unit_id), Execution, case_id, f"{number} {fine}", "transition", verb,
                  {"status": frm}, {"status": to, **({"court": execution.court} if verb == "apply_to_court" else {})},
                  note)  # fmt: skip
        if deferral is not None:
            approved_on, dues = deferral
            out["deferral"].append(
                [
                    str(new_id("deferral")),
                    DEFERRAL_KIND,
                    str(handler_id),
                    _utc_text(moment(approved_on, -48)),
                    "当事人经济困难，申请分期缴纳罚款。",
                    "approved",
                    str(head_of.get(unit_id)),
                    _utc_text(moment(approved_on)),
                    "同意分期缴纳。",
                    json_dumps([d.isoformat() for d in dues]),
                    str(case_id),
                ]  # fmt: skip
            )
            counts["deferrals"] += 1
        for row in instalment_rows:
            out["instalment"].append(
                [
                    str(row.id),
                    str(row.schedule_no),
                    _bool(row.current),
                    row.due_on.isoformat(),
                    str(row.due_day),
                    _money_text(row.amount),
                    str(row.outstanding_fen),
                    row.effective_on.isoformat(),
                    str(case_id),
                    _money_text(row.schedule_fine),
                ]  # fmt: skip
            )
        if review is not None:
            write_review(review)
        updated = max(
            [served_at, *pay_moments, *(s[0] for s in steps)]
            + ([execution.ended_at] if execution.ended_at else [])
        )
        in_force = varied_fine if varied_fine is not None else fine
        out["execution"].append(
            [
                str(case_id),
                str(1 + len(payments) + (1 if deferral else 0) + len(steps)),
                execution.status,
                number,
                services.payment_code_for(case_id),
                _money_text(in_force),
                _money_text(fine),
                served_on.isoformat(),
                execution.due_on.isoformat(),
                _utc_text(execution.due_at),
                str(rate_bp),
                str(state.fine_fen),
                str(execution.outstanding_fen),
                str(execution.fine_paid_fen),
                str(execution.surcharge_paid_fen),
                str(execution.accrued_micro),
                str(execution.state_day),
                _bool(execution.paused),
                _utc_text(execution.surcharge_started_at),
                getattr(execution, "court", ""),
                getattr(execution, "court_reference", ""),
                execution.end_reason,
                _utc_text(execution.ended_at),
                served_text,
                _utc_text(updated),
                str(case_id),
                str(handler_id),
                str(unit_id),
                _utc_text(court_applied_at),
                opens_text,
                closes_day_text,
                closes_text,
                _utc_text(demand_due_at),
            ]  # fmt: skip
        )
        # open_execution's event, at service (by the officer who served the decision).
        event(served_text, handler_id, Execution, case_id, f"{number} {fine}", "create", "open_execution", None,
              f'{{"due_on": "{due_on.isoformat()}", "fine": "{fine}", "outstanding": "{_yuan(fine_fen)}"}}')  # fmt: skip
        by_status = counts["by_status"]
        by_status[execution.status] = by_status.get(execution.status, 0) + 1
        counts["payments"] += len(payments)
        counts["paused"] += execution.paused
        if execution.status == "awaiting":
            surcharge = state.surcharge_fen(end_day)
            counts["late"] += surcharge > 0
            counts["capped"] += surcharge == state.fine_fen
        flush()
    flush(force=True)
    counts["executions"] = len(rows)
    _log(log, f"penalties: {len(rows):,} executions, {counts['payments']:,} payments", started)

    # Orders to demolish, as planned with the case (`_demolition_plan`, whose bound the case's closing
    # waited for): down by the party, or after a public notice (公告) by force once the notice's deadline and
    # the appeal periods have passed and no review is pending (行政强制法 Art. 44); ended by a revocation.
    demolitions, notice_days, area_by = [], NOTICE_DAYS, {}  # area_by: (year, district) → m² down
    for (
        case_id, status, unit_id, handler_id, registrar, served_at, _closed_at, number, area, days,
    ) in orders:  # fmt: skip
        by = handler_id or registrar
        plan = _demolition_plan(seed, case_id)
        review = review_of.get(case_id)
        if review is None and case_id in planned:
            review = review_of[case_id] = make_review(
                case_id, unit_id, by, served_at, status in live_statuses
            )
            write_review(review)
        served_on = calendar.local_date(served_at)
        deadline_at = law.at("demolition_deadline", served_at, days)
        deadline_on = calendar.local_date(deadline_at)
        notice_on = notice_deadline_on = done_on = None
        forced = False
        if plan.fate == "party":
            done_on = served_on + timedelta(days=plan.party_day)
        elif plan.fate == "late":
            done_on = deadline_on + timedelta(days=plan.late_days)
        else:
            notice_on = deadline_on + timedelta(days=plan.notice_gap)
            notice_deadline_on = notice_on + timedelta(days=notice_days)
            if plan.fate == "noticed":
                done_on = notice_on + timedelta(days=plan.notice_party_day)
            else:
                allowed = max(
                    notice_deadline_on, calendar.local_date(law.at("appeal_windows_close", served_at))
                )
                done_on = allowed + timedelta(days=1 + plan.forced_after)
                # Not while a review is pending, nor before its outcome can no longer be challenged: then the
                # party pulled it down himself under the notice.
                filed = review is not None and review.filed_on <= done_on
                decided_before = filed and review.outcome_on is not None and review.outcome_on < done_on
                forced = not filed or (
                    decided_before
                    and done_on
                    > calendar.local_date(law.at("appeal_windows_close", served_at, review.outcome_on))
                )
        revoked_on = review.outcome_on if review is not None and review.outcome == "revoked" else None
        if revoked_on is not None and revoked_on < done_on:
            done_on, forced = None, False
            if notice_on is not None and notice_on >= revoked_on:
                notice_on = notice_deadline_on = None
        if notice_on is not None and notice_on > end_day:
            notice_on = notice_deadline_on = None
        steps = [(served_at, "create", "open_demolition", "")]
        if notice_on is not None:
            steps.append((moment(notice_on, 1), "update", "give_notice", DEMOLITION_NOTES["notice"]))
        status, area_down, ended_at, note = ("noticed" if notice_on else "ordered"), None, None, ""
        if done_on is not None and done_on <= end_day:
            status = "forced" if forced else "demolished"
            share = Decimal(str(round(plan.share_down, 3)))  # mostly all of it; to the half m²
            area_down = min(area, max(Decimal("0.5"), (area * share * 2).to_integral_value() / 2))
            area_down = area_down.quantize(Decimal("0.01"))
            ended_at, note = min(end, moment(done_on, 6)), DEMOLITION_NOTES[status]
            steps.append((ended_at, "update", "record_demolished", note))
        elif revoked_on is not None:
            status, ended_at, note = "revoked", min(end, moment(revoked_on, 2)), ""
            steps.append((ended_at, "update", "revoke_demolition", ""))
            done_on = None
        else:
            done_on = None
        pk = len(demolitions) + 1
        audit = {"status": "ordered", "area_ordered": str(area), "deadline_on": deadline_on.isoformat()}
        repr_ = f"{number} {area} m²"
        for at, action, verb, step_note in steps:
            if verb == "give_notice":
                audit.update(status="noticed", notice_on=notice_on.isoformat(),
                             notice_deadline_on=notice_deadline_on.isoformat())  # fmt: skip
            elif verb == "record_demolished":
                audit.update(status=status, demolished_on=done_on.isoformat(), area_demolished=str(area_down))
            elif verb == "revoke_demolition":
                audit.update(status="revoked")
            event(at, by if verb != "revoke_demolition" else review.by, Demolition, pk, repr_, action, verb,
                  None, dict(audit), note=step_note, root=case_id)  # fmt: skip
        demolitions.append(
            [
                str(pk),
                str(len(steps)),
                status,
                number,
                _money_text(area),
                deadline_on.isoformat(),
                _utc_text(deadline_at),
                notice_on.isoformat() if notice_on else None,
                notice_deadline_on.isoformat() if notice_deadline_on else None,
                _utc_text(calendar.end_of_day(notice_deadline_on)) if notice_deadline_on else None,
                done_on.isoformat() if done_on else None,
                _money_text(area_down),
                _utc_text(ended_at),
                note,
                _utc_text(served_at),
                _utc_text(steps[-1][0]),
                str(case_id),
                str(by),
                str(unit_id),
            ]  # fmt: skip
        )
        counts.setdefault("demolitions_by_status", {})
        counts["demolitions_by_status"][status] = counts["demolitions_by_status"].get(status, 0) + 1
        if area_down is not None:
            year_district = (done_on.year, district_index.get(unit_id, 0))
            area_by[year_district] = area_by.get(year_district, 0) + area_down
    counts["demolitions"] = len(demolitions)
    counts["area_demolished"] = sum(area_by.values(), Decimal(0))
    counts["area_by_district_year"] = {f"{y}-d{d + 1:02d}": str(m2) for (y, d), m2 in sorted(area_by.items())}
    # Whole district-years: the data's span in years, times the districts with any order.
    years = max(
        1.0, (end_day - min((calendar.local_date(o[5]) for o in orders), default=end_day)).days / 365.25
    )
    districts = len({district_index.get(o[2], 0) for o in orders}) or 1
    counts["area_per_district_year"] = float(counts["area_demolished"]) / (years * districts)
    counts["reviews"] = next_id["review"] - 1
    flush(force=True)
    _log(
        log,
        f"penalties: {len(demolitions):,} orders to demolish, {counts['area_demolished']:,} m² down",
        started,
    )

    # Published decisions (Art. 48): a share of the general cases' penalty decisions, by the bureau head a few
    # days after the decision, the party redacted as `penalties.publication` does; those whose decision was
    # varied or revoked withdrawn within 3 working days (or still due to be).
    from penalties import publication as publishing

    changed = {
        r.case_id: r for r in review_of.values() if r.outcome in ("varied", "revoked", "declared_unlawful")
    }
    decided = list(
        Case.objects.filter(procedure="general", decided_at__isnull=False)
        .exclude(status__in=["revoked", "transferred", "no_penalty", "not_filed"])
        .order_by("pk")
        .values_list(
            "pk",
            "number",
            "unit_id",
            "unit__name",
            "decided_at",
            "facts",
            "legal_basis",
            "penalty_basis",
            "category__name",
            "major_public_interest",
            "party__party_type",
            "party__name",
            "party__credit_code",
            "party__id_number",
            "party__phone",
            "party__address",
        )  # fmt: skip
    )
    chosen = [
        row
        for row in decided
        if rand() < (0.8 if row[9] else 0.6 if row[0] in changed else PUBLICATION_SHARE)
    ]
    if changed and not any(row[0] in changed for row in chosen):  # a tiny city: one withdrawal still
        chosen = sorted(chosen + [next(row for row in decided if row[0] in changed)])
    decided_penalties = {}
    for case_id, kind, amount in (
        CasePenalty.objects.filter(stage="decided", case_id__in=[row[0] for row in chosen])
        .order_by("case_id", "id")
        .values_list("case_id", "kind", "amount")
    ):
        decided_penalties.setdefault(case_id, []).append(
            {
                "kind": kind,
                "label": str(PenaltyKind(kind).label),
                "amount": str(amount) if amount is not None else "",
            }
        )
    publications = []
    for row in chosen:
        case_id, number, unit_id, unit_name, decided_at, facts, legal_basis, penalty_basis, category = row[:9]
        party = SimpleNamespace(
            party_type=row[10],
            name=row[11],
            credit_code=row[12],
            id_number=row[13],
            phone=row[14],
            address=row[15],
        )
        published_at = moment(
            calendar.local_date(decided_at) + timedelta(days=1 + int(rand() * 6)), 5 + rand() * 3
        )
        review = changed.get(case_id)
        changed_at = moment(review.outcome_on, 2) if review is not None else None
        if changed_at is not None and changed_at > end:
            changed_at = None  # recorded after the end of the data
        if published_at > end or (changed_at is not None and changed_at <= published_at):
            continue  # not yet, or a decision no longer as decided
        head = head_of.get(unit_id)
        values = {
            "decision_number": number,
            "decided_on": calendar.local_date(decided_at).isoformat(),
            "unit": unit_name,
            "party": publishing.redacted_party(party),
            "category": category or "",
            "facts": publishing.redacted_text(facts, party),
            "legal_basis": legal_basis,
            "penalty_basis": penalty_basis,
            "penalties": decided_penalties.get(case_id, []),
        }
        status, due, withdrawn_at, withdrawn_by, reason = "published", None, None, None, ""
        pk = len(publications) + 1
        event(published_at, head, Publication, pk, number, "create", "publish", None, {"status": "published"},
              root=case_id)  # fmt: skip
        if changed_at is not None:
            due = calendar.get_calendar().due_after(
                changed_at, publishing.WITHDRAW_WORKING_DAYS, PeriodUnit.WORKING_DAYS
            )
            at = changed_at + (due - changed_at) * (0.2 + 0.7 * rand())
            if at <= end:
                status, withdrawn_at, withdrawn_by = "withdrawn", at, head
                reason = WITHDRAW_REASONS[review.outcome]
                event(at, head, Publication, pk, number, "update", "withdraw_publication", None,
                      {"status": "withdrawn"}, note=reason, root=case_id)  # fmt: skip
        publications.append(
            [
                str(pk),
                str(case_id),
                str(unit_id),
                status,
                copy_text(json_dumps(values)),
                _utc_text(published_at),
                str(head),
                _utc_text(due),
                _utc_text(withdrawn_at),
                str(withdrawn_by) if withdrawn_by else None,
                reason,
                str(head),
                _utc_text(withdrawn_at or published_at),
            ]  # fmt: skip
        )
    counts["publications"] = len(publications)
    counts["withdrawn"] = sum(row[3] == "withdrawn" for row in publications)
    for model, columns, data in (
        (Demolition, DEMOLITION_COLUMNS, demolitions),
        (Publication, PUBLICATION_COLUMNS, publications),
    ):
        if data:
            writer.write(model._meta.db_table, columns, data)
    flush(force=True)
    _log(
        log,
        f"penalties: {len(publications):,} published decisions, {counts['events']:,} audit events",
        started,
    )

    # Seizures and sealings, on general cases past the lead stage (the items are held as evidence).
    seizable = list(
        Case.objects.filter(procedure="general")
        .exclude(status__in=["lead", "not_filed", "transferred"])
        .order_by("pk")
        .values_list("pk", "unit_id", "handler_id", "registered_by_id", "registered_at")
    )
    total_cases = Case.objects.count()
    seizures, items, approvals = [], [], []
    item_id = 0
    chosen = sorted(rng.sample(seizable, min(len(seizable), round(total_cases * SEIZURE_SHARE))))
    for seizure_id, (case_id, unit_id, handler_id, registrar, registered_at) in enumerate(chosen, start=1):
        by = handler_id or registrar
        seized_on = min(end_day, calendar.local_date(registered_at) + timedelta(days=int(rand() * 2)))
        kind = "seal" if rand() < 0.15 else "seize"
        limit_on = seized_on + timedelta(days=SEIZURE_DAYS)
        extended = rand() < 0.06
        if extended:
            asked = moment(limit_on - timedelta(days=3))
            approvals.append(
                [
                    str(len(approvals) + 1),
                    SEIZURE_EXTENSION_KIND,
                    str(by),
                    _utc_text(asked),
                    "案情复杂，需进一步调查取证，申请延长扣押期限。",
                    "approved",
                    str(head_of.get(unit_id)),
                    _utc_text(asked + timedelta(hours=20)),
                    "同意延长三十日。",
                    str(SEIZURE_DAYS),
                    str(seizure_id),
                ]  # fmt: skip
            )
            limit_on += timedelta(days=SEIZURE_DAYS)
        ends_on = seized_on + timedelta(days=3 + int(rand() * ((limit_on - seized_on).days - 3)))
        if ends_on > end_day or (limit_on >= end_day and rand() < 0.7):
            status, ended_at = "held", None
        else:
            status = "confiscated" if rand() < 0.15 else "returned"
            ended_at = min(end, moment(ends_on, 4 + rand() * 5))
        district = DISTRICT_NAMES[district_index.get(unit_id, 0)][0]
        seizures.append(
            [
                str(seizure_id),
                "1" if not extended else "2",
                kind,
                status,
                f"江州市{district}城市管理综合执法局暂扣物品仓库"
                if kind == "seize"
                else "违法经营场所（就地查封）",
                seized_on.isoformat(),
                limit_on.isoformat(),
                _utc_text(calendar.end_of_day(limit_on)),
                str(SEIZURE_DAYS if extended else 0),
                _utc_text(ended_at),
                SEIZURE_NOTES.get(status, ""),
                _utc_text(ended_at or moment(seized_on, 2)),
                str(case_id),
                str(by),
                str(unit_id),
            ]  # fmt: skip
        )
        for _ in range(1 + int(rand() * 3)):
            item_id += 1
            item_kind = "equipment" if kind == "seal" else ("vehicle", "goods", "equipment")[int(rand() * 3)]
            names = SEIZED[item_kind]
            quantity = (
                1
                if item_kind == "vehicle"
                else (1 + int(rand() * 6) if item_kind == "equipment" else 5 + int(rand() * 100))
            )
            items.append(
                [str(item_id), item_kind, names[int(rand() * len(names))], str(quantity), str(seizure_id)]
            )
    from penalties.models import SeizedItem, Seizure, SeizureApproval

    for model, columns, data in (
        (Seizure, SEIZURE_COLUMNS, seizures),
        (SeizedItem, SEIZED_ITEM_COLUMNS, items),
        (SeizureApproval, SEIZURE_APPROVAL_COLUMNS, approvals),
    ):
        if data:
            writer.write(model._meta.db_table, columns, data)
    writer.close()
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), _penalty_models()):
            cursor.execute(sql)
    counts["seizures"], counts["seized_items"], counts["seizure_extensions"] = (
        len(seizures),
        len(items),
        len(approvals),
    )
    counts["seizures_by_status"] = {}
    for row in seizures:
        counts["seizures_by_status"][row[3]] = counts["seizures_by_status"].get(row[3], 0) + 1
    counts["digest"] = writer.digest.hexdigest()
    _log(log, f"penalties: {len(seizures):,} seizures with {len(items):,} items", started)
    return counts


def penalty_line(c):
    statuses = ", ".join(f"{k} {v:,}" for k, v in sorted(c["by_status"].items()))
    seized = ", ".join(f"{k} {v:,}" for k, v in sorted(c["seizures_by_status"].items()))
    return (
        f"executions {c['executions']:,} ({statuses}; awaiting late {c['late']:,}, capped {c['capped']:,}, "
        f"paused {c['paused']:,}), payments {c['payments']:,}, deferrals {c['deferrals']:,}, reviews "
        f"{c['reviews']:,} ({c['pending_reviews']:,} pending), seizures {c['seizures']:,} ({seized}; "
        f"{c['seizure_extensions']:,} extended), seized items {c['seized_items']:,}; reviews by outcome "
        f"{_counted(c['reviews_by_outcome'])}; demands {c['demands']:,}; orders to demolish "
        f"{c['demolitions']:,} ({_counted(c.get('demolitions_by_status', {}))}; {c['area_demolished']:,} m² "
        f"demolished, {c['area_per_district_year']:,.0f} m² per district and year); published decisions "
        f"{c['publications']:,} ({c['withdrawn']:,} withdrawn); audit events {c['events']:,}"
    )


def _counted(by):
    return ", ".join(f"{k} {v:,}" for k, v in sorted(by.items()))


def penalties_only(*, seed=DEFAULT_SEED, end=None, log=print):
    """`--penalties-only`: the penalties stage alone on the city already loaded (its tables emptied first),
    then ANALYZE. `end` defaults to the cases' last update (so a rerun gives the same rows)."""
    from django.db import connection, transaction

    started = time.monotonic()
    with transaction.atomic():
        counts = generate_penalties(seed=seed, end=end, log=log, started=started)
    with connection.cursor() as cursor:
        for model in _penalty_models():
            cursor.execute(
                f"VACUUM (ANALYZE) {model._meta.db_table}"
                if connection.vendor == "postgresql"
                else f"ANALYZE {model._meta.db_table}"
            )
    if counts:
        print(penalty_line(counts))
    print(f"seconds: penalties {time.monotonic() - started:.1f}")
    return counts


# --- the campaigns (issue 13) -------------------------------------------------------------------------------
DEFAULT_CAMPAIGNS = (
    200  # over the three years, with DEFAULT_COMPLAINTS; in proportion otherwise (`campaigns_for`)
)
DEFAULT_ITEMS = 100_000
CAMPAIGN_KIND_WEIGHTS = [  # as often as the bureaus' summaries speak of them
    ("street_vending", 22),
    ("illegal_posters", 15),
    ("illegal_construction", 15),
    ("illegal_parking", 12),
    ("outdoor_advertising", 10),
    ("gas_safety", 9),
    ("night_stalls", 9),
    ("frontage_duties", 8),
]
CAMPAIGN_KIND_NAMES = {
    "street_vending": "占道经营",
    "illegal_posters": "“牛皮癣”小广告",
    "illegal_construction": "违法建设",
    "illegal_parking": "乱停放",
    "outdoor_advertising": "户外广告",
    "gas_safety": "燃气安全",
    "night_stalls": "夜市摊档",
    "frontage_duties": "门前三包",
}
CAMPAIGN_DAYS = {  # (shortest, longest) period
    "street_vending": (30, 120),
    "illegal_posters": (60, 180),
    "illegal_construction": (60, 180),
    "illegal_parking": (30, 90),
    "outdoor_advertising": (30, 90),
    "gas_safety": (20, 60),
    "night_stalls": (30, 90),
    "frontage_duties": (30, 90),
}
# What one squadron's field log records on a day, on average, per measure of the kind (measures.py): a
# district's posters drive cleans about a million posters a year, its vending drives seize hundreds of
# tricycles, its construction drives demolish tens of thousands of m² (the summaries' figures).
LOG_MEANS = {
    "street_vending": {
        "persuasion": 25, "correction_notices": 8, "violations_handled": 4, "seized_vehicles": 0.8,
        "seized_goods": 15, "seized_equipment": 2, "confiscated_items": 1, "workshops_closed": 0.02,
        "person_times": 18, "vehicles_deployed": 4,
    },
    "night_stalls": {
        "persuasion": 20, "correction_notices": 6, "violations_handled": 3, "seized_vehicles": 1,
        "seized_goods": 10, "seized_equipment": 2, "confiscated_items": 0.5, "sites_inspected": 15,
        "person_times": 15, "vehicles_deployed": 3,
    },
    "frontage_duties": {
        "persuasion": 30, "correction_notices": 10, "violations_handled": 2, "seized_goods": 3,
        "signs_removed": 1, "sites_inspected": 40, "person_times": 10, "vehicles_deployed": 2,
    },
    "illegal_posters": {
        "persuasion": 5, "correction_notices": 2, "violations_handled": 1, "seized_goods": 20,
        "posters_cleaned": 1000, "phones_suspended": 1.5, "workshops_closed": 0.05, "person_times": 20,
        "vehicles_deployed": 4,
    },
    "illegal_construction": {
        "persuasion": 3, "correction_notices": 3, "violations_handled": 1, "seized_equipment": 1,
        "demolished_area": 45, "person_times": 25, "vehicles_deployed": 5,
    },
    "illegal_parking": {
        "persuasion": 40, "correction_notices": 10, "violations_handled": 8, "seized_vehicles": 1,
        "vehicles_cleared": 60, "person_times": 12, "vehicles_deployed": 3,
    },
    "outdoor_advertising": {
        "persuasion": 5, "correction_notices": 3, "violations_handled": 1, "seized_equipment": 0.5,
        "demolished_area": 5, "signs_removed": 3, "person_times": 10, "vehicles_deployed": 3,
    },
    "gas_safety": {
        "persuasion": 8, "correction_notices": 3, "violations_handled": 1, "workshops_closed": 0.05,
        "sites_inspected": 30, "hazards_found": 4, "person_times": 10, "vehicles_deployed": 2,
    },
}  # fmt: skip
MEASURE_WORDS = {  # (what, unit) as a summary writes them (campaigns/measures.py's comments)
    "persuasion": ("劝导教育", "人次"),
    "correction_notices": ("发出责令整改通知书", "份"),
    "violations_handled": ("查处违法行为", "宗"),
    "seized_vehicles": ("暂扣车辆", "辆"),
    "seized_goods": ("暂扣物品", "件"),
    "seized_equipment": ("暂扣工具设备", "件"),
    "confiscated_items": ("没收物品", "件"),
    "demolished_area": ("拆除违法建设", "平方米"),
    "signs_removed": ("拆除招牌、灯箱", "块"),
    "posters_cleaned": ("清理小广告", "张"),
    "phones_suspended": ("停机号码", "个"),
    "workshops_closed": ("取缔窝点", "个"),
    "vehicles_cleared": ("清理乱停放车辆", "辆"),
    "sites_inspected": ("检查经营场所", "家"),
    "hazards_found": ("发现隐患", "处"),
    "person_times": ("出动执法人员", "人次"),
    "vehicles_deployed": ("出动执法车辆", "车次"),
}
HEADLINE_MEASURE = {  # the goal set per unit as well as in total
    "street_vending": "seized_vehicles",
    "night_stalls": "correction_notices",
    "frontage_duties": "sites_inspected",
    "illegal_posters": "posters_cleaned",
    "illegal_construction": "demolished_area",
    "illegal_parking": "vehicles_cleared",
    "outdoor_advertising": "signs_removed",
    "gas_safety": "hazards_found",
}
CAMPAIGN_PARTNERS = {
    "street_vending": ["public_security", "market_regulation", "street_office"],
    "night_stalls": ["public_security", "market_regulation", "ecology", "street_office"],
    "frontage_duties": ["street_office", "market_regulation"],
    "illegal_posters": ["telecom", "public_security", "street_office"],
    "illegal_construction": ["natural_resources", "housing", "public_security", "street_office"],
    "illegal_parking": ["traffic_police", "public_security"],
    "outdoor_advertising": ["market_regulation", "housing", "emergency"],
    "gas_safety": ["emergency", "fire", "market_regulation"],
}
ITEM_RATE = {  # items found per field log, relative
    "street_vending": 1.5, "night_stalls": 1.5, "frontage_duties": 1.5, "illegal_posters": 0.3,
    "illegal_construction": 0.5, "illegal_parking": 0.8, "outdoor_advertising": 1.2, "gas_safety": 1.2,
}  # fmt: skip
ITEM_KINDS = {
    "street_vending": [("stall", 70), ("shop", 30)],
    "night_stalls": [("stall", 80), ("shop", 20)],
    "frontage_duties": [("shop", 90), ("sign", 10)],
    "illegal_posters": [("other", 60), ("sign", 40)],
    "illegal_construction": [("structure", 100)],
    "illegal_parking": [("other", 80), ("shop", 20)],
    "outdoor_advertising": [("sign", 90), ("structure", 10)],
    "gas_safety": [("shop", 100)],
}
ITEM_CATEGORIES = {  # catalogue codes (enforcement.catalog.demo) by kind of campaign
    "street_vending": ["0701", "0702", "0703", "0602"],
    "night_stalls": ["0502", "0701", "0602"],
    "frontage_duties": ["0103", "0104", "0702"],
    "illegal_posters": ["0801", "0802", "0803"],
    "illegal_construction": ["0201", "0202", "0203", "0204"],
    "illegal_parking": ["0401", "0703"],
    "outdoor_advertising": ["1001", "1002", "1003"],
    "gas_safety": ["0901", "0902"],
}
ITEM_FINDINGS = {
    "stall": ["流动摊贩占道经营", "摊档超出经营范围摆卖", "占用人行道摆卖水果", "三轮车流动售卖"],
    "shop": ["店铺出店经营，占用人行道", "门前堆放杂物", "店内违规存放瓶装液化气", "门前车辆乱停放"],
    "structure": ["楼顶加建彩钢板房", "占用绿地搭建铁皮棚", "未经许可扩建围墙", "天台违法加建"],
    "sign": ["擅自设置户外广告牌", "招牌破损有坠落危险", "违规设置灯箱广告", "立柱广告未经审批"],
    "other": ["墙面乱张贴小广告", "电杆喷涂办证号码", "车辆占用消防通道停放", "共享单车堆放占道"],
}
ITEM_REQUIREMENTS = {
    "stall": "立即停止占道经营，清理摊档物品，恢复道路通行。",
    "shop": "停止出店经营，清理门前物品，落实门前三包责任。",
    "structure": "自行拆除违法建设，恢复原状。",
    "sign": "拆除未经审批的广告设施，消除安全隐患。",
    "other": "清理违法张贴、涂写内容，恢复市容原貌。",
}
RECTIFY_DAYS = [3, 5, 7, 7, 10, 15, 15, 30, 30, 60]  # the notice's days to rectify (≤ rectification_max_days)
ITEM_FOUND_STUCK_SHARE = 0.02  # registered, never noticed
ITEM_OVERDUE_SHARE = 0.25  # of the notices whose deadline passed in the last 20 days: not yet re-checked
ITEM_RECTIFIED_SHARE = 0.9
ITEM_ESCALATED_SHARE = 0.75  # of the items not rectified, when a case of the unit is at hand
ESCALATION_WINDOW_DAYS = 30  # a case of the item's unit registered within this after the re-check
CANCELLED_SHARE = 0.04
PLANNED_CAMPAIGNS = 4  # of the campaigns, planned to start after the data ends
CAMPAIGN_COLUMNS = [
    "id", "version", "number", "name", "kind", "status", "starts_on", "ends_on", "lead_unit_id", "partners",
    "description", "summary", "created_by_id", "created_at", "started_at", "ended_at", "updated_at",
]  # fmt: skip
CAMPAIGN_UNIT_COLUMNS = ["id", "campaign_id", "unit_id"]
GOAL_COLUMNS = ["id", "campaign_id", "measure", "unit_id", "target"]
LOG_COLUMNS = [
    "id", "version", "campaign_id", "unit_id", "day", "place", "note", "partners", "logged_by_id",
    "logged_at", "updated_at",
]  # fmt: skip
LOG_VALUE_COLUMNS = ["id", "log_id", "measure", "value"]
ITEM_COLUMNS = [
    "id", "version", "campaign_id", "unit_id", "kind", "status", "party_id", "party_name", "category_id",
    "description", "address", "lat", "lng", "grid_id", "complaint_id", "found_on", "found_by_id",
    "requirement", "noticed_at", "deadline_on", "recheck_due_at", "rechecked_on", "rechecked_at",
    "recheck_result", "recheck_note", "case_id", "escalated_at", "created_at", "updated_at",
]  # fmt: skip


def campaigns_for(complaints):
    return max(8, round(DEFAULT_CAMPAIGNS * complaints / DEFAULT_COMPLAINTS))


def items_for(complaints):
    return max(400, round(DEFAULT_ITEMS * complaints / DEFAULT_COMPLAINTS))


def _campaign_models():
    from campaigns.models import (
        Campaign,
        CampaignGoal,
        CampaignUnit,
        FieldLog,
        FieldLogPhoto,
        FieldLogValue,
        ItemPhoto,
        RectificationItem,
    )

    # Children first (the order SQLite's DELETE needs).
    return [
        ItemPhoto,
        RectificationItem,
        FieldLogPhoto,
        FieldLogValue,
        FieldLog,
        CampaignGoal,
        CampaignUnit,
        Campaign.grids.through,
        Campaign,
    ]


def _flush_campaign_tables(connection):
    from django.core.management.color import no_style

    from enforcement.documents.models import NumberCounter

    tables = [m._meta.db_table for m in _campaign_models()]
    with connection.cursor() as cursor:
        for sql in connection.ops.sql_flush(no_style(), tables, reset_sequences=True, allow_cascade=True):
            cursor.execute(sql)
    NumberCounter.objects.filter(scope="campaign").delete()


def _draw(rand, mean, decimals=0):
    """A day's figure around `mean` (uniform from 0.2 to 1.8 times it, rounded at random so the mean holds)."""
    x = mean * (0.2 + 1.6 * rand())
    if decimals:
        return round(x, decimals)
    whole = int(x)
    return whole + (1 if rand() < x - whole else 0)


def generate_campaigns(
    *, seed=DEFAULT_SEED, end=None, log=print, started=None, fresh=False, campaigns=None, items=None
):
    """The campaigns stage (issue 13), on the city and cases already loaded (inside the caller's transaction;
    the campaign tables are emptied first, and with them the campaigns' number counters):
    - `campaigns` campaigns (default DEFAULT_CAMPAIGNS) over the three years up to `end`, across districts
      (DISTRICT_WEIGHTS) and kinds (CAMPAIGN_KIND_WEIGHTS), each led by its district bureau with 2–6 of its
      squadrons taking part, partner departments, 2–4 target grids per squadron and goals: a total per
      measure the kind logs (`LOG_MEANS`, only measures `campaigns.measures.for_kind` allows) and one per
      squadron for the kind's headline measure; concluded (with a summary of the logged figures) or
      cancelled when their period is over, active when it runs over `end`, PLANNED_CAMPAIGNS planned after it;
    - a field log per squadron taking part on most days of the period up to the day before `end` (90 % of
      weekdays, 60 % of weekends), its values drawn around `LOG_MEANS` (zeros left out, as the service does);
    - `items` rectification items (default DEFAULT_ITEMS) spread over the campaigns by their logs (each on a
      log's unit and day), the point inside one of the campaign's grids of that unit, their status by age:
      found, noticed (deadline ahead, or overdue for the re-check), rectified, not rectified or escalated —
      escalated only when a case of the item's unit, registered within ESCALATION_WINDOW_DAYS after the
      re-check, is at hand (its party and category taken over, the one-to-one link; else not rectified);
    - the audit events as the services write them: plan_campaign, start, conclude, cancel,
      log_field_work and register_item (rooted at the campaign), issue_notice, recheck, escalate.
    Deterministic: the same city, cases, `seed`, `end`, `campaigns` and `items` give the same rows. Returns
    the counts."""
    with _calendar_pinned():
        return _generate_campaigns(
            seed=seed, end=end, log=log, started=started, fresh=fresh, campaigns=campaigns, items=items
        )


def _generate_campaigns(*, seed, end, log, started, fresh, campaigns, items):
    import bisect

    from django.contrib.contenttypes.models import ContentType
    from django.core.management.color import no_style
    from django.db import connection
    from django.db.models import Max
    from django.utils import timezone

    from campaigns import measures as campaign_measures
    from campaigns.models import (
        NUMBER_PREFIX,
        Campaign,
        CampaignGoal,
        CampaignUnit,
        FieldLog,
        FieldLogValue,
        RectificationItem,
    )
    from cases.models import Case
    from enforcement.audit.models import AuditEvent
    from enforcement.catalog.models import ViolationCategory
    from enforcement.documents.models import NumberCounter
    from enforcement.org.models import Grid, OrgUnit, User
    from enforcement.workdays import calendar

    started = started or time.monotonic()
    postgres = connection.vendor == "postgresql"
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL TIME ZONE 'UTC'")
    _flush_campaign_tables(connection)
    if not fresh:
        _flush_penalty_events(connection, [Campaign, FieldLog, RectificationItem])
        _log(log, "campaigns: an earlier run's rows and audit events removed", started)
    if end is None:
        end = Case.objects.aggregate(end=Max("updated_at"))["end"]
    if end is None:
        return {}
    campaigns = DEFAULT_CAMPAIGNS if campaigns is None else campaigns
    items = DEFAULT_ITEMS if items is None else items
    tz = timezone.get_default_timezone()
    end_day = calendar.local_date(end)
    start_day = end_day - timedelta(days=round(365.25 * 3))
    rng = random.Random(seed * 1_000_003 + 13)
    rand = rng.random

    # The city: districts with their squadrons, each squadron's grids (bounds in micro-degrees) and people.
    units = list(
        OrgUnit.objects.filter(code__startswith="bench-d").order_by("code").values_list("id", "code")
    )
    district_ids = [pk for pk, code in units if code.count("-") == 1]
    squadrons_of = {pk: [] for pk in district_ids}
    by_code = {code: pk for pk, code in units}
    for pk, code in units:
        if code.count("-") == 2:
            squadrons_of[by_code[code.rsplit("-", 1)[0]]].append(pk)
    if not district_ids:
        return {}
    grids_of = {}
    for pk, unit_id, a, b, c, d in (
        Grid.objects.filter(code__startswith="bench-")
        .order_by("code")
        .values_list("pk", "unit_id", "min_lat", "max_lat", "min_lng", "max_lng")
    ):
        grids_of.setdefault(unit_id, []).append(
            (pk, int(a * 1_000_000), int(b * 1_000_000), int(c * 1_000_000), int(d * 1_000_000))
        )
    people = dict(User.objects.filter(username__startswith="bench.d").values_list("username", "id"))
    codes = dict(units)
    head_of, leader_of, officers_of = {}, {}, {}
    for d_id in district_ids:
        prefix = "bench." + codes[d_id].split("-")[1]  # bench.d01
        head_of[d_id] = people[f"{prefix}.bureau_head"]
        for s_id in squadrons_of[d_id]:
            sprefix = f"{prefix}.{codes[s_id].split('-')[2]}"
            leader_of[s_id] = people[f"{sprefix}.squad_leader"]
            officers_of[s_id] = [people[f"{sprefix}.officer{n}"] for n in (1, 2, 3)] + [leader_of[s_id]]
    district_table = _table(list(zip(district_ids, DISTRICT_WEIGHTS[: len(district_ids)], strict=True)))
    kind_table = _table(CAMPAIGN_KIND_WEIGHTS)
    category_of = dict(
        ViolationCategory.objects.filter(is_active=True, parent__isnull=False).values_list("code", "pk")
    )
    any_category = sorted(category_of.values())
    item_categories = {
        kind: [category_of[c] for c in cs if c in category_of] or any_category
        for kind, cs in ITEM_CATEGORIES.items()
    }
    # The cases an escalated item may be linked to: per unit, by registration (none linked yet: fresh tables).
    cases_of = {}
    for pk, unit_id, registered_at, party_id, category_id, number in (
        Case.objects.filter(registered_at__date__gte=start_day, category__isnull=False)
        .order_by("registered_at", "pk")
        .values_list("pk", "unit_id", "registered_at", "party_id", "category_id", "number")
    ):
        cases_of.setdefault(unit_id, ([], []))
        days, rows = cases_of[unit_id]
        days.append(calendar.local_date(registered_at))
        rows.append((pk, registered_at, party_id, category_id, number))
    party_names = {}
    linked = set()

    def moment(day, hours=0.0):  # 09:00 local on `day`, plus `hours`; never after the end
        return min(end, datetime.combine(day, datetime.min.time(), tzinfo=tz) + timedelta(hours=9 + hours))

    copy_text = (lambda text: text.replace("\\", "\\\\")) if postgres else (lambda text: text)

    def j(value):
        return copy_text(json_dumps(value))

    ct = {m: str(ContentType.objects.get_for_model(m).pk) for m in (Campaign, FieldLog, RectificationItem)}
    event_columns, event_extra = _columns(AuditEvent, CASE_EVENT_COLUMNS)
    out = {key: [] for key in ("campaign", "unit", "grid", "goal", "log", "value", "item", "event")}

    def event(at, actor, model, object_id, repr_, action, verb, before, after, note="", root=None):
        out["event"].append(
            (
                _utc_text(min(at, end)), str(actor), ct[model], str(object_id), repr_[:200], action, verb,
                "ui", None if before is None else j(before), None if after is None else j(after), note,
                ct[Campaign] if root else None, str(root) if root else None,
            )
            + event_extra
        )  # fmt: skip

    # 1. The campaigns: district, kind, period, status; units, grids, partners.
    plans = []
    planned_count = min(PLANNED_CAMPAIGNS, campaigns // 8)
    for n in range(campaigns):
        district = district_table[int(rand() * len(district_table))]
        kind = kind_table[int(rand() * len(kind_table))]
        shortest, longest = CAMPAIGN_DAYS[kind]
        days = shortest + int(rand() * (longest - shortest + 1))
        if n < planned_count:
            starts_on = end_day + timedelta(days=3 + int(rand() * 40))
        else:
            span = (end_day - start_day).days - 20
            starts_on = start_day + timedelta(days=10 + int(rand() * span))
            if kind == "night_stalls":  # the summer's night markets
                month = min(max(starts_on.month, 5), 8)
                starts_on = starts_on.replace(month=month, day=min(starts_on.day, 28))
                if starts_on > end_day - DAY:
                    starts_on = starts_on.replace(year=starts_on.year - 1)
        plans.append((starts_on, n, district, kind, days))
    plans.sort()
    counters = {}
    campaign_rows = []
    counts = {"by_status": {}, "goals": 0, "logs": 0, "values": 0, "items_by_status": {}, "events": 0}
    totals = {}  # (district, year, measure) -> logged
    for campaign_id, (starts_on, _n, district, kind, days) in enumerate(plans, start=1):
        ends_on = starts_on + timedelta(days=days - 1)
        squadrons = sorted(
            rng.sample(squadrons_of[district], min(len(squadrons_of[district]), 2 + int(rand() * 5)))
        )
        partner_pool = CAMPAIGN_PARTNERS[kind]
        partners = sorted(rng.sample(partner_pool, 1 + int(rand() * len(partner_pool))))
        grids = {
            s: sorted(rng.sample(grids_of[s], min(len(grids_of[s]), 2 + int(rand() * 3)))) for s in squadrons
        }
        created_on = starts_on - timedelta(days=7 + int(rand() * 14))
        status, started_at, ended_at, cancel_on = "planned", None, None, None
        if starts_on <= end_day:
            status, started_at = "active", moment(starts_on, -0.5)
            if rand() < CANCELLED_SHARE:
                cancel_on = starts_on + timedelta(days=int(rand() * days * 0.7))
                if cancel_on < end_day:
                    status, ended_at = "cancelled", moment(cancel_on, 8)
            if status == "active" and ends_on < end_day:
                conclude_on = ends_on + timedelta(days=1 + int(rand() * 5))
                if conclude_on <= end_day and moment(conclude_on, 7) < end:
                    status, ended_at = "concluded", moment(conclude_on, 7)
        year = starts_on.year
        counters[year] = counters.get(year, 0) + 1
        number = f"{NUMBER_PREFIX}{year}{counters[year]:04d}"
        district_name = DISTRICT_NAMES[district_ids.index(district)][0]
        name = f"{district_name}{year}年{CAMPAIGN_KIND_NAMES[kind]}专项整治行动"
        if starts_on.month > 6:
            name = f"{district_name}{year}年下半年{CAMPAIGN_KIND_NAMES[kind]}专项整治行动"
        description = f"集中{days}天，组织{len(squadrons)}个中队联合{len(partners)}个部门开展{CAMPAIGN_KIND_NAMES[kind]}专项整治。"
        kind_measures = [m for m in campaign_measures.for_kind(kind) if m.slug in LOG_MEANS[kind]]
        # The logs: each squadron, most days of the period up to the day before the end.
        last_day = min(ends_on, end_day - DAY, cancel_on or ends_on)
        logs = []
        logged = {}
        if status != "planned":
            day = starts_on
            while day <= last_day:
                chance = 0.6 if day.weekday() >= 5 else 0.9
                for s in squadrons:
                    if rand() >= chance:
                        continue
                    values = []
                    for m in kind_measures:
                        value = _draw(rand, LOG_MEANS[kind][m.slug], m.decimals)
                        if value > 0:
                            values.append((m.slug, value, m.decimals))
                            logged[(m.slug, s)] = logged.get((m.slug, s), 0) + value
                            key = (district, day.year, m.slug)
                            totals[key] = totals.get(key, 0) + value
                    if values:
                        logs.append((day, s, values))
                day += DAY
        # The goals: a total per measure, the headline one per squadron too (about what is logged in full).
        goals = []
        for m in kind_measures:
            expected = LOG_MEANS[kind][m.slug] * days * 0.82
            if expected * len(squadrons) < 1:
                continue
            factor = 0.8 + 0.45 * rand()
            target = round(expected * len(squadrons) * factor, m.decimals) or 1
            goals.append((m.slug, None, target, m.decimals))
            if m.slug == HEADLINE_MEASURE[kind]:
                for s in squadrons:
                    goals.append((m.slug, s, max(round(expected * factor, m.decimals), 1), m.decimals))
        summary = ""
        if status == "concluded":
            done = {}
            for (slug, _s), value in logged.items():
                done[slug] = done.get(slug, 0) + value
            parts = [
                f"{MEASURE_WORDS[slug][0]}{value:,.{campaign_measures.get(slug).decimals}f}{MEASURE_WORDS[slug][1]}"
                for slug, value in done.items()
            ]
            summary = f"专项整治行动圆满完成：{'，'.join(parts[:6])}。"
        plan = dict(
            id=campaign_id, number=number, name=name, kind=kind, status=status, starts_on=starts_on,
            ends_on=ends_on, district=district, squadrons=squadrons, partners=partners, grids=grids,
            created_at=moment(created_on), started_at=started_at, ended_at=ended_at, logs=logs, goals=goals,
            description=description, summary=summary, by=head_of[district],
        )  # fmt: skip
        campaign_rows.append(plan)
        counts["by_status"][status] = counts["by_status"].get(status, 0) + 1

    # 2. Rows and events of the campaigns, their units, grids, goals and logs.
    goal_id = unit_row_id = grid_row_id = log_id = value_id = 0
    for c in campaign_rows:
        updated = c["ended_at"] or c["started_at"] or c["created_at"]
        version = 1 + (c["started_at"] is not None) + (c["ended_at"] is not None)
        out["campaign"].append(
            [
                str(c["id"]),
                str(version),
                c["number"],
                c["name"],
                c["kind"],
                c["status"],
                c["starts_on"].isoformat(),
                c["ends_on"].isoformat(),
                str(c["district"]),
                j(c["partners"]),
                c["description"],
                c["summary"],
                str(c["by"]),
                _utc_text(c["created_at"]),
                _utc_text(c["started_at"]),
                _utc_text(c["ended_at"]),
                _utc_text(updated),
            ]  # fmt: skip
        )
        for unit_id in [c["district"], *c["squadrons"]]:
            unit_row_id += 1
            out["unit"].append([str(unit_row_id), str(c["id"]), str(unit_id)])
        for s in c["squadrons"]:
            for grid in c["grids"][s]:
                grid_row_id += 1
                out["grid"].append([str(grid_row_id), str(c["id"]), str(grid[0])])
        for slug, unit_id, target, _decimals in c["goals"]:
            goal_id += 1
            out["goal"].append(
                [str(goal_id), str(c["id"]), slug, None if unit_id is None else str(unit_id), f"{target:.2f}"]
            )
        counts["goals"] += len(c["goals"])
        snapshot = {
            "number": c["number"], "name": c["name"], "kind": c["kind"], "status": "planned",
            "starts_on": c["starts_on"].isoformat(), "ends_on": c["ends_on"].isoformat(),
            "lead_unit": c["district"], "partners": c["partners"], "units": sorted([c["district"], *c["squadrons"]]),
            "goals": [[slug, u, f"{t:.2f}"] for slug, u, t, _d in c["goals"]],
        }  # fmt: skip
        event(
            c["created_at"], c["by"], Campaign, c["id"], c["name"], "create", "plan_campaign", None, snapshot
        )
        if c["started_at"]:
            event(c["started_at"], c["by"], Campaign, c["id"], c["name"], "transition", "start",
                  {"status": "planned"}, {"status": "active", "started_at": c["started_at"].isoformat()})  # fmt: skip
        if c["status"] == "concluded":
            event(c["ended_at"], c["by"], Campaign, c["id"], c["name"], "transition", "conclude",
                  {"status": "active", "summary": ""}, {"status": "concluded", "summary": c["summary"]})  # fmt: skip
        elif c["status"] == "cancelled":
            event(c["ended_at"], c["by"], Campaign, c["id"], c["name"], "transition", "cancel",
                  {"status": "active"}, {"status": "cancelled"}, note="因工作安排调整，本次专项行动取消。")  # fmt: skip
        c["log_ids"] = []
        for day, s, values in c["logs"]:
            log_id += 1
            by = officers_of[s][int(rand() * len(officers_of[s]))]
            at = moment(day, 8 + rand() * 4)
            street = STREETS[int(rand() * len(STREETS))]
            out["log"].append(
                [
                    str(log_id),
                    "1",
                    str(c["id"]),
                    str(s),
                    day.isoformat(),
                    f"{street}沿线",
                    f"{CAMPAIGN_KIND_NAMES[c['kind']]}专项巡查整治。",
                    j(c["partners"][:1]),
                    str(by),
                    _utc_text(at),
                    _utc_text(at),
                ]  # fmt: skip
            )
            row_values = {}
            for slug, value, decimals in values:
                value_id += 1
                out["value"].append([str(value_id), str(log_id), slug, f"{value:.2f}"])
                row_values[slug] = f"{value:.2f}" if decimals else f"{value}.00"
            event(at, by, FieldLog, log_id, f"{c['id']} {day.isoformat()} {s}", "create", "log_field_work",
                  None, {"day": day.isoformat(), "unit": s, "values": row_values}, root=c["id"])  # fmt: skip
            c["log_ids"].append((day, s))
        counts["logs"] += len(c["logs"])
        counts["values"] += sum(len(v) for _d, _s, v in c["logs"])
        c["logs"] = None  # (the memory)

    # 3. The items, spread over the campaigns by their logs.
    weights = [len(c["log_ids"]) * ITEM_RATE[c["kind"]] for c in campaign_rows]
    total_weight = sum(weights) or 1
    exact = [w / total_weight * items for w in weights]
    shares = [int(x) for x in exact]
    for i in sorted(range(len(exact)), key=lambda i: (shares[i] - exact[i], i))[: items - sum(shares)]:
        shares[i] += 1
    if not any(weights):
        shares = [0] * len(weights)
    drafts = []
    end_of_day = {}
    for c, share in zip(campaign_rows, shares, strict=True):
        kind_table_items = _table(ITEM_KINDS[c["kind"]], size=100)
        for _ in range(share):
            day, s = c["log_ids"][int(rand() * len(c["log_ids"]))]
            grid = c["grids"][s][int(rand() * len(c["grids"][s]))]
            lat = grid[1] + 1 + int(rand() * (grid[2] - grid[1] - 2))
            lng = grid[3] + 1 + int(rand() * (grid[4] - grid[3] - 2))
            item_kind = kind_table_items[int(rand() * len(kind_table_items))]
            drafts.append((c, day, s, grid[0], lat, lng, item_kind))
    drafts.sort(key=lambda d: (d[1], d[0]["id"], d[2]))  # ids in the order the items were found
    item_rows = []
    for item_id, (c, found_on, s, grid_id, lat, lng, item_kind) in enumerate(drafts, start=1):
        age = (end_day - found_on).days
        by = officers_of[s][int(rand() * len(officers_of[s]))]
        created = moment(found_on, 1 + rand() * 6)
        words = SHOP_WORDS
        party_name = (
            f"{words[int(rand() * len(words))]}{words[int(rand() * len(words))]}{SHOP_KINDS[int(rand() * len(SHOP_KINDS))]}"
            if item_kind in ("shop", "sign")
            else (SURNAMES[int(rand() * len(SURNAMES))] + "某" if item_kind != "other" else "")
        )
        findings = ITEM_FINDINGS[item_kind]
        street = STREETS[int(rand() * len(STREETS))]
        categories = item_categories[c["kind"]]
        row = dict(
            id=item_id, c=c, unit=s, kind=item_kind, status="found", party_id=None, party_name=party_name,
            category=categories[int(rand() * len(categories))], description=findings[int(rand() * len(findings))],
            address=f"{street}{1 + int(rand() * 300)}号", lat=lat, lng=lng, grid=grid_id, found_on=found_on,
            by=by, created=created, requirement="", noticed_at=None, deadline_on=None, recheck_due=None,
            rechecked_on=None, rechecked_at=None, result="", case=None, case_number="", escalated_at=None,
        )  # fmt: skip
        stuck = rand() < ITEM_FOUND_STUCK_SHARE
        if not stuck and not (age <= 2 and rand() < 0.6):
            noticed_on = min(end_day, found_on + timedelta(days=0 if rand() < 0.6 else 1 + int(rand() * 2)))
            row["status"], row["requirement"] = "noticed", ITEM_REQUIREMENTS[item_kind]
            row["noticed_at"] = max(created, moment(noticed_on, 2 + rand() * 6))
            deadline_on = noticed_on + timedelta(days=RECTIFY_DAYS[int(rand() * len(RECTIFY_DAYS))])
            row["deadline_on"] = deadline_on
            if deadline_on not in end_of_day:
                end_of_day[deadline_on] = calendar.end_of_day(deadline_on)
            row["recheck_due"] = end_of_day[deadline_on]
            overdue = deadline_on < end_day and (
                (deadline_on > end_day - timedelta(days=20) and rand() < ITEM_OVERDUE_SHARE) or rand() < 0.01
            )
            if deadline_on < end_day and not overdue:
                rechecked_on = min(end_day - DAY, deadline_on + timedelta(days=int(rand() * 4)))
                row["rechecked_on"] = rechecked_on
                row["rechecked_at"] = max(row["noticed_at"], moment(rechecked_on, 1 + rand() * 7))
                rectified = rand() < ITEM_RECTIFIED_SHARE
                row["result"] = "rectified" if rectified else "not_rectified"
                row["status"] = row["result"]
        item_rows.append(row)
    # Escalations, in the order of the re-checks: a case of the unit registered soon after, not linked yet.
    for row in sorted(
        (r for r in item_rows if r["status"] == "not_rectified"), key=lambda r: (r["rechecked_on"], r["id"])
    ):
        if rand() >= ITEM_ESCALATED_SHARE or row["unit"] not in cases_of:
            continue
        days, rows = cases_of[row["unit"]]
        k = bisect.bisect_right(days, row["rechecked_on"])
        while k < len(days) and days[k] <= row["rechecked_on"] + timedelta(days=ESCALATION_WINDOW_DAYS):
            pk, registered_at, party_id, category_id, number = rows[k]
            if pk not in linked and registered_at <= end and registered_at > row["rechecked_at"]:
                linked.add(pk)
                row["status"], row["case"], row["case_number"] = "escalated", pk, number
                row["party_id"], row["category"], row["escalated_at"] = party_id, category_id, registered_at
                break
            k += 1
    if linked:
        party_names = dict(
            Case.objects.filter(pk__in=linked).values_list("party_id", "party__name").distinct()
        )
    for row in item_rows:
        c = row["c"]
        if row["party_id"]:
            row["party_name"] = party_names.get(row["party_id"], row["party_name"])
        updated = row["escalated_at"] or row["rechecked_at"] or row["noticed_at"] or row["created"]
        version = (
            1
            + (row["noticed_at"] is not None)
            + (row["rechecked_at"] is not None)
            + (row["case"] is not None)
        )
        out["item"].append(
            [
                str(row["id"]),
                str(version),
                str(c["id"]),
                str(row["unit"]),
                row["kind"],
                row["status"],
                None if row["party_id"] is None else str(row["party_id"]),
                row["party_name"],
                str(row["category"]),
                row["description"],
                row["address"],
                _micro(row["lat"]),
                _micro(row["lng"]),
                str(row["grid"]),
                None,
                row["found_on"].isoformat(),
                str(row["by"]),
                row["requirement"],
                _utc_text(row["noticed_at"]),
                row["deadline_on"] and row["deadline_on"].isoformat(),
                _utc_text(row["recheck_due"]),
                row["rechecked_on"] and row["rechecked_on"].isoformat(),
                _utc_text(row["rechecked_at"]),
                row["result"],
                "复查已整改完毕。"
                if row["result"] == "rectified"
                else ("复查仍未整改。" if row["result"] else ""),
                None if row["case"] is None else str(row["case"]),
                _utc_text(row["escalated_at"]),
                _utc_text(row["created"]),
                _utc_text(updated),
            ]  # fmt: skip
        )
        repr_ = f"{row['party_name'] or row['kind']} · {row['address']}"
        event(row["created"], row["by"], RectificationItem, row["id"], repr_, "create", "register_item", None,
              {"kind": row["kind"], "status": "found", "unit": row["unit"], "address": row["address"],
               "found_on": row["found_on"].isoformat(), "grid": row["grid"]}, root=c["id"])  # fmt: skip
        if row["noticed_at"]:
            event(row["noticed_at"], row["by"], RectificationItem, row["id"], repr_, "transition", "issue_notice",
                  {"status": "found"}, {"status": "noticed", "deadline_on": row["deadline_on"].isoformat(),
                                        "requirement": row["requirement"]})  # fmt: skip
        if row["rechecked_at"]:
            event(row["rechecked_at"], row["by"], RectificationItem, row["id"], repr_, "transition", "recheck",
                  {"status": "noticed"}, {"status": row["result"], "recheck_result": row["result"],
                                          "rechecked_on": row["rechecked_on"].isoformat()})  # fmt: skip
        if row["case"]:
            event(row["escalated_at"], row["by"], RectificationItem, row["id"], repr_, "transition", "escalate",
                  {"status": "not_rectified"}, {"status": "escalated", "case": row["case_number"]})  # fmt: skip
        counts["items_by_status"][row["status"]] = counts["items_by_status"].get(row["status"], 0) + 1

    # 4. Load.
    _log(log, f"campaigns: {len(item_rows):,} items and {len(out['event']):,} events drawn", started)
    writer = _Writer(connection, threaded=False)
    for key, model, known in (
        ("campaign", Campaign, CAMPAIGN_COLUMNS),
        ("unit", CampaignUnit, CAMPAIGN_UNIT_COLUMNS),
        ("grid", Campaign.grids.through, ["id", "campaign_id", "grid_id"]),
        ("goal", CampaignGoal, GOAL_COLUMNS),
        ("log", FieldLog, LOG_COLUMNS),
        ("value", FieldLogValue, LOG_VALUE_COLUMNS),
        ("item", RectificationItem, ITEM_COLUMNS),
        ("event", AuditEvent, None),
    ):
        if not out[key]:
            continue
        if known is None:
            columns = event_columns
        else:
            columns, extra = _columns(model, known)
            if extra:
                out[key] = [list(r) + list(extra) for r in out[key]]
        for i in range(0, len(out[key]), 50_000):
            writer.write(model._meta.db_table, columns, out[key][i : i + 50_000])
    writer.close()
    NumberCounter.objects.bulk_create(
        [
            NumberCounter(scope="campaign", period=str(year), last=last)
            for year, last in sorted(counters.items())
        ]
    )
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), _campaign_models()):
            cursor.execute(sql)
    counts["campaigns"] = len(campaign_rows)
    counts["items"] = len(item_rows)
    counts["escalated"] = len(linked)
    counts["events"] = len(out["event"])
    years = {}
    for (_district, _year, slug), value in totals.items():
        years[slug] = max(years.get(slug, 0), value)
    counts["most_per_district_year"] = {
        slug: years.get(slug, 0) for slug in ("posters_cleaned", "seized_vehicles", "demolished_area")
    }
    counts["digest"] = writer.digest.hexdigest()
    _log(
        log,
        f"campaigns: {counts['campaigns']:,} campaigns, {counts['logs']:,} logs, {counts['items']:,} items "
        f"({counts['escalated']:,} escalated), {counts['events']:,} audit events",
        started,
    )
    return counts


def campaign_line(c):
    most = c["most_per_district_year"]
    return (
        f"campaigns {c['campaigns']:,} ({_counted(c['by_status'])}), goals {c['goals']:,}, field logs "
        f"{c['logs']:,} with {c['values']:,} values, items {c['items']:,} ({_counted(c['items_by_status'])}); "
        f"the most a district logged in a year: posters {most['posters_cleaned']:,.0f}, vehicles seized "
        f"{most['seized_vehicles']:,.0f}, {most['demolished_area']:,.0f} m² demolished; audit events {c['events']:,}"
    )


def campaigns_only(*, seed=DEFAULT_SEED, end=None, log=print, campaigns=None, items=None):
    """`--campaigns-only`: the campaigns stage alone on the city and cases already loaded (its tables emptied
    first), then ANALYZE. `end` defaults to the cases' last update (so a rerun gives the same rows)."""
    from django.db import connection, transaction

    started = time.monotonic()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                if _is_superuser(cursor):  # as the full load: no foreign-key checks at commit (2 M of them)
                    cursor.execute("SET LOCAL session_replication_role = replica")
        counts = generate_campaigns(
            seed=seed, end=end, log=log, started=started, campaigns=campaigns, items=items
        )
    with connection.cursor() as cursor:
        for model in _campaign_models():
            cursor.execute(
                f"VACUUM (ANALYZE) {model._meta.db_table}"
                if connection.vendor == "postgresql"
                else f"ANALYZE {model._meta.db_table}"
            )
    if counts:
        print(campaign_line(counts))
    print(f"seconds: campaigns {time.monotonic() - started:.1f}")
    return counts


# --- command line ------------------------------------------------------------------------------------------
def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--complaints", type=int, default=DEFAULT_COMPLAINTS)
    parser.add_argument(
        "--cases", type=int, help="cases to load (default: 500,000 with 2 million complaints, in proportion)"
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--end", help="ISO moment the data ends at (default: now)")
    parser.add_argument("--full-history-days", type=int, default=120)
    parser.add_argument("--full-history-share", type=float, default=0.10)
    parser.add_argument("--no-migrate", action="store_true")
    parser.add_argument("--force", action="store_true", help="load into a database not named *bench*")
    parser.add_argument(
        "--penalties-only",
        action="store_true",
        help="only (re)generate the penalties stage on the cases already loaded (--seed, --end apply)",
    )
    parser.add_argument(
        "--campaigns-only",
        action="store_true",
        help="only (re)generate the campaigns stage on the city and cases already loaded (--seed, --end, "
        "--campaigns, --items apply)",
    )
    parser.add_argument(
        "--campaigns", type=int, help="campaigns to load (default: 200 with 2 million complaints)"
    )
    parser.add_argument(
        "--items", type=int, help="rectification items (default: 100,000 with 2 million complaints)"
    )
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enforcement.settings.local")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils.dateparse import parse_datetime

    name = str(connection.settings_dict["NAME"])
    if "bench" not in name and not args.force:
        sys.exit(f"Refusing to empty {name!r}: the database name must contain 'bench' (or pass --force).")
    if not args.no_migrate:
        call_command("migrate", verbosity=0, interactive=False)
    end = parse_datetime(args.end) if args.end else None
    if args.end and (end is None or end.tzinfo is None):
        sys.exit("--end must be an ISO moment with its offset, e.g. 2026-11-25T18:00+08:00")
    if args.penalties_only:
        penalties_only(seed=args.seed, end=end)
        return
    if args.campaigns_only:
        campaigns_only(
            seed=args.seed,
            end=end,
            campaigns=DEFAULT_CAMPAIGNS if args.campaigns is None else args.campaigns,
            items=DEFAULT_ITEMS if args.items is None else args.items,
        )
        return
    summary = generate(
        args.complaints,
        seed=args.seed,
        years=args.years,
        end=end,
        full_history_days=args.full_history_days,
        full_history_share=args.full_history_share,
        cases=args.cases,
        campaigns=args.campaigns,
        items=args.items,
    )
    for line in summary.lines():
        print(line)


if __name__ == "__main__":
    main()
