"""The documents of a case (执法文书, PRODUCT §3, §5), declared for the platform's documents service
(enforcement/documents/registry.py): each with the step at which it may be issued, the fields it carries in
the order of the paper form, and its template. The paper is Chinese whatever the issuer's language: its words
here (a penalty, a kind of evidence) are the paper's own, not translated.

- 当场行政处罚决定书 (Art. 52): the simple procedure's decision, issued by the officer as the case is decided
  on the spot (services.decide_on_the_spot issues it in the same transaction).
- 立案审批表: once the filing has been approved, with the request's reason and the approver's opinion.
- 询问笔录, 现场检查（勘验）笔录 (Art. 55): the numbered blank forms the two investigating officers fill in by
  hand and have signed, while the case is investigated; as many as needed.
- 行政处罚事先告知书 (Art. 44): the intended penalty and the rights to state and defend (Art. 45) and, when the
  penalty qualifies (Art. 63), to request a hearing within 5 working days (Art. 64).
- 听证通知书, 听证笔录 (Art. 64): once a hearing is scheduled; once it has been held.
- 行政处罚决定书 (Art. 59): the general procedure's decision, with the evidence, the payment at the bank
  (罚缴分离, Art. 67) and the appeal route; its proof of service is what the case's `serve` action needs.
- 送达回证 (Art. 61): the form the addressee signs on receiving the decision.
- 结案报告: once the closing has been proposed (or approved).
- 责令改正通知书 (Art. 28): the order to correct, from filing on while the case is open.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from enforcement.approvals.choices import ApprovalDecision
from enforcement.catalog.params import get_int
from enforcement.documents.models import Document
from enforcement.documents.registry import DocumentSpec, Field, Step, register
from enforcement.documents.rendering import paper_date, paper_moment

from .choices import (
    HANDLERS,
    HEAD,
    LEGAL,
    LINE,
    OPEN_STATUSES,
    CaseStatus,
    PenaltyKind,
    PenaltyStage,
    Procedure,
)
from .models import CLOSING_KIND, FILING_KIND
from .permissions import sees_id_numbers
from .rules import can_notify

S = CaseStatus
K = PenaltyKind
ISSUERS = HANDLERS | LINE | HEAD  # officers and squad leaders who handle cases, and their supervisors

# From the decision on: the statuses of a decided case (the general procedure's later steps included).
DECIDED_ON = frozenset({S.DECIDED, S.SERVED, S.EXECUTING, S.CLOSED, S.ARCHIVED})
NOTIFIED_ON = frozenset({S.NOTIFIED, *DECIDED_ON})
FILED_OPEN = OPEN_STATUSES - {S.LEAD}


# --- numbers as a paper writes them ----------------------------------------------------------------------
CAPITAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
CAPITAL_PLACES = ((1000, "仟"), (100, "佰"), (10, "拾"), (1, ""))
CAPITAL_GROUPS = ("", "万", "亿")
CENT = Decimal("0.01")


def _capital_group(number):
    """1..9999 in capitals, without leading zeros: 1005 → 壹仟零伍, 10 → 壹拾."""
    text, zero = "", False
    for value, place in CAPITAL_PLACES:
        digit = number // value % 10
        if digit == 0:
            zero = bool(text)
            continue
        if zero:
            text += "零"
            zero = False
        text += CAPITAL_DIGITS[digit] + place
    return text


def _capital_integer(number):
    """A whole number of yuan in capitals: 10005 → 壹万零伍, 100010000 → 壹亿零壹万."""
    if number == 0:
        return "零"
    groups = []
    while number:
        groups.append(number % 10000)
        number //= 10000
    text, gap = "", False
    for index in reversed(range(len(groups))):
        group = groups[index]
        if group == 0:
            gap = bool(text)
            continue
        if text and (gap or group < 1000):
            text += "零"
        text += _capital_group(group) + CAPITAL_GROUPS[index]
        gap = False
    return text


def yuan_in_capitals(amount):
    """An amount of yuan in Chinese capital numerals (大写), as a bill or a decision writes it (支付结算办法
    附件一): 200 → 贰佰元整, 200.01 → 贰佰元零壹分, 10005 → 壹万零伍元整, 0.50 → 伍角. Whole yuan end
    in 整; a zero 角 before a 分 is written 零."""
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        raise ValueError(f"Not an amount: {amount!r}") from None
    if not value.is_finite() or value < 0 or value != value.quantize(CENT):
        raise ValueError(f"Not an amount of yuan with at most two decimals: {amount!r}")
    cents = int((value * 100).to_integral_value())
    whole, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    if whole >= 10**12:
        raise ValueError(f"Too large an amount: {amount!r}")
    if jiao == 0 and fen == 0:
        return _capital_integer(whole) + "元整"
    text = _capital_integer(whole) + "元" if whole else ""
    if jiao:
        text += CAPITAL_DIGITS[jiao] + "角"
    elif whole:
        text += "零"  # 元零壹分
    if fen:
        text += CAPITAL_DIGITS[fen] + "分"
    return text


SMALL_DIGITS = "零一二三四五六七八九"


def chinese_count(number):
    """A period's count as a paper writes it: 15 → 十五, 60 → 六十, 6 → 六, 105 → 一百零五 (up to 999; a
    larger one in Arabic digits)."""
    number = int(number)
    if number < 0 or number > 999:
        return str(number)
    if number < 10:
        return SMALL_DIGITS[number]
    hundreds, tens, ones = number // 100, number // 10 % 10, number % 10
    text = SMALL_DIGITS[hundreds] + "百" if hundreds else ""
    if tens:
        text += ("" if tens == 1 and not hundreds else SMALL_DIGITS[tens]) + "十"
    elif hundreds and ones:
        text += "零"
    if ones:
        text += SMALL_DIGITS[ones]
    return text


def yuan(amount):
    return f"{Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)}"


def day_of(date):
    """A date (not a moment) as a paper writes it: 2026年12月1日."""
    return f"{date.year}年{date.month}月{date.day}日" if date else ""


# --- the paper's words -----------------------------------------------------------------------------------------
PENALTY_WORDS = {
    K.WARNING: "警告",
    K.FINE: "罚款",
    K.CONFISCATE_GAINS: "没收违法所得",
    K.CONFISCATE_PROPERTY: "没收非法财物",
    K.SUSPEND_LICENCE: "暂扣许可证件",
    K.REVOKE_LICENCE: "吊销许可证件",
    K.STOP_BUSINESS: "责令停产停业",
    K.DEMOLISH: "责令限期拆除",
}
EVIDENCE_WORDS = {
    "inquiry_record": "询问笔录",
    "inspection_record": "现场检查（勘验）笔录",
    "photo": "照片",
    "video": "视听资料（视频）",
    "audio": "视听资料（录音）",
    "document": "书证",
    "expert_opinion": "鉴定意见",
}
SOURCE_WORDS = {
    "patrol": "巡查发现",
    "complaint": "投诉举报",
    "campaign": "专项整治",
    "referral": "有关部门移送",
    "other": "其他",
}
KIND_ORDER = {kind: index for index, kind in enumerate(K.values)}


def penalty_text(penalties):
    """The penalties as the decision states them, in the law's order: 罚款人民币200.00元（大写：贰佰元整）；警告."""
    parts = []
    for penalty in sorted(penalties, key=lambda p: KIND_ORDER.get(p.kind, 99)):
        words = PENALTY_WORDS.get(penalty.kind, penalty.kind)
        if penalty.kind in (K.FINE, K.CONFISCATE_GAINS) and penalty.amount is not None:
            words += f"人民币{yuan(penalty.amount)}元（大写：{yuan_in_capitals(yuan(penalty.amount))}）"
        elif penalty.kind == K.CONFISCATE_PROPERTY and penalty.amount is not None:
            words += f"（价值人民币{yuan(penalty.amount)}元）"
        elif penalty.kind == K.DEMOLISH and penalty.area is not None:
            words += f"（违法建筑面积{penalty.area}平方米，限自本决定书送达之日起{penalty.deadline_days}日内自行拆除）"
        parts.append(words)
    return "；".join(parts)


