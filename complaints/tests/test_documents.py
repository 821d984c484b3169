"""The complaint's four documents (complaints/documents.py): each issuable exactly at its step and refused
elsewhere in words, each paper Chinese whatever the issuer's language, with its title and key values in the
PDF's text layer; the work order does not name the complainant."""

import io

import pypdf
import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from complaints import services
from complaints.tests.factories import ComplaintFactory
from enforcement.documents.models import Document
from enforcement.documents.services import issuable, issue_document, void_document
from enforcement.workflow.exceptions import TransitionNotAllowed

pytestmark = pytest.mark.django_db

MATTER = "门前占道经营，影响通行"
NAME, PHONE = "张三丰", "13812345678"

ACCEPTANCE_STEP = (
    "An acceptance notice is issued for a petition (a letter, a visit or a petition) once it has "
    "been accepted (Regulations on Petitions, Art. 23)."
)
REFUSAL_STEP = (
    "A notice of refusal is issued once the complaint has been rejected (不予受理), with its reason."
)
REPLY_STEP = "A reply letter is issued once the reply has been recorded, one for each reply."
WORK_ORDER_STEP = "A work order is issued once the complaint has been dispatched, one for each dispatch."
ALREADY = "has already been issued for this record"


@pytest.fixture
def issue(django_capture_on_commit_callbacks):
    def issue_it(record, doc_type, *, by):
        with django_capture_on_commit_callbacks(execute=True):
            document = issue_document(record, doc_type, by=by)
        document.refresh_from_db()
        return document

    return issue_it


def refused(record, doc_type, by, words):
    """`doc_type` is refused on `record` (409) with `words` in its message, and nothing is issued."""
    before = Document.objects.count()
    with pytest.raises(TransitionNotAllowed) as refusal:
        issue_document(record, doc_type, by=by)
    assert words in refusal.value.message
    assert doc_type not in [spec.type for spec in issuable(record, by)]
    assert Document.objects.count() == before


def pdf_text(document):
    with document.pdf.open("rb") as handle:
        reader = pypdf.PdfReader(io.BytesIO(handle.read()))
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


def received(unit, channel="letter", **fields):
    fields.setdefault("description", MATTER)
    return ComplaintFactory(
        unit=unit,
        channel=channel,
        status="received",
        complainant_name=NAME,
        complainant_phone=PHONE,
        **fields,
    )


def reload(complaint):
    return type(complaint).objects.get(pk=complaint.pk)


# --- the acceptance notice ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("channel", ["letter", "visit", "petition"])
def test_an_acceptance_notice_once_a_petition_is_accepted(issue, intake_a, district_a, channel):
    complaint = received(district_a, channel)
    refused(complaint, "acceptance_notice", intake_a, ACCEPTANCE_STEP)  # received, not yet accepted
    complaint = services.accept(complaint, by=intake_a)
    assert "acceptance_notice" in [spec.type for spec in issuable(complaint, intake_a)]
    document = issue(complaint, "acceptance_notice", by=intake_a)
    assert document.values["addressee"] == NAME and document.values["matter"] == MATTER
    refused(complaint, "acceptance_notice", intake_a, ALREADY)  # once


def test_no_acceptance_notice_for_a_hotline_complaint_or_a_rejected_petition(intake_a, district_a):
    hotline = services.accept(received(district_a, "hotline_12345"), by=intake_a)
    refused(hotline, "acceptance_notice", intake_a, ACCEPTANCE_STEP)
    petition = services.reject(received(district_a, "letter"), by=intake_a, reason="不属于本机关职责范围")
    refused(petition, "acceptance_notice", intake_a, ACCEPTANCE_STEP)


def test_an_anonymous_petitions_acceptance_notice_names_the_missing_name(intake_a, district_a):
    complaint = ComplaintFactory(
        unit=district_a,
        channel="letter",
        status="received",
        is_anonymous=True,
        complainant_name="",
        complainant_phone="",
        description=MATTER,
    )
    complaint = services.accept(complaint, by=intake_a)
    refused(complaint, "acceptance_notice", intake_a, "the record has no complainant's name")


