"""The history import benchmark: a generated CSV of complaints imported through the worker's task,
run in this process, against the database in DATABASE_URL. Not a test: run it by hand, read the figures.

    DATABASE_URL=sqlite:////tmp/imports_bench.sqlite3 .venv/bin/python manage.py migrate
    DATABASE_URL=sqlite:////tmp/imports_bench.sqlite3 .venv/bin/python -m bench.bench_imports --rows 2000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cg_bench .venv/bin/python -m bench.bench_imports --write

Scenarios (target of the issue: 100,000 complaints in ≤ 2 min):
- the first import of the file: every line read, checked and written (`bulk_create` per batch of
  `services.BATCH` lines, with one audit event per record), the job's progress updated per batch;
- the same file again: every line read, checked and skipped by its external reference, nothing written.

The imported complaints stay (audit events are append-only, and a record with events is history): run it
against a scratch database or the bench's own, never a shared one. Each run's references are new (a prefix
of the run's time), so every run imports its full count. The city is the database's (`bench.generate`'s), or
a small one made here when it has none.
"""

import argparse
import csv
import io
import os
import random
import re
import sys
import tempfile
import time
from datetime import datetime, timedelta

from bench import bench_cases
from bench.bench_cases import _setup

RESULTS = bench_cases.RESULTS
MARK_START, MARK_END = "<!-- imports-figures:start -->", "<!-- imports-figures:end -->"
TARGET_S = 120  # per 100,000 lines
CHANNELS = ("12345热线", "hotline_bureau", "网上投诉", "letter", "巡查发现")
STATUSES = ("办结", "办结", "办结", "不予受理")
SATISFACTION = ("满意", "基本满意", "不满意", "")


def _importer():
    """A city-level statistician, and the units and categories lines name (by code): the database's, or a
    small city made for the run."""
    from enforcement.catalog.models import ViolationCategory
    from enforcement.org.choices import Role, UnitLevel
    from enforcement.org.models import OrgUnit, User

    city = OrgUnit.objects.filter(parent__isnull=True).first()
    if city is None:
        city = OrgUnit.objects.create(code="bench-city", name="基准市城管执法局", level=UnitLevel.CITY)
        for n in range(1, 4):
            OrgUnit.objects.create(
                code=f"bench-i{n}", name=f"基准{n}区分局", level=UnitLevel.DISTRICT, parent=city
            )
    if not ViolationCategory.objects.exists():
        for n in range(1, 6):
            ViolationCategory.objects.create(code=f"BI{n}", name=f"基准类别{n}")
    user, _created = User.objects.get_or_create(
        username="bench-importer", defaults={"unit": city, "full_name": "bench-importer"}
    )
    user.set_roles([Role.STATISTICIAN])
    units = list(OrgUnit.objects.exclude(level=UnitLevel.EXTERNAL).values_list("code", flat=True)[:200])
    categories = list(ViolationCategory.objects.values_list("code", flat=True)[:100])
    return user, units, categories


def generate_csv(rows, units, categories, prefix, seed=15):
    """`rows` closed or rejected complaints of the last two years, UTF-8 with BOM, Chinese headers."""
    from enforcement.imports.layouts import layout

    rng = random.Random(seed)
    keys = [
        "external_ref", "received_at", "channel", "category", "unit", "address", "description", "status",
        "accepted_at", "reply_due_at", "replied_at", "satisfaction", "closed_at", "on_the_spot",
    ]  # fmt: skip
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([layout("complaints").column(key).zh for key in keys])
    start = datetime.now() - timedelta(days=730)
    for n in range(rows):
        received = start + timedelta(minutes=rng.randrange(700 * 24 * 60))
        status = rng.choice(STATUSES)
        accepted = received + timedelta(hours=rng.randrange(1, 24))
        replied = accepted + timedelta(hours=rng.randrange(2, 200))
        closed = replied + timedelta(hours=rng.randrange(1, 72))
        closed_ok = status == "办结"
        writer.writerow(
            [
                f"{prefix}{n:07d}",
                f"{received:%Y-%m-%d %H:%M}",
                rng.choice(CHANNELS),
                rng.choice(categories),
                rng.choice(units),
                f"中山路{rng.randrange(1, 999)}号",
                "门前占道经营，影响通行",
                status,
                f"{accepted:%Y-%m-%d %H:%M}" if closed_ok else "",
                f"{accepted + timedelta(days=5):%Y-%m-%d %H:%M}" if closed_ok else "",
                f"{replied:%Y-%m-%d %H:%M}" if closed_ok else "",
                rng.choice(SATISFACTION) if closed_ok else "",
                f"{closed:%Y-%m-%d %H:%M}",
                "否",
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def timed_import(user, data, name):
    from django.core.files.base import ContentFile

    from enforcement.imports.models import ImportJob
    from enforcement.imports.tasks import run_import_task

    job = ImportJob(kind="complaints", file_name=name, created_by=user)
    job.file.save(name, ContentFile(data), save=False)
    job.save()
    started = time.perf_counter()
    run_import_task(job.pk)
    seconds = time.perf_counter() - started
    return ImportJob.objects.get(pk=job.pk), seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--write", action="store_true", help="replace the section of bench/RESULTS.md")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as workdir:
        os.environ.setdefault("MEDIA_ROOT", str(os.path.join(workdir, "media")))
        _setup(workdir)
        from django.db import connection

        user, units, categories = _importer()
        prefix = f"BI{int(time.time()) % 10**8}-"
        started = time.perf_counter()
        data = generate_csv(args.rows, units, categories, prefix)
        generated = time.perf_counter() - started
        print(
            f"generated {args.rows:,} lines, {len(data) / 2**20:.1f} MB, in {generated:.1f} s",
            file=sys.stderr,
        )

        first, first_s = timed_import(user, data, "bench-history.csv")
        again, again_s = timed_import(user, data, "bench-history-again.csv")
        target = TARGET_S * args.rows / 100_000
        out = [
            f"Against {connection.vendor}, {args.rows:,} generated complaints ({len(data) / 2**20:.1f} MB of CSV), "
            f"imported in this process through `run_import_task` (target ≤ {target:.0f} s for this count, "
            "≤ 120 s for 100,000).",
            "",
            "| run | status | created | skipped | refused | seconds | lines/s | |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        for label, job, seconds in (
            ("first import", first, first_s),
            ("the same file again", again, again_s),
        ):
            verdict = "ok" if seconds <= target and job.status == "done" else "**missed**"
            out.append(
                f"| {label} | {job.status} | {job.created:,} | {job.skipped:,} | {job.failed:,} | {seconds:.1f} | "
                f"{job.processed / seconds:,.0f} | {verdict} |"
            )
        if first.errors:
            out.append(f"\nFirst errors: {first.errors[:3]}")
        section = "## History import\n\n" + "\n".join(out)
        print(section)
        if args.write:
            block = f"{MARK_START}\n{section.rstrip()}\n{MARK_END}\n"
            text = RESULTS.read_text()
            if MARK_START in text:
                pattern = re.escape(MARK_START) + r".*?" + re.escape(MARK_END) + r"\n?"
                text = re.sub(pattern, lambda _m: block, text, flags=re.S)
            else:
                text = text.rstrip("\n") + "\n\n" + block
            RESULTS.write_text(text)


if __name__ == "__main__":
    main()
