"""The case's documents (cases/documents.py): each issued at its step with its number, its Chinese title and what
the paper must say, frozen in its HTML; each refused before (and after) its step with the step's words; the
on-the-spot decision issued by `decide_on_the_spot` itself; the penalty decision's proof of service recorded
through the documents service is what lets the case be served; amounts in capitals (大写) at their edges."""

import io
from datetime import timedelta
from decimal import Decimal

import pypdf
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from enforcement.catalog.tests.factories import ViolationCategoryFactory
from enforcement.documents.models import Document
from enforcement.documents.rendering import paper_date, paper_moment
from enforcement.documents.services import issuable, issue_document, record_service, void_document
from enforcement.workflow.exceptions import TransitionNotAllowed

from .. import rules, services
from ..choices import CaseStatus
from ..documents import chinese_count, yuan_in_capitals
from ..models import Case, CaseApproval
from .conftest import JPEG, give_notice, pay_in_full
from .factories import PartyFactory

pytestmark = pytest.mark.django_db
S = CaseStatus

ID_NUMBER = "11010519491231002X"  # a valid resident ID number (GB 11643-1999 check digit)
FACTS = "在祖庙路人行道上摆摊销售水果，占用城市道路"
PLACE = "禅城区祖庙路18号门前"
CORRECTION = "立即停止占道经营，清理占道物品"
FILING_REASON = "当事人占道经营事实基本清楚，符合立案条件"
FILING_OPINION = "同意立案，请依法调查"
ALREADY = "has already been issued for this record"

STEP = {
    "on_the_spot_decision": "An on-the-spot penalty decision is issued when a case is decided on the spot under "
    "the simple procedure (Administrative Penalty Law, Art. 52).",
    "filing_approval": "The case filing approval form is issued once the filing of the case has been approved "
    "(Administrative Penalty Law, Art. 54).",
    "inquiry_record": "An inquiry record is made while the case is being investigated, by its two investigating "
    "officers (Administrative Penalty Law, Art. 42, 55).",
    "inspection_record": "A site inspection record is made while the case is being investigated, by its two "
    "investigating officers (Administrative Penalty Law, Art. 42, 55).",
    "advance_notice": "The advance notice of penalty is issued once the investigation report has been approved "
    "(and, for a complex or major case, the collective discussion), before the party is notified (Administrative "
    "Penalty Law, Art. 44, 57).",
    "hearing_notice": "A hearing notice is issued once a hearing has been scheduled, before it is held "
    "(Administrative Penalty Law, Art. 64).",
    "hearing_record": "The hearing record is issued once the hearing has been held (Administrative Penalty Law, "
    "Art. 64).",
    "penalty_decision": "A penalty decision is issued once a bureau head has decided the case under the general "
    "procedure (Administrative Penalty Law, Art. 59).",
    "proof_of_service": "A proof of service is issued once the case has been decided under the general "
    "procedure, to serve the penalty decision (Administrative Penalty Law, Art. 61).",
    "closing_report": "The case closing report is issued once the closing of the case has been proposed or "
    "approved.",
    "correction_order": "An order to correct is issued once the case has been filed, while it is open "
    "(Administrative Penalty Law, Art. 28).",
}


# --- amounts and periods as the paper writes them ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("amount", "capitals"),
    [
        ("0.50", "伍角"),
        ("200", "贰佰元整"),
        ("200.00", "贰佰元整"),
        ("200.01", "贰佰元零壹分"),
        ("3000", "叁仟元整"),
        ("10005", "壹万零伍元整"),
        ("1234567.89", "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"),
        ("0", "零元整"),
        ("0.05", "伍分"),
        ("10", "壹拾元整"),
        ("100000", "壹拾万元整"),
        ("1000001", "壹佰万零壹元整"),
        ("1680.30", "壹仟陆佰捌拾元叁角"),
        ("16409.02", "壹万陆仟肆佰零玖元零贰分"),
        ("100010000", "壹亿零壹万元整"),
        ("9999999999.99", "玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    ],
)
def test_yuan_in_capitals(amount, capitals):
    assert yuan_in_capitals(Decimal(amount)) == capitals
    assert yuan_in_capitals(amount) == capitals


@pytest.mark.parametrize("bad", ["-1", "1.005", "abc", "NaN"])
def test_yuan_in_capitals_refuses_what_is_not_an_amount(bad):
    with pytest.raises(ValueError):
        yuan_in_capitals(bad)


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (5, "五"),
        (6, "六"),
        (10, "十"),
        (15, "十五"),
        (60, "六十"),
        (90, "九十"),
        (100, "一百"),
        (105, "一百零五"),
        (110, "一百一十"),
        (1000, "1000"),
    ],
)
def test_chinese_count(number, words):
    assert chinese_count(number) == words


