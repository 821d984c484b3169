"""The demo city's history, for the statistics (`manage.py seed_demo`, after the other seeders): this year's
months before the current one, as a bureau switching systems brings them — closed complaints and cases in
the history import's layout, imported through it (enforcement/imports) — then every month of this year and
the last computed. Last year's records are left in a file for the walk-through to import by hand
(var/demo/history-<last year>-complaints.csv), which makes the year-on-year figures.

Deterministic (a seeded generator) and idempotent: a line whose external reference was imported is skipped."""

import csv
import datetime
import io
import random
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

SQUADRONS = {  # code: (centre lat, lng) — enforcement/org/demo.py's squadrons
    "chancheng-zumiao": (23.020, 113.100),
    "chancheng-shiwan": (22.990, 113.080),
    "nanhai-guicheng": (23.030, 113.140),
    "nanhai-dali": (23.100, 113.090),
}
CHANNELS = [
    ("hotline_12345", 60),
    ("hotline_bureau", 12),
    ("web", 10),
    ("letter", 4),
    ("visit", 5),
    ("media", 2),
]
COMPLAINT_HEADERS = [
    "External reference", "Number", "Received at", "Channel", "Category", "Responsible unit", "Address", "Description",
    "Status", "Accepted at", "Reply by", "Replied at", "Satisfaction", "Closed at", "Times reopened",
]  # fmt: skip
CASE_HEADERS = [
    "External reference", "Case number", "Procedure", "Party type", "Party", "Category", "Responsible unit", "Place",
    "Date of the act", "Facts", "Registered at", "Filed at", "Decided at", "Fine decided", "Closed at",
    "Fine paid", "Paid on", "Illegal gains confiscated",
]  # fmt: skip
PLACES = ["祖庙路", "汾江中路", "季华五路", "南海大道", "桂澜路", "佛山大道", "岭南大道", "石湾镇路"]
FACTS = [
    "占道经营水果摊",
    "店外堆放杂物",
    "违规设置户外广告",
    "工地夜间施工噪声扰民",
    "乱倒建筑垃圾",
    "违法搭建雨棚",
]


def _moment(rng, year, month):
    last = (datetime.date(year + (month == 12), month % 12 + 1, 1) - datetime.timedelta(days=1)).day
    day = rng.randint(1, last)
    return datetime.datetime(year, month, day, rng.randint(8, 20), rng.randint(0, 59))


def _fmt(moment):
    return moment.strftime("%Y-%m-%d %H:%M") if moment else ""


def _past(moment, now):
    """History has happened: a step generated past `now` (the last days of last month) is taken back."""
    return min(moment, now) if moment else moment


