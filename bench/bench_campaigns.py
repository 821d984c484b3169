"""The campaigns benchmark (issue 13): median and p95 over repeated runs, with the SQL query count, against the
city `bench.generate` loads with its campaigns stage (200 campaigns, their field logs, 100,000 rectification
items; `python -m bench.generate --campaigns-only` on a city loaded before it). Not a test: run it by hand,
read the figures.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cg_bench .venv/bin/python -m bench.bench_campaigns
    ... --runs 30 --warmup 5 --only map --explain --write

Scenarios (targets of the issue, on this machine):
- the campaign page with its progress against the goals (`campaigns:detail`, Django's test Client: middleware,
  session, view, template) of the district's campaign with the most field logs, for a squad leader of a
  squadron taking part and for the district bureau head; and `campaigns.services.progress(campaign)` alone —
  ≤ 100 ms;
- the items list, first page: the API `/api/v1/rectifications/` (page size 25), the browser list
  `campaigns:items`, and the ORM alone (`ItemFilterSet` over `RectificationItem.objects.visible_to(user)
  .for_list()`, first 25 newest), for the squad leader and the district bureau head — ≤ 50 ms; the API's
  page of 100 as well, against a ceiling of our own (≤ 100 ms: not the issue's first page);
- the map data of a district's open items: `campaigns:map-data` (the GeoJSON), and the `.values()` query it
  makes alone (open statuses, the district's subtree, with a location) — ≤ 200 ms.
A page whose route does not exist yet is reported as skipped (the ORM scenarios still run).

The helpers (`Scenario`, `measure`, `table`, `explain`, the signed-in clients) are bench/bench_cases.py's.
`--explain` adds EXPLAIN (ANALYZE, BUFFERS) of the slowest query of missed scenarios (`--explain-all`: of
every one); `--try-indexes` creates the proposed index (TRY_INDEXES) for the run and drops it after;
`--write` replaces the "Campaigns" figures of bench/RESULTS.md (between the campaigns-figures markers, or
campaigns-figures-indexes with `--try-indexes`), adding the section the first time.
"""

import argparse
import os
import re
import sys
import tempfile
from dataclasses import dataclass

from bench import bench_cases
from bench.bench_cases import _one, _reverse, _setup, explain, measure, table

RESULTS = bench_cases.RESULTS
MARK_START, MARK_END = "<!-- campaigns-figures:start -->", "<!-- campaigns-figures:end -->"
# "wide": the API's page of 100 rows, not the issue's first page (25): our own ceiling, twice the rows' share.
TARGETS_MS = {"detail": 100, "list": 50, "wide": 100, "map": 200}
MAX_QUERIES = {"detail": 25, "list": 10, "wide": 10, "map": 6}
API_PATH = "/api/v1/rectifications/"
DISTRICT = "bench-d01"


@dataclass
class Scenario(bench_cases.Scenario):
    note: str = ""  # why a scenario was skipped

    @property
    def target(self):
        return TARGETS_MS[self.kind]

    @property
    def missed(self):
        if self.error:
            return True
        too_many = self.queries is not None and self.queries > MAX_QUERIES[self.kind]
        return self.p95 > self.target or too_many


class _Request:
    """What the filtersets read of a request (its user and query string) for the ORM-only scenarios."""

    def __init__(self, user, params=None):
        from django.http import QueryDict

        self.user = user
        self.GET = params if params is not None else QueryDict()


def _people():
    """The district bureau head of DISTRICT, the district's campaign with the most field logs, and the squad
    leader of its first squadron taking part."""
    from django.db.models import Count

    from campaigns.models import Campaign, CampaignUnit
    from enforcement.org.models import OrgUnit, User

    district = OrgUnit.objects.filter(code=DISTRICT).first()
    if district is None:
        sys.exit("No bench city: load it first (python -m bench.generate).")
    campaign = (
        Campaign.objects.filter(lead_unit=district)
        .exclude(status="planned")
        .annotate(n=Count("logs"))
        .order_by("-n", "id")
        .first()
    )
    if campaign is None:
        sys.exit("No campaigns: run python -m bench.generate --campaigns-only first.")
    squadron = (
        CampaignUnit.objects.filter(campaign=campaign)
        .exclude(unit=district)
        .order_by("unit__code")
        .values_list("unit__code", flat=True)
        .first()
    )
    leader = User.objects.get(username=f"bench.d01.{squadron.rsplit('-', 1)[1]}.squad_leader")
    head = User.objects.get(username="bench.d01.bureau_head")
    return district, campaign, leader, head


def _route(path):
    from django.urls import Resolver404, resolve

    try:
        match = resolve(path)
    except Resolver404:
        return None
    return None if match.url_name == "not-found" else path  # the API's catch-all 404


