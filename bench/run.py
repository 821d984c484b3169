"""The complaints benchmark: median and p95 over repeated runs, with the SQL query count, for the pages and API
calls people wait on, against the real database (not a test database) loaded by `bench.generate`.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cg_bench .venv/bin/python -m bench.run
    ... -m bench.run --runs 30 --warmup 5 --only list --explain

Each scenario is requested through Django's test Client (the whole stack: middleware, session auth, view,
serializer or template), signed in as a district user (`bench.d01.intake1`, scope: one district of 12 and its
8 squadrons) or a city-level user (`bench.city.intake1`, scope: everything). Times are wall-clock per request
in this process; the query count is taken with CaptureQueriesContext on a separate run. `--explain` prints
EXPLAIN (ANALYZE, BUFFERS) of the slowest query of every scenario that misses its target. Settings: those of
DJANGO_SETTINGS_MODULE (default enforcement.settings.local) with DEBUG off."""

import argparse
import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlencode

TARGETS_MS = {"list": 50, "detail": 40, "queue": 50, "sql": None}
MAX_LIST_QUERIES = 10
FREE_TEXT = "露天烧烤"  # a common term (in ~6 % of descriptions); 4 characters, so two trigrams to search by
# Two-character terms (most Chinese words): no trigram in them. Common (~6 %), rare (0.35 %), absent.
TWO_CHAR_COMMON, TWO_CHAR_RARE, TWO_CHAR_ABSENT = "烧烤", "井盖", "火锅"
DEEP_OFFSET = 20_000


@dataclass
class Scenario:
    kind: str  # list, detail, queue, sql
    label: str
    user: str
    url: str = ""
    sql: list = field(default_factory=list)  # [(sql, params)] for the raw-SQL comparisons
    timings: list = field(default_factory=list)
    queries: int | None = None
    captured: list = field(default_factory=list)
    rows: int | None = None

    @property
    def median(self):
        return statistics.median(self.timings)

    @property
    def p95(self):
        ordered = sorted(self.timings)
        return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]

    @property
    def target(self):
        return TARGETS_MS[self.kind]

    @property
    def missed(self):
        too_slow = self.target is not None and self.p95 > self.target
        too_many = self.kind == "list" and self.queries is not None and self.queries > MAX_LIST_QUERIES
        return too_slow or too_many


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enforcement.settings.local")
    os.environ["DJANGO_DEBUG"] = "0"
    import django

    django.setup()


