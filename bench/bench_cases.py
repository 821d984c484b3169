"""The cases benchmark (issue 11): median and p95 over repeated runs, with the SQL query count, of what people
wait on in the cases app, against the city `bench.generate` loads (2 million complaints, 500,000 cases).
Not a test: run it by hand, read the figures.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cg_bench .venv/bin/python -m bench.bench_cases
    ... --runs 30 --warmup 5 --only list --explain --write

Scenarios (targets of the issue, on this machine):
- the case list, first page, through the API `/api/v1/cases/` (Django's test Client: middleware, session,
  view, filterset, keyset pagination, serializer) and through the ORM alone
  (`Case.objects.visible_to(user).for_list_rows()` filtered by `CaseFilterSet`, keyset-paginated): scope
  only, typical filters (own unit, open statuses, general procedure), overdue by deadline, a party, page
  sizes 25 and 100 — p95 ≤ 50 ms and ≤ 10 queries whatever the page size;
- the case detail with its approval chain, penalties and evidence (API, and `for_detail()` alone) ≤ 40 ms;
- the approval inbox, first page (`enforcement.approvals.services.inbox_for`, and `/api/v1/approvals/`), of
  a bureau head and of a squad leader ≤ 50 ms;
- the party search (`Party.objects.search`, and `/api/v1/parties/?q=`) by ID number, credit code and name
  prefix ≤ 50 ms;
- the reminder sweep (`enforcement.notifications.sweep.send_due_reminders`, complaint and case deadline kinds)
  when nothing is due, between full sweeps and in full ≤ 50 ms. The first sweep (the generated backlog)
  is run once before and its reminders stay; the notification tables are emptied first, so use the bench's
  own database.

`--explain` adds EXPLAIN (ANALYZE, BUFFERS) of the slowest query of every scenario (all of them with
`--explain-all`); `--write` replaces the "Cases" section of bench/RESULTS.md with the table and the plans.
"""

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

RESULTS = Path(__file__).with_name("RESULTS.md")
MARK_START, MARK_END = "<!-- cases-figures:start -->", "<!-- cases-figures:end -->"
TARGETS_MS = {"list": 50, "detail": 40, "inbox": 50, "party": 50, "sweep": 50}
MAX_LIST_QUERIES = 10


@dataclass
class Scenario:
    kind: str  # list, detail, inbox, party, sweep
    label: str
    user: str | None = None
    url: str = ""  # an HTTP GET through the test Client, or…
    fn: object = None  # … a Python callable (the ORM or service alone)
    timings: list = field(default_factory=list)
    queries: int | None = None
    captured: list = field(default_factory=list)
    rows: int | None = None
    error: str = ""

    @property
    def median(self):
        return statistics.median(self.timings) if self.timings else float("nan")

    @property
    def p95(self):
        if not self.timings:
            return float("nan")
        ordered = sorted(self.timings)
        return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]

    @property
    def target(self):
        return TARGETS_MS[self.kind]

    @property
    def missed(self):
        if self.error:
            return True
        too_slow = self.p95 > self.target
        too_many = self.kind == "list" and self.queries is not None and self.queries > MAX_LIST_QUERIES
        return too_slow or too_many


def _setup(workdir):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enforcement.settings.local")
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.pop(
        "REDIS_URL", None
    )  # the sweep's delivery tasks go to a folder of this run, no worker reads
    os.environ["CELERY_BROKER_DIR"] = str(Path(workdir) / "broker")
    import django

    django.setup()


def _one(sql, params=()):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


class _Request:
    """What CaseFilterSet reads of a request (its user) for the ORM-only scenarios."""

    def __init__(self, user):
        self.user = user