def _penalties(case, stage):
    rows = case.penalties_at(stage)  # what the detail page has prefetched
    return {
        "penalty": penalty_text(rows),
        "penalty_detail": next((p.detail for p in rows if p.detail), ""),
        "has_fine": any(p.kind == K.FINE for p in rows),
    }


def _officer(user):
    if user is None:
        return "", ""
    return (user.full_name or user.username), user.certificate_no


def _person(user):
    return (user.full_name or user.username) if user is not None else ""


def party_context(case):
    """Who the paper is addressed to, with the full identity number (the paper identifies the party; lists and
    exports mask it)."""
    return party_values(case.party)


def party_values(party):
    """A register party as the papers address it (`party_context` for a case's)."""
    organisation = party.is_organisation
    return {
        "party_name": party.name,
        "party_identity_label": "统一社会信用代码" if organisation else "身份证号码",
        "party_identity": party.credit_code if organisation else party.id_number,
        "party_representative": party.legal_representative if organisation else "",
        "party_address": party.address,
        "party_phone": party.phone,
    }


def _case(case):
    return {
        "case_number": case.number,
        "category": case.category.name,
        "facts": case.facts,
        "place": case.address,
        "act_date": day_of(case.act_date),
        "legal_basis": case.legal_basis,
        "penalty_basis": case.penalty_basis,
    }


