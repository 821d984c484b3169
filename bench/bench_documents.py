"""The documents' benchmark (issue 10), on PostgreSQL: how fast clerks can issue documents of one type for one
bureau at once (the counter row is their one shared lock), with the register checked for gaps afterwards; and
what rendering a two-page penalty-style decision to PDF costs (time, peak memory). Not a test: run it by
hand, read the figures.

    psql -h 127.0.0.1 -U postgres -c 'CREATE DATABASE cg_bench_documents'
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cg_bench_documents .venv/bin/python -m bench.bench_documents
    ... --clients 1,16 --per-client 30 --renders 10 --write

Use a database of its own (its name must contain "bench"; it is migrated first). Each run adds a fresh
district bureau (code `bench-docs-<time>`), an intake clerk and rejected complaints to it, so the bureau's
register starts at 1 and documents of earlier runs (which are never deleted) are left alone.

1. Issue: `--clients` threads (16 by default; a comma list runs one phase each, each with a bureau of its
   own), each with its own connection, start together at a barrier and issue `--per-client` notices of
   refusal (不予受理告知书) one after another through `services.issue_document` — the whole act: record lock,
   checks, number, frozen HTML, audit event, the PDF task queued after commit (DOCUMENTS_RENDER_ASYNC, to a
   throwaway filesystem broker folder no worker reads: the PDF is not part of the request path). Reported:
   documents per second over the phase's wall time, and each issue's latency (median, p95). Then the register
   is checked: serials exactly 1..N, N distinct numbers, the counter's `last` = N.
2. The worker's task body (`services.ensure_pdf`: render from the frozen HTML, store, save) on a few of the
   issued one-page notices, timed in this process.
3. PDF: in a fresh child process (so that its peak RSS is the rendering's own), a two-page 行政处罚决定书 built
   on documents/paper.html (the same frozen, CSS-inlined page an issued document is) is rendered with
   `rendering.render_pdf`: the first (cold: WeasyPrint imported, fonts loaded) and `--renders` warm ones, one
   after another as a worker renders them, each with its time and the peak resident set during it (VmHWM,
   reset before each render through /proc/self/clear_refs), and the peak of Python allocations (tracemalloc)
   of one more render. Target (the issue): ≤ 0.5 s and ≤ 300 MB a render on this machine.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")
TARGET_RENDER_S = 0.5
TARGET_RENDER_MB = 300
MARK_START, MARK_END = "<!-- documents:start -->", "<!-- documents:end -->"


def _setup(workdir):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enforcement.settings.local")
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ["DOCUMENTS_RENDER_ASYNC"] = "1"
    os.environ.pop("REDIS_URL", None)  # the PDF tasks go to a folder of this run, which no worker reads
    os.environ["CELERY_BROKER_DIR"] = str(Path(workdir) / "broker")
    os.environ["MEDIA_ROOT"] = str(Path(workdir) / "media")
    import logging

    import django

    django.setup()
    logging.getLogger("weasyprint").setLevel(logging.WARNING)  # its progress lines, one per step of a render


def _ms(seconds):
    return f"{seconds * 1000:,.1f} ms"


def _p95(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


# --- 1. issuing under concurrency ---------------------------------------------------------------------------
def _bureau(label, n):
    """A fresh district bureau, its intake clerk and `n` rejected complaints (inserted in one statement)."""
    from django.utils import timezone

    from complaints.choices import Channel, ComplaintStatus
    from complaints.models import Complaint
    from enforcement.catalog.models import ViolationCategory
    from enforcement.org.choices import UnitLevel
    from enforcement.org.models import OrgUnit, User

    stamp = f"{time.time_ns() // 1000 % 10**12:012d}"
    unit = OrgUnit.objects.create(
        code=f"bench-docs-{stamp}",
        name=f"基准{label}区分局",
        name_en=f"Bench {label}",
        level=UnitLevel.DISTRICT,
    )
    clerk = User.objects.create_user(
        username=f"bench.docs.{stamp}", password=None, unit=unit, full_name="受理员"
    )
    clerk.set_roles(["intake"])
    category = ViolationCategory.objects.order_by("pk").first() or ViolationCategory.objects.create(
        code=f"bench-docs-{stamp}", name="占道经营"
    )
    now = timezone.now()
    Complaint.objects.bulk_create(
        [
            Complaint(
                number=f"BD{stamp}{i:06d}",
                received_at=now,
                channel=Channel.HOTLINE_12345,
                complainant_name="张三丰",
                complainant_phone="13812345678",
                address=f"中山路{i}号",
                category=category,
                description="门前占道经营，影响通行",
                unit=unit,
                intake_unit=unit,
                received_by=clerk,
                status=ComplaintStatus.REJECTED,
                reject_reason="不属于城管执法职责范围，请向市场监督管理部门反映。",
                created_at=now,
                updated_at=now,
            )
            for i in range(n)
        ]
    )
    complaints = list(Complaint.objects.filter(unit=unit).order_by("pk"))
    return unit, User.objects.get(pk=clerk.pk), complaints


def issue_phase(clients, per_client):
    from django.db import connection

    from enforcement.documents.models import Document, NumberCounter
    from enforcement.documents.numbering import document_scope
    from enforcement.documents.services import issue_document

    unit, clerk, complaints = _bureau(f"{clients}c", clients * per_client)
    connection.close()  # the threads open their own
    latencies, errors = [], []
    lock, barrier = threading.Lock(), threading.Barrier(clients + 1)

    def client(mine):
        try:
            barrier.wait()
            for complaint in mine:
                started = time.perf_counter()
                issue_document(complaint, "refusal_notice", by=clerk)
                took = time.perf_counter() - started
                with lock:
                    latencies.append(took)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(complaints[k::clients],)) for k in range(clients)]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    if errors:
        raise SystemExit(f"{len(errors)} issues failed, the first: {errors[0]!r}")

    documents = Document.objects.filter(unit=unit, doc_type="refusal_notice")
    n = documents.count()
    serials = sorted(documents.values_list("serial", flat=True))
    year = documents.values_list("year", flat=True).first()
    last = NumberCounter.objects.get(scope=document_scope("refusal_notice"), unit=unit, period=str(year)).last
    gapless = (
        n == len(complaints)
        and serials == list(range(1, n + 1))
        and last == n
        and documents.values("number").distinct().count() == n
    )
    return {
        "clients": clients,
        "documents": n,
        "wall_s": wall,
        "per_second": n / wall,
        "median_s": statistics.median(latencies),
        "p95_s": _p95(latencies),
        "max_s": max(latencies),
        "gapless": gapless,
        "check": f"serials 1..{n}: {serials == list(range(1, n + 1))}, counter last {last}",
        "ids": list(documents.order_by("serial").values_list("pk", flat=True)[:5]),
        "unit": unit.code,
    }


def ensure_pdf_phase(ids):
    from enforcement.documents.services import ensure_pdf

    timings, sizes = [], []
    for pk in ids:
        started = time.perf_counter()
        document = ensure_pdf(pk)
        timings.append(time.perf_counter() - started)
        sizes.append(document.pdf_size)
    return {
        "runs": len(ids),
        "first_s": timings[0],
        "median_s": statistics.median(timings[1:] or timings),
        "size": statistics.median(sizes),
    }


# --- 3. the PDF of a two-page decision, in a child process ------------------------------------------------------
DECISION = """{% extends "documents/paper.html" %}
{% block body %}{% for p in facts %}<p class="text">{{ p }}</p>{% endfor %}{% endblock %}
{% block closing %}{% for p in closing %}<p class="text">{{ p }}</p>{% endfor %}{% endblock %}"""

FACTS = [
    "经查，当事人于2026年10月12日至2026年10月26日期间，未经批准，擅自在本市中山路128号至136号门前人行道上摆放"
    "桌椅、货架及冷柜等物品进行经营活动，占用人行道面积约42平方米，影响行人通行和市容环境。执法人员于2026年10月"
    "14日、10月19日两次现场责令当事人改正，当事人均未在限期内改正。",
    "上述事实有以下证据证实：一、现场检查（勘验）笔录二份，证明当事人在上述地点占道经营的事实；二、现场照片十二张、"
    "执法记录仪视听资料二段，证明占道的位置、面积和持续时间；三、责令改正通知书二份及送达回证，证明执法人员已责令当事人"
    "限期改正；四、对当事人的询问笔录一份，当事人对上述事实予以承认；五、营业执照复印件及当事人身份证明材料，证明当事人"
    "的主体资格。",
    "本机关认为，当事人的上述行为违反了《城市市容和环境卫生管理条例》第十四条“任何单位和个人都不得在街道两侧和公共场地"
    "堆放物料，搭建建筑物、构筑物或者其他设施”的规定，以及《广东省城乡生活垃圾管理条例》和本市市容管理规定的相关条款，"
    "属于擅自占用城市道路从事经营活动的违法行为。依据《城市市容和环境卫生管理条例》第三十六条第（二）项之规定，并参照"
    "本市城市管理综合执法行政处罚裁量基准中“一般情节”的标准，综合考虑当事人违法行为的事实、性质、情节以及社会危害程度，"
    "本机关决定对当事人作出如下行政处罚：",
    "一、责令当事人立即改正违法行为，清除在人行道上摆放的桌椅、货架及冷柜等全部物品；二、处罚款人民币贰仟元整"
    "（￥2,000.00）。",
]
CLOSING = [
    "当事人应当自收到本决定书之日起十五日内，持本决定书到指定银行缴纳罚款，或者通过非税收入电子缴款系统缴纳。到期不缴纳"
    "罚款的，本机关可以依照《中华人民共和国行政处罚法》第七十二条第一款第（一）项的规定，每日按罚款数额的百分之三加处"
    "罚款，加处罚款的数额不超过罚款的数额；并可以依法申请人民法院强制执行。",
    "当事人如不服本行政处罚决定，可以在收到本决定书之日起六十日内依法向本市人民政府申请行政复议，或者在六个月内依法向"
    "人民法院提起行政诉讼。行政复议或者行政诉讼期间，本行政处罚决定不停止执行，法律另有规定的除外。",
    "本决定书一式三份，一份送达当事人，一份交缴款银行，一份存档。",
]


def decision_html():
    from types import SimpleNamespace

    from django.template import engines
    from django.utils import translation

    from enforcement.documents.rendering import PAPER_LANGUAGE

    unit = SimpleNamespace(name="东湖区城市管理和综合执法局")
    doc = SimpleNamespace(
        number="东湖城管罚决〔2026〕00123号", unit=unit, replaces=None, correction_reason=""
    )
    rows = [
        {"label": label, "value": value}
        for label, value in (
            ("当事人", "东湖区好味道餐饮店"),
            ("统一社会信用代码", "92440604MA5XXXXXX1"),
            ("经营者", "李某某"),
            ("身份证号码", "4406**********1234"),
            ("住所（地址）", "东湖区中山路128号"),
            ("联系电话", "138****5678"),
            ("案由", "擅自占用城市道路从事经营活动"),
        )
    ]
    context = {
        "doc": doc,
        "paper_name": "行政处罚决定书",
        "authority": unit.name,
        "issued_date": "2026年11月30日",
        "rows": rows,
        "addressee": "",
        "facts": FACTS,
        "closing": CLOSING,
    }
    with translation.override(PAPER_LANGUAGE):
        return engines["django"].from_string(DECISION).render(context)


def _rss_mb(field):
    """VmHWM (the peak resident set since the last reset) or VmRSS of this process, in MB. Not getrusage's
    maxrss: on Linux a child started by fork + exec inherits its parent's."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def _reset_peak():
    Path("/proc/self/clear_refs").write_text("5")  # the peak resident set starts again from the current one