def _reverse(name, *args):
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def build_scenarios():
    from cases.choices import OPEN_STATUSES
    from cases.filtersets import ORDERINGS, CaseFilterSet
    from cases.models import Case, Party
    from enforcement.approvals.services import inbox_for
    from enforcement.keyset import paginate
    from enforcement.org.models import OrgUnit, User

    district = OrgUnit.objects.get(code="bench-d01")
    squadron = OrgUnit.objects.get(code="bench-d01-s01")
    head_name, leader_name, city_name = (
        "bench.d01.bureau_head",
        "bench.d01.s01.squad_leader",
        "bench.city.bureau_head",
    )
    users = {u.username: u for u in User.objects.filter(username__in=[head_name, leader_name, city_name])}
    if len(users) != 3 or not Case.objects.exists():
        sys.exit("No bench cases: load the data first (python -m bench.generate).")
    head, leader, city_head = users[head_name], users[leader_name], users[city_name]
    open_statuses = sorted(OPEN_STATUSES)
    in_district = Case.objects.filter(unit__path__startswith=district.path)
    closed_general = (
        in_district.filter(procedure="general", status__in=["closed", "archived"], extended_days__gt=0)
        .order_by("-registered_at")
        .values_list("pk", flat=True)
        .first()
    ) or in_district.filter(procedure="general", status="archived").values_list("pk", flat=True).first()
    open_general = (
        in_district.filter(procedure="general", status__in=["notified", "review", "decided", "investigating"])
        .order_by("-registered_at")
        .values_list("pk", flat=True)
        .first()
    )
    simple_one = (
        in_district.filter(procedure="simple").order_by("-registered_at").values_list("pk", flat=True)[500]
    )
    # A repeat offender of the district, and a party to search for.
    repeat = _one(
        "SELECT party_id FROM cases_case c JOIN org_orgunit u ON u.id = c.unit_id WHERE u.path LIKE %s "
        "GROUP BY party_id ORDER BY count(*) DESC LIMIT 1",
        [district.path + "%"],
    )[0]
    # Parties of the district's cases (the register is city-wide, a district head sees its own cases).
    person = Party.objects.filter(party_type="individual", cases__unit__path__startswith=district.path)
    person = person.order_by("pk")[1000]
    company = Party.objects.filter(party_type="organisation", cases__unit__path__startswith=district.path)
    company = company.order_by("pk")[200]
    common_surname = "王"
    full_name = person.name

    api_list = _reverse("api:case-list")
    api_parties = _reverse("api:party-list")
    api_approvals = _reverse("api:approval-list")

    def api(path, **params):
        return path + "?" + urlencode(params, doseq=True)

    typical = {"unit": district.pk, "status": open_statuses, "procedure": "general"}
    typical_squadron = {"unit": squadron.pk, "status": open_statuses, "procedure": "general"}

    def orm_list(user, data, size=25, search=None):
        def run():
            qs = CaseFilterSet(
                data, queryset=Case.objects.visible_to(user).for_list_rows(), request=_Request(user)
            )
            if not qs.is_valid():
                raise RuntimeError(qs.errors)
            rows = qs.qs if search is None else proposed_case_search(qs.qs, search)
            page = paginate(rows, ORDERINGS.get(data.get("ordering")), page_size=size, count=search is None)
            shown = [  # what a row shows
                (c.title, c.party.identifier, c.unit.name, c.category.name, c.get_status_display())
                for c in page.rows
            ]
            return len(shown)

        return run

    scenarios = []
    if api_list:
        for size in (25, 100):
            scenarios += [
                Scenario(
                    "list",
                    f"API list, district head, scope only, page_size {size}",
                    head_name,
                    api(api_list, page_size=size),
                ),
                Scenario(
                    "list",
                    f"API list, district head, typical filters, page_size {size}",
                    head_name,
                    api(api_list, **typical, page_size=size),
                ),
                Scenario(
                    "list",
                    f"API list, squad leader, typical filters, page_size {size}",
                    leader_name,
                    api(api_list, **typical_squadron, page_size=size),
                ),
                Scenario(
                    "list",
                    f"API list, city head, typical filters (a district), page_size {size}",
                    city_name,
                    api(api_list, **typical, page_size=size),
                ),
                Scenario(
                    "list",
                    f"API list, district head, overdue, soonest first, page_size {size}",
                    head_name,
                    api(api_list, unit=district.pk, due="overdue", ordering="due_at", page_size=size),
                ),
            ]
        scenarios += [
            Scenario("list", "API list, city head, no filter", city_name, api(api_list)),
            Scenario(
                "list",
                "API list, district head, overdue + open + general",
                head_name,
                api(api_list, **typical, due="overdue", ordering="due_at"),
            ),
            Scenario(
                "list",
                "API list, district head, one party's cases (repeat offender)",
                head_name,
                api(api_list, party=repeat),
            ),
            Scenario(
                "list",
                "API list, district head, free text: an ID number",
                head_name,
                api(api_list, q=person.id_number),
            ),
            Scenario(
                "list",
                "API list, district head, free text: a common name prefix “王秀”",
                head_name,
                api(api_list, q="王秀"),
            ),
            Scenario(
                "list",
                f"API list, district head, free text: a name “{full_name}”",
                head_name,
                api(api_list, q=full_name),
            ),
        ]
    for size in (25, 100):
        scenarios += [
            Scenario(
                "list",
                f"ORM list, district head, typical filters, page_size {size}",
                head_name,
                fn=orm_list(head, typical, size),
            ),
            Scenario(
                "list",
                f"ORM list, district head, overdue, page_size {size}",
                head_name,
                fn=orm_list(head, {"unit": district.pk, "due": "overdue", "ordering": "due_at"}, size),
            ),
        ]
    scenarios.append(
        Scenario(
            "list",
            "ORM list, squad leader, typical filters",
            leader_name,
            fn=orm_list(leader, typical_squadron),
        )
    )
    for term, what in ((person.id_number, "an ID number"), ("王秀", "“王秀”"), (full_name, f"“{full_name}”")):
        scenarios.append(
            Scenario(
                "list",
                f"Proposed free text (fixes 1-3, RESULTS.md), district head: {what}",
                head_name,
                fn=orm_list(head, {}, search=term),
            )
        )

    # --- detail -----------------------------------------------------------------------------------
    def orm_detail(pk):
        def run():
            case = Case.objects.for_detail().get(pk=pk)
            return (
                len(list(case.approvals.all()))
                + len(list(case.evidence.all()))
                + len(list(case.penalties.all()))
            )

        return run

    api_detail = _reverse("api:case-detail", closed_general) if closed_general else None
    page_detail = _reverse("cases:detail", closed_general) if closed_general else None
    for pk, what in (
        (closed_general, "closed general case, full chain"),
        (open_general, "open general case"),
        (simple_one, "simple case"),
    ):
        if pk is None:
            continue
        scenarios.append(Scenario("detail", f"ORM for_detail(), {what}", head_name, fn=orm_detail(pk)))
        if api_detail:
            scenarios.append(
                Scenario("detail", f"API detail, {what}", head_name, _reverse("api:case-detail", pk))
            )
        if page_detail:
            scenarios.append(
                Scenario("detail", f"Detail page, {what}", head_name, _reverse("cases:detail", pk))
            )

    # --- the inbox ---------------------------------------------------------------------------------
    def inbox(user):
        def run():
            box = inbox_for(user)
            rows = box[:25]
            shown = [(e.subject_text, e.subject_url, e.approval.requested_by.full_name) for e in rows]
            return len(shown)

        return run

    def inbox_count(user):
        return lambda: inbox_for(user).count()

    for user, label in ((head, "bureau head"), (leader, "squad leader"), (city_head, "city bureau head")):
        scenarios.append(Scenario("inbox", f"Inbox first page, {label}", user.username, fn=inbox(user)))
        scenarios.append(Scenario("inbox", f"Inbox count, {label}", user.username, fn=inbox_count(user)))
        if api_approvals:
            scenarios.append(Scenario("inbox", f"API approvals, {label}", user.username, api_approvals))
    page_inbox = _reverse("approvals:inbox")
    if page_inbox:
        scenarios.append(Scenario("inbox", "Inbox page, bureau head", head_name, page_inbox))

    # --- party search ------------------------------------------------------------------------------
    def search(text):
        return lambda: len(list(Party.objects.search(text)[:25]))

    def proposed(text):
        return lambda: len(list(proposed_party_search(Party.objects.all(), text)[:25]))

    for text, what in (
        (person.id_number, "ID number"),
        (company.credit_code, "credit code"),
        (full_name, f"full name “{full_name}”"),
        (common_surname, f"name prefix “{common_surname}”"),
        (person.phone, "phone"),
    ):
        scenarios.append(Scenario("party", f"Party.objects.search, {what}", head_name, fn=search(text)))
        scenarios.append(
            Scenario("party", f"Proposed search (RESULTS.md), {what}", head_name, fn=proposed(text))
        )
        if api_parties:
            scenarios.append(Scenario("party", f"API parties, {what}", head_name, api(api_parties, q=text)))
    return scenarios