def _appeal():
    """The appeal route every decision states (Art. 52, 59): 行政复议 within 60 days, 行政诉讼 within 6 months."""
    return {
        "reconsideration_period": chinese_count(get_int("reconsideration_days")) + "日",
        "litigation_period": chinese_count(get_int("litigation_months")) + "个月",
        "payment_period": chinese_count(get_int("payment_days")) + "日",
    }


def _investigators(case):
    handler, handler_certificate = _officer(case.handler)
    co_handler, co_handler_certificate = _officer(case.co_handler)
    return {
        "handler": handler,
        "handler_certificate": handler_certificate,
        "co_handler": co_handler,
        "co_handler_certificate": co_handler_certificate,
    }


def _approval(case, kind, *decisions):
    """The latest approval of `kind` in one of `decisions`, from what the detail page has prefetched."""
    found = [a for a in case._approvals() if a.kind == kind and a.decision in decisions]
    return max(found, key=lambda a: (a.requested_at, a.pk or 0), default=None)


def _live_number(case, doc_type):
    document = Document.objects.of(case).live().filter(doc_type=doc_type).order_by("-issued_at").first()
    return document.number if document is not None else ""


# --- contexts -------------------------------------------------------------------------------------------------
def on_the_spot_context(case):
    officer, certificate = _officer(case.handler)
    values = {**party_context(case), **_case(case), **_penalties(case, PenaltyStage.DECIDED), **_appeal()}
    if case.paid_on_spot:
        payment = f"当场收缴罚款，罚款收据编号：{case.receipt_no}（《中华人民共和国行政处罚法》第六十八条、第七十条）。"
    elif values["has_fine"]:
        payment = (
            f"当事人应当自收到本决定书之日起{values['payment_period']}内，到指定的银行或者通过电子支付系统"
            "缴纳罚款（《中华人民共和国行政处罚法》第六十七条）。到期不缴纳罚款的，每日按罚款数额的百分之三"
            "加处罚款（第七十二条）。"
        )
    else:
        payment = ""
    return {
        **values,
        "decided_at": paper_moment(case.decided_at),
        "correction_order": case.correction_order,
        "paid_on_spot": case.paid_on_spot,
        "receipt_no": case.receipt_no if case.paid_on_spot else "",
        "payment": payment,
        "officer": officer,
        "officer_certificate": certificate,
    }


def filing_approval_context(case):
    request = _approval(case, FILING_KIND, ApprovalDecision.APPROVED)
    return {
        **party_context(case),
        **_case(case),
        "source": SOURCE_WORDS.get(case.source, case.source),
        "registered_at": paper_date(case.registered_at),
        "reason": request.reason if request else "",
        "requested_by": _person(request.requested_by) if request else "",
        "requested_at": paper_date(request.requested_at) if request else "",
        "opinion": request.opinion if request else "",
        "approver": _person(request.decided_by) if request else "",
        "approved_at": paper_date(request.decided_at) if request else "",
        "filed_at": paper_date(case.filed_at),
    }