def _one(sql, params=()):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def build_scenarios():
    from django.urls import reverse

    from complaints.choices import OPEN_STATUSES
    from complaints.models import Complaint
    from enforcement.catalog.models import ViolationCategory
    from enforcement.keyset import encode_cursor
    from enforcement.org.models import OrgUnit, User
    from enforcement.workdays.calendar import start_of_day

    district = OrgUnit.objects.get(code="bench-d01")
    other_district = OrgUnit.objects.get(code="bench-d03")
    district_user, city_user = "bench.d01.intake1", "bench.city.intake1"
    if not User.objects.filter(username__in=[district_user, city_user]).count() == 2:
        sys.exit("No bench users: load the data first (python -m bench.generate).")
    major = ViolationCategory.objects.get(code="07")  # street vending and occupying the street
    fumes = ViolationCategory.objects.get(code="05")  # noise and cooking fumes: where the free text is found
    newest = Complaint.objects.order_by("-received_at").values_list("received_at", flat=True).first()
    since, until = (newest - timedelta(days=90)).date(), newest.date()
    open_statuses = sorted(OPEN_STATUSES)

    def api(**params):
        return reverse("api:complaint-list") + "?" + urlencode(params, doseq=True)

    def page(**params):
        return reverse("complaints:list") + "?" + urlencode(params, doseq=True)

    typical = {
        "unit": district.pk,
        "status": open_statuses,
        "category": major.pk,
        "received_from": since,
        "received_to": until,
    }
    typical_city = {**typical, "unit": other_district.pk}
    # A page deep in the district's list: the cursor of the row DEEP_OFFSET rows down (newest first).
    subtree = list(OrgUnit.objects.subtree(district).values_list("pk", flat=True))
    received_at, pk = _one(
        "SELECT received_at, id FROM complaints_complaint WHERE unit_id = ANY(%s) "
        "ORDER BY received_at DESC, id DESC OFFSET %s LIMIT 1",
        [subtree, DEEP_OFFSET],
    )
    deep = encode_cursor(received_at, pk, False)
    in_district = Complaint.objects.filter(unit_id__in=subtree)
    closed_one = (
        in_district.filter(status="closed", reopen_count=0)
        .order_by("-received_at")
        .values_list("pk", flat=True)[500]
    )
    address = in_district.filter(pk=closed_one).values_list("address", flat=True).get()
    open_one = (
        in_district.filter(status="in_progress").order_by("-received_at").values_list("pk", flat=True).first()
    )

    scenarios = []
    for size in (25, 100):
        scenarios += [
            Scenario(
                "list", f"API list, district scope only, page_size {size}", district_user, api(page_size=size)
            ),
            Scenario(
                "list",
                f"API list, district, typical filters, page_size {size}",
                district_user,
                api(**typical, page_size=size),
            ),
            Scenario(
                "list",
                f"API list, city user, typical filters (another district), page_size {size}",
                city_user,
                api(**typical_city, page_size=size),
            ),
            Scenario(
                "list", f"API list, city user, no filter, page_size {size}", city_user, api(page_size=size)
            ),
        ]
    scenarios += [
        Scenario("list", f"API list, district, free text “{FREE_TEXT}”", district_user, api(q=FREE_TEXT)),
        Scenario("list", f"API list, city user, free text “{FREE_TEXT}”", city_user, api(q=FREE_TEXT)),
        Scenario(
            "list", f"API list, district, free text, an address “{address}”", district_user, api(q=address)
        ),
        Scenario(
            "list",
            "API list, district, free text + typical filters (category 05)",
            district_user,
            api(**{**typical, "category": fumes.pk}, q=FREE_TEXT),
        ),
        Scenario(
            "list",
            f"API list, district, two characters “{TWO_CHAR_COMMON}” (6 %)",
            district_user,
            api(q=TWO_CHAR_COMMON),
        ),
        Scenario(
            "list",
            f"API list, district, two characters “{TWO_CHAR_RARE}” (0.35 %)",
            district_user,
            api(q=TWO_CHAR_RARE),
        ),
        Scenario(
            "list",
            f"API list, district, two characters “{TWO_CHAR_ABSENT}” (no match)",
            district_user,
            api(q=TWO_CHAR_ABSENT),
        ),
        Scenario(
            "list",
            f"API list, city user, two characters “{TWO_CHAR_RARE}” (0.35 %)",
            city_user,
            api(q=TWO_CHAR_RARE),
        ),
        Scenario(
            "list",
            f"API list, city user, two characters “{TWO_CHAR_ABSENT}” (no match)",
            city_user,
            api(q=TWO_CHAR_ABSENT),
        ),
        Scenario(
            "list",
            f"API list, district, two characters “{TWO_CHAR_RARE}” + open statuses",
            district_user,
            api(q=TWO_CHAR_RARE, status=open_statuses),
        ),
        Scenario(
            "list", f"API list, district, deep page (row {DEEP_OFFSET:,})", district_user, api(cursor=deep)
        ),
        Scenario(
            "list",
            "API list, district, overdue by deadline",
            district_user,
            api(due="overdue", ordering="due_at"),
        ),
        Scenario(
            "list",
            "API list, city user, overdue by deadline",
            city_user,
            api(due="overdue", ordering="due_at"),
        ),
        Scenario("list", "List page, district scope only", district_user, page()),
        Scenario("list", "List page, district, typical filters", district_user, page(**typical)),
        Scenario("list", "List page, city user, typical filters", city_user, page(**typical_city)),
        Scenario("list", f"List page, district, free text “{FREE_TEXT}”", district_user, page(q=FREE_TEXT)),
        Scenario(
            "list",
            f"List page, district, two characters “{TWO_CHAR_RARE}” (0.35 %)",
            district_user,
            page(q=TWO_CHAR_RARE),
        ),
        Scenario(
            "list", f"List page, district, deep page (row {DEEP_OFFSET:,})", district_user, page(cursor=deep)
        ),
        Scenario(
            "detail",
            "API detail, closed complaint with full history",
            district_user,
            reverse("api:complaint-detail", args=[closed_one]),
        ),
        Scenario(
            "detail",
            "API detail, open complaint",
            district_user,
            reverse("api:complaint-detail", args=[open_one]),
        ),
        Scenario(
            "detail",
            "Detail page, closed complaint with full history",
            district_user,
            reverse("complaints:detail", args=[closed_one]),
        ),
        Scenario(
            "detail",
            "Detail page, open complaint",
            district_user,
            reverse("complaints:detail", args=[open_one]),
        ),
        Scenario(
            "detail",
            "Detail page, open complaint, city user",
            city_user,
            reverse("complaints:detail", args=[open_one]),
        ),
    ]
    for username, label in (
        ("bench.d01.intake1", "district intake"),
        ("bench.d01.s01.squad_leader", "squad leader"),
        ("bench.d01.s01.officer1", "officer"),
        ("bench.city.intake1", "city intake"),
    ):
        scenarios.append(Scenario("queue", f"Work queue, {label}", username, reverse("home")))
    # Raw SQL of the district's typical first page, for comparison: what the database alone costs.
    where = (
        "c.unit_id = ANY(%(units)s) AND c.status = ANY(%(statuses)s) AND c.category_id IN "
        "(SELECT id FROM catalog_violationcategory WHERE id = %(major)s OR parent_id = %(major)s) "
        "AND c.received_at >= %(since)s AND c.received_at < %(until)s"
    )
    params = {
        "units": subtree,
        "statuses": open_statuses,
        "major": major.pk,
        "since": start_of_day(since),
        "until": start_of_day(until + timedelta(days=1)),
    }
    scenarios += [
        Scenario(
            "sql",
            "Raw SQL: district, typical filters, first 26 rows + capped count",
            district_user,
            sql=[
                (
                    "SELECT c.id, c.number, c.received_at, c.status, c.channel, c.address, c.due_at, c.description, "
                    "cat.code, cat.name, u.name, g.code, h.full_name "
                    "FROM complaints_complaint c JOIN catalog_violationcategory cat ON cat.id = c.category_id "
                    "JOIN org_orgunit u ON u.id = c.unit_id LEFT JOIN org_grid g ON g.id = c.grid_id "
                    "LEFT JOIN org_user h ON h.id = c.handler_id "
                    f"WHERE {where} ORDER BY c.received_at DESC, c.id DESC LIMIT 26",
                    params,
                ),
                (
                    f"SELECT COUNT(*) FROM (SELECT 1 FROM complaints_complaint c WHERE {where} LIMIT 1001) x",
                    params,
                ),
            ],
        ),
        Scenario(
            "sql",
            "Raw SQL: district, scope only, first 26 rows",
            district_user,
            sql=[
                (
                    "SELECT c.id, c.number, c.received_at, c.status FROM complaints_complaint c "
                    "WHERE c.unit_id = ANY(%(units)s) ORDER BY c.received_at DESC, c.id DESC LIMIT 26",
                    params,
                ),
            ],
        ),
    ]
    return scenarios