def _timed_render(render_pdf, html):
    """(seconds, peak RSS in MB during the render, RSS before it)."""
    _reset_peak()
    before = _rss_mb("VmRSS")
    started = time.perf_counter()
    data = render_pdf(html)
    return time.perf_counter() - started, _rss_mb("VmHWM"), before, data


def pdf_child(renders, one_page_html_path):
    """Runs in its own process: prints one JSON line of figures."""
    import io
    import tracemalloc

    html = decision_html()
    one_page = Path(one_page_html_path).read_text() if one_page_html_path else ""
    baseline = _rss_mb("VmRSS")  # Django set up, the HTML built; WeasyPrint not imported yet
    from enforcement.documents.rendering import render_pdf

    cold, cold_peak, _before, data = _timed_render(render_pdf, html)
    warm, peaks = [], []
    for _ in range(renders):
        took, peak, _before, _data = _timed_render(render_pdf, html)
        warm.append(took)
        peaks.append(peak)
    settled = _rss_mb("VmRSS")
    one_page_times = [_timed_render(render_pdf, one_page)[0] for _ in range(3 if one_page else 0)]
    tracemalloc.start()
    render_pdf(html)
    _current, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    import pypdf

    pages = len(pypdf.PdfReader(io.BytesIO(data)).pages)
    print(
        json.dumps(
            {
                "pages": pages,
                "bytes": len(data),
                "html_chars": len(html),
                "cold_s": cold,
                "warm": warm,
                "baseline_mb": baseline,
                "cold_peak_mb": cold_peak,
                "peaks_mb": peaks,
                "settled_mb": settled,
                "traced_peak_mb": traced_peak / 2**20,
                "one_page": one_page_times,
            }
        )
    )


