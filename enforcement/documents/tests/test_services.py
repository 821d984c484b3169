"""The documents service (services.py): an issued document is frozen as rendered (HTML, values, PDF and
their SHA-256), corrected only by a new document with its own number, voided only with a reason (its number
never given again), served once under the law of service, and every act is on its record's timeline."""

import dataclasses
import hashlib
import io
from datetime import timedelta

import pypdf
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from complaints.documents import refusal_context
from complaints.models import Complaint
from complaints.tests.factories import ComplaintFactory
from enforcement.audit.timeline import events_for, timeline_rows
from enforcement.documents import registry, services
from enforcement.documents.choices import DocumentStatus, ServiceMethod
from enforcement.documents.models import Document, DocumentFrozen, ServiceRecord
from enforcement.documents.services import (
    correct_document,
    documents_of,
    ensure_pdf,
    issue_document,
    record_service,
    void_document,
)
from enforcement.versioning import StaleEdit
from enforcement.workflow.exceptions import TransitionNotAllowed

pytestmark = pytest.mark.django_db

REASON = "不属于本机关职责范围"


def rejected(unit, **fields):
    fields.setdefault("reject_reason", REASON)
    return ComplaintFactory(unit=unit, status="rejected", **fields)


@pytest.fixture
def issue(django_capture_on_commit_callbacks):
    """Issues as the service does, with the PDF rendered after the commit (as the worker would)."""

    def issue_it(record, doc_type, *, by):
        with django_capture_on_commit_callbacks(execute=True):
            document = issue_document(record, doc_type, by=by)
        document.refresh_from_db()
        return document

    return issue_it


@pytest.fixture
def intake_b(make_user, district_b):
    return make_user("intake", unit=district_b, username="intake-b")


@pytest.fixture
def leader_b(make_user, district_b):
    return make_user("squad_leader", unit=district_b, username="leader-b")


def stored_pdf(document):
    with document.pdf.open("rb") as handle:
        return handle.read()


