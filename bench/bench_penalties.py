"""The penalties benchmark (issue 12): median and p95 over repeated runs, with the SQL query count, against the
city `bench.generate` loads with its penalties stage (`python -m bench.generate --penalties-only` on a city
loaded before it). Not a test: run it by hand, read the figures.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cg_bench .venv/bin/python -m bench.bench_penalties
    ... --runs 30 --warmup 5 --only list --explain --write

Scenarios (targets of the issue, on this machine):
- the unpaid list with the live surcharge, first page of 25 and of 100, for a district bureau head and the
  city bureau head: `Execution.objects.visible_to(user).filter(status="awaiting").with_money()
  .order_by("due_on", "id")` (the ORM alone) and the API `/api/v1/penalties/?status=awaiting` when its route
  exists — p95 ≤ 50 ms;
- importing a 50,000-line bank statement (a CSV built from the executions awaiting payment: their payment
  codes, partial amounts never above what is owed today, unique references, 3 % of lines matching no
  penalty) through `penalties.imports.import_statement` — ≤ 30 s — then importing the same file again,
  which must record nothing (asserted). Both run inside one transaction that is rolled back, so the city
  stays as generated.

`--explain` adds EXPLAIN (ANALYZE, BUFFERS) of the slowest list query (and of any missed scenario);
`--profile` prints the import's hottest functions; `--write` replaces the "Penalties" figures of
bench/RESULTS.md (between the penalties-figures markers).
"""

import argparse
import cProfile
import io
import os
import pstats
import random
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")
MARK_START, MARK_END = "<!-- penalties-figures:start -->", "<!-- penalties-figures:end -->"
TARGETS_MS = {"list": 50, "import": 30_000, "reimport": 30_000}
STATEMENT_LINES = 50_000
UNMATCHED_SHARE = 0.03
API_PATH = "/api/v1/penalties/"
IMPORT_TABLES = (
    "penalties_execution",
    "penalties_instalment",
    "penalties_payment",
    "penalties_statementimport",
    "penalties_statementline",
    "audit_auditevent",
)


@dataclass
class Scenario:
    kind: str  # list, import, reimport
    label: str
    user: str | None = None
    url: str = ""  # an HTTP GET through the test Client, or…
    fn: object = None  # … a Python callable (the ORM or service alone)
    timings: list = field(default_factory=list)
    queries: int | None = None
    captured: list = field(default_factory=list)
    rows: int | None = None
    error: str = ""
    note: str = ""

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
        return bool(self.error) or self.p95 > self.target


def _setup(workdir):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enforcement.settings.local")
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.pop("REDIS_URL", None)  # nothing here enqueues, but never a live broker
    os.environ["CELERY_BROKER_DIR"] = str(Path(workdir) / "broker")
    import django

    django.setup()


def _one(sql, params=()):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _users():
    from enforcement.org.models import User

    names = ("bench.d01.bureau_head", "bench.city.bureau_head")
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    if len(users) != 2:
        sys.exit("No bench users: load the city first (python -m bench.generate).")
    return users[names[0]], users[names[1]]


def api_route():
    """The API list's path, or None (with the reason) while its route does not exist."""
    from django.urls import Resolver404, resolve

    try:
        match = resolve(API_PATH)
    except Resolver404:
        return None
    return None if match.url_name == "not-found" else API_PATH  # the API's catch-all 404


def list_scenarios():
    from penalties.models import Execution

    head, city_head = _users()
    if not Execution.objects.exists():
        sys.exit("No executions: run python -m bench.generate --penalties-only first.")

    def orm_list(user, size):
        def run():
            rows = (
                Execution.objects.visible_to(user)
                .filter(status="awaiting")
                .with_money()
                .order_by("due_on", "id")[:size]
            )
            shown = [(e.decision_number, e.fine, e.due_on, e.surcharge_fen, e.owed_fen) for e in rows]
            return len(shown)

        return run

    scenarios = []
    api = api_route()
    for user, label in ((head, "district bureau head"), (city_head, "city bureau head")):
        for size in (25, 100):
            scenarios.append(
                Scenario(
                    "list", f"Unpaid list (ORM), {size} rows, {label}", user.username, fn=orm_list(user, size)
                )
            )
            note = "" if api else f"skipped: {API_PATH} does not resolve yet (the API is being written)"
            scenarios.append(
                Scenario(
                    "list",
                    f"API unpaid list, page size {size}, {label}",
                    user.username,
                    url=f"{API_PATH}?status=awaiting&page_size={size}" if api else "",
                    note=note,
                )
            )
    return scenarios