# --- helpers ----------------------------------------------------------------------------------------------------
@pytest.fixture
def people(make_user, district_a):
    return {
        "officer": make_user("officer", unit=district_a, username="officer1", full_name="张三"),
        "officer2": make_user("officer", unit=district_a, username="officer2", full_name="李四"),
        "leader": make_user("squad_leader", unit=district_a, username="leader", full_name="王队长"),
        "reviewer": make_user("legal_reviewer", unit=district_a, username="reviewer", full_name="赵法制"),
        "head": make_user("bureau_head", unit=district_a, username="head", full_name="钱局长"),
    }


@pytest.fixture
def party(people):
    return PartyFactory(
        created_by=people["officer"], name="陈某某", id_number=ID_NUMBER, address="禅城区人民路3号"
    )


@pytest.fixture
def pdf(django_capture_on_commit_callbacks):
    """Issues with the PDF rendered after the commit (as the worker would), and answers its text layer."""

    def issue_with_pdf(action):
        with django_capture_on_commit_callbacks(execute=True):
            document = action()
        document = Document.objects.get(pk=document.pk)
        with document.pdf.open("rb") as handle:
            reader = pypdf.PdfReader(io.BytesIO(handle.read()))
        return document, "".join("".join(page.extract_text().split()) for page in reader.pages)

    return issue_with_pdf


def reload(case):
    return Case.objects.get(pk=case.pk)


def issued(case, doc_type, by, *words):
    """`doc_type` issued on `case`: numbered, its frozen HTML with the Chinese title, the number and `words`."""
    document = issue_document(reload(case), doc_type, by=by)
    assert document.number and document.serial >= 1
    for text in (document.paper_name, document.number, *words):
        assert text in document.html, text
    return document


def refused(case, doc_type, by, words):
    """`doc_type` is refused on `case` (409) with `words` in its message, and nothing is issued."""
    before = Document.objects.count()
    with pytest.raises(TransitionNotAllowed) as refusal:
        issue_document(reload(case), doc_type, by=by)
    assert words in refusal.value.message
    assert doc_type not in [spec.type for spec in issuable(reload(case), by)]
    assert Document.objects.count() == before


def photo():
    return SimpleUploadedFile("现场.jpg", JPEG, content_type="image/jpeg")


def open_lead(p, party, category):
    return services.open_lead(
        by=p["officer"],
        party=party,
        category=category,
        facts=FACTS,
        address=PLACE,
        act_date=timezone.localdate() - timedelta(days=2),
    )


def to_filed(case, p):
    case = services.request_filing(case, by=p["officer"], reason=FILING_REASON)
    return services.decide_filing(case, by=p["leader"], decision="approved", opinion=FILING_OPINION)


def to_investigating(case, p):
    return services.assign_officers(
        to_filed(case, p), by=p["leader"], handler=p["officer"], co_handler=p["officer2"]
    )


def to_review(case, p, fine):
    services.add_evidence(case, photo(), by=p["officer"], evidence_type="photo", description="占道现场照片")
    services.add_evidence(
        case, photo(), by=p["officer2"], evidence_type="inquiry_record", description="对当事人的询问笔录"
    )
    case = services.submit_report(
        case,
        by=p["officer"],
        report="事实清楚，证据确凿",
        penalty_kinds=["fine"],
        fine=fine,
        correction_order=CORRECTION,
    )
    review = CaseApproval.objects.get(case=case, decision="pending")
    decider = p["reviewer"] if review.kind == "case_legal_review" else p["leader"]
    return services.decide_review(case, by=decider, decision="approved", opinion="同意")