def pdf_text(data):
    """The PDF's text layer without whitespace (titles are letter-spaced, lines wrap)."""
    return "".join("".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def messages(error):
    return " ".join(message for values in error.message_dict.values() for message in values)


def patch_spec(monkeypatch, model, doc_type, **changes):
    spec = registry.spec_for(model, doc_type)
    patched = dataclasses.replace(spec, **changes)
    monkeypatch.setitem(registry._specs, (spec.model.lower(), doc_type), patched)
    return patched


# --- frozen as issued ------------------------------------------------------------------------------------------
def test_later_edits_of_the_record_and_its_template_leave_the_document_as_issued(
    monkeypatch, issue, intake_a, district_a
):
    complaint = rejected(district_a)
    document = issue(complaint, "refusal_notice", by=intake_a)
    html, values, sha, data = document.html, dict(document.values), document.pdf_sha256, stored_pdf(document)
    assert values["reason"] == REASON and REASON in html and REASON in pdf_text(data)

    Complaint.objects.filter(pk=complaint.pk).update(
        description="后来改写的描述", reject_reason="后来改写的理由"
    )
    patch_spec(
        monkeypatch,
        Complaint,
        "refusal_notice",
        context=lambda c: {**refusal_context(c), "reason": "模板换了"},
        template="complaints/documents/reply_letter.html",
    )
    ensure_pdf(document.pk)  # it has its PDF: nothing is rendered again

    document = Document.objects.get(pk=document.pk)
    assert (document.html, document.values, document.pdf_sha256) == (html, values, sha)
    assert stored_pdf(document) == data
    assert document.html_sha256 == hashlib.sha256(html.encode()).hexdigest()
    # The patched spec does take effect, for a document issued now.
    later = issue(rejected(district_a), "refusal_notice", by=intake_a)
    assert later.values["reason"] == "模板换了" and "收悉" in later.html and "收悉" not in document.html


def test_the_pdf_is_made_from_the_frozen_html_not_from_the_record(monkeypatch, intake_a, district_a):
    complaint = rejected(district_a)
    document = issue_document(complaint, "refusal_notice", by=intake_a)  # the PDF is not made yet
    assert document.pdf_sha256 == "" and not document.pdf
    Complaint.objects.filter(pk=complaint.pk).update(reject_reason="后来改写的理由")
    patch_spec(
        monkeypatch,
        Complaint,
        "refusal_notice",
        context=lambda c: {**refusal_context(c), "reason": "模板换了"},
    )

    document = ensure_pdf(document.pk)
    text = pdf_text(stored_pdf(document))
    assert REASON in text
    assert "后来改写的理由" not in text and "模板换了" not in text


def test_the_stored_pdf_is_the_one_its_sha256_names(issue, intake_a, district_a):
    document = issue(rejected(district_a), "refusal_notice", by=intake_a)
    data = stored_pdf(document)
    assert data.startswith(b"%PDF-")
    assert hashlib.sha256(data).hexdigest() == document.pdf_sha256
    assert len(data) == document.pdf_size
    assert document.pdf.name.startswith(f"documents/{document.year}/refusal_notice/{document.pdf_sha256}")
    assert len(pypdf.PdfReader(io.BytesIO(data)).pages) >= 1


def test_ensure_pdf_renders_once(monkeypatch, intake_a, district_a):
    renders = []
    real_render = services.render_pdf
    monkeypatch.setattr(services, "render_pdf", lambda html: renders.append(html) or real_render(html))
    document = issue_document(rejected(district_a), "refusal_notice", by=intake_a)
    first = ensure_pdf(document.pk)
    second = ensure_pdf(document.pk)
    assert len(renders) == 1 and renders[0] == document.html
    assert first.pdf_sha256 and second.pdf_sha256 == first.pdf_sha256 and second.pdf.name == first.pdf.name
    assert ensure_pdf(document.pk + 1000) is None


@pytest.mark.parametrize(
    "field, value",
    [
        ("number", "甲区分局不受〔2026〕00099号"),
        ("html", "<p>改过的</p>"),
        ("values", {"reason": "改过的"}),
        ("serial", 99),
        ("pdf_sha256", "0" * 64),
        ("correction_reason", "事后补写的理由"),  # printed on the paper of a correction
    ],
)
def test_changing_an_issued_document_is_refused(issue, intake_a, district_a, field, value):
    document = issue(rejected(district_a), "refusal_notice", by=intake_a)
    before = getattr(document, field)
    setattr(document, field, value)
    with pytest.raises(DocumentFrozen):
        document.save()
    assert getattr(Document.objects.get(pk=document.pk), field) == before


@pytest.mark.parametrize("final", [DocumentStatus.VOIDED, DocumentStatus.CORRECTED])
def test_a_voided_or_corrected_document_stays_so(issue, intake_a, leader_a, district_a, final):
    document = issue(rejected(district_a), "refusal_notice", by=intake_a)
    if final == DocumentStatus.VOIDED:
        document = void_document(document, by=leader_a, reason="送错了人")
    else:
        correct_document(document, by=intake_a, reason="理由写错了")
        document.refresh_from_db()
    document.status = DocumentStatus.ISSUED
    with pytest.raises(DocumentFrozen):
        document.save()
    assert Document.objects.get(pk=document.pk).status == final


def test_an_issued_document_is_never_deleted(issue, intake_a, district_a):
    document = issue(rejected(district_a), "refusal_notice", by=intake_a)
    with pytest.raises(DocumentFrozen) as refused:
        document.delete()
    assert "cannot be changed or deleted" in str(refused.value.message)
    with pytest.raises(DocumentFrozen):
        Document.objects.filter(pk=document.pk).delete()  # nor in bulk (a list's "delete selected")
    assert Document.objects.filter(pk=document.pk).exists()


# --- corrections ------------------------------------------------------------------------------------------
def test_a_correction_is_a_new_document_with_its_own_number(
    issue, intake_a, district_a, django_capture_on_commit_callbacks
):
    complaint = rejected(district_a)
    original = issue(complaint, "refusal_notice", by=intake_a)
    Complaint.objects.filter(pk=complaint.pk).update(reject_reason="所反映事项已由法院受理")
    with django_capture_on_commit_callbacks(execute=True):
        correction = correct_document(original, by=intake_a, reason="理由写错了")
    correction.refresh_from_db()
    original.refresh_from_db()

    assert correction.number != original.number and correction.serial == original.serial + 1
    assert correction.replaces == original and original.correction == correction
    assert (original.status, correction.status) == (DocumentStatus.CORRECTED, DocumentStatus.ISSUED)
    assert original.values["reason"] == REASON  # the original is kept as it was
    assert correction.values["reason"] == "所反映事项已由法院受理"  # the record as it is now
    assert correction.correction_reason == "理由写错了"
    assert list(documents_of(complaint)) == [correction, original]
    assert list(Document.objects.of(complaint).live()) == [correction]
    # The correction's paper says which one it corrects, and why.
    assert f"本文书更正{original.number}《不予受理告知书》" in correction.html
    text = pdf_text(stored_pdf(correction))
    assert f"本文书更正{original.number}" in text and "理由写错了" in text
    assert "号号" not in text


def test_a_correction_needs_a_reason(issue, intake_a, district_a):
    original = issue(rejected(district_a), "refusal_notice", by=intake_a)
    for reason in ("", "   ", None):
        with pytest.raises(ValidationError) as refused:
            correct_document(original, by=intake_a, reason=reason)
        assert "Say what the correction changes and why." in messages(refused.value)
    original.refresh_from_db()
    assert original.status == DocumentStatus.ISSUED and Document.objects.count() == 1


def test_only_a_document_in_force_is_corrected(issue, intake_a, leader_a, district_a):
    original = issue(rejected(district_a), "refusal_notice", by=intake_a)
    correct_document(original, by=intake_a, reason="理由写错了")
    with pytest.raises(TransitionNotAllowed) as refused:
        correct_document(original, by=intake_a, reason="再改一次")
    assert "Only a document in force can be corrected" in refused.value.message
    assert "Corrected" in refused.value.message

    voided = issue(rejected(district_a), "refusal_notice", by=intake_a)
    void_document(voided, by=leader_a, reason="送错了人")
    with pytest.raises(TransitionNotAllowed) as refused:
        correct_document(voided, by=intake_a, reason="更正")
    assert "Void" in refused.value.message
    assert Document.objects.count() == 3  # the original, its correction, the voided one: nothing more


def test_after_a_correction_of_a_once_type_the_correction_is_the_live_one(issue, intake_a, district_a):
    complaint = rejected(district_a)
    original = issue(complaint, "refusal_notice", by=intake_a)
    correction = correct_document(original, by=intake_a, reason="理由写错了")
    with pytest.raises(TransitionNotAllowed) as refused:
        issue_document(complaint, "refusal_notice", by=intake_a)
    assert "has already been issued for this record" in refused.value.message
    assert "Notice of refusal to accept" in refused.value.message  # the type by its name, not its slug
    assert list(Document.objects.of(complaint).live()) == [correction]
    assert Document.objects.of(complaint).count() == 2


def test_a_correction_is_refused_out_of_scope_and_to_a_role_that_may_not_issue(
    issue, intake_a, intake_b, district_officer_a, district_a
):
    original = issue(rejected(district_a), "refusal_notice", by=intake_a)
    with pytest.raises(Http404):
        correct_document(original, by=intake_b, reason="更正")
    with pytest.raises(PermissionDenied):
        correct_document(original, by=district_officer_a, reason="更正")  # sees it, may not issue it
    original.refresh_from_db()
    assert original.status == DocumentStatus.ISSUED


# --- voiding ------------------------------------------------------------------------------------------------
def test_voiding_needs_a_reason_and_changes_nothing_without_one(issue, intake_a, leader_a, district_a):
    document = issue(rejected(district_a), "refusal_notice", by=intake_a)
    for reason in ("", "  ", None):
        with pytest.raises(ValidationError) as refused:
            void_document(document, by=leader_a, reason=reason)
        assert "Give the reason for voiding" in messages(refused.value)
    stored = Document.objects.get(pk=document.pk)
    assert (stored.status, stored.void_reason, stored.voided_by, stored.version) == (
        DocumentStatus.ISSUED,
        "",
        None,
        document.version,
    )


def test_a_voided_document_keeps_its_number_and_the_next_gets_a_new_one(
    issue, intake_a, leader_a, district_a
):
    complaint = rejected(district_a)
    document = issue(complaint, "refusal_notice", by=intake_a)
    voided = void_document(document, by=leader_a, reason="送错了人", version=document.version)
    assert (voided.status, voided.void_reason, voided.voided_by) == (
        DocumentStatus.VOIDED,
        "送错了人",
        leader_a,
    )
    assert voided.voided_at is not None and voided.version == document.version + 1
    assert voided.number == document.number and voided.html == document.html

    with pytest.raises(TransitionNotAllowed) as refused:
        void_document(voided, by=leader_a, reason="再作废一次")
    assert "already “Void”" in refused.value.message

    # A once-type may be issued again once voided, under the next number: the voided one is not given again.
    again = issue(complaint, "refusal_notice", by=intake_a)
    assert again.serial == document.serial + 1 and again.number != document.number
    assert list(Document.objects.of(complaint).live()) == [again]


def test_voiding_a_stale_version_is_refused(issue, intake_a, leader_a, district_a):
    document = issue(rejected(district_a), "refusal_notice", by=intake_a)
    with pytest.raises(StaleEdit):
        void_document(document, by=leader_a, reason="送错了人", version=document.version + 1)
    assert Document.objects.get(pk=document.pk).status == DocumentStatus.ISSUED


def test_only_line_supervisors_void_and_out_of_scope_is_not_found_first(
    issue, intake_a, intake_b, leader_b, head_a, district_a
):
    document = issue(rejected(district_a), "refusal_notice", by=intake_a)
    with pytest.raises(PermissionDenied) as refused:
        void_document(document, by=intake_a, reason="送错了人")  # issued it, may not void it
    assert "Your role does not allow this on “Notice of refusal to accept”." in str(refused.value)
    for outsider in (intake_b, leader_b):  # out of scope: not found, whatever the role
        with pytest.raises(Http404):
            void_document(document, by=outsider, reason="送错了人")
    assert Document.objects.get(pk=document.pk).status == DocumentStatus.ISSUED
    assert void_document(document, by=head_a, reason="送错了人").status == DocumentStatus.VOIDED


# --- service ------------------------------------------------------------------------------------------------
def test_service_in_person_counts_when_handed_over(issue, intake_a, district_a):
    document = issue(rejected(district_a), "refusal_notice", by=intake_a)
    service = record_service(
        document, by=intake_a, method=ServiceMethod.IN_PERSON, recipient=" 张三丰 ", address="中山路1号"
    )
    assert service.recipient == "张三丰" and service.recorded_by == intake_a
    assert service.effective_at == service.served_at
    assert abs(service.served_at - timezone.now()) < timedelta(minutes=1)  # no time given: now
    assert document.service == service


def test_electronic_service_needs_consent_article_61(issue, intake_a, district_a):
    document = issue(rejected(district_a), "refusal_notice", by=intake_a)
    with pytest.raises(ValidationError) as refused:
        record_service(document, by=intake_a, method=ServiceMethod.ELECTRONIC, recipient="张三丰")
    assert "written consent" in messages(refused.value) and "Art. 61" in messages(refused.value)
    assert not ServiceRecord.objects.exists()
    service = record_service(
        document,
        by=intake_a,
        method=ServiceMethod.ELECTRONIC,
        recipient="张三丰",
        consent_ref="电子送达地址确认书（2026年12月1日）",
    )
    assert service.consent_ref.startswith("电子送达地址确认书")


def test_leaving_it_at_the_address_needs_a_witness_article_89(issue, intake_a, district_a):
    document = issue(rejected(district_a), "refusal_notice", by=intake_a)
    with pytest.raises(ValidationError) as refused:
        record_service(
            document, by=intake_a, method=ServiceMethod.LEFT_AT_ADDRESS, recipient="张三丰", witness="  "
        )
    assert "witness" in messages(refused.value) and "Art. 89" in messages(refused.value)
    with pytest.raises(ValidationError) as refused:  # a refusal is served by leaving it, not "in person"
        record_service(
            document, by=intake_a, method=ServiceMethod.IN_PERSON, recipient="张三丰", refused=True
        )
    assert "Left at the address after a refusal" in messages(refused.value)
    assert not ServiceRecord.objects.exists()
    service = record_service(
        document,
        by=intake_a,
        method=ServiceMethod.LEFT_AT_ADDRESS,
        recipient="张三丰",
        witness="社区主任李四",
    )
    assert service.refused is True and service.effective_at == service.served_at


def test_a_public_notice_counts_as_served_exactly_thirty_days_later(issue, intake_a, district_a):
    document = issue(rejected(district_a), "refusal_notice", by=intake_a)
    published = document.issued_at + timedelta(seconds=30)
    service = record_service(
        document, by=intake_a, method=ServiceMethod.PUBLIC_NOTICE, recipient="张三丰", served_at=published
    )
    service.refresh_from_db()
    assert service.effective_at - service.served_at == timedelta(days=30)  # not 29, not 31
    assert service.effective_at == published + timedelta(days=30)
    assert timezone.localdate(service.effective_at) == timezone.localdate(published) + timedelta(days=30)


def test_the_time_of_service_is_between_the_issue_and_now(issue, intake_a, district_a):
    document = issue(rejected(district_a), "refusal_notice", by=intake_a)
    with pytest.raises(ValidationError) as refused:
        record_service(
            document,
            by=intake_a,
            method=ServiceMethod.POST,
            recipient="张三丰",
            served_at=document.issued_at - timedelta(hours=2),
        )
    assert "cannot be served before it was issued" in messages(refused.value)
    with pytest.raises(ValidationError) as refused:
        record_service(
            document,
            by=intake_a,
            method=ServiceMethod.POST,
            recipient="张三丰",
            served_at=timezone.now() + timedelta(days=1),
        )
    assert "cannot be in the future" in messages(refused.value)
    assert not ServiceRecord.objects.exists()


def test_a_document_is_served_once_and_a_void_one_not_at_all(issue, intake_a, leader_a, district_a):
    document = issue(rejected(district_a), "refusal_notice", by=intake_a)
    record_service(document, by=intake_a, method=ServiceMethod.POST, recipient="张三丰")
    with pytest.raises(TransitionNotAllowed) as refused:
        record_service(document, by=intake_a, method=ServiceMethod.IN_PERSON, recipient="张三丰")
    assert "already been recorded" in refused.value.message

    voided = issue(rejected(district_a), "refusal_notice", by=intake_a)
    void_document(voided, by=leader_a, reason="送错了人")
    with pytest.raises(TransitionNotAllowed) as refused:
        record_service(voided, by=intake_a, method=ServiceMethod.POST, recipient="张三丰")
    assert refused.value.message == "A void document is not served."
    assert ServiceRecord.objects.count() == 1


def test_a_handler_may_record_service_but_not_out_of_scope(issue, intake_a, officer_a, officer_b, squad_a):
    document = issue(rejected(squad_a), "refusal_notice", by=intake_a)
    with pytest.raises(Http404):
        record_service(document, by=officer_b, method=ServiceMethod.POST, recipient="张三丰")
    service = record_service(document, by=officer_a, method=ServiceMethod.POST, recipient="张三丰")
    assert service.recorded_by == officer_a


# --- the timeline ------------------------------------------------------------------------------------------
def test_the_records_timeline_names_each_act_on_its_documents_in_words(issue, intake_a, leader_a, district_a):
    complaint = rejected(district_a)
    original = issue(complaint, "refusal_notice", by=intake_a)
    record_service(original, by=intake_a, method=ServiceMethod.POST, recipient="张三丰")
    correction = correct_document(original, by=intake_a, reason="理由写错了")
    void_document(correction, by=leader_a, reason="送错了人")

    rows = timeline_rows(complaint, list(events_for(complaint)))
    steps = [row["step"] for row in rows]
    assert steps == [
        "Void document",
        "Correct document",
        "Issue document",
        "Record service",
        "Issue document",
    ]
    issued = [row for row in rows if row["step"] == "Issue document"]
    for row, document in zip(issued, (correction, original), strict=True):
        assert "Notice of refusal to accept" in row["subject"] and document.number in row["subject"]
        assert "refusal_notice" not in row["subject"]
        assert row["subject"] == f"Document: {document.number} (Notice of refusal to accept)"  # once each
    everything = " ".join(
        f"{row['step']} {row['subject']} "
        + " ".join(f"{c['label']} {c['before']} {c['after']}" for c in row["changes"])
        for row in rows
    )
    for slug in ("refusal_notice", "voided", "corrected", "issued"):
        assert slug not in everything.split(), slug
    assert "refusal_notice" not in everything
    # A paper that names the complainant (只有受理、领导可读): whom it was served on is not on the timeline
    # every reader of the complaint reads.
    assert "张三丰" not in everything
    void_row = rows[0]
    assert any(change["after"] == "Void" for change in void_row["changes"])
    assert void_row["event"].note == "送错了人"
    assert rows[3]["subject"] == f"Proof of service: {original.number} · By post"


def test_whom_a_work_order_was_served_on_is_on_the_timeline(issue, intake_a, officer_a, district_a, squad_a):
    """A work order names no complainant (it is read by all who see the complaint): its recipient is shown."""
    complaint = ComplaintFactory(unit=squad_a, status="dispatched", dispatched_at=timezone.now())
    order = issue(complaint, "work_order", by=intake_a)
    record_service(order, by=officer_a, method=ServiceMethod.IN_PERSON, recipient="中队内勤王五")
    rows = timeline_rows(complaint, list(events_for(complaint)))
    assert rows[0]["step"] == "Record service"
    assert rows[0]["subject"] == f"Proof of service: {order.number} · In person (中队内勤王五)"


def test_issuing_out_of_scope_is_not_found_before_the_role_and_an_unknown_type_not_found(
    intake_a, make_user, district_a, district_b
):
    complaint = rejected(district_a)
    outsider_without_role = make_user("officer", unit=district_b, username="officer-district-b")
    for outsider in (outsider_without_role, make_user("intake", unit=district_b, username="intake-b2")):
        with pytest.raises(Http404):
            issue_document(complaint, "refusal_notice", by=outsider)
    with pytest.raises(Http404):
        issue_document(complaint, "penalty_decision", by=intake_a)  # a type not issued on complaints
    assert not Document.objects.exists()


def test_a_correction_goes_in_the_register_of_the_document_it_corrects(
    issue, intake_a, intake_city, district_a
):
    """A city clerk correcting a district's notice issues the correction in the district's register."""
    original = issue(rejected(district_a), "refusal_notice", by=intake_a)
    correction = correct_document(original, by=intake_city, reason="理由写错了")
    assert correction.unit == original.unit == district_a
    assert correction.serial == original.serial + 1
    assert correction.number.startswith(district_a.name)