def build_scenarios():
    from campaigns.choices import OPEN_ITEMS
    from campaigns.filtersets import ItemFilterSet
    from campaigns.models import RectificationItem
    from campaigns.services import progress
    from enforcement.filters import filter_list, in_unit_subtree

    district, campaign, leader, head = _people()
    people = ((leader, "squad leader"), (head, "district bureau head"))
    scenarios = []

    # The campaign page.
    detail = _reverse("campaigns:detail", campaign.pk)
    for user, label in people:
        scenarios.append(
            Scenario(
                "detail",
                f"Campaign page with progress ({campaign.number}), {label}",
                user.username,
                url=detail or "",
                note="" if detail else "skipped: campaigns:detail does not resolve yet",
            )
        )

    def progress_alone():
        figures = progress(campaign)
        return sum(len(row["units"]) + 1 for row in figures["measures"])

    scenarios.append(Scenario("detail", f"progress() alone ({campaign.number})", fn=progress_alone))

    # The items list, first page.
    api = _route(API_PATH)
    items_page = _reverse("campaigns:items")
    for user, label in people:

        def orm_first_page(user=user):
            base = RectificationItem.objects.visible_to(user).for_list()
            _filterset, queryset = filter_list(ItemFilterSet, _Request(user), base)
            rows = list(queryset.order_by("-found_on", "-id")[:25])
            return len([(i.campaign.name, i.unit.name, i.grid and i.grid.name) for i in rows])

        scenarios.append(
            Scenario("list", f"Items list (ORM, ItemFilterSet), 25 rows, {label}", fn=orm_first_page)
        )
        for size in (25, 100):
            scenarios.append(
                Scenario(
                    "list" if size == 25 else "wide",
                    f"API items list, page size {size}, {label}",
                    user.username,
                    url=f"{API_PATH}?page_size={size}" if api else "",
                    note="" if api else f"skipped: {API_PATH} does not resolve yet",
                )
            )
        scenarios.append(
            Scenario(
                "list",
                f"Items list page (browser), {label}",
                user.username,
                url=items_page or "",
                note="" if items_page else "skipped: campaigns:items does not resolve yet",
            )
        )

    # The map data of the district's open items.
    map_data = _reverse("campaigns:map-data")
    scenarios.append(
        Scenario(
            "map",
            "Map data (GeoJSON), the district's open items, district bureau head",
            head.username,
            url=f"{map_data}?unit={district.pk}" if map_data else "",
            note="" if map_data else "skipped: campaigns:map-data does not resolve yet",
        )
    )
    if not map_data:  # the view itself, without the URL (and its middleware)
        try:
            from campaigns.map import map_data_view
        except ImportError:
            map_data_view = None
        if map_data_view is not None:
            from django.test import RequestFactory

            def view_alone():
                request = RequestFactory().get("/campaigns/map/data/", {"unit": district.pk})
                request.user = head
                response = map_data_view(request)
                if response.status_code != 200:
                    raise RuntimeError(f"HTTP {response.status_code}: {response.content[:300]!r}")
                return None

            scenarios.append(
                Scenario(
                    "map", "Map data view (no URL yet), the district's open items, bureau head", fn=view_alone
                )
            )

    def map_values():
        items = RectificationItem.objects.visible_to(head).filter(
            status__in=sorted(OPEN_ITEMS), lat__isnull=False, lng__isnull=False
        )
        rows = list(
            in_unit_subtree(items, district.pk, head)
            .order_by("-found_on", "-id")
            .values("id", "status", "kind", "party_name", "party__name", "address", "lat", "lng")[:5001]
        )
        return len(rows)

    scenarios.append(Scenario("map", "Map points (.values()), the district's open items", fn=map_values))
    return scenarios


# The index RESULTS.md proposes, created for a run with --try-indexes and dropped after it: a district's (or
# the city's) items list, newest first, walks the items in found order and keeps those of the scope, instead
# of reading all the district's items to sort them (`item_unit_found` serves one unit's list only).
TRY_INDEXES = {
    "bench_try_item_found": "CREATE INDEX bench_try_item_found ON campaigns_rectificationitem "
    "(found_on DESC, id DESC)",
}


def try_indexes(create):
    from django.db import connection

    with connection.cursor() as cursor:
        for name, sql in TRY_INDEXES.items():
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
            if create:
                cursor.execute(sql)
                cursor.execute("ANALYZE campaigns_rectificationitem")


def _run(scenario, runs, warmup):
    if scenario.note:
        return
    measure(scenario, runs, warmup)