def to_notified(case, p, fine=Decimal("500")):
    return give_notice(to_review(to_investigating(case, p), p, fine), p["officer"])


def to_decided(case, p, fine=Decimal("400")):
    case = services.record_statement(to_notified(case, p), by=p["officer2"], statement="当事人表示愿意改正")
    case = services.request_decision(
        case, by=p["officer"], penalty_kinds=["fine"], fine=fine, correction_order=CORRECTION, reason="拟罚款"
    )
    return services.decide(case, by=p["head"], decision="approved", opinion="同意")


# --- the simple procedure ---------------------------------------------------------------------------------------------
def decide_on_the_spot(p, party, category, **penalty):
    return services.decide_on_the_spot(
        by=p["officer"],
        party=party,
        category=category,
        facts=FACTS,
        address=PLACE,
        act_date=timezone.localdate(),
        penalty_kinds=["fine"],
        correction_order=CORRECTION,
        **penalty,
    )


def test_deciding_on_the_spot_issues_the_numbered_decision(people, party, category, district_a, pdf):
    p = people
    officer = p["officer"]
    document, text = pdf(
        lambda: Document.objects.of(decide_on_the_spot(p, party, category, fine=Decimal("200"))).get()
    )
    case = reload(document.record)
    assert document.doc_type == "on_the_spot_decision" and document.issued_by == officer
    assert document.unit == district_a  # numbered in the bureau's register
    values = document.values
    assert values["party_identity"] == ID_NUMBER  # the paper carries the full number
    assert values["penalty"] == "罚款人民币200.00元（大写：贰佰元整）"
    assert values["officer_certificate"] == officer.certificate_no
    assert values["decided_at"] == paper_moment(case.decided_at)
    for words in (
        "当场行政处罚决定书",
        document.number,
        "陈某某",
        ID_NUMBER,
        FACTS,
        PLACE,
        "《城市市容和环境卫生管理条例》第十四条",
        "《城市市容和环境卫生管理条例》第三十六条",
        "罚款人民币200.00元（大写：贰佰元整）",
        CORRECTION,
        "十五日内，到指定的银行",  # payment_days: not paid on the spot
        "第六十七条",
        "六十日内依法申请行政复议",  # reconsideration_days
        "六个月内依法向人民法院提起行政诉讼",  # litigation_months
        "张三",
        officer.certificate_no,
        district_a.name,
    ):
        assert words in document.html, words
    for words in ("当场行政处罚决定书", document.number, "贰佰元整", ID_NUMBER, officer.certificate_no):
        assert words in text, words
    refused(case, "on_the_spot_decision", officer, ALREADY)  # once


def test_cash_on_the_spot_is_on_the_decision_with_its_receipt(people, party, category):
    case = decide_on_the_spot(
        people, party, category, fine=Decimal("50"), paid_on_spot=True, receipt_no="粤财0012345"
    )
    document = Document.objects.of(case).get(doc_type="on_the_spot_decision")
    assert "罚款人民币50.00元（大写：伍拾元整）" in document.html
    assert "当场收缴罚款，罚款收据编号：粤财0012345" in document.html and "第六十八条" in document.html
    assert "到指定的银行" not in document.html


def test_a_warning_on_the_spot_has_no_payment(people, party, category):
    case = services.decide_on_the_spot(
        by=people["officer"],
        party=party,
        category=category,
        facts=FACTS,
        address=PLACE,
        act_date=timezone.localdate(),
        penalty_kinds=["warning"],
        correction_order=CORRECTION,
    )
    document = Document.objects.of(case).get(doc_type="on_the_spot_decision")
    assert document.values["penalty"] == "警告"
    assert "罚款缴纳" not in document.html and "元整" not in document.html


def test_no_on_the_spot_decision_without_its_legal_basis_and_nothing_is_saved(people, party):
    bare = ViolationCategoryFactory(simple_procedure_allowed=True)  # the catalogue gives no basis
    with pytest.raises(TransitionNotAllowed) as refusal:
        services.decide_on_the_spot(
            by=people["officer"],
            party=party,
            category=bare,
            facts=FACTS,
            address=PLACE,
            act_date=timezone.localdate(),
            penalty_kinds=["warning"],
            correction_order=CORRECTION,
        )
    assert (
        "“On-the-spot penalty decision” cannot be issued yet: the record has no legal basis, penalty basis."
        in refusal.value.message
    )
    assert not Case.objects.exists() and not Document.objects.exists()