def record_form_context(case):
    return {**party_context(case), **_case(case), **_investigators(case)}


def advance_notice_context(case):
    from .rules import hearing_qualifies

    hearing = hearing_qualifies(case)
    return {
        **party_context(case),
        **_case(case),
        **_penalties(case, PenaltyStage.NOTIFIED),
        **_investigators(case),
        "notified_at": paper_date(case.notified_at),
        "hearing_right": hearing,
        "hearing_period": chinese_count(get_int("hearing_request_working_days")) + "个工作日",
        "statement_period": chinese_count(get_int("statement_working_days")) + "个工作日",
    }


def hearing_notice_context(case):
    return {
        **party_context(case),
        **_case(case),
        "hearing_at": paper_moment(case.hearing_at),
        "hearing_place": case.hearing_place,
        "chair": _person(case.hearing_chair),
    }


def hearing_record_context(case):
    return {
        **hearing_notice_context(case),
        **_investigators(case),
        "hearing_held_at": paper_date(case.hearing_held_at),
        "hearing_record": case.hearing_record,
    }


def penalty_decision_context(case):
    # The evidence the decision rests on: what was gathered before it (later additions are new items).
    items = sorted(
        (item for item in case.evidence.all() if not item.after_decision), key=lambda e: (e.uploaded_at, e.pk)
    )
    evidence = [
        f"{index}. {EVIDENCE_WORDS.get(item.evidence_type, item.evidence_type)}"
        + (f"：{item.description}" if item.description else "")
        for index, item in enumerate(items, start=1)
    ]
    return {
        **party_context(case),
        **_case(case),
        **_penalties(case, PenaltyStage.DECIDED),
        **_appeal(),
        "filed_at": paper_date(case.filed_at),
        "notified_at": paper_date(case.notified_at),
        "statement": case.statement,
        "hearing_held_at": paper_date(case.hearing_held_at),
        "evidence": "\n".join(evidence),
        "correction_order": case.correction_order,
        "decided_at": paper_date(case.decided_at),
    }


def proof_of_service_context(case):
    return {
        **party_context(case),
        "case_number": case.number,
        "decision_number": _live_number(case, "penalty_decision"),
    }


def closing_report_context(case):
    closing = _approval(case, CLOSING_KIND, ApprovalDecision.PENDING, ApprovalDecision.APPROVED)
    approved = closing is not None and closing.decision == ApprovalDecision.APPROVED
    return {
        **party_context(case),
        **_case(case),
        **_penalties(case, PenaltyStage.DECIDED),
        "filed_at": paper_date(case.filed_at),
        "decision_number": _live_number(case, "penalty_decision"),
        "decided_at": paper_date(case.decided_at),
        "served_at": paper_date(case.served_at),
        "summary": closing.reason if closing else "",
        "requested_by": _person(closing.requested_by) if closing else "",
        "requested_at": paper_date(closing.requested_at) if closing else "",
        "opinion": closing.opinion if approved else "",
        "approver": _person(closing.decided_by) if approved else "",
        "approved_at": paper_date(closing.decided_at) if approved else "",
    }


def correction_order_context(case):
    return {**party_context(case), **_case(case), "correction_order": case.correction_order}


# --- steps ----------------------------------------------------------------------------------------------------
def _general(case):
    return case.procedure == Procedure.GENERAL


def _closing_proposed(case):
    return (_general(case) or case.status == S.EXECUTING or case.status == S.CLOSED) and (
        _approval(case, CLOSING_KIND, ApprovalDecision.PENDING, ApprovalDecision.APPROVED) is not None
    )