def proposed_party_search(queryset, text):
    """The party search RESULTS.md proposes for `PartyQuerySet.search`: an identifier (ID number, credit code,
    phone: letters and digits only) by its exact indexes; a name by an index range on `party_name` (name,
    id), which also gives the order — no new index. The current OR of the four conditions cannot use the
    range, and LIKE 'x%' uses no btree index under the database's C.UTF-8 collation."""
    from django.db.models import Q

    text = (text or "").strip()
    upper = text.upper()
    if re.fullmatch(r"[0-9A-Z]{6,18}", upper):
        return queryset.filter(Q(id_number=upper) | Q(credit_code=upper) | Q(phone=text))
    return queryset.filter(name__gte=text, name__lt=text + "\U0010ffff", name__startswith=text).order_by(
        "name", "id"
    )


def proposed_case_search(queryset, term):
    """`CaseFilterSet.search` as RESULTS.md proposes: the parties through the proposed party search, the
    address (its trigram index) only for terms of three characters or more."""
    from django.db.models import Q

    from cases.models import Party

    term = term.strip()
    upper = term.upper()
    parties = list(proposed_party_search(Party.objects.all(), term).values_list("pk", flat=True)[:200])
    condition = Q(number=upper) | Q(party_id__in=parties)
    if len(term) >= 3:
        condition |= Q(address__contains=term)
    return queryset.filter(condition)