def test_no_on_the_spot_decision_on_a_general_case(people, party, category):
    p = people
    case = open_lead(p, party, category)
    refused(case, "on_the_spot_decision", p["officer"], STEP["on_the_spot_decision"])
    case = to_decided(case, p)
    refused(case, "on_the_spot_decision", p["officer"], STEP["on_the_spot_decision"])


def test_a_simple_case_has_none_of_the_general_procedures_papers(people, party, category):
    p = people
    case = decide_on_the_spot(p, party, category, fine=Decimal("100"))
    for doc_type in (
        "filing_approval",
        "inquiry_record",
        "penalty_decision",
        "proof_of_service",
        "closing_report",
    ):
        refused(case, doc_type, p["leader"], STEP[doc_type])


# --- the general procedure, step by step --------------------------------------------------------------------------
def test_the_lead_has_no_document_yet(people, party, category):
    p = people
    case = services.request_filing(open_lead(p, party, category), by=p["officer"], reason=FILING_REASON)
    for doc_type in (
        "filing_approval",  # a filing requested is not yet approved
        "inquiry_record",
        "inspection_record",
        "advance_notice",
        "hearing_notice",
        "hearing_record",
        "penalty_decision",
        "proof_of_service",
        "closing_report",
        "correction_order",
    ):
        refused(case, doc_type, p["officer"], STEP[doc_type])
    assert issuable(case, p["officer"]) == []


def test_the_filing_approval_form_once_filed(people, party, category):
    p = people
    case = to_filed(open_lead(p, party, category), p)
    document = issued(
        case,
        "filing_approval",
        p["officer"],
        "立案审批表",
        "巡查发现",
        "占道经营",
        "陈某某",
        ID_NUMBER,
        FACTS,
        FILING_REASON,
        FILING_OPINION,
        "王队长",
        "张三",
        paper_date(reload(case).filed_at),
    )
    assert document.values["approver"] == "王队长" and document.values["reason"] == FILING_REASON
    refused(case, "filing_approval", p["leader"], ALREADY)
    # Filed, but not yet investigated: no inquiry record; no order to correct while the record has none.
    refused(case, "inquiry_record", p["officer"], STEP["inquiry_record"])
    refused(
        case, "correction_order", p["officer"], "cannot be issued yet: the record has no order to correct"
    )


def test_the_investigation_records_while_investigating(people, party, category):
    p = people
    case = to_investigating(open_lead(p, party, category), p)
    assert sorted(spec.type for spec in issuable(case, p["officer"])) == [
        "filing_approval",
        "inquiry_record",
        "inspection_record",
    ]
    certificates = (p["officer"].certificate_no, p["officer2"].certificate_no)
    first = issued(
        case,
        "inquiry_record",
        p["officer"],
        "询问笔录",
        "询问人",
        "张三",
        "李四",
        *certificates,
        PLACE,
        "陈某某",
    )
    second = issued(case, "inquiry_record", p["officer2"], "被询问人签名")  # as many as needed
    assert second.serial == first.serial + 1 and second.number != first.number
    issued(
        case,
        "inspection_record",
        p["officer"],
        "现场检查（勘验）笔录",
        "检查（勘验）人",
        *certificates,
        PLACE,
    )
    issued(case, "inspection_record", p["leader"], "见证人签名")
    refused(case, "advance_notice", p["officer"], STEP["advance_notice"])
    # Once the report is submitted, the investigation's papers are no longer made (the notice now is).
    case = to_review(case, p, Decimal("500"))
    for doc_type in ("inquiry_record", "inspection_record"):
        refused(case, doc_type, p["officer"], STEP[doc_type])


def test_the_order_to_correct_once_the_case_carries_one(people, party, category):
    p = people
    case = to_review(to_investigating(open_lead(p, party, category), p), p, Decimal("500"))
    document = issued(
        case, "correction_order", p["officer"], "责令改正通知书", "陈某某：", CORRECTION, "第二十八条"
    )
    assert document.values["correction_order"] == CORRECTION
    issued(case, "correction_order", p["head"], CORRECTION)  # not once: it may be given again