STEPS = {
    "on_the_spot_decision": Step(
        lambda c: c.procedure == Procedure.SIMPLE and c.status in DECIDED_ON and c.decided_at is not None,
        _(
            "An on-the-spot penalty decision is issued when a case is decided on the spot under the simple "
            "procedure (Administrative Penalty Law, Art. 52)."
        ),
    ),
    "filing_approval": Step(
        lambda c: _general(c) and c.filed_at is not None and c.status not in {S.LEAD, S.NOT_FILED},
        _(
            "The case filing approval form is issued once the filing of the case has been approved "
            "(Administrative Penalty Law, Art. 54)."
        ),
    ),
    "inquiry_record": Step(
        lambda c: _general(c) and c.status == S.INVESTIGATING,
        _(
            "An inquiry record is made while the case is being investigated, by its two investigating officers "
            "(Administrative Penalty Law, Art. 42, 55)."
        ),
    ),
    "inspection_record": Step(
        lambda c: _general(c) and c.status == S.INVESTIGATING,
        _(
            "A site inspection record is made while the case is being investigated, by its two investigating "
            "officers (Administrative Penalty Law, Art. 42, 55)."
        ),
    ),
    "advance_notice": Step(
        lambda c: _general(c) and c.status in {S.REVIEW, S.DISCUSSION} and can_notify(c, None),
        _(
            "The advance notice of penalty is issued once the investigation report has been approved (and, for a "
            "complex or major case, the collective discussion), before the party is notified (Administrative "
            "Penalty Law, Art. 44, 57)."
        ),
    ),
    "hearing_notice": Step(
        lambda c: c.status == S.NOTIFIED and c.hearing_at is not None and c.hearing_held_at is None,
        _(
            "A hearing notice is issued once a hearing has been scheduled, before it is held (Administrative "
            "Penalty Law, Art. 64)."
        ),
    ),
    "hearing_record": Step(
        lambda c: c.hearing_held_at is not None,
        _(
            "The hearing record is issued once the hearing has been held (Administrative Penalty Law, Art. 64)."
        ),
    ),
    "penalty_decision": Step(
        lambda c: _general(c) and c.status in DECIDED_ON and c.decided_at is not None,
        _(
            "A penalty decision is issued once a bureau head has decided the case under the general procedure "
            "(Administrative Penalty Law, Art. 59)."
        ),
    ),
    "proof_of_service": Step(
        lambda c: _general(c) and c.status in DECIDED_ON and c.decided_at is not None,
        _(
            "A proof of service is issued once the case has been decided under the general procedure, to serve "
            "the penalty decision (Administrative Penalty Law, Art. 61)."
        ),
    ),
    "closing_report": Step(
        _closing_proposed,
        _("The case closing report is issued once the closing of the case has been proposed or approved."),
    ),
    "correction_order": Step(
        lambda c: c.status in FILED_OPEN,
        _(
            "An order to correct is issued once the case has been filed, while it is open (Administrative "
            "Penalty Law, Art. 28)."
        ),
    ),
}

# --- the fields, in the paper's order ---------------------------------------------------------------------------
PARTY = (
    Field("party_name", _("party")),
    Field("party_identity", _("party's ID number or credit code"), required=False),
    Field("party_address", _("party's address"), required=False),
)
INVESTIGATORS = (
    Field("handler", _("investigating officer")),
    Field("handler_certificate", _("investigating officer's certificate number")),
    Field("co_handler", _("second investigating officer")),
    Field("co_handler_certificate", _("second investigating officer's certificate number")),
)
CASE_NUMBER = Field("case_number", _("case number"))
FACTS = Field("facts", _("facts"))
PLACE = Field("place", _("place"))
LEGAL_BASIS = Field("legal_basis", _("legal basis"))
PENALTY_BASIS = Field("penalty_basis", _("penalty basis"))
CORRECTION = Field("correction_order", _("order to correct"))


# A case's papers carry the party's full ID number: only the roles that work on cases read them (the intake
# desk and statisticians see that a paper was issued, not its content).
PAPERS_READ_BY = _(
    "Only the roles that work on cases read a case's papers: they carry the party's ID number."
)


def case_document(doc_type, fields, context, roles=ISSUERS, **options):
    return register(
        DocumentSpec(
            type=doc_type,
            model="cases.Case",
            step=STEPS[doc_type],
            fields=fields,
            context=context,
            template=f"cases/documents/{doc_type}.html",
            roles=roles,
            **{"may_read": sees_id_numbers, "read_message": PAPERS_READ_BY, **options},
        )
    )


