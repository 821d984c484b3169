"""An issued document's PDF is rendered off the request path, by a real Celery worker (issue 10): with
DOCUMENTS_RENDER_ASYNC (production's setting), issuing commits the document — number, frozen HTML — without
a PDF and queues the rendering; a worker (`celery -A enforcement worker`, a subprocess on the broker this
process publishes to) renders the PDF from the frozen HTML and stores it, with its SHA-256.

The worker is started only after the issue has returned, so "no PDF right after the issue" is not a race:
nothing in this process rendered it, and the PDF appears once the worker runs. The data is committed
(transaction=True) so the worker, on the same test database, sees it; the worker and this process store
files in the same MEDIA_ROOT (enforcement/settings/test.py)."""

import gc
import hashlib
import io

import pypdf
import pytest
from django.db import connection
from django.utils import timezone

from complaints.choices import Channel, ComplaintStatus
from complaints.tests.factories import ComplaintFactory
from enforcement.catalog.tests.factories import ViolationCategoryFactory
from enforcement.celery import app
from enforcement.documents.models import Document
from enforcement.documents.services import issue_document
from tests.test_reminders_worker import Worker, publish, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

TASK = "enforcement.documents.tasks.render_document_pdf_task"


@pytest.fixture(autouse=True)
def _render_async(settings):
    settings.DOCUMENTS_RENDER_ASYNC = True


def own_broker():
    """The broker this process's after-commit hooks publish to (Redis, or the filesystem folder of the run):
    the worker listens on the same one."""
    if app.conf.broker_url.startswith("redis://"):
        return app.conf.broker_url
    return app.conf.broker_transport_options["data_folder_in"]


def heavy_worker(name, tmp_path):
    """A worker of the "heavy" queue only (CELERY_TASK_ROUTES: the documents' PDFs), as production runs one
    (docker-compose.yml), on this process's broker and test database."""
    return Worker(name, tmp_path, broker=own_broker(), queues=("heavy",))


@pytest.fixture
def start_worker(tmp_path):
    started = []

    def start(name):
        started.append(heavy_worker(name, tmp_path))
        return started[-1]

    yield start
    for worker in started:
        worker.stop()


def wait_for_worker(worker, condition, what):
    try:
        wait_for(condition, what, timeout=60)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n--- the worker's log ---\n{worker.log()}") from None


def has_pdf(pk):
    return bool(Document.objects.filter(pk=pk).exclude(pdf_sha256="").exists())


def stored_pdf(document):
    with document.pdf.open("rb") as f:
        return f.read()


def pdf_text(data):
    return "".join("".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_issuing_commits_without_a_pdf_and_the_worker_renders_it(start_worker, district_a, intake_a):
    complaint = ComplaintFactory(
        unit=district_a,
        category=ViolationCategoryFactory(),
        status=ComplaintStatus.REJECTED,
        reject_reason="不属于城管执法职责范围",
    )
    issued = issue_document(complaint, "refusal_notice", by=intake_a)
    assert not connection.in_atomic_block  # the issue has committed: its after-commit hook has run

    fresh = Document.objects.get(pk=issued.pk)  # what the database holds right after the issue returned
    assert (fresh.number, fresh.serial) == (issued.number, 1)
    assert fresh.html and fresh.html_sha256 == hashlib.sha256(fresh.html.encode()).hexdigest()
    assert (fresh.pdf.name, fresh.pdf_sha256, fresh.pdf_size) == ("", "", None)  # nothing rendered here

    worker = start_worker("pdf")
    wait_for_worker(worker, lambda: has_pdf(issued.pk), "the worker to render the PDF")
    rendered = Document.objects.get(pk=issued.pk)
    data = stored_pdf(rendered)
    assert data.startswith(b"%PDF-")
    assert rendered.pdf_sha256 == hashlib.sha256(data).hexdigest()
    assert rendered.pdf_size == len(data)
    assert rendered.pdf_sha256 in rendered.pdf.name
    text = pdf_text(data)
    assert "".join(issued.number.split()) in text and "不属于城管执法职责范围" in text
    assert rendered.html == fresh.html  # rendered from the frozen HTML, which stays as it was issued
    assert f"{TASK}[" in worker.log() and " succeeded in " in worker.log(), worker.log()


def test_a_running_worker_renders_each_document_once(start_worker, district_a, intake_a):
    worker = start_worker("pdf-steady")
    category = ViolationCategoryFactory()
    complaints = [
        ComplaintFactory(
            unit=district_a, category=category, status=ComplaintStatus.REJECTED, reject_reason="重复投诉"
        ),
        ComplaintFactory(
            unit=district_a,
            category=category,
            channel=Channel.LETTER,
            status=ComplaintStatus.ACCEPTED,
            accepted_at=timezone.now(),
        ),
    ]
    documents = [
        issue_document(complaints[0], "refusal_notice", by=intake_a),
        issue_document(complaints[1], "acceptance_notice", by=intake_a),
    ]
    wait_for_worker(worker, lambda: all(has_pdf(d.pk) for d in documents), "the worker to render both PDFs")
    first = {
        d.pk: (d.pdf.name, d.pdf_sha256) for d in Document.objects.filter(pk__in=[d.pk for d in documents])
    }
    for document in Document.objects.filter(pk__in=first):
        assert document.pdf_sha256 == hashlib.sha256(stored_pdf(document)).hexdigest()
        assert "".join(document.number.split()) in pdf_text(stored_pdf(document))

    # The task delivered again (a retry, a redelivery after a lost worker) keeps the PDF it has.
    runs = worker.log().count(f"{TASK}[")
    publish(own_broker(), TASK, document_id=documents[0].pk)
    wait_for_worker(
        worker, lambda: worker.log().count(f"{TASK}[") >= runs + 2, "the repeated task to finish"
    )  # received + done
    assert {d.pk: (d.pdf.name, d.pdf_sha256) for d in Document.objects.filter(pk__in=first)} == first


def test_a_render_leaves_no_garbage_for_the_worker_to_carry():
    """A render's WeasyPrint boxes are reference cycles (~20 MB for a two-page decision) that the automatic
    collector frees only every few dozen renders: a worker rendering one after another grew to ~1 GB
    (bench/RESULTS.md, "Documents"). render_pdf collects them before it returns."""
    from enforcement.documents.rendering import render_pdf

    gc.collect()
    render_pdf("<html><body>" + "<p>不予受理告知书</p>" * 50 + "</body></html>")
    assert gc.collect() < 100  # 3,000 unreachable objects left behind without the collection


def test_a_worker_that_renders_pdfs_warms_up_as_it_starts_and_one_that_does_not_skips_it(tmp_path):
    """The first document a worker renders does not pay for loading WeasyPrint and the CJK fonts: each
    process of a worker of the PDFs' queue renders a line of the paper's fonts as it starts."""
    heavy = heavy_worker("warm", tmp_path)
    default = Worker("cold", tmp_path, broker=own_broker(), queues=("celery",))
    try:
        wait_for_worker(heavy, lambda: "PDF rendering warmed up in" in heavy.log(), "the warm-up")
        assert "PDF rendering warmed up in" not in default.log()
        assert "warm-up failed" not in heavy.log()
    finally:
        heavy.stop()
        default.stop()