def test_the_advance_notice_once_the_report_is_approved_and_before_the_notice_is_given(
    people, party, category
):
    p = people
    case = to_investigating(open_lead(p, party, category), p)
    refused(case, "advance_notice", p["officer"], STEP["advance_notice"])
    case = to_review(case, p, Decimal("500"))  # the report approved: the notice is issued, then served
    document = issued(
        case,
        "advance_notice",
        p["officer"],
        "行政处罚事先告知书",
        "陈某某：",
        FACTS,
        "罚款人民币500.00元（大写：伍佰元整）",
        "第四十五条",
        "陈述和申辩",
    )
    assert "三个工作日内" in document.html  # the statement period (Art. 45, 62)
    assert "要求举行听证" not in document.html  # a fine of 500 yuan gives no right to a hearing (Art. 63)
    refused(case, "advance_notice", p["officer"], ALREADY)
    assert "notify" not in case.allowed_actions(p["officer"])  # not served yet
    from enforcement.documents.services import record_service

    record_service(document, by=p["officer"], method="in_person", recipient="陈某某")
    case = services.notify(case, by=p["officer"])
    assert case.notified_at == document.service.effective_at and case.hearing_request_due_at is None
    for doc_type in ("penalty_decision", "proof_of_service", "hearing_notice", "hearing_record"):
        refused(case, doc_type, p["officer"], STEP[doc_type])


def test_the_hearing_papers(people, party, category):
    p = people
    case = to_notified(open_lead(p, party, category), p, fine=Decimal("5000"))  # a large fine (Art. 63)
    notice = Document.objects.of(case).get(doc_type="advance_notice")  # issued and served before the notice
    for text in (
        "罚款人民币5000.00元（大写：伍仟元整）",
        "要求举行听证",
        "五个工作日内",
        "第六十三条、第六十四条",
    ):
        assert text in notice.html, text
    # The window counts from when the party received the notice (Art. 64: 告知后五日内).
    assert case.hearing_request_due_at == rules.hearing_request_due(notice.service.effective_at)
    refused(case, "hearing_notice", p["officer"], STEP["hearing_notice"])
    case = services.request_hearing(case, by=p["officer"])
    refused(case, "hearing_notice", p["officer"], STEP["hearing_notice"])  # requested, not yet scheduled
    hearing_at = timezone.now() + timedelta(days=30)
    case = services.schedule_hearing(
        case, by=p["leader"], hearing_at=hearing_at, hearing_place="本局三楼听证室", chair=p["reviewer"]
    )
    issued(
        case,
        "hearing_notice",
        p["leader"],
        "听证通知书",
        "陈某某：",
        paper_moment(hearing_at),
        "本局三楼听证室",
        "赵法制",
    )
    refused(case, "hearing_notice", p["leader"], ALREADY)
    refused(case, "hearing_record", p["leader"], STEP["hearing_record"])
    # The day of the hearing comes (the scheduled moment moved into the past, as time would).
    Case.objects.filter(pk=case.pk).update(hearing_at=timezone.now() - timedelta(hours=1))
    case = services.record_hearing(
        reload(case), by=p["reviewer"], hearing_record="当事人对违法事实无异议，请求从轻处罚。"
    )
    record = issued(
        case,
        "hearing_record",
        p["reviewer"],
        "听证笔录",
        "赵法制",
        "当事人对违法事实无异议，请求从轻处罚。",
        "张三",
        "李四",
    )
    assert record.values["chair"] == "赵法制"
    refused(case, "hearing_notice", p["leader"], STEP["hearing_notice"])  # held: no more notice