# Indexes RESULTS.md proposes, created for a run with --try-indexes and dropped after it.
TRY_INDEXES = {
    "bench_try_case_address_trgm": "CREATE INDEX bench_try_case_address_trgm ON cases_case USING gin "
    "(address gin_trgm_ops)",
}


def try_indexes(create):
    from django.db import connection

    with connection.cursor() as cursor:
        for name, sql in TRY_INDEXES.items():
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
            if create:
                cursor.execute(sql)
        cursor.execute("ANALYZE cases_case")


# --- the sweep -------------------------------------------------------------------------------------------
def sweep_scenarios(now):
    from django.conf import settings

    from enforcement.notifications import registry
    from enforcement.notifications.models import SweepMark
    from enforcement.notifications.sweep import send_due_reminders

    previous = now - timedelta(seconds=settings.REMINDER_SWEEP_SECONDS)
    case_kinds = [k for k in registry.all_kinds() if k.model_class._meta.app_label == "cases"]
    complaint_kinds = [k for k in registry.all_kinds() if k.model_class._meta.app_label == "complaints"]

    def sweep(full, kinds=None):
        def run():
            if not full:
                SweepMark.objects.update(swept_at=previous)
            result = send_due_reminders(now, full=full, kinds=kinds)
            if result.reminders:
                raise RuntimeError(f"the sweep made {result.reminders} reminders: something was due")
            return 0

        return run

    return [
        Scenario("sweep", "Sweep, nothing due, between full sweeps, all kinds", fn=sweep(False)),
        Scenario("sweep", "Sweep, nothing due, full, all kinds", fn=sweep(True)),
        Scenario(
            "sweep",
            "Sweep, nothing due, between full sweeps, complaint kinds only (before the cases)",
            fn=sweep(False, complaint_kinds),
        ),
        Scenario(
            "sweep",
            "Sweep, nothing due, full, complaint kinds only (before the cases)",
            fn=sweep(True, complaint_kinds),
        ),
        Scenario(
            "sweep", "Sweep, nothing due, between full sweeps, case kinds only", fn=sweep(False, case_kinds)
        ),
        Scenario("sweep", "Sweep, nothing due, full, case kinds only", fn=sweep(True, case_kinds)),
    ]