def complaint_lines(year, months, rng, categories, per_month=(55, 85)):
    """CSV text of the closed complaints of `months` of `year` in the demo squadrons."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COMPLAINT_HEADERS)
    channels, weights = zip(*CHANNELS, strict=True)
    now = datetime.datetime.now() - datetime.timedelta(hours=1)
    for month in months:
        for u, unit in enumerate(SQUADRONS):
            for n in range(rng.randint(*per_month)):
                received = _moment(rng, year, month)
                rejected = rng.random() < 0.03
                accepted = received + datetime.timedelta(hours=rng.randint(1, 20))
                due = received + datetime.timedelta(days=15)
                late = rng.random() < 0.06
                replied = (
                    due + datetime.timedelta(days=rng.randint(1, 4))
                    if late
                    else accepted + datetime.timedelta(days=rng.randint(1, 12))
                )
                closed = _past(replied + datetime.timedelta(days=rng.randint(1, 3)), now)
                replied, accepted = _past(replied, closed), _past(accepted, closed)
                answer = rng.choices(["满意", "基本满意", "不满意", ""], weights=[70, 18, 5, 7])[0]
                writer.writerow(
                    [
                        f"demo-history-{year}{month:02d}-{unit}-{n:03d}",
                        f"HX{year}{month:02d}{u}{n:04d}",
                        _fmt(received),
                        rng.choices(channels, weights=weights)[0],
                        rng.choice(categories),
                        unit,
                        f"{rng.choice(PLACES)}{rng.randint(1, 300)}号",
                        rng.choice(FACTS),
                        "rejected" if rejected else "closed",
                        "" if rejected else _fmt(accepted),
                        "" if rejected else _fmt(due),
                        "" if rejected else _fmt(replied),
                        "" if rejected else answer,
                        _fmt(accepted if rejected else closed),
                        1 if not rejected and rng.random() < 0.02 else 0,
                    ]
                )
    return out.getvalue()


def _payment(rng, general, fine, decided, now):
    """(fine paid, day paid) as the old system recorded them: a simple-procedure fine mostly paid on the spot
    or at the bank within days, a general one within the 15 days (Art. 67); a few never paid (empty)."""
    if rng.random() < (0.06 if general else 0.03):
        return "", ""
    paid_on = min(decided + datetime.timedelta(days=rng.randint(0, 12 if general else 3)), now)
    return fine, paid_on.strftime("%Y-%m-%d")


def case_lines(year, months, rng, categories):
    """CSV text of the closed cases of `months` of `year`: simple-procedure decisions and general cases, with
    the fines paid and, for some general cases, the illegal gains confiscated."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CASE_HEADERS)
    now = datetime.datetime.now() - datetime.timedelta(hours=1)
    for month in months:
        for u, unit in enumerate(SQUADRONS):
            for n in range(rng.randint(25, 40)):
                general = rng.random() < 0.12
                registered = _moment(rng, year, month)
                filed = registered + datetime.timedelta(days=rng.randint(1, 6)) if general else None
                decided = (filed + datetime.timedelta(days=rng.randint(10, 40))) if general else registered
                closed = _past(
                    decided + datetime.timedelta(days=rng.randint(5, 30) if general else 0, minutes=30), now
                )
                decided = _past(decided, closed)
                filed = _past(filed, decided)
                fine = rng.choice([500, 1000, 2000, 5000, 10000]) if general else rng.choice([50, 100, 200])
                paid, paid_on = _payment(rng, general, fine, decided, now)
                gains = rng.choice([300, 800, 1500, 3000]) if general and rng.random() < 0.2 else ""
                writer.writerow(
                    [
                        f"demo-history-case-{year}{month:02d}-{unit}-{n:03d}",
                        f"HA{year}{month:02d}{u}{n:04d}",
                        "general" if general else "simple",
                        "individual",
                        rng.choice(["张", "王", "李", "陈", "黄"])
                        + rng.choice(["伟", "芳", "强", "敏", "静"]),
                        rng.choice(categories),
                        unit,
                        f"{rng.choice(PLACES)}{rng.randint(1, 300)}号",
                        (registered - datetime.timedelta(days=rng.randint(0, 2))).strftime("%Y-%m-%d"),
                        rng.choice(FACTS),
                        _fmt(registered),
                        _fmt(filed),
                        _fmt(decided),
                        fine,
                        _fmt(closed),
                        paid,
                        paid_on,
                        gains,
                    ]
                )
    return out.getvalue()


def _importer():
    """Who imports the history: the city's statistics staff, else its administrator (both may)."""
    from enforcement.org.choices import Role
    from enforcement.org.models import User

    city_users = User.objects.filter(unit__parent__isnull=True, is_active=True).order_by("id")
    for role in (Role.STATISTICIAN, Role.ADMIN):
        found = city_users.filter(role_assignments__role=role).first()
        if found is not None:
            return found
    return None


def _import(kind, name, text, by):
    from enforcement.imports import services

    upload = SimpleUploadedFile(name, ("\ufeff" + text).encode("utf-8"), content_type="text/csv")
    job = services.start_import(kind=kind, upload=upload, by=by)
    claimed = services.claim(job.pk)  # run here, not on the worker: the demo is ready when the command ends
    return services.run_import(claimed) if claimed is not None else job


def history_file(year):
    return Path(settings.VAR_DIR) / "demo" / f"history-{year}-complaints.csv"


def seed():
    """Imports this year's history (its months before the current one), writes last year's file, and
    computes the statistics of both years; returns the number of records imported."""
    from enforcement.catalog.models import ViolationCategory
    from enforcement.imports.models import ImportJob

    from .compute import recompute_range
    from .measures import Period

    by = _importer()
    if by is None:
        return 0
    today = timezone.localdate()
    year, months = today.year, list(range(1, today.month))
    categories = list(
        ViolationCategory.objects.filter(is_active=True, parent__isnull=False)
        .order_by("code")
        .values_list("code", flat=True)[:12]
    )
    created = 0
    name = f"demo-history-{year}-complaints.csv"
    if not categories:
        return 0
    if months and not ImportJob.objects.filter(file_name=name).exists():
        text = complaint_lines(year, months, random.Random(year), categories)
        created += _import("complaints", name, text, by).created
        cases = case_lines(year, months, random.Random(year + 1), categories)
        created += _import("cases", f"demo-history-{year}-cases.csv", cases, by).created
    path = history_file(year - 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "\ufeff" + complaint_lines(year - 1, range(1, 13), random.Random(year - 1), categories, (45, 70)),
        "utf-8",
    )
    recompute_range(Period.of(year - 1, 1), Period.current())
    return created