def pdf_phase(renders, one_page_html):
    with tempfile.NamedTemporaryFile("w", suffix=".html", delete=False) as f:
        f.write(one_page_html)
    try:
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.bench_documents",
                "--pdf-child",
                "--renders",
                str(renders),
                "--one-page",
                f.name,
            ],
            cwd=Path(__file__).resolve().parent.parent,
            env=os.environ,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(f.name)
    return json.loads(out.strip().splitlines()[-1])


# --- the report ---------------------------------------------------------------------------------------------
def _machine():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0].split(" on ")[0]
        cursor.execute("SHOW shared_buffers")
        buffers = cursor.fetchone()[0]
    import django
    import weasyprint

    return (
        f"{os.cpu_count()} cores, Python {platform.python_version()}, Django {django.get_version()}, "
        f"WeasyPrint {weasyprint.__version__}, {version} (shared_buffers {buffers}), load average "
        f"{os.getloadavg()[0]:.1f}"
    )


def report(issued, ensured, pdf, machine, command):
    warm, peaks = pdf["warm"], pdf["peaks_mb"]
    time_ok, memory_ok = max(warm) <= TARGET_RENDER_S, max(peaks + [pdf["cold_peak_mb"]]) <= TARGET_RENDER_MB
    lines = [
        MARK_START,
        "## Documents (issue 10)",
        "",
        f"`bench/bench_documents.py` on {date.today().isoformat()}: {machine}. Reproduce:",
        "",
        "```sh",
        command,
        "```",
        "",
        "Issuing (`services.issue_document`, the whole act, the PDF queued for the worker after commit), notices "
        "of refusal of one type for one bureau, each client a thread with its own connection, all started at a "
        "barrier:",
        "",
        "| Clients | Documents | Wall time | Documents/s | Issue latency median / p95 / max | Register |",
        "|---:|---:|---:|---:|---|---|",
    ]
    for r in issued:
        lines.append(
            f"| {r['clients']} | {r['documents']} | {r['wall_s']:.2f} s | {r['per_second']:.1f} | "
            f"{_ms(r['median_s'])} / {_ms(r['p95_s'])} / {_ms(r['max_s'])} | "
            f"{'gapless ✅' if r['gapless'] else 'GAP ❌'} ({r['check']}) |"
        )
    lines += [
        "",
        f"The worker's task body (`ensure_pdf`: render the frozen HTML, store the file, save) on {ensured['runs']} "
        f"issued one-page notices, in this process: first {_ms(ensured['first_s'])} (WeasyPrint and the fonts "
        f"loaded), then median {_ms(ensured['median_s'])}; PDF {ensured['size'] / 1024:.0f} KB.",
        "",
        f"PDF of a two-page 行政处罚决定书 on `documents/paper.html` ({pdf['html_chars']:,} characters of HTML, "
        f"{pdf['pages']} pages, {pdf['bytes'] / 1024:.0f} KB), `rendering.render_pdf`, {len(warm) + 1} renders "
        "one after another in a fresh process (as a worker runs them); the peak resident set of each render "
        "(VmHWM, reset before it):",
        "",
        "| Measure | Figure | Target |",
        "|---|---:|---|",
        f"| Warm render: median / p95 / max of {len(warm)} | {_ms(statistics.median(warm))} / {_ms(_p95(warm))} / "
        f"{_ms(max(warm))} | ≤ 500 ms {'✅' if time_ok else '❌'} |",
        f"| Peak RSS of a warm render: median / max | {statistics.median(peaks):.0f} / {max(peaks):.0f} MB | "
        f"≤ 300 MB {'✅' if memory_ok else '❌'} |",
        f"| First render of the process (WeasyPrint imported, fonts loaded; once per worker) | "
        f"{_ms(pdf['cold_s'])}, peak {pdf['cold_peak_mb']:.0f} MB | |",
        f"| RSS before the first render → after the last | {pdf['baseline_mb']:.0f} → {pdf['settled_mb']:.0f} MB "
        "| |",
        f"| Peak of Python allocations during one warm render (tracemalloc) | {pdf['traced_peak_mb']:.1f} MB | |",
    ]
    if pdf["one_page"]:
        lines.append(
            f"| One-page notice of refusal, warm, median of {len(pdf['one_page'])} | "
            f"{_ms(statistics.median(pdf['one_page']))} | |"
        )
    lines += [
        "",
        f"Render target (each warm render ≤ {TARGET_RENDER_S} s and ≤ {TARGET_RENDER_MB} MB): "
        f"{'met' if time_ok and memory_ok else 'missed'}.",
        MARK_END,
    ]
    return "\n".join(lines)