def prepare_sweep(now):
    """Empties the notification tables and runs the first sweep: the generated backlog gets its reminders,
    so the timed sweeps find nothing due."""
    from django.db import connection

    from enforcement.notifications.models import Delivery, Notification, Reminder, SweepMark
    from enforcement.notifications.sweep import send_due_reminders

    tables = ", ".join(m._meta.db_table for m in (Notification, Delivery, Reminder, SweepMark))
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY")
    started = time.perf_counter()
    result = send_due_reminders(now, full=True)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) notifications_reminder")
    return seconds, result


# --- running -------------------------------------------------------------------------------------------
def _client_for(username, cache={}):  # noqa: B006 - one signed-in client per user for the whole run
    from django.test import Client

    from enforcement.org.models import User

    if username not in cache:
        client = Client(HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.force_login(User.objects.get(username=username))
        cache[username] = client
    return cache[username]


def _request(scenario):
    if scenario.fn is not None:
        return scenario.fn()
    response = _client_for(scenario.user).get(scenario.url)
    if response.status_code != 200:
        raise RuntimeError(f"HTTP {response.status_code} for {scenario.url}: {response.content[:300]!r}")
    if response.get("Content-Type", "").startswith("application/json"):
        data = response.json()
        if isinstance(data, dict) and "results" in data:
            return len(data["results"])
    return None


def measure(scenario, runs, warmup):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    try:
        for _ in range(warmup):
            _request(scenario)
        with CaptureQueriesContext(connection) as captured:
            scenario.rows = _request(scenario)
        scenario.queries = len(captured.captured_queries)
        scenario.captured = captured.captured_queries
        for _ in range(runs):
            started = time.perf_counter()
            _request(scenario)
            scenario.timings.append((time.perf_counter() - started) * 1000)
    except Exception as exc:  # noqa: BLE001 - an app still being built: report it, go on
        scenario.error = f"{type(exc).__name__}: {str(exc)[:300]}"


def explain(scenario):
    """EXPLAIN (ANALYZE, BUFFERS) of the scenario's slowest SELECT, as Markdown."""
    from django.db import connection

    selects = [q for q in scenario.captured if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))]
    if not selects:
        return ""
    slowest = max(selects, key=lambda q: float(q["time"]))
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    sql = slowest["sql"]
    if len(sql) > 3000:
        sql = sql[:3000] + " …"
    took = re.search(r"Execution Time: ([0-9.]+) ms", plan)
    summary = f"{scenario.label} — its slowest query, executed in {took.group(1) if took else '?'} ms"
    return (
        f"\n<details><summary>{summary}</summary>\n\n```sql\n{sql}\n```\n\n```\n{plan}\n```\n\n</details>\n"
    )