def test_an_officer_may_not_issue_a_complaints_documents(district_officer_a, district_a, intake_a):
    complaint = services.accept(received(district_a), by=intake_a)
    with pytest.raises(PermissionDenied) as refusal:
        issue_document(complaint, "acceptance_notice", by=district_officer_a)
    assert "Your role does not allow issuing “Acceptance notice”." in str(refusal.value)


# --- the refusal notice ----------------------------------------------------------------------------------------
def test_a_refusal_notice_only_once_rejected(issue, intake_a, district_a):
    complaint = received(district_a, "hotline_12345")
    refused(complaint, "refusal_notice", intake_a, REFUSAL_STEP)
    accepted = services.accept(received(district_a, "hotline_12345"), by=intake_a)
    refused(accepted, "refusal_notice", intake_a, REFUSAL_STEP)

    complaint = services.reject(complaint, by=intake_a, reason="不属于本机关职责范围")
    document = issue(complaint, "refusal_notice", by=intake_a)
    assert document.values["reason"] == "不属于本机关职责范围"
    refused(complaint, "refusal_notice", intake_a, ALREADY)


# --- the reply letter and the work order, through the complaint's life ----------------------------------
def test_one_reply_letter_per_reply_and_one_work_order_per_dispatch(
    issue, intake_a, leader_a, officer_a, district_a, squad_a
):
    complaint = services.accept(received(district_a), by=intake_a)
    refused(complaint, "work_order", intake_a, WORK_ORDER_STEP)  # not yet dispatched
    refused(complaint, "reply_letter", intake_a, REPLY_STEP)

    complaint = services.dispatch(complaint, by=intake_a, unit=squad_a, handler=officer_a)
    first_order = issue(complaint, "work_order", by=intake_a)
    refused(complaint, "work_order", intake_a, WORK_ORDER_STEP)  # one per dispatch
    refused(complaint, "reply_letter", intake_a, REPLY_STEP)

    complaint = services.start(complaint, by=officer_a)
    complaint = services.reply(
        complaint, by=officer_a, reply_text="已依法责令当事人清理占道物品，现场已恢复通行。"
    )
    refused(complaint, "work_order", intake_a, WORK_ORDER_STEP)  # replied: no longer with the unit
    first_letter = issue(complaint, "reply_letter", by=intake_a)
    assert first_letter.values["reply"].startswith("已依法责令")
    refused(complaint, "reply_letter", intake_a, REPLY_STEP)  # one per reply

    complaint = services.record_visit(complaint, by=intake_a, satisfaction="unsatisfied", note="仍有占道")
    refused(complaint, "reply_letter", intake_a, REPLY_STEP)
    complaint = services.reopen(complaint, by=intake_a, reason="回访不满意，仍有占道")
    refused(complaint, "reply_letter", intake_a, REPLY_STEP)  # the new reply is not recorded yet
    second_order = issue(reload(complaint), "work_order", by=intake_a)  # the reopening dispatches it again
    refused(complaint, "work_order", intake_a, WORK_ORDER_STEP)

    complaint = services.start(reload(complaint), by=officer_a)
    complaint = services.reply(complaint, by=officer_a, reply_text="已再次到场督促，占道物品已全部清理。")
    second_letter = issue(complaint, "reply_letter", by=intake_a)
    assert second_letter.values["reply"].startswith("已再次到场")
    assert [second_order.serial, second_letter.serial] == [first_order.serial + 1, first_letter.serial + 1]
    assert Document.objects.of(complaint).live().count() == 4  # two work orders, two reply letters
    # A voided reply letter may be issued again for the same reply.
    void_document(second_letter, by=leader_a, reason="答复内容有误")
    assert issue(reload(complaint), "reply_letter", by=intake_a).serial == second_letter.serial + 1