def write_results(section):
    text = RESULTS.read_text()
    if MARK_START in text and MARK_END in text:
        head, rest = text.split(MARK_START, 1)
        text = head + section + rest.split(MARK_END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    RESULTS.write_text(text)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--clients", default="16", help="threads issuing at once; a comma list runs one phase each"
    )
    parser.add_argument("--per-client", type=int, default=30, help="documents each client issues")
    parser.add_argument("--renders", type=int, default=30, help="warm renders of the two-page decision")
    parser.add_argument("--write", action="store_true", help="put the figures in bench/RESULTS.md")
    parser.add_argument("--force", action="store_true", help="run on a database not named *bench*")
    parser.add_argument("--pdf-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--one-page", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-documents-") as workdir:
        _setup(workdir)
        if args.pdf_child:
            return pdf_child(args.renders, args.one_page)
        from django.core.management import call_command
        from django.db import connection

        name = str(connection.settings_dict["NAME"])
        if connection.vendor != "postgresql":
            sys.exit("The documents benchmark runs on PostgreSQL: set DATABASE_URL.")
        if "bench" not in name and not args.force:
            sys.exit(
                f"Refusing to write into {name!r}: the database name must contain 'bench' (or pass --force)."
            )
        call_command("migrate", verbosity=0, interactive=False)
        machine = _machine()

        issued = []
        for clients in (int(c) for c in args.clients.split(",")):
            result = issue_phase(clients, args.per_client)
            issued.append(result)
            print(
                f"{clients} clients: {result['documents']} documents in {result['wall_s']:.2f} s "
                f"({result['per_second']:.1f}/s), latency median {_ms(result['median_s'])}, p95 "
                f"{_ms(result['p95_s'])}; {'gapless' if result['gapless'] else 'GAP'} ({result['check']})",
                flush=True,
            )
        from enforcement.documents.models import Document

        ensured = ensure_pdf_phase(issued[-1]["ids"])
        pdf = pdf_phase(args.renders, Document.objects.get(pk=issued[-1]["ids"][0]).html)
        command = (
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/cg_bench_documents .venv/bin/python -m "
            "bench.bench_documents " + " ".join(a for a in (argv if argv is not None else sys.argv[1:]))
        )
        section = report(issued, ensured, pdf, machine, command.strip())
        print(section)
        if args.write:
            write_results(section)
        if not all(r["gapless"] for r in issued):
            sys.exit("A register has a gap or a number given twice.")


if __name__ == "__main__":
    main()
