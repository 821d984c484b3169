"""Document numbers under concurrency and rollback (issue 10), on PostgreSQL: many clerks issuing the same
type for the same bureau at once, some of whose transactions roll back after the document was numbered,
leave a register that runs 1..N with no gap and no number given twice — and the counter agrees.

Each thread has its own database connection (Django's are per thread) and really commits, so the test
commits its data (transaction=True). SQLite has no row locks and lets one writer in at a time: there the
question does not arise, and the test is skipped. The PDFs are queued for a worker, as in production
(DOCUMENTS_RENDER_ASYNC): none is rendered here, which is tests/test_documents_worker.py's subject."""

import threading
from collections import defaultdict

import pytest
from django.db import connection, transaction
from django.utils import timezone

from complaints.choices import Channel, ComplaintStatus
from complaints.tests.factories import ComplaintFactory
from enforcement.catalog.tests.factories import ViolationCategoryFactory
from enforcement.documents.models import Document, NumberCounter
from enforcement.documents.numbering import document_scope
from enforcement.documents.services import issue_document

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 16
ATTEMPTS = 3  # per thread; one of them rolled back


class Boom(Exception):
    """What fails after the document was numbered (the caller's transaction rolls back)."""


@pytest.fixture(autouse=True)
def _postgresql_only(settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locks (SQLite lets one writer in at a time)")
    settings.DOCUMENTS_RENDER_ASYNC = True  # the PDF goes to the broker: no renderer in these threads


def rejected(unit, category, n):
    return [
        ComplaintFactory(
            unit=unit,
            category=category,
            status=ComplaintStatus.REJECTED,
            reject_reason="不属于城管执法职责范围",
        )
        for _ in range(n)
    ]


def accepted_letters(unit, category, n):
    return [
        ComplaintFactory(
            unit=unit,
            category=category,
            channel=Channel.LETTER,
            status=ComplaintStatus.ACCEPTED,
            accepted_at=timezone.now(),
        )
        for _ in range(n)
    ]


def run_clerks(jobs):
    """`jobs`: one list per thread of (complaint, doc_type, user, roll_back). The threads start together and
    issue their documents one after another, each in its own transaction; a rolled-back one raises after
    issuing. Returns (committed, rolled_back, errors): lists of (complaint pk, doc_type, unit pk, serial)."""
    committed, rolled_back, errors = [], [], []
    lock, barrier = threading.Lock(), threading.Barrier(len(jobs))

    def clerk(attempts):
        try:
            barrier.wait()
            for complaint, doc_type, user, roll_back in attempts:
                if roll_back:
                    try:
                        with transaction.atomic():
                            document = issue_document(complaint, doc_type, by=user)
                            raise Boom
                    except Boom:
                        with lock:
                            rolled_back.append((complaint.pk, doc_type, document.unit_id, document.serial))
                else:
                    document = issue_document(complaint, doc_type, by=user)
                    with lock:
                        committed.append((complaint.pk, doc_type, document.unit_id, document.serial))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=clerk, args=(attempts,)) for attempts in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not any(t.is_alive() for t in threads), "a clerk is still waiting (a lock never released?)"
    return committed, rolled_back, errors


def counter_last(doc_type, unit, year):
    return NumberCounter.objects.get(scope=document_scope(doc_type), unit=unit, period=str(year)).last


def test_sixteen_clerks_with_rollbacks_leave_numbers_one_to_n(district_a, intake_a):
    complaints = rejected(district_a, ViolationCategoryFactory(), THREADS * ATTEMPTS)
    # Thread k issues three notices; its attempt k % 3 rolls back after numbering (a third of all).
    jobs = [
        [
            (complaints[k * ATTEMPTS + i], "refusal_notice", intake_a, i == k % ATTEMPTS)
            for i in range(ATTEMPTS)
        ]
        for k in range(THREADS)
    ]
    committed, rolled_back, errors = run_clerks(jobs)

    assert errors == []
    assert (len(committed), len(rolled_back)) == (THREADS * (ATTEMPTS - 1), THREADS)
    n = len(committed)
    documents = Document.objects.filter(doc_type="refusal_notice", unit=district_a)
    serials = sorted(documents.values_list("serial", flat=True))
    assert serials == list(range(1, n + 1))  # gapless: every rolled-back number was given again
    assert sorted(serial for *_, serial in committed) == serials  # what each clerk was told is what was kept
    numbers = list(documents.values_list("number", flat=True))
    assert len(set(numbers)) == n
    year = documents.values_list("year", flat=True).first()
    assert f"甲区分局不受〔{year}〕{1:05d}号" in numbers
    assert counter_last("refusal_notice", district_a, year) == n
    # A rolled-back notice left nothing behind (its number was given to another), …
    assert not Document.objects.filter(object_id__in=[pk for pk, *_ in rolled_back]).exists()
    assert {serial for *_, serial in rolled_back} <= set(range(1, n + 2))
    # … and each committed one is on its own complaint.
    assert sorted(documents.values_list("object_id", flat=True)) == sorted(pk for pk, *_ in committed)


def test_two_units_and_two_types_at_once_each_count_on_their_own(district_a, district_b, intake_a, make_user):
    intake_b = make_user("intake", unit=district_b, username="intake-b")
    category = ViolationCategoryFactory()
    keys = [
        (district_a, intake_a, "refusal_notice"),
        (district_a, intake_a, "acceptance_notice"),
        (district_b, intake_b, "refusal_notice"),
        (district_b, intake_b, "acceptance_notice"),
    ]
    jobs = []
    for k in range(THREADS):
        unit, user, doc_type = keys[k % len(keys)]
        make = rejected if doc_type == "refusal_notice" else accepted_letters
        jobs.append(
            [
                (complaint, doc_type, user, i == k % ATTEMPTS)
                for i, complaint in enumerate(make(unit, category, ATTEMPTS))
            ]
        )
    committed, rolled_back, errors = run_clerks(jobs)

    assert errors == []
    assert len(rolled_back) == THREADS
    issued = defaultdict(list)
    for _pk, doc_type, unit_pk, serial in committed:
        issued[(unit_pk, doc_type)].append(serial)
    assert len(issued) == len(keys)
    for unit, _user, doc_type in keys:
        n = len(issued[(unit.pk, doc_type)])
        assert n == THREADS // len(keys) * (ATTEMPTS - 1)
        documents = Document.objects.filter(doc_type=doc_type, unit=unit)
        assert sorted(documents.values_list("serial", flat=True)) == list(range(1, n + 1)), (unit, doc_type)
        assert documents.values("number").distinct().count() == n
        assert counter_last(doc_type, unit, documents.values_list("year", flat=True).first()) == n
    assert Document.objects.count() == len(committed)