ON_THE_SPOT_DECISION = case_document(
    "on_the_spot_decision",
    (
        *PARTY,
        FACTS,
        Field("act_date", _("date of the act")),
        PLACE,
        LEGAL_BASIS,
        PENALTY_BASIS,
        Field("penalty", _("penalty")),
        CORRECTION,
        Field("payment", _("payment of the fine"), required=False),
        Field("decided_at", _("time of the decision")),
        Field("officer", _("officer")),
        Field("officer_certificate", _("officer's certificate number")),
    ),
    on_the_spot_context,
    once=True,
)

FILING_APPROVAL = case_document(
    "filing_approval",
    (
        CASE_NUMBER,
        Field("source", _("source of the case")),
        Field("category", _("category")),
        *PARTY,
        PLACE,
        Field("act_date", _("date of the act")),
        FACTS,
        Field("reason", _("reason for filing")),
        Field("requested_by", _("proposed by")),
        Field("opinion", _("approver's opinion"), required=False),
        Field("approver", _("approved by")),
        Field("approved_at", _("approved on")),
    ),
    filing_approval_context,
    once=True,
)

INQUIRY_RECORD = case_document(
    "inquiry_record",
    (CASE_NUMBER, *PARTY, PLACE, *INVESTIGATORS),
    record_form_context,
)

INSPECTION_RECORD = case_document(
    "inspection_record",
    (CASE_NUMBER, *PARTY, PLACE, *INVESTIGATORS),
    record_form_context,
)

ADVANCE_NOTICE = case_document(
    "advance_notice",
    (
        *PARTY,
        CASE_NUMBER,
        FACTS,
        LEGAL_BASIS,
        PENALTY_BASIS,
        Field("penalty", _("proposed penalty")),
    ),
    advance_notice_context,
    once=True,
)

HEARING_NOTICE = case_document(
    "hearing_notice",
    (
        *PARTY,
        CASE_NUMBER,
        Field("hearing_at", _("hearing at")),
        Field("hearing_place", _("hearing place")),
        Field("chair", _("hearing chair")),
    ),
    hearing_notice_context,
    once=True,
)

HEARING_RECORD = case_document(
    "hearing_record",
    (
        CASE_NUMBER,
        *PARTY,
        Field("hearing_at", _("hearing at")),
        Field("hearing_place", _("hearing place")),
        Field("chair", _("hearing chair")),
        Field("hearing_record", _("hearing record")),
    ),
    hearing_record_context,
    roles=ISSUERS | LEGAL,  # the hearing's chair is often the legal reviewer, who records it (Art. 64)
    once=True,
)

PENALTY_DECISION = case_document(
    "penalty_decision",
    (
        *PARTY,
        CASE_NUMBER,
        FACTS,
        Field("evidence", _("evidence")),
        LEGAL_BASIS,
        PENALTY_BASIS,
        Field("penalty", _("penalty")),
        CORRECTION,
        Field("decided_at", _("decided on")),
    ),
    penalty_decision_context,
    once=True,
)

PROOF_OF_SERVICE = case_document(
    "proof_of_service",
    (
        Field("decision_number", _("penalty decision to serve")),
        Field("party_name", _("party")),
        Field("party_address", _("party's address"), required=False),
    ),
    proof_of_service_context,
)

CLOSING_REPORT = case_document(
    "closing_report",
    (
        CASE_NUMBER,
        Field("category", _("category")),
        *PARTY,
        Field("penalty", _("penalty")),
        Field("decision_number", _("penalty decision"), required=False),
        Field("summary", _("how the penalty was carried out")),
        Field("requested_by", _("proposed by")),
        Field("opinion", _("approver's opinion"), required=False),
    ),
    closing_report_context,
    once=True,
)

CORRECTION_ORDER = case_document(
    "correction_order",
    (*PARTY, CASE_NUMBER, FACTS, CORRECTION),
    correction_order_context,
)