def _client_for(username, cache={}):  # noqa: B006 - one signed-in client per user for the whole run
    from django.test import Client

    from enforcement.org.models import User

    if username not in cache:
        client = Client(HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.force_login(User.objects.get(username=username))
        cache[username] = client
    return cache[username]


def _request(scenario):
    from django.db import connection

    if scenario.kind == "sql":
        with connection.cursor() as cursor:
            for sql, params in scenario.sql:
                cursor.execute(sql, params)
                cursor.fetchall()
        return None
    response = _client_for(scenario.user).get(scenario.url)
    if response.status_code != 200:
        raise SystemExit(
            f"{scenario.label}: HTTP {response.status_code} for {scenario.url}\n{response.content[:500]!r}"
        )
    return response


def measure(scenario, runs, warmup):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        _request(scenario)
    if scenario.kind != "sql":
        with CaptureQueriesContext(connection) as captured:
            response = _request(scenario)
        scenario.queries = len(captured.captured_queries)
        scenario.captured = captured.captured_queries
        if response.get("Content-Type", "").startswith("application/json"):
            data = response.json()
            scenario.rows = len(data["results"]) if isinstance(data, dict) and "results" in data else None
    for _ in range(runs):
        started = time.perf_counter()
        _request(scenario)
        scenario.timings.append((time.perf_counter() - started) * 1000)


def explain(scenario, out):
    from django.db import connection

    if scenario.kind == "sql":
        statements = scenario.sql
    else:
        slowest = sorted(scenario.captured, key=lambda q: float(q["time"]), reverse=True)[:2]
        statements = [(q["sql"], None) for q in slowest]
    for sql, params in statements:
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            shown = cursor.cursor.mogrify(sql, params).decode() if params else sql
        out.write(f"\n#### {scenario.label}\n\n```sql\n{shown}\n```\n\n```\n{plan}\n```\n")


def report(scenarios, out):
    out.write("| scenario | user | median ms | p95 ms | target ms | queries | rows | |\n")
    out.write("| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |\n")
    for s in scenarios:
        target = "" if s.target is None else f"≤ {s.target}"
        verdict = "" if s.kind == "sql" else ("**missed**" if s.missed else "ok")
        queries = "" if s.queries is None else str(s.queries)
        rows = "" if s.rows is None else str(s.rows)
        out.write(
            f"| {s.label} | {s.user} | {s.median:.1f} | {s.p95:.1f} | {target} | {queries} | {rows} | {verdict} |\n"
        )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--only", help="run the scenarios whose label contains this text")
    parser.add_argument(
        "--explain", action="store_true", help="EXPLAIN ANALYZE the slowest queries of missed targets"
    )
    parser.add_argument("--queries", action="store_true", help="print every scenario's SQL with its time")
    args = parser.parse_args(argv)
    _setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("The benchmark runs on PostgreSQL (DATABASE_URL=postgres://…/cg_bench).")
    scenarios = build_scenarios()
    if args.only:
        scenarios = [s for s in scenarios if args.only.lower() in s.label.lower() or args.only == s.kind]
    count = _one("SELECT COUNT(*) FROM complaints_complaint")[0]
    events = _one("SELECT reltuples::bigint FROM pg_class WHERE relname = 'audit_auditevent'")[0]
    out = sys.stdout
    load = os.getloadavg()[0]
    out.write(
        f"complaints: {count:,}; audit events: about {events:,}; runs {args.runs} after {args.warmup} warm-up; "
        f"load average at start {load:.2f}\n\n"
    )
    for scenario in scenarios:
        measure(scenario, args.runs, args.warmup)
        print(
            f"  {scenario.label}: median {scenario.median:.1f} ms, p95 {scenario.p95:.1f} ms, "
            f"{scenario.queries} queries",
            file=sys.stderr,
        )
        if args.queries:
            for query in scenario.captured:
                print(f"    {float(query['time']) * 1000:7.1f} ms  {query['sql'][:400]}", file=sys.stderr)
    report(scenarios, out)
    out.write(f"\nload average at the end: {os.getloadavg()[0]:.2f}\n")
    if args.explain:
        for scenario in scenarios:
            if scenario.missed or scenario.kind == "sql":
                explain(scenario, out)


if __name__ == "__main__":
    main()