def test_no_reply_letter_for_a_complaint_fixed_on_the_spot(intake_a, district_a):
    complaint = ComplaintFactory(
        unit=district_a,
        status="replied",
        replied_at=timezone.now(),
        on_the_spot=True,
        reply_text="现场已处置",
    )
    refused(complaint, "reply_letter", intake_a, REPLY_STEP)


def test_the_work_order_does_not_name_the_complainant(issue, intake_a, officer_a, district_a, squad_a):
    complaint = services.accept(received(district_a, "hotline_12345", address="中山路18号"), by=intake_a)
    complaint = services.dispatch(complaint, by=intake_a, unit=squad_a, handler=officer_a)
    document = issue(complaint, "work_order", by=intake_a)
    text = pdf_text(document)
    for secret in (NAME, PHONE, PHONE[-4:]):
        assert secret not in document.html and secret not in text
        assert secret not in " ".join(document.values.values())
    assert document.values["addressee"] == squad_a.name  # to the unit, not to the complainant
    assert "中山路18号" in text and MATTER.replace("，", "") in text.replace("，", "")


# --- the papers ------------------------------------------------------------------------------------------------
def _at_each_step(intake_a, officer_a, district_a, squad_a):
    """A complaint at the step of each type, with what its paper must say."""
    letter = services.accept(received(district_a, "letter"), by=intake_a)
    rejected = services.reject(
        received(district_a, "hotline_12345"), by=intake_a, reason="不属于本机关职责范围"
    )
    dispatched = services.dispatch(
        services.accept(received(district_a, "hotline_12345"), by=intake_a),
        by=intake_a,
        unit=squad_a,
        handler=officer_a,
    )
    replied = services.dispatch(
        services.accept(received(district_a, "letter"), by=intake_a),
        by=intake_a,
        unit=squad_a,
        handler=officer_a,
    )
    replied = services.reply(
        services.start(replied, by=officer_a), by=officer_a, reply_text="占道物品已清理。"
    )
    return [
        (letter, "acceptance_notice", "受理告知书", ["来信", "符合受理条件", NAME]),
        (rejected, "refusal_notice", "不予受理告知书", ["12345热线", "不属于本机关职责范围", NAME]),
        (dispatched, "work_order", "交办单", ["12345热线", squad_a.name, "签收人"]),
        (replied, "reply_letter", "答复意见书", ["占道物品已清理。", "请求复查", NAME]),
    ]


def test_each_paper_is_chinese_with_its_title_and_values_whatever_the_issuers_language(
    issue, intake_a, officer_a, district_a, squad_a
):
    for complaint, doc_type, title, words in _at_each_step(intake_a, officer_a, district_a, squad_a):
        with translation.override("en"):
            document = issue(complaint, doc_type, by=intake_a)
        text = pdf_text(document)
        assert title in text, doc_type
        assert f'<h1 class="paper-title">{title}</h1>' in document.html
        assert document.number in text and complaint.number in text, doc_type
        assert MATTER in text, doc_type
        assert "甲区分局" in text, doc_type  # the issuing bureau, by its Chinese name
        for word in words:
            assert word in text, (doc_type, word)
        for english in ("12345 hotline", "Letter", "District A", "Acceptance notice", "Work order"):
            assert english not in document.html, (doc_type, english)
        if doc_type == "refusal_notice":
            assert "不予受理告知书" in text and "12345热线" in document.values["channel"]


def test_a_hotline_reply_has_no_review_sentence(issue, intake_a, officer_a, district_a, squad_a):
    """The review (复查) sentence is for petitions (信访工作条例): not on a hotline complaint's reply."""
    complaint = services.dispatch(
        services.accept(received(district_a, "hotline_12345"), by=intake_a),
        by=intake_a,
        unit=squad_a,
        handler=officer_a,
    )
    complaint = services.reply(services.start(complaint, by=officer_a), by=officer_a, reply_text="已处理。")
    document = issue(complaint, "reply_letter", by=intake_a)
    assert "请求复查" not in pdf_text(document)
