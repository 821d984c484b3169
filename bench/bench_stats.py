"""The statistics benchmark (issue 14), against the city `bench.generate` loads (2 million complaints, 500,000
cases with their penalties, the campaigns). Not a test: run it by hand, read the figures.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cg_bench .venv/bin/python -m bench.bench_stats
    ... --runs 20 --only read --write

Scenarios (targets of the issue):
- recompute one month for the whole city (`compute.recompute`, every registered source) — ≤ 1 s; a full
  year, twelve of them — ≤ 10 s;
- reading stored tally views: the monthly report page and the API (a month and a year; by sub-unit,
  category, channel, month) for the city's statistician and a district's — ≤ 100 ms;
- the dashboard page — ≤ 300 ms (its heat layer's JSON apart, ≤ 300 ms too);
- the CSV export of 100,000 complaints (the complaints list's export, streamed) — ≥ 50,000 rows/s, in
  constant memory (the peak of Python's allocations is reported);
- the year's XLSX (annual summary export: by unit, by month, by category) — ≤ 5 s and ≤ 200 MB.
The history import is measured by bench/bench_imports.py.

The helpers (`measure`, `table`, `explain`, signed-in clients) are bench/bench_cases.py's. `--write` replaces
the "Statistics" section of bench/RESULTS.md.
"""

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass

from bench import bench_cases
from bench.bench_cases import _setup, explain, measure, table

RESULTS = bench_cases.RESULTS
MARK_START, MARK_END = "<!-- stats-figures:start -->", "<!-- stats-figures:end -->"
TARGETS_MS = {"month": 1000, "year": 10000, "read": 100, "dashboard": 300, "xlsx": 5000}
DISTRICT = "bench-d01"


@dataclass
class Scenario(bench_cases.Scenario):
    @property
    def target(self):
        return TARGETS_MS[self.kind]

    @property
    def missed(self):
        return bool(self.error) or self.p95 > self.target


def _people():
    """A statistician of the city and one of DISTRICT, made for the run if the city has none."""
    from enforcement.org.choices import Role
    from enforcement.org.models import OrgUnit, User

    city = OrgUnit.objects.get(parent__isnull=True)
    district = OrgUnit.objects.get(code=DISTRICT)
    people = {}
    for name, unit in (("bench-stat-city", city), ("bench-stat-district", district)):
        user, _created = User.objects.get_or_create(username=name, defaults={"unit": unit, "full_name": name})
        user.set_roles([Role.STATISTICIAN])
        people[name] = user
    return city, district, people


def build_scenarios(year):
    from enforcement.stats.compute import recompute
    from enforcement.stats.measures import Period

    city, district, _people_made = _people()
    last_month = Period.of(year, 12)
    march = Period.of(year, 3)
    scenarios = [
        Scenario("month", f"recompute {march} for the whole city", fn=lambda: recompute(march).rows),
        Scenario(
            "year",
            f"recompute {year} (12 months)",
            fn=lambda: sum(recompute(p).rows for p in Period.range(Period.of(year, 1), last_month)),
        ),
    ]
    for user, unit in (("bench-stat-city", city), ("bench-stat-district", district)):
        for group_by in ("unit", "category", "channel", "month"):
            scenarios.append(
                Scenario(
                    "read",
                    f"monthly page, {march}, by {group_by}",
                    user=user,
                    url=f"/statistics/monthly/?unit={unit.pk}&from={march}&to={march}&group_by={group_by}",
                )
            )
        scenarios.append(
            Scenario(
                "read",
                f"API, the year {year}, by unit",
                user=user,
                url=f"/api/v1/stats/monthly/?unit={unit.pk}&from={year}-01&to={year}-12&group_by=unit",
            )
        )
        scenarios.append(
            Scenario(
                "read",
                f"API, the year {year}, by category",
                user=user,
                url=f"/api/v1/stats/monthly/?unit={unit.pk}&from={year}-01&to={year}-12&group_by=category",
            )
        )
        scenarios.append(
            Scenario(
                "dashboard",
                f"dashboard through {last_month}",
                user=user,
                url=f"/statistics/?unit={unit.pk}&month={last_month}",
            )
        )
        scenarios.append(
            Scenario(
                "dashboard",
                f"heat cells of {march}",
                user=user,
                url=f"/statistics/heat/?unit={unit.pk}&month={march}",
            )
        )
    return scenarios


def csv_export(rows_wanted=100_000):
    """Rows per second streaming the complaints list's CSV export as a statistician of the city downloads it:
    the most recent days received that hold about `rows_wanted` complaints (one count of the days, in the
    city's time zone, the way the list's received_from/received_to filters read them): the median of three
    runs after a warm-up, then the peak of Python's allocations in a run of its own (tracemalloc slows what
    it watches)."""
    from django.conf import settings

    from bench.bench_cases import _client_for, _one

    _people()
    first, last, matching = _one(
        "SELECT day, last, total FROM ("
        " SELECT day, max(day) OVER () AS last, sum(n) OVER (ORDER BY day DESC) AS total FROM ("
        "  SELECT (received_at AT TIME ZONE %s)::date AS day, count(*) AS n FROM complaints_complaint GROUP BY 1"
        " ) AS days"
        ") AS running WHERE total >= %s ORDER BY day DESC LIMIT 1",
        [settings.TIME_ZONE, rows_wanted],
    )
    url = f"/complaints/export.csv?received_from={first}&received_to={last}"
    print(f"  CSV export: {url} ({matching:,} complaints received)", file=sys.stderr)
    client = _client_for("bench-stat-city")

    def stream():
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"HTTP {response.status_code} for {url}")
        return sum(chunk.count(b"\n") for chunk in response.streaming_content) - 1

    stream()  # warm-up: the process's first request (URL conf, templates, the connection) is not the export's
    timings = []
    for _run in range(3):
        started = time.perf_counter()
        rows = stream()
        timings.append(time.perf_counter() - started)
    seconds = sorted(timings)[1]
    tracemalloc.start()
    stream()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return rows, seconds, peak


