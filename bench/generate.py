"""The benchmark city: a deterministic generator that loads a realistic city into the configured database.

From the shell (migrates first; refuses a database whose name does not contain "bench" unless --force):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cg_bench .venv/bin/python -m bench.generate
    ... -m bench.generate --complaints 200000 --seed 7 --end 2026-11-25T18:00+08:00

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
4. on PostgreSQL with `fast` (default for loads of 100,000 complaints and more): foreign-key and
   append-only triggers are off for the load (`session_replication_role = replica`, superuser only) and
   the secondary indexes of the two big tables (partial ones excepted) are dropped before and recreated
   after the COPY from their own definitions (`pg_get_indexdef`, plus the statistics targets of their
   columns), so the schema afterwards is exactly the migrations';
5. ANALYZE (VACUUM ANALYZE on PostgreSQL when not inside an outer transaction).

Rows are COPYed (psycopg2 `copy_expert`, chunks built in memory while the previous one loads) on
PostgreSQL, and inserted in batches elsewhere (SQLite: the test suite's tiny run). The same `seed`,
`complaints`, `years` and `end` give the same rows.
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

    def lines(self):
        yield f"complaints {self.complaints:,}, audit events {self.events:,}, open {self.open:,}, overdue {self.overdue:,}"
        yield "by status: " + ", ".join(f"{k} {v:,}" for k, v in sorted(self.by_status.items()))
        yield f"units {self.units}, grids {self.grids}, users: " + ", ".join(
            f"{k}={v}" for k, v in self.users.items()
        )
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


@dataclass
class _City:
    id: int
    intake: list
    districts: list
    categories: list  # [(id, code, name, is_urgent)]


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

    def _day_counts(self):
        deadlines = self.deadlines
        first, last = deadlines.local_date(self.start) + DAY, deadlines.local_date(self.end)
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        span = max(len(days) - 1, 1)
        end_local = self.end + (deadlines.fixed or timedelta(0))
        weights = []
        for i, d in enumerate(days):
            w = (0.7 if d.weekday() >= 5 else 1.0) * (1 + 0.25 * i / span)
            w *= 1 + 0.15 * math.sin(2 * math.pi * (d.timetuple().tm_yday - 100) / 365)
            if i == len(days) - 1:
                w *= (end_local - datetime.combine(d, datetime.min.time())).total_seconds() / 86400
            weights.append(w)
        total = sum(weights)
        exact = [w / total * self.n for w in weights]
        counts = [int(x) for x in exact]
        by_remainder = sorted(range(len(days)), key=lambda i: (counts[i] - exact[i], i))
        for i in by_remainder[: self.n - sum(counts)]:
            counts[i] += 1
        return days, counts, end_local

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
                district = city.districts[district_table[int(rand() * len(district_table))]]
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


# --- writing --------------------------------------------------------------------------------------------
class _Writer:
    """COPY on PostgreSQL (chunks formatted here, loaded by a thread while the next chunk is generated);
    batched INSERTs elsewhere."""

    def __init__(self, connection):
        self.connection = connection
        self.postgres = connection.vendor == "postgresql"
        self.digest = hashlib.sha256()
        self.error = None
        if self.postgres:
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
            self.queue.put((table, columns, io.StringIO(text)))
        else:
            for row in rows:
                self.digest.update("\t".join(["\\N" if v is None else v for v in row]).encode())
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
            with self.connection.cursor() as cursor:
                cursor.executemany(sql, rows)

    def close(self):
        if self.postgres:
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

    from complaints.models import Complaint
    from enforcement.audit.models import AuditEvent
    from enforcement.audit.services import allow_truncate
    from enforcement.documents.models import NumberCounter
    from enforcement.org.models import Grid, OrgUnit, User, UserRole

    models = [AuditEvent, Complaint, NumberCounter, UserRole, Grid, User, OrgUnit]
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
):
    """Empties the bench tables and loads the benchmark city (see the module docstring). Returns a Summary."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from django.utils import timezone

    from complaints.choices import OPEN_STATUSES
    from complaints.models import NUMBER_SCOPE, Complaint
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
    big_tables = [Complaint._meta.db_table, AuditEvent._meta.db_table]
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
            for sql in connection.ops.sequence_reset_sql(no_style(), [Complaint, AuditEvent]):
                cursor.execute(sql)

    analyze_started = time.monotonic()
    with connection.cursor() as cursor:
        for table in big_tables + ["org_orgunit", "org_user", "org_grid", "catalog_violationcategory"]:
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
    summary.digest = writer.digest.hexdigest()
    _log(log, "done", started)
    return summary


# --- command line ------------------------------------------------------------------------------------------
def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--complaints", type=int, default=DEFAULT_COMPLAINTS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--end", help="ISO moment the data ends at (default: now)")
    parser.add_argument("--full-history-days", type=int, default=120)
    parser.add_argument("--full-history-share", type=float, default=0.10)
    parser.add_argument("--no-migrate", action="store_true")
    parser.add_argument("--force", action="store_true", help="load into a database not named *bench*")
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
    summary = generate(
        args.complaints,
        seed=args.seed,
        years=args.years,
        end=end,
        full_history_days=args.full_history_days,
        full_history_share=args.full_history_share,
    )
    for line in summary.lines():
        print(line)


if __name__ == "__main__":
    main()
