"""The demo city (`manage.py seed_demo`): Foshan's bureau, two district bureaus with two squadrons each,
grids with bounding boxes around 23.0 N 113.1 E, one user per role per district, and per district one
external responsible unit (外部责任单位) with its liaison. Idempotent: rows are found by code or username
and brought back to the values below, so running it again changes nothing that is already right."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from enforcement.audit.services import record_create, record_update, snapshot

from .choices import Role, UnitLevel
from .models import Grid, OrgUnit, User

GRIDS_PER_SQUADRON = 3
GRID_SIZE = Decimal("0.010000")  # degrees: about 1.1 km × 1.0 km at Foshan's latitude

CITY = (
    "city",
    "佛山市城市管理和综合执法局",
    "Foshan Urban Management and Comprehensive Law Enforcement Bureau",
)

# (code, name, English name, administrative division code for certificate numbers, squadrons)
# squadron: (code, name, English name, grid prefix, south-west corner of its first grid)
DISTRICTS = [
    (
        "chancheng",
        "禅城区分局",
        "Chancheng District Bureau",
        "440604",
        [
            (
                "chancheng-zumiao",
                "祖庙中队",
                "Zumiao Squadron",
                "祖庙",
                (Decimal("23.020000"), Decimal("113.100000")),
            ),
            (
                "chancheng-shiwan",
                "石湾中队",
                "Shiwan Squadron",
                "石湾",
                (Decimal("22.990000"), Decimal("113.080000")),
            ),
        ],
    ),
    (
        "nanhai",
        "南海区分局",
        "Nanhai District Bureau",
        "440605",
        [
            (
                "nanhai-guicheng",
                "桂城中队",
                "Guicheng Squadron",
                "桂城",
                (Decimal("23.030000"), Decimal("113.140000")),
            ),
            (
                "nanhai-dali",
                "大沥中队",
                "Dali Squadron",
                "大沥",
                (Decimal("23.100000"), Decimal("113.090000")),
            ),
        ],
    ),
]

# Per district: login suffix → (role, sits in the first squadron?). Officers and squad leaders work in
# a squadron; the others at the district bureau. Two officers, so an investigation can have two (Art. 42).
DISTRICT_STAFF = [
    ("officer", Role.OFFICER, True),
    ("officer2", Role.OFFICER, True),
    ("squad_leader", Role.SQUAD_LEADER, True),
    ("legal_reviewer", Role.LEGAL_REVIEWER, False),
    ("bureau_head", Role.BUREAU_HEAD, False),
    ("intake", Role.INTAKE, False),
    ("statistician", Role.STATISTICIAN, False),
    ("admin", Role.ADMIN, False),
]

FULL_NAMES = {
    "city.admin": "王德明",
    "chancheng.officer": "陈志强",
    "chancheng.officer2": "黄俊杰",
    "chancheng.squad_leader": "梁伟明",
    "chancheng.legal_reviewer": "何丽娟",
    "chancheng.bureau_head": "李国华",
    "chancheng.intake": "林小燕",
    "chancheng.statistician": "吴佩珊",
    "chancheng.admin": "张建军",
    "nanhai.officer": "冯家豪",
    "nanhai.officer2": "邓振宇",
    "nanhai.squad_leader": "罗永康",
    "nanhai.legal_reviewer": "谢雅婷",
    "nanhai.bureau_head": "周海涛",
    "nanhai.intake": "郭美玲",
    "nanhai.statistician": "区嘉欣",
    "nanhai.admin": "潘志文",
    "chancheng.water.liaison": "苏文斌",
    "nanhai.guicheng_street.liaison": "莫淑仪",
}

# External responsible units (外部责任单位) a district dispatches to, each with one liaison:
# (district code, code, name, English name, liaison login).
EXTERNAL_UNITS = [
    ("chancheng", "chancheng-water", "禅城区水利局", "Chancheng Water Bureau", "chancheng.water.liaison"),
    (
        "nanhai",
        "nanhai-guicheng-street",
        "桂城街道办事处",
        "Guicheng Sub-district Office",
        "nanhai.guicheng_street.liaison",
    ),
]


@dataclass
class DemoLogin:
    user: User
    role: str


def upsert(model, lookup, values):
    """The row matching `lookup`, created or updated to carry `values`; audited as a system change.
    Returns (row, created)."""
    obj = model._base_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.save()
        record_create(obj, actor=None)
        return obj, True
    changed = {name: value for name, value in values.items() if getattr(obj, name) != value}
    if changed:
        before = snapshot(obj)
        for name, value in changed.items():
            setattr(obj, name, value)
        obj.version += 1  # editors holding the old version must reload
        obj.save()
        record_update(obj, before, actor=None)
    return obj, False


def _years_ahead(years):
    today = timezone.localdate()
    try:
        return today.replace(year=today.year + years)
    except ValueError:  # 29 February
        return today.replace(year=today.year + years, day=28) + timedelta(days=1)


def _seed_units():
    city_code, city_name, city_name_en = CITY
    city, _ = upsert(
        OrgUnit,
        {"code": city_code},
        {
            "name": city_name,
            "name_en": city_name_en,
            "level": UnitLevel.CITY,
            "parent": None,
            "is_active": True,
        },
    )
    districts = []
    for code, name, name_en, division, squadrons in DISTRICTS:
        district, _ = upsert(
            OrgUnit,
            {"code": code},
            {
                "name": name,
                "name_en": name_en,
                "level": UnitLevel.DISTRICT,
                "parent": city,
                "is_active": True,
            },
        )
        squadron_units = []
        for sq_code, sq_name, sq_name_en, grid_prefix, (lat, lng) in squadrons:
            squadron, _ = upsert(
                OrgUnit,
                {"code": sq_code},
                {
                    "name": sq_name,
                    "name_en": sq_name_en,
                    "level": UnitLevel.SQUADRON,
                    "parent": district,
                    "is_active": True,
                },
            )
            squadron_units.append(squadron)
            for n in range(GRIDS_PER_SQUADRON):
                west = lng + GRID_SIZE * n
                upsert(
                    Grid,
                    {"code": f"{sq_code}-g{n + 1:02d}"},
                    {
                        "name": f"{grid_prefix}第{n + 1}网格",
                        "unit": squadron,
                        "is_active": True,
                        "min_lat": lat,
                        "max_lat": lat + GRID_SIZE,
                        "min_lng": west,
                        "max_lng": west + GRID_SIZE,
                    },
                )
        districts.append((district, division, squadron_units))
    return city, districts


def _seed_external_units(password):
    logins = []
    for district_code, code, name, name_en, username in EXTERNAL_UNITS:
        unit, _ = upsert(
            OrgUnit,
            {"code": code},
            {
                "name": name,
                "name_en": name_en,
                "level": UnitLevel.EXTERNAL,
                "parent": OrgUnit.objects.get(code=district_code),
                "is_active": True,
            },
        )
        logins.append(_seed_user(username, unit, Role.LIAISON, "", password))
    return logins


def _seed_user(username, unit, role, certificate_no, password):
    user, _ = upsert(
        User,
        {"username": username},
        {
            "full_name": FULL_NAMES[username],
            "unit": unit,
            "email": f"{username}@example.org",
            "is_active": True,
            "certificate_no": certificate_no,
            "certificate_expires": _years_ahead(2) if certificate_no else None,
        },
    )
    if not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
    if user.roles != {role}:
        user.set_roles([role])
    return DemoLogin(user, role)


def seed(password):
    """Creates or restores the demo city; returns its logins, city administrator first."""
    city, districts = _seed_units()
    logins = [_seed_user("city.admin", city, Role.ADMIN, "44060000001", password)]
    for district, division, squadrons in districts:
        for n, (suffix, role, in_squadron) in enumerate(DISTRICT_STAFF, start=1):
            unit = squadrons[0] if in_squadron else district
            logins.append(_seed_user(f"{district.code}.{suffix}", unit, role, f"{division}{n:05d}", password))
    logins.extend(_seed_external_units(password))
    return logins