def table(scenarios):
    lines = [
        "| scenario | user | median ms | p95 ms | target ms | queries | rows | |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for s in scenarios:
        if s.error:
            lines.append(f"| {s.label} | {s.user or ''} | | | ≤ {s.target} | | | **error**: {s.error} |")
            continue
        verdict = "**missed**" if s.missed else "ok"
        queries = "" if s.queries is None else str(s.queries)
        rows = "" if s.rows is None else str(s.rows)
        lines.append(
            f"| {s.label} | {s.user or ''} | {s.median:.1f} | {s.p95:.1f} | ≤ {s.target} | {queries} | {rows} "
            f"| {verdict} |"
        )
    return "\n".join(lines) + "\n"


def data_line():
    parts = []
    for label, sql in (
        ("complaints", "SELECT count(*) FROM complaints_complaint"),
        ("cases", "SELECT count(*) FROM cases_case"),
        ("general", "SELECT count(*) FROM cases_case WHERE procedure = 'general'"),
        ("parties", "SELECT count(*) FROM cases_party"),
        ("approvals", "SELECT count(*) FROM cases_caseapproval"),
        ("pending approvals", "SELECT count(*) FROM cases_caseapproval WHERE decision = 'pending'"),
        ("evidence", "SELECT count(*) FROM cases_caseevidence"),
        ("penalties", "SELECT count(*) FROM cases_casepenalty"),
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
        text = text.rstrip("\n") + "\n\n" + block
    RESULTS.write_text(text)
    print(f"Wrote the cases section of {RESULTS}", file=sys.stderr)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--only", help="run the scenarios whose label contains this text (or of this kind)")
    parser.add_argument(
        "--explain", action="store_true", help="EXPLAIN ANALYZE the slowest query of missed ones"
    )
    parser.add_argument("--explain-all", action="store_true", help="… of every scenario")
    parser.add_argument("--no-sweep", action="store_true", help="leave the notification tables alone")
    parser.add_argument("--queries", action="store_true", help="print every scenario's SQL with its time")
    parser.add_argument("--write", action="store_true", help="write the cases section of bench/RESULTS.md")
    parser.add_argument("--force", action="store_true", help="run on a database not named *bench*")
    parser.add_argument(
        "--try-indexes", action="store_true", help="create the proposed indexes for the run (dropped after)"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-cases-") as workdir:
        _setup(workdir)
        from django.db import connection
        from django.utils import timezone

        if connection.vendor != "postgresql":
            sys.exit("The benchmark runs on PostgreSQL (DATABASE_URL=postgres://…/cg_bench).")
        if "bench" not in connection.settings_dict["NAME"] and not args.force:
            sys.exit("Refusing a database whose name does not contain 'bench' (use --force).")
        out = sys.stdout
        load = os.getloadavg()[0]
        indexes = f"; with the proposed indexes ({', '.join(TRY_INDEXES)})" if args.try_indexes else ""
        header = f"{data_line()}{indexes}; runs {args.runs} after {args.warmup} warm-up"
        header += f"; load average at start {load:.2f}"
        print(header, file=sys.stderr)
        if args.try_indexes:
            try_indexes(True)
        scenarios = build_scenarios()
        backlog = None
        if not args.no_sweep:
            now = timezone.now()
            seconds, result = prepare_sweep(now)
            backlog = (seconds, result.reminders, result.deliveries)
            print(
                f"first sweep (the backlog): {result.reminders:,} reminders in {seconds:.2f} s",
                file=sys.stderr,
            )
            scenarios += sweep_scenarios(now)
        if args.only:
            scenarios = [s for s in scenarios if args.only.lower() in s.label.lower() or args.only == s.kind]
        for scenario in scenarios:
            measure(scenario, args.runs, args.warmup)
            print(
                f"  {scenario.label}: median {scenario.median:.1f} ms, p95 {scenario.p95:.1f} ms, "
                f"{scenario.queries} queries {scenario.error}",
                file=sys.stderr,
            )
            if args.queries:
                for query in scenario.captured:
                    print(f"    {float(query['time']) * 1000:7.1f} ms  {query['sql'][:400]}", file=sys.stderr)
        end_load = os.getloadavg()[0]
        section = [f"{header}; at the end {end_load:.2f}.\n"]
        if backlog:
            section.append(
                f"First sweep (the generated backlog, not timed against a target): {backlog[1]:,} reminders, "
                f"{backlog[2]:,} deliveries in {backlog[0]:.2f} s.\n"
            )
        section.append(table(scenarios))
        plans = []
        if args.explain or args.explain_all:
            for scenario in scenarios:
                if not scenario.error and (args.explain_all or scenario.missed):
                    plans.append(explain(scenario))
        text = "\n".join(section) + "".join(plans)
        if args.try_indexes:
            try_indexes(False)
        out.write(text)
        if args.write:
            write_section(text, "-indexes" if args.try_indexes else "")


if __name__ == "__main__":
    main()