# The index RESULTS.md proposes, created for a run with --try-indexes and dropped after it: the city-wide list
# (a city head, or a district filtered by status only) reads the awaiting rows in due order instead of
# sorting all of them; `execution_live` (status, unit, due_on) serves one unit's list only.
TRY_INDEXES = {
    "bench_try_execution_status_due": "CREATE INDEX bench_try_execution_status_due ON penalties_execution "
    "(status, due_on, id)",
}


def try_indexes(create):
    from django.db import connection

    with connection.cursor() as cursor:
        for name, sql in TRY_INDEXES.items():
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
            if create:
                cursor.execute(sql)
        cursor.execute("ANALYZE penalties_execution")


# --- the statement ------------------------------------------------------------------------------------
def build_statement(today, lines=STATEMENT_LINES, seed=12):
    """A bank statement CSV of `lines` lines dated `today`: 97 % on executions awaiting payment (by payment
    code; one line for each, a second one for some when there are fewer executions than lines), each
    execution's lines together never above what it owes today (`with_money(today)`); 3 % with a well-formed
    payment code no penalty has. Returns (bytes, the matched lines, the executions they pay)."""
    from penalties import ledger
    from penalties.models import Execution
    from penalties.services import payment_code_for

    rng = random.Random(seed)
    owed = list(
        Execution.objects.filter(status="awaiting")
        .with_money(today)
        .filter(owed_fen__gt=0)
        .order_by("id")
        .values_list("payment_code", "owed_fen", "case__party__name")
    )
    if not owed:
        sys.exit("No executions awaiting payment: the penalties stage has not been generated.")
    unmatched = round(lines * UNMATCHED_SHARE)
    matched = lines - unmatched
    # One line for each execution first (the oldest ids first), then second lines until the count is met.
    firsts = owed[:matched]
    seconds = [row for row in owed if row[1] >= 200][: max(0, matched - len(firsts))]
    twice = {row[0] for row in seconds}
    rows = []
    for code, owed_fen, payer in firsts:
        share = owed_fen // 2 if code in twice else owed_fen
        amount = share if rng.random() < 0.4 else max(100, int(share * rng.uniform(0.2, 1.0)) // 100 * 100)
        rows.append((code, min(amount, share), payer))
    for code, owed_fen, payer in seconds:
        share = owed_fen - owed_fen // 2
        rows.append((code, max(1, min(share, int(share * rng.uniform(0.5, 1.0)))), payer))
    last_case = _one("SELECT coalesce(max(id), 0) FROM cases_case")[0]
    for n in range(unmatched):  # another authority's payment code: valid check digit, no such case
        rows.append((payment_code_for(last_case + 1_000_000 + n), rng.randint(50, 2000) * 100, "王某"))
    rng.shuffle(rows)
    out = io.StringIO()
    out.write("交易流水号,金额,交易日期,付款人,缴款码,决定书文号\n")
    for n, (code, amount_fen, payer) in enumerate(rows, start=1):
        payer = (payer or "").replace(",", " ").replace('"', "")
        out.write(
            f"BENCH{today:%Y%m%d}{n:08d},{ledger.to_yuan(amount_fen)},{today.isoformat()},{payer},{code},\n"
        )
    return out.getvalue().encode("utf-8"), matched, len(firsts)


def import_scenarios(runs, profile=False):
    """The import then the re-import, `runs` times, each pair in a transaction rolled back."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from enforcement.org.models import OrgUnit
    from penalties.models import Payment

    first = Scenario("import", f"Import a {STATEMENT_LINES:,}-line bank statement", "bench.city.bureau_head")
    again = Scenario(
        "reimport", "Import the same statement again (records nothing)", "bench.city.bureau_head"
    )
    try:
        from penalties.imports import import_statement
    except ImportError as exc:
        first.error = again.error = f"ImportError: {exc}"
        return [first, again], None
    _head, city_head = _users()
    unit = OrgUnit.objects.get(code="bench-city")
    today = timezone.localdate()
    built = time.perf_counter()
    data, matched, executions = build_statement(today)
    build_seconds = time.perf_counter() - built
    first.note = (
        f"{STATEMENT_LINES:,} lines ({matched:,} on {executions:,} executions awaiting payment, "
        f"{STATEMENT_LINES - matched:,} unmatched); file built in {build_seconds:.1f} s"
    )
    profiled = None
    for run in range(runs):
        try:
            with transaction.atomic():
                payments_before = Payment.objects.count()
                profiler = cProfile.Profile() if profile and run == 0 else None
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    if profiler:
                        profiler.enable()
                    record = import_statement(
                        data, "bench-statement.csv", by=city_head, unit=unit, channel="bank"
                    )
                    if profiler:
                        profiler.disable()
                    first.timings.append((time.perf_counter() - started) * 1000)
                first.queries, first.captured = len(captured.captured_queries), captured.captured_queries
                first.rows = record.recorded
                first.note += (
                    f"; recorded {record.recorded:,}, already {record.already:,}, unmatched "
                    f"{record.unmatched:,}, refused {record.refused:,}"
                    if run == 0
                    else ""
                )
                payments_after = Payment.objects.count()
                assert payments_after - payments_before == record.recorded, "payments ≠ recorded"
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    record2 = import_statement(
                        data, "bench-statement.csv", by=city_head, unit=unit, channel="bank"
                    )
                    again.timings.append((time.perf_counter() - started) * 1000)
                again.queries, again.captured = len(captured.captured_queries), captured.captured_queries
                again.rows = record2.recorded
                assert record2.recorded == 0, f"the re-import recorded {record2.recorded} payments"
                assert Payment.objects.count() == payments_after, "the re-import added payments"
                assert record2.already == record.recorded, (record2.already, record.recorded)
                if run == 0:
                    again.note = (
                        f"recorded {record2.recorded}, already {record2.already:,}, unmatched "
                        f"{record2.unmatched:,}, refused {record2.refused:,} (asserted: nothing recorded)"
                    )
                if profiler:
                    text = io.StringIO()
                    pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(35)
                    profiled = text.getvalue()
                transaction.set_rollback(True)  # the city stays as generated
        except Exception as exc:  # noqa: BLE001 - an app still being built: report it, go on
            first.error = first.error or f"{type(exc).__name__}: {str(exc)[:300]}"
            break
    # The rolled-back rows are dead tuples still in the indexes: without this, the next list run scans
    # twice the awaiting rows it should (measured: 94,314 index entries for 39,466 rows after four imports).
    with connection.cursor() as cursor:
        for table in IMPORT_TABLES:
            cursor.execute(f"VACUUM (ANALYZE) {table}")
    return [first, again], profiled


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
    data = response.json()
    if isinstance(data, dict) and "results" in data:
        return len(data["results"])
    return None


def measure(scenario, runs, warmup):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if not scenario.fn and not scenario.url:
        return  # skipped (its note says why)
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


def _figure(ms, kind):
    return f"{ms / 1000:.2f} s" if kind != "list" else f"{ms:.1f}"


def table(scenarios):
    lines = [
        "| scenario | user | median | p95 | target | queries | rows | |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for s in scenarios:
        target = f"≤ {s.target} ms" if s.kind == "list" else f"≤ {s.target // 1000} s"
        if s.error:
            lines.append(f"| {s.label} | {s.user or ''} | | | {target} | | | **error**: {s.error} |")
            continue
        if not s.timings:
            lines.append(f"| {s.label} | {s.user or ''} | | | {target} | | | {s.note} |")
            continue
        verdict = "**missed**" if s.missed else "ok"
        if s.note:
            verdict += f" — {s.note}"
        queries = "" if s.queries is None else f"{s.queries:,}"
        rows = "" if s.rows is None else f"{s.rows:,}"
        lines.append(
            f"| {s.label} | {s.user or ''} | {_figure(s.median, s.kind)} | {_figure(s.p95, s.kind)} | {target} "
            f"| {queries} | {rows} | {verdict} |"
        )
    return "\n".join(lines) + "\n"


def data_line():
    parts = []
    for label, sql in (
        ("cases", "SELECT count(*) FROM cases_case"),
        ("executions", "SELECT count(*) FROM penalties_execution"),
        ("awaiting", "SELECT count(*) FROM penalties_execution WHERE status = 'awaiting'"),
        ("payments", "SELECT count(*) FROM penalties_payment"),
        ("instalments", "SELECT count(*) FROM penalties_instalment"),
        ("reviews", "SELECT count(*) FROM penalties_review"),
        ("seizures", "SELECT count(*) FROM penalties_seizure"),
        ("seized items", "SELECT count(*) FROM penalties_seizeditem"),
    ):
        parts.append(f"{label} {_one(sql)[0]:,}")
    return ", ".join(parts)


def write_section(section, variant=""):
    start, end = MARK_START.replace(":start", f"{variant}:start"), MARK_END.replace(":end", f"{variant}:end")
    block = f"{start}\n{section.rstrip()}\n{end}\n"
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    if start in text and end in text:
        pattern = re.escape(start) + r".*?" + re.escape(end) + r"\n?"
        text = re.sub(pattern, lambda _m: block, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + block
    RESULTS.write_text(text)
    print(f"Wrote the penalties figures of {RESULTS}", file=sys.stderr)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument(
        "--import-runs", type=int, default=1, help="import + re-import pairs (each rolled back)"
    )
    parser.add_argument("--only", help="run the scenarios whose label contains this text (or of this kind)")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the slowest list query")
    parser.add_argument("--profile", action="store_true", help="print the first import's hottest functions")
    parser.add_argument("--queries", action="store_true", help="print every scenario's SQL with its time")
    parser.add_argument(
        "--write", action="store_true", help="write the penalties figures of bench/RESULTS.md"
    )
    parser.add_argument("--force", action="store_true", help="run on a database not named *bench*")
    parser.add_argument(
        "--try-indexes", action="store_true", help="create the proposed index for the run (dropped after)"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-penalties-") as workdir:
        _setup(workdir)
        from django.db import connection

        if connection.vendor != "postgresql":
            sys.exit("The benchmark runs on PostgreSQL (DATABASE_URL=postgres://…/cg_bench).")
        if "bench" not in connection.settings_dict["NAME"] and not args.force:
            sys.exit("Refusing a database whose name does not contain 'bench' (use --force).")
        load = os.getloadavg()[0]
        indexes = f"; with the proposed index ({', '.join(TRY_INDEXES)})" if args.try_indexes else ""
        header = f"{data_line()}{indexes}; runs {args.runs} after {args.warmup} warm-up"
        header += f"; load average at start {load:.2f}"
        print(header, file=sys.stderr)
        if args.try_indexes:
            try_indexes(True)
        only = (args.only or "").lower()

        def wanted(s):
            return not only or only in s.label.lower() or only == s.kind

        scenarios = [s for s in list_scenarios() if wanted(s)]
        for scenario in scenarios:
            measure(scenario, args.runs, args.warmup)
            print(
                f"  {scenario.label}: median {scenario.median:.1f} ms, p95 {scenario.p95:.1f} ms, "
                f"{scenario.queries} queries {scenario.error or scenario.note}",
                file=sys.stderr,
            )
        profiled = None
        if not only or only in ("import", "reimport", "statement"):
            imports, profiled = import_scenarios(args.import_runs, profile=args.profile)
            scenarios += imports
            for scenario in imports:
                print(
                    f"  {scenario.label}: median {scenario.median / 1000:.2f} s, p95 {scenario.p95 / 1000:.2f} s, "
                    f"{scenario.queries} queries {scenario.error or scenario.note}",
                    file=sys.stderr,
                )
        if args.queries:
            for scenario in scenarios:
                print(scenario.label, file=sys.stderr)
                for query in scenario.captured[:60]:
                    print(f"    {float(query['time']) * 1000:7.1f} ms  {query['sql'][:300]}", file=sys.stderr)
        if profiled:
            print(profiled, file=sys.stderr)
        section = [f"{header}; at the end {os.getloadavg()[0]:.2f}.\n", table(scenarios)]
        plans = []
        if args.explain:
            lists = [s for s in scenarios if s.kind == "list" and s.timings]
            slowest = max(lists, key=lambda s: s.p95, default=None)
            for scenario in lists:
                if scenario is slowest or scenario.missed:
                    plans.append(explain(scenario))
        text = "\n".join(section) + "".join(plans)
        if args.try_indexes:
            try_indexes(False)
        sys.stdout.write(text)
        if args.write:
            write_section(text, "-indexes" if args.try_indexes else "")


if __name__ == "__main__":
    main()