def xlsx_year(year):
    from bench.bench_cases import _client_for

    client = _client_for("bench-stat-city")
    tracemalloc.start()
    started = time.perf_counter()
    response = client.get(f"/statistics/annual/export/?year={year}")
    size = len(response.content)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return response.status_code, size, seconds, peak


def data_line():
    from bench.bench_cases import _one

    parts = []
    for label, sql in (
        ("complaints", "SELECT count(*) FROM complaints_complaint"),
        ("cases", "SELECT count(*) FROM cases_case"),
        ("executions", "SELECT count(*) FROM penalties_execution"),
        ("field logs", "SELECT count(*) FROM campaigns_fieldlog"),
        ("rectification items", "SELECT count(*) FROM campaigns_rectificationitem"),
        ("stored tally rows", "SELECT count(*) FROM stats_monthlytally"),
    ):
        parts.append(f"{label} {_one(sql)[0]:,}")
    return ", ".join(parts)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--year", type=int, help="the year measured (default: the generator's busiest)")
    parser.add_argument("--only", help="run the scenarios whose label contains this text (or of this kind)")
    parser.add_argument(
        "--explain", action="store_true", help="EXPLAIN ANALYZE the slowest query of missed ones"
    )
    parser.add_argument("--no-exports", action="store_true", help="skip the CSV and XLSX measurements")
    parser.add_argument(
        "--write", action="store_true", help="write the statistics section of bench/RESULTS.md"
    )
    parser.add_argument("--force", action="store_true", help="run on a database not named *bench*")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-stats-") as workdir:
        _setup(workdir)
        from django.db import connection

        if connection.vendor != "postgresql":
            sys.exit("The benchmark runs on PostgreSQL (DATABASE_URL=postgres://…/cg_bench).")
        if "bench" not in connection.settings_dict["NAME"] and not args.force:
            sys.exit("Refusing a database whose name does not contain 'bench' (use --force).")
        from bench.bench_cases import _one

        year = args.year or int(
            _one(
                "SELECT extract(year FROM received_at AT TIME ZONE 'Asia/Shanghai')::int AS y FROM complaints_complaint "
                "GROUP BY y ORDER BY count(*) DESC LIMIT 1"
            )[0]
        )
        load = os.getloadavg()[0]
        scenarios = build_scenarios(year)
        # Every month the reads touch is stored before they are timed.
        from enforcement.stats.compute import recompute_range
        from enforcement.stats.measures import Period

        recompute_range(Period.of(year - 1, 1), Period.of(year, 12))
        # As autovacuum would after a night's recompute: the replaced rows' dead index entries gone, the
        # planner's figures current (without it a year by category read 2.8 M dead entries: 560 ms).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE stats_monthlytally")
        header = f"{data_line()}; year {year}; runs {args.runs} after {args.warmup} warm-up; load average {load:.2f}"
        print(header, file=sys.stderr)
        chosen = [s for s in scenarios if not args.only or args.only in s.label or args.only == s.kind]
        for scenario in chosen:
            runs = 3 if scenario.kind == "year" else 10 if scenario.kind == "month" else args.runs
            warmup = 0 if scenario.kind == "year" else 1 if scenario.kind == "month" else args.warmup
            measure(scenario, runs, warmup)
            print(f"  {scenario.label}: p95 {scenario.p95:.1f} ms", file=sys.stderr)
        out = [f"Data: {header}.", "", table(chosen)]
        if not args.no_exports and not args.only:
            rows, seconds, peak = csv_export()
            out.append(
                f"- CSV export of the complaints list, {rows:,} rows streamed: {seconds:.2f} s, "
                f"{rows / seconds:,.0f} rows/s (target ≥ 50,000), peak of Python's allocations {peak / 2**20:.1f} MB."
            )
            status, size, seconds, peak = xlsx_year(year)
            out.append(
                f"- The year's XLSX (annual export, three sheets): HTTP {status}, {size / 1024:.0f} KB in {seconds:.2f} s "
                f"(target ≤ 5 s), peak of Python's allocations {peak / 2**20:.1f} MB (target ≤ 200 MB)."
            )
        if args.explain:
            for scenario in chosen:
                if scenario.missed and scenario.captured:
                    out.append(explain(scenario))
        section = "## Statistics (issue 14)\n\n" + "\n".join(out)
        print(section)
        if args.write:
            import re

            block = f"{MARK_START}\n{section.rstrip()}\n{MARK_END}\n"
            text = RESULTS.read_text()
            if MARK_START in text:
                text = re.sub(
                    re.escape(MARK_START) + r".*?" + re.escape(MARK_END) + r"\n?",
                    lambda _m: block,
                    text,
                    flags=re.S,
                )
            else:
                text = text.rstrip("\n") + "\n\n" + block
            RESULTS.write_text(text)


if __name__ == "__main__":
    main()