def table_with_notes(scenarios):
    text = table([s for s in scenarios if not s.note])
    skipped = [f"- {s.label}: {s.note}" for s in scenarios if s.note]
    return text + ("\n" + "\n".join(skipped) + "\n" if skipped else "")


def data_line():
    parts = []
    for label, sql in (
        ("campaigns", "SELECT count(*) FROM campaigns_campaign"),
        ("field logs", "SELECT count(*) FROM campaigns_fieldlog"),
        ("logged values", "SELECT count(*) FROM campaigns_fieldlogvalue"),
        ("items", "SELECT count(*) FROM campaigns_rectificationitem"),
        (
            "open items",
            "SELECT count(*) FROM campaigns_rectificationitem WHERE status IN ('found', 'noticed', 'not_rectified')",
        ),
        ("escalated", "SELECT count(*) FROM campaigns_rectificationitem WHERE case_id IS NOT NULL"),
        ("cases", "SELECT count(*) FROM cases_case"),
    ):
        parts.append(f"{label} {_one(sql)[0]:,}")
    events = _one("SELECT reltuples::bigint FROM pg_class WHERE relname = 'audit_auditevent'")[0]
    return ", ".join(parts) + f", audit events about {events:,}"


def write_section(section, variant=""):
    start, end = MARK_START.replace(":start", f"{variant}:start"), MARK_END.replace(":end", f"{variant}:end")
    block = f"{start}\n{section.rstrip()}\n{end}\n"
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    if start in text and end in text:
        text = re.sub(re.escape(start) + r".*?" + re.escape(end) + r"\n?", lambda _m: block, text, flags=re.S)
    else:
        title = "## Campaigns (issue 13)" + (", with the proposed indexes" if variant else "")
        text = text.rstrip("\n") + f"\n\n{title}\n\n" + block
    RESULTS.write_text(text)
    print(f"Wrote the campaigns section of {RESULTS}", file=sys.stderr)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--only", help="run the scenarios whose label contains this text (or of this kind)")
    parser.add_argument(
        "--explain", action="store_true", help="EXPLAIN ANALYZE the slowest query of missed ones"
    )
    parser.add_argument("--explain-all", action="store_true", help="… of every scenario")
    parser.add_argument("--queries", action="store_true", help="print every scenario's SQL with its time")
    parser.add_argument(
        "--write", action="store_true", help="write the campaigns section of bench/RESULTS.md"
    )
    parser.add_argument("--force", action="store_true", help="run on a database not named *bench*")
    parser.add_argument(
        "--try-indexes", action="store_true", help="create the proposed indexes for the run (dropped after)"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-campaigns-") as workdir:
        _setup(workdir)
        from django.db import connection

        if connection.vendor != "postgresql":
            sys.exit("The benchmark runs on PostgreSQL (DATABASE_URL=postgres://…/cg_bench).")
        if "bench" not in connection.settings_dict["NAME"] and not args.force:
            sys.exit("Refusing a database whose name does not contain 'bench' (use --force).")
        load = os.getloadavg()[0]
        indexes = f"; with the proposed indexes ({', '.join(TRY_INDEXES)})" if args.try_indexes else ""
        header = f"{data_line()}{indexes}; runs {args.runs} after {args.warmup} warm-up; load average at start {load:.2f}"
        print(header, file=sys.stderr)
        if args.try_indexes:
            try_indexes(True)
        scenarios = build_scenarios()
        if args.only:
            scenarios = [s for s in scenarios if args.only.lower() in s.label.lower() or args.only == s.kind]
        for scenario in scenarios:
            _run(scenario, args.runs, args.warmup)
            if scenario.note:
                print(f"  {scenario.label}: {scenario.note}", file=sys.stderr)
                continue
            print(
                f"  {scenario.label}: median {scenario.median:.1f} ms, p95 {scenario.p95:.1f} ms, "
                f"{scenario.queries} queries {scenario.error}",
                file=sys.stderr,
            )
            if args.queries:
                for query in scenario.captured:
                    print(f"    {float(query['time']) * 1000:7.1f} ms  {query['sql'][:400]}", file=sys.stderr)
        section = [f"{header}; at the end {os.getloadavg()[0]:.2f}.\n", table_with_notes(scenarios)]
        plans = []
        if args.explain or args.explain_all:
            for scenario in scenarios:
                if not scenario.error and not scenario.note and (args.explain_all or scenario.missed):
                    plans.append(explain(scenario))
        text = "\n".join(section) + "".join(plans)
        if args.try_indexes:
            try_indexes(False)
        sys.stdout.write(text)
        if args.write:
            write_section(text, "-indexes" if args.try_indexes else "")


if __name__ == "__main__":
    main()