def test_the_penalty_decision_and_its_service(people, party, category, district_a, pdf):
    p = people
    case = to_decided(open_lead(p, party, category), p)
    refused(
        case,
        "proof_of_service",
        p["officer"],
        "cannot be issued yet: the record has no penalty decision to serve",
    )
    with pytest.raises(TransitionNotAllowed) as refusal:
        services.serve(case, by=p["officer"])
    assert "Record the service of the penalty decision first" in refusal.value.message

    services.add_evidence(
        case, photo(), by=p["officer"], evidence_type="photo", description="决定后补拍的照片"
    )
    decision, text = pdf(lambda: issue_document(reload(case), "penalty_decision", by=p["head"]))
    for words in (
        "行政处罚决定书",
        decision.number,
        "陈某某",
        ID_NUMBER,
        FACTS,
        "1. 照片：占道现场照片",
        "2. 询问笔录：对当事人的询问笔录",
        "《城市市容和环境卫生管理条例》第十四条",
        "《城市市容和环境卫生管理条例》第三十六条",
        "罚款人民币400.00元（大写：肆佰元整）",  # what was decided, not the 500 notified
        CORRECTION,
        "当事人表示愿意改正",
        "十五日内，持本决定书到指定的银行",
        "罚缴分离",
        "六十日内依法申请行政复议",
        "六个月内依法向人民法院提起行政诉讼",
        district_a.name,
        paper_date(case.decided_at),
    ):
        assert words in decision.html, words
    assert "伍佰元整" not in decision.html
    assert "决定后补拍的照片" not in decision.html  # the decision rests on the evidence gathered before it
    for words in ("行政处罚决定书", decision.number, "肆佰元整", "罚缴分离"):
        assert words in text, words
    refused(case, "penalty_decision", p["officer"], ALREADY)

    proof = issued(
        case, "proof_of_service", p["officer"], "送达回证", decision.number, "陈某某", "受送达人签名或者盖章"
    )
    assert proof.values["decision_number"] == decision.number

    served_at = timezone.now()
    service = record_service(
        decision, by=p["officer"], method="in_person", served_at=served_at, recipient="陈某某"
    )
    case = services.serve(reload(case), by=p["officer"])
    assert case.status == S.SERVED and case.served_at == service.effective_at == served_at


def test_a_voided_decision_may_be_issued_again_and_its_new_number_is_served(people, party, category):
    p = people
    case = to_decided(open_lead(p, party, category), p)
    first = issue_document(reload(case), "penalty_decision", by=p["officer"])
    void_document(first, by=p["leader"], reason="当事人名称有误")
    second = issued(case, "penalty_decision", p["officer"], "肆佰元整")
    proof = issued(case, "proof_of_service", p["officer"], second.number)
    assert first.number not in proof.html


def test_the_closing_report_once_closing_is_proposed(people, party, category):
    p = people
    case = to_decided(open_lead(p, party, category), p)
    decision = issue_document(reload(case), "penalty_decision", by=p["officer"])
    record_service(decision, by=p["officer"], method="in_person", recipient="陈某某")
    case = services.execute(services.serve(reload(case), by=p["officer"]), by=p["officer"])
    refused(case, "closing_report", p["officer"], STEP["closing_report"])
    summary = "当事人已于缴款期限内到银行缴纳罚款400元，占道物品已清理"
    case = services.request_closing(pay_in_full(case, p["officer"]), by=p["officer"], reason=summary)
    report = issued(
        case,
        "closing_report",
        p["officer"],
        "结案报告",
        summary,
        decision.number,
        "肆佰元整",
        "张三",
        paper_date(case.served_at),
    )
    assert report.values["approver"] == ""  # not yet approved: the opinion is written by hand
    refused(case, "closing_report", p["officer"], ALREADY)
    case = services.decide_closing(case, by=p["leader"], decision="approved", opinion="同意结案")
    assert case.status == S.CLOSED
    void_document(report, by=p["leader"], reason="补记审批意见")
    approved = issued(case, "closing_report", p["leader"], summary, "同意结案", "王队长")
    assert approved.values["opinion"] == "同意结案"
    refused(case, "correction_order", p["officer"], STEP["correction_order"])  # closed: no longer open


# --- who issues ---------------------------------------------------------------------------------------------------
def test_a_legal_reviewer_does_not_issue_the_cases_papers(people, party, category):
    p = people
    case = to_decided(open_lead(p, party, category), p)
    with pytest.raises(PermissionDenied) as refusal:
        issue_document(reload(case), "penalty_decision", by=p["reviewer"])
    assert "Your role does not allow issuing “Penalty decision”." in str(refusal.value)
    assert issued(case, "penalty_decision", p["head"], "肆佰元整").issued_by == p["head"]
