"""The procedure is lawful by construction, through the services: each unlawful step of issue 11's "Bad input"
is refused with the article in its words and changes nothing already saved (status, version, timeline,
penalties, approvals); and the lawful paths — the hearing, the collective discussion, the rejections that
send a case back, the extension, the other outcomes, the simple procedure's cash and filing — go through.

Time: the services stamp `timezone.now()`; where the law's clock must have run (91 days since filing, the
hearing window closed, the hearing day come), the test moves the stored moments back with
`QuerySet.update`, as the passing days would."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework import serializers

from enforcement.approvals.choices import ApprovalDecision
from enforcement.audit.models import AuditEvent
from enforcement.catalog import law
from enforcement.workdays import calendar
from enforcement.workflow.exceptions import TransitionNotAllowed

from .. import rules, services
from ..choices import CaseStatus
from ..models import Case, CaseApproval, CaseEvidence, CasePenalty, Party
from ..workflow import WORKFLOW
from .conftest import JPEG, give_notice
from .factories import OrganisationFactory, PartyFactory

S = CaseStatus
APPROVED, REJECTED = ApprovalDecision.APPROVED, ApprovalDecision.REJECTED
ORDER = "立即停止占道经营"
TZ = timezone.get_default_timezone()


def make_people(make_user, district_a):
    """The officers, supervisors and reviewers a case passes through, in one district."""
    return {
        "officer": make_user("officer", unit=district_a, username="officer1", full_name="张三"),
        "officer2": make_user("officer", unit=district_a, username="officer2", full_name="李四"),
        "leader": make_user("squad_leader", unit=district_a, username="leader", full_name="王队"),
        "chair": make_user("squad_leader", unit=district_a, username="chair", full_name="赵队"),
        "reviewer": make_user("legal_reviewer", unit=district_a, username="reviewer", full_name="法制员"),
        "head": make_user("bureau_head", unit=district_a, username="head", full_name="局长"),
    }


@pytest.fixture
def people(make_user, district_a):
    return make_people(make_user, district_a)


def photo():
    return SimpleUploadedFile("现场.jpg", JPEG, content_type="image/jpeg")


def today():
    return timezone.localdate()


STEPS = ("lead", "filed", "investigating", "review", "reviewed", "notified")


def walk(
    p, category, to, *, fine="500", kinds=("fine",), party=None, handler="officer", co="officer2", **lead
):
    """A general case walked through the services up to `to` (one of STEPS): the officer opens the lead and
    proposes filing, the squad leader files it and assigns `handler` and `co`, who add a photo and report
    with the proposed penalty; the review (a legal reviewer's where Art. 58 makes it mandatory, else the
    squad leader's), for a complex case the collective discussion, and the advance notice."""
    lead.setdefault("act_date", today() - timedelta(days=2))
    case = services.open_lead(
        by=p["officer"],
        party=party or PartyFactory(created_by=p["officer"]),
        category=category,
        facts="占用城市道路摆卖水果",
        address="祖庙路",
        **lead,
    )
    stop = STEPS.index(to)
    if stop >= 1:
        case = services.request_filing(case, by=p["officer"], reason="证据初步确凿")
        case = services.decide_filing(case, by=p["leader"], decision=APPROVED, opinion="同意立案")
    if stop >= 2:
        case = services.assign_officers(case, by=p["leader"], handler=p[handler], co_handler=p[co])
        services.add_evidence(case, photo(), by=p[handler], evidence_type="photo", description="现场照片")
    if stop >= 3:
        case = services.submit_report(
            case,
            by=p[handler],
            report="事实清楚，证据确凿",
            penalty_kinds=list(kinds),
            fine=fine,
            correction_order=ORDER,
        )
    if stop >= 4:
        legal = case.approvals.get(decision="pending").kind == "case_legal_review"
        case = services.decide_review(case, by=p["reviewer" if legal else "leader"], decision=APPROVED)
        if case.status == S.DISCUSSION:
            case = services.decide_discussion(case, by=p["head"], decision=APPROVED, opinion="集体讨论同意")
    if stop >= 5:
        case = give_notice(case, p[handler])
    return Case.objects.get(pk=case.pk)


def state(case):
    """What a refused step must leave as it was."""
    fresh = Case.objects.get(pk=case.pk)
    return {
        "status": fresh.status,
        "version": fresh.version,
        "timeline": AuditEvent.objects.for_timeline(fresh).count(),
        "penalties": sorted(CasePenalty.objects.filter(case=fresh).values_list("stage", "kind", "amount")),
        "approvals": sorted(CaseApproval.objects.filter(case=fresh).values_list("kind", "decision", "id")),
        "moments": (fresh.filed_at, fresh.decision_due_at, fresh.hearing_requested_at, fresh.decided_at),
        "handlers": (fresh.handler_id, fresh.co_handler_id),
    }


def words(exc):
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(getattr(exc, "message", exc))


def refused(case, exception, step, *expected):
    """`step()` raises `exception`, whose words contain each of `expected`, and the case is as it was."""
    before = state(case)
    with pytest.raises(exception) as info:
        step()
    text = words(info.value)
    for part in expected:
        assert part in text, text
    assert state(case) == before
    return text


def age(case, **moments):
    Case.objects.filter(pk=case.pk).update(**moments)
    return Case.objects.get(pk=case.pk)


def on_the_spot(p, category, *, by="officer", party=None, **kw):
    kw.setdefault("penalty_kinds", ["fine"])
    kw.setdefault("fine", Decimal("150"))
    return services.decide_on_the_spot(
        by=p[by],
        party=party or PartyFactory(created_by=p[by]),
        category=category,
        facts="占道摆卖",
        address="祖庙路",
        act_date=kw.pop("act_date", today()),
        correction_order=ORDER,
        **kw,
    )


def counts():
    return (Case.objects.count(), CasePenalty.objects.count(), AuditEvent.objects.count())


# --- bad input: each refused with its article, nothing changed -----------------------------------------------
def test_a_simple_case_of_200_01_yuan_on_an_individual_is_refused(people, category):
    before = counts()
    with pytest.raises(ValidationError) as info:
        on_the_spot(people, category, fine=Decimal("200.01"))
    assert "Art. 51" in words(info.value) and "general procedure" in words(info.value)
    assert counts() == before
    assert on_the_spot(people, category, fine=Decimal("200.00")).status == S.DECIDED


def test_over_the_art_51_ceiling_the_clerk_is_told_to_use_the_general_procedure_not_the_categorys_range(
    people, category
):
    """A category whose own range ends at 200 yuan (流动摊贩, 50–200): 200.01 breaks both rules; the one that
    tells an officer on the street what to do is Art. 51's."""
    category.fine_max_individual = Decimal("200")
    category.save()
    with pytest.raises(ValidationError) as info:
        on_the_spot(people, category, fine=Decimal("200.01"))
    assert "Art. 51" in words(info.value) and "Art. 34" not in words(info.value)


def test_an_organisation_may_be_fined_3000_on_the_spot_not_more(people, category):
    organisation = OrganisationFactory(created_by=people["officer"])
    with pytest.raises(ValidationError) as info:
        on_the_spot(people, category, party=organisation, fine=Decimal("3000.01"))
    assert "Art. 51" in words(info.value)
    assert on_the_spot(people, category, party=organisation, fine=Decimal("3000")).fine_decided == 3000


def test_cash_on_the_spot_above_100_yuan_is_refused(people, category):
    before = counts()
    with pytest.raises(ValidationError) as info:
        on_the_spot(people, category, fine=Decimal("100.01"), paid_on_spot=True, receipt_no="NO.1")
    assert "Art. 68" in words(info.value)
    with pytest.raises(ValidationError) as info:
        on_the_spot(people, category, fine=Decimal("100"), paid_on_spot=True, receipt_no="")
    assert "Art. 70" in words(info.value)
    assert counts() == before


def ninety_one_days_ago():
    """A filing moment whose 90 days (moved past a rest day, 民法典 Art. 203) have ended by now."""
    now = timezone.now()
    days = 91
    while rules.decision_due(now - timedelta(days=days)) >= now:
        days += 1
    return now - timedelta(days=days)


def test_a_decision_91_days_after_filing_without_extension_is_refused(people, category):
    p = people
    case = walk(p, category, "notified")
    case = services.request_decision(
        case, by=p["officer"], penalty_kinds=["fine"], fine="400", correction_order=ORDER, reason="拟罚400元"
    )
    filed = ninety_one_days_ago()
    case = age(case, filed_at=filed, decision_due_at=rules.decision_due(filed))
    refused(
        case,
        TransitionNotAllowed,
        lambda: services.decide(case, by=p["head"], decision=APPROVED),
        "Art. 60",
        "extension",
    )
    assert CaseApproval.objects.get(case=case, kind="case_decision").decision == "pending"


def test_a_decision_after_90_days_within_an_approved_extension_goes_through(people, category):
    p = people
    case = walk(p, category, "notified")
    case = services.request_extension(case, by=p["officer"], reason="案情复杂需延期", days=10)
    case = services.decide_extension(case, by=p["head"], decision=APPROVED, opinion="同意延期")
    assert case.extended_days == 10
    assert case.decision_due_at == rules.decision_due(case.filed_at, 10)
    case = services.request_decision(
        case, by=p["officer"], penalty_kinds=["fine"], fine="400", correction_order=ORDER, reason="拟罚400元"
    )
    filed = ninety_one_days_ago()  # the clock runs on: day 91 or later, within the 100 days
    case = age(case, filed_at=filed, decision_due_at=rules.decision_due(filed, 10))
    assert case.decision_due_at > timezone.now()
    case = services.decide(case, by=p["head"], decision=APPROVED, opinion="同意")
    assert case.status == S.DECIDED


def test_a_decision_request_after_the_90_days_is_refused(people, category):
    p = people
    case = walk(p, category, "notified")
    filed = timezone.now() - timedelta(days=120)
    case = age(case, filed_at=filed, decision_due_at=rules.decision_due(filed))
    refused(
        case,
        TransitionNotAllowed,
        lambda: services.request_decision(
            case, by=p["officer"], penalty_kinds=["fine"], fine="400", correction_order=ORDER, reason="拟罚"
        ),
        "Art. 60",
    )


def test_the_investigating_officer_who_is_a_bureau_head_does_not_decide(
    people, category, make_user, district_a
):
    p = dict(people, officer_head=make_user("officer", "bureau_head", unit=district_a, full_name="兼职局长"))
    case = walk(p, category, "notified", handler="officer_head", co="officer2")
    case = services.request_decision(
        case, by=p["officer2"], penalty_kinds=["fine"], fine="400", correction_order=ORDER, reason="拟罚400元"
    )
    assert "decide" not in case.allowed_actions(p["officer_head"])
    refused(
        case,
        TransitionNotAllowed,
        lambda: services.decide(case, by=p["officer_head"], decision=APPROVED),
        "did not investigate",
    )
    refused(
        case,
        PermissionDenied,
        lambda: services.decide_no_penalty(case, by=p["officer_head"], reason="情节轻微"),
        "You investigated this case",
    )
    assert "decide" in case.allowed_actions(p["head"])
    assert services.decide(case, by=p["head"], decision=APPROVED).decided_by == p["head"]


@pytest.mark.parametrize("problem", ["one", "same", "expired"])
def test_two_different_officers_with_valid_certificates_investigate(people, category, problem):
    p = people
    case = walk(p, category, "filed")
    if problem == "expired":
        p["officer2"].certificate_expires = today() - timedelta(days=1)
        p["officer2"].save()
    co = {"one": None, "same": p["officer"], "expired": p["officer2"]}[problem]
    text = refused(
        case,
        ValidationError,
        lambda: services.assign_officers(case, by=p["leader"], handler=p["officer"], co_handler=co),
        "Art. 42",
    )
    if problem == "expired":
        assert "李四 has no valid enforcement certificate" in text


def test_the_investigating_officers_are_of_the_cases_unit(people, category, make_user, district_b):
    p = people
    case = walk(p, category, "filed")
    stranger = make_user("officer", unit=district_b)
    refused(
        case,
        ValidationError,
        lambda: services.assign_officers(case, by=p["leader"], handler=p["officer"], co_handler=stranger),
        "Choose an officer of the case's unit",
    )


def test_a_decision_after_a_hearing_needs_a_new_legal_review_the_full_hearing_path(people, category):
    """Request → schedule 7 working days ahead with a chair who did not investigate → record → legal review
    of the record → decision."""
    p = people
    case = walk(p, category, "notified", fine="5000")  # above 3,000 yuan: a hearing may be asked (Art. 63)
    assert (
        CaseApproval.objects.exclude(kind="case_filing").get(case=case).kind == "case_legal_review"
    )  # the large fine's review
    assert "request_hearing" in case.allowed_actions(p["officer"])
    refused(
        case,
        TransitionNotAllowed,
        lambda: services.request_decision(
            case, by=p["officer"], penalty_kinds=["fine"], fine="5000", correction_order=ORDER, reason="拟罚"
        ),
        "may still ask for a hearing",
        "Art. 64",
    )
    case = services.request_hearing(case, by=p["officer"])
    refused(
        case,
        TransitionNotAllowed,
        lambda: services.request_decision(
            case, by=p["officer"], penalty_kinds=["fine"], fine="5000", correction_order=ORDER, reason="拟罚"
        ),
        "hold and record it before deciding",
        "Art. 64",
    )
    earliest = calendar.add_working_days(today(), 7)
    hearing_at = datetime.combine(earliest, time(10), tzinfo=TZ)
    refused(
        case,
        ValidationError,
        lambda: services.schedule_hearing(
            case,
            by=p["leader"],
            hearing_at=hearing_at - timedelta(days=1),
            hearing_place="听证室",
            chair=p["chair"],
        ),
        "Art. 64",
        "7 working days",
    )
    refused(
        case,
        ValidationError,
        lambda: services.schedule_hearing(
            case, by=p["leader"], hearing_at=hearing_at, hearing_place="听证室", chair=p["officer2"]
        ),
        "did not investigate",
    )
    case = services.schedule_hearing(
        case, by=p["leader"], hearing_at=hearing_at, hearing_place="听证室", chair=p["chair"]
    )
    assert case.hearing_chair == p["chair"]
    refused(
        case,
        TransitionNotAllowed,
        lambda: services.record_hearing(case, by=p["chair"], hearing_record="听证笔录"),
        "once it has been held",
    )
    case = age(case, hearing_at=timezone.now() - timedelta(hours=1))  # the hearing day has come
    refused(
        case,
        PermissionDenied,
        lambda: services.record_hearing(case, by=p["officer"], hearing_record="听证笔录"),
        "did not investigate",
    )
    case = services.record_hearing(case, by=p["chair"], hearing_record="当事人到场陈述申辩")
    assert case.hearing_held_at is not None
    refused(
        case,
        TransitionNotAllowed,
        lambda: services.request_decision(
            case, by=p["officer"], penalty_kinds=["fine"], fine="5000", correction_order=ORDER, reason="拟罚"
        ),
        "Art. 58",
        "a hearing was held",
    )
    case = services.request_legal_review(case, by=p["officer"], reason="听证后法制审核")
    assert "decide_review" not in case.allowed_actions(p["leader"])  # a legal review is a legal reviewer's
    case = services.decide_review(case, by=p["reviewer"], decision=APPROVED, opinion="程序合法")
    assert case.status == S.NOTIFIED
    case = services.request_decision(
        case,
        by=p["officer"],
        penalty_kinds=["fine"],
        fine="4000",
        correction_order=ORDER,
        reason="听证后拟罚4000元",
    )
    case = services.decide(case, by=p["head"], decision=APPROVED, opinion="同意")
    assert (case.status, case.fine_decided) == (S.DECIDED, Decimal("4000.00"))
    assert case.service_due_at == rules.service_due(case.decided_at)


def test_a_decision_on_a_case_of_major_public_interest_needs_the_legal_review(people, category):
    p = people
    case = walk(p, category, "notified")
    assert (
        CaseApproval.objects.exclude(kind="case_filing").get(case=case).kind == "case_report_review"
    )  # no legal review so far
    case = age(case, major_public_interest=True)  # found in the statement and defence
    refused(
        case,
        TransitionNotAllowed,
        lambda: services.request_decision(
            case, by=p["officer"], penalty_kinds=["fine"], fine="500", correction_order=ORDER, reason="拟罚"
        ),
        "Art. 58",
        "major public interest",
    )
    assert "request_legal_review" in case.allowed_actions(p["officer"])
    case = services.request_legal_review(case, by=p["officer"], reason="涉及重大公共利益")
    case = services.decide_review(case, by=p["reviewer"], decision=APPROVED, opinion="同意")
    case = services.request_decision(
        case, by=p["officer"], penalty_kinds=["fine"], fine="500", correction_order=ORDER, reason="拟罚"
    )
    assert services.decide(case, by=p["head"], decision=APPROVED).status == S.DECIDED


@pytest.mark.parametrize("amount", ["49.99", "10000.01"])
def test_a_fine_outside_the_categorys_range_is_refused(people, category, amount):
    p = people
    case = walk(p, category, "investigating")
    refused(
        case,
        ValidationError,
        lambda: services.submit_report(
            case,
            by=p["officer"],
            report="事实清楚",
            penalty_kinds=["fine"],
            fine=amount,
            correction_order=ORDER,
        ),
        "outside this category's range",
        "Art. 34",
    )


def test_a_decision_heavier_than_the_notice_is_refused(people, category):
    p = people
    case = walk(p, category, "notified", fine="500")

    def propose(amount, kinds=("fine",)):
        return services.request_decision(
            case,
            by=p["officer"],
            penalty_kinds=list(kinds),
            fine=amount,
            correction_order=ORDER,
            reason="拟罚",
        )

    refused(case, TransitionNotAllowed, lambda: propose("500.01"), "Art. 45", "500.01")
    refused(case, TransitionNotAllowed, lambda: propose("400", ("fine", "warning")), "Art. 45", "Warning")
    case = propose("400")
    assert services.decide(case, by=p["head"], decision=APPROVED).fine_decided == Decimal("400.00")


def test_a_second_fine_for_the_same_act_is_refused(people, category):
    p = people
    party = PartyFactory(created_by=p["officer"])
    act = today() - timedelta(days=2)
    first = on_the_spot(p, category, party=party, act_date=act, fine=Decimal("100"))
    before = counts()
    with pytest.raises(ValidationError) as info:
        on_the_spot(p, category, party=party, act_date=act, fine=Decimal("80"), by="officer2")
    assert "Art. 29" in words(info.value) and first.number in words(info.value)
    assert counts() == before
    case = walk(p, category, "notified", party=party, act_date=act)
    refused(
        case,
        TransitionNotAllowed,
        lambda: services.request_decision(
            case, by=p["officer"], penalty_kinds=["fine"], fine="500", correction_order=ORDER, reason="拟罚"
        ),
        "Art. 29",
        first.number,
    )


def test_a_hearing_request_after_5_working_days_is_refused(people, category):
    p = people
    case = walk(p, category, "notified", fine="5000")
    notified = timezone.now() - timedelta(days=20)
    case = age(case, notified_at=notified, hearing_request_due_at=rules.hearing_request_due(notified))
    refused(
        case,
        TransitionNotAllowed,
        lambda: services.request_hearing(case, by=p["officer"]),
        "Art. 64",
        "5 working days",
    )


def test_no_hearing_for_a_small_fine(people, category):
    p = people
    case = walk(p, category, "notified", fine="3000")
    refused(case, TransitionNotAllowed, lambda: services.request_hearing(case, by=p["officer"]), "Art. 63")


def test_an_act_past_the_limitation_period_is_not_filed(people, category):
    p = people
    too_old = law.add_years(today(), -2) - timedelta(days=1)
    case = walk(p, category, "lead", act_date=too_old)
    refused(
        case,
        TransitionNotAllowed,
        lambda: services.request_filing(case, by=p["officer"], reason="证据确凿"),
        "Art. 36",
        too_old.isoformat(),
    )
    in_time = walk(p, category, "lead", act_date=law.add_years(today(), -2))
    assert services.request_filing(in_time, by=p["officer"], reason="证据确凿").status == S.LEAD


def test_a_filing_decided_after_the_limitation_ran_out_is_refused(people, category):
    p = people
    case = walk(p, category, "lead")
    case = services.request_filing(case, by=p["officer"], reason="证据确凿")
    case = age(case, act_date=law.add_years(today(), -2) - timedelta(days=1))
    refused(
        case,
        TransitionNotAllowed,
        lambda: services.decide_filing(case, by=p["leader"], decision=APPROVED),
        "Art. 36",
    )
    case = services.decide_filing(case, by=p["leader"], decision=REJECTED, opinion="已过追责时效")
    assert case.status == S.LEAD


@pytest.mark.parametrize("amount", ["-50", "500.005"])
def test_negative_or_three_decimal_amounts_are_refused(people, category, amount):
    p = people
    case = walk(p, category, "investigating")
    refused(
        case,
        ValidationError,
        lambda: WORKFLOW.perform(
            "submit_report",
            case,
            by=p["officer"],
            version=case.version,
            report="事实清楚",
            penalty_kinds=["fine"],
            fine=Decimal(amount),
            correction_order=ORDER,
        ),
    )
    before = counts()
    with pytest.raises(ValidationError):
        on_the_spot(p, category, fine=Decimal(amount) / 10)
    assert counts() == before


def test_the_api_field_refuses_negative_and_three_decimal_amounts():
    field = WORKFLOW.inputs["fine"].api(False)
    with pytest.raises(serializers.ValidationError) as info:
        field.run_validation("-1")
    assert "cannot be negative" in str(info.value.detail)
    with pytest.raises(serializers.ValidationError) as info:
        field.run_validation("1.005")
    assert "two decimal places" in str(info.value.detail)
    assert field.run_validation("200.50") == Decimal("200.50")


def test_an_invalid_credit_code_is_refused(people):
    before = counts()
    with pytest.raises(ValidationError) as info:
        services.register_party(
            by=people["officer"], party_type="organisation", name="某某公司", credit_code="91350100M000100Y44"
        )
    assert "credit_code" in info.value.message_dict
    assert "GB 32100" in words(info.value)
    assert counts() == before and not Party.objects.exists()
    party = services.register_party(
        by=people["officer"], party_type="organisation", name="某某公司", credit_code="91350100M000100Y43"
    )
    assert party.credit_code == "91350100M000100Y43"


# --- the lawful paths ---------------------------------------------------------------------------------------
def test_a_complex_case_goes_through_the_collective_discussion(people, category):
    p = people
    case = walk(p, category, "review", is_complex=True)
    assert CaseApproval.objects.get(case=case, decision="pending").kind == "case_legal_review"
    assert "notify" not in case.allowed_actions(p["officer"])
    case = services.decide_review(case, by=p["reviewer"], decision=APPROVED, opinion="同意")
    assert case.status == S.DISCUSSION
    assert "notify" not in case.allowed_actions(p["officer"])  # Art. 57: discussed first
    assert "decide_discussion" not in case.allowed_actions(p["leader"])
    case = services.decide_discussion(case, by=p["head"], decision=APPROVED, opinion="经集体讨论，同意")
    assert case.status == S.DISCUSSION
    discussion = CaseApproval.objects.get(case=case, kind="case_discussion")
    assert (discussion.decision, discussion.decided_by, discussion.opinion) == (
        APPROVED,
        p["head"],
        "经集体讨论，同意",
    )
    case = give_notice(case, p["officer"])
    assert case.status == S.NOTIFIED


def test_a_rejected_discussion_sends_the_case_back_to_the_investigation(people, category):
    p = people
    case = walk(p, category, "review", is_complex=True)
    case = services.decide_review(case, by=p["reviewer"], decision=APPROVED)
    case = services.decide_discussion(case, by=p["head"], decision=REJECTED, opinion="证据不足，补充调查")
    assert case.status == S.INVESTIGATING


def test_a_rejected_filing_stays_a_lead_with_the_opinion(people, category):
    p = people
    case = walk(p, category, "lead")
    case = services.request_filing(case, by=p["officer"], reason="证据初步确凿")
    case = services.decide_filing(case, by=p["leader"], decision=REJECTED, opinion="证据不足，请补充")
    assert (case.status, case.filed_at) == (S.LEAD, None)
    approval = CaseApproval.objects.get(case=case)
    assert (approval.decision, approval.opinion, approval.decided_by) == (
        REJECTED,
        "证据不足，请补充",
        p["leader"],
    )
    assert "request_filing" in case.allowed_actions(p["officer"])  # proposed again once completed


def test_nobody_decides_their_own_filing_request(people, category):
    p = people
    case = walk(p, category, "lead")
    case = services.request_filing(case, by=p["leader"], reason="巡查发现")
    refused(
        case,
        TransitionNotAllowed,
        lambda: services.decide_filing(case, by=p["leader"], decision=APPROVED),
        "nobody decides their own request",
    )
    assert services.decide_filing(case, by=p["head"], decision=APPROVED).status == S.FILED


def test_a_rejected_review_sends_the_case_back_to_the_investigation(people, category):
    p = people
    case = walk(p, category, "review")
    case = services.decide_review(case, by=p["leader"], decision=REJECTED, opinion="补充询问笔录")
    assert case.status == S.INVESTIGATING
    assert CaseApproval.objects.get(case=case, kind="case_report_review").opinion == "补充询问笔录"
    case = services.submit_report(
        case, by=p["officer"], report="已补充", penalty_kinds=["fine"], fine="500", correction_order=ORDER
    )
    assert case.status == S.REVIEW


def test_the_investigating_officers_do_not_review_their_report(people, category, make_user, district_a):
    p = dict(people, leading_officer=make_user("squad_leader", unit=district_a))
    case = walk(p, category, "review", handler="leading_officer", co="officer2")
    assert "decide_review" not in case.allowed_actions(p["leading_officer"])
    refused(
        case,
        TransitionNotAllowed,
        lambda: services.decide_review(case, by=p["leading_officer"], decision=APPROVED),
    )


def test_an_approved_extension_moves_the_decision_deadline(people, category):
    p = people
    case = walk(p, category, "investigating")
    due = case.decision_due_at
    case = services.request_extension(case, by=p["officer"], reason="需鉴定", days=10)
    assert case.decision_due_at == due
    case = services.decide_extension(case, by=p["head"], decision=APPROVED, opinion="同意")
    assert case.decision_due_at == rules.decision_due(case.filed_at, 10) > due
    assert CaseApproval.objects.get(case=case, kind="case_extension").days == 10
    with pytest.raises(ValidationError):
        services.request_extension(case, by=p["officer"], reason="再延", days=31)


def test_a_rejected_extension_leaves_the_deadline(people, category):
    p = people
    case = walk(p, category, "investigating")
    due = case.decision_due_at
    case = services.request_extension(case, by=p["officer"], reason="需鉴定", days=10)
    case = services.decide_extension(case, by=p["head"], decision=REJECTED, opinion="不同意")
    assert (case.decision_due_at, case.extended_days) == (due, 0)


def test_no_penalty_for_a_first_minor_violation_corrected_in_time(people, category):
    p = people
    case = walk(p, category, "notified")
    case = services.decide_no_penalty(case, by=p["head"], reason="初次违法且及时改正", first_violation=True)
    assert (case.status, case.first_violation, case.outcome_reason) == (
        S.NO_PENALTY,
        True,
        "初次违法且及时改正",
    )
    assert case.decided_by == p["head"]


def test_transfer_to_another_authority(people, category):
    p = people
    case = walk(p, category, "investigating")
    case = services.transfer(case, by=p["leader"], transferred_to="市公安局禅城分局", reason="涉嫌犯罪")
    assert (case.status, case.transferred_to, case.outcome_reason) == (
        S.TRANSFERRED,
        "市公安局禅城分局",
        "涉嫌犯罪",
    )
    lead = walk(p, category, "lead")
    lead = services.transfer(lead, by=p["leader"], transferred_to="区市场监管局", reason="不属本局管辖")
    assert lead.status == S.TRANSFERRED and lead.lead_decided_at is not None


def test_revoke_filing(people, category):
    p = people
    case = walk(p, category, "review")
    refused(case, PermissionDenied, lambda: services.revoke_filing(case, by=p["leader"], reason="立案错误"))
    case = services.revoke_filing(case, by=p["head"], reason="违法事实不成立")
    assert (case.status, case.outcome_reason) == (S.REVOKED, "违法事实不成立")


def test_a_simple_case_with_cash_handed_over_and_filed_is_closed(people, category):
    p = people
    case = on_the_spot(p, category, fine=Decimal("100"), paid_on_spot=True, receipt_no="NO.0001")
    assert case.cash_due_at == rules.cash_handover_due(case.decided_at)
    assert case.bureau_filing_due_at == rules.bureau_filing_due(case.decided_at)
    assert case.due_at == min(case.cash_due_at, case.bureau_filing_due_at)
    refused(
        case,
        TransitionNotAllowed,
        lambda: services.acknowledge_filing(case, by=p["leader"]),
        "Art. 71",
    )
    case = services.hand_over_cash(case, by=p["officer"], note="已交财务")
    assert case.status == S.DECIDED and case.cash_handed_over_at is not None
    assert "hand_over_cash" not in case.allowed_actions(p["officer"])
    case = services.acknowledge_filing(case, by=p["leader"])
    assert (case.status, case.bureau_filed_by) == (S.CLOSED, p["leader"])
    assert case.closed_at == case.bureau_filed_at


def test_a_simple_fine_paid_at_the_bank_is_executing_once_filed(people, category):
    p = people
    case = on_the_spot(p, category, fine=Decimal("150"))
    assert "hand_over_cash" not in case.allowed_actions(p["officer"])
    case = services.acknowledge_filing(case, by=p["leader"])
    assert case.status == S.EXECUTING and case.closed_at is None
    warning = on_the_spot(p, category, penalty_kinds=["warning"], fine=None)
    assert services.acknowledge_filing(warning, by=p["leader"]).status == S.CLOSED


def test_the_officer_does_not_acknowledge_their_own_filing(people, category):
    p = people
    case = on_the_spot(p, category, by="leader", fine=Decimal("150"))
    assert "acknowledge_filing" not in case.allowed_actions(p["leader"])
    refused(
        case,
        TransitionNotAllowed,
        lambda: services.acknowledge_filing(case, by=p["leader"]),
        "other than the officer",
    )
    assert services.acknowledge_filing(case, by=p["chair"]).status == S.EXECUTING


def test_on_the_spot_the_act_must_be_within_the_limitation_and_the_category_eligible(
    people, category, general_category
):
    before = counts()
    with pytest.raises(ValidationError) as info:
        on_the_spot(people, category, act_date=law.add_years(today(), -2) - timedelta(days=1))
    assert "Art. 36" in words(info.value)
    with pytest.raises(ValidationError) as info:
        on_the_spot(people, general_category, penalty_kinds=["warning"], fine=None)
    assert "Art. 51" in words(info.value) and "general procedure" in words(info.value)
    with pytest.raises(ValidationError) as info:
        on_the_spot(people, category, penalty_kinds=["demolish"], fine=None)
    assert "Art. 51" in words(info.value)
    assert counts() == before


def test_an_expired_certificate_does_not_decide_on_the_spot(people, category):
    p = people
    p["officer"].certificate_expires = today() - timedelta(days=1)
    p["officer"].save()
    before = counts()
    with pytest.raises(PermissionDenied) as info:
        on_the_spot(p, category)
    assert "Art. 42" in str(info.value)
    assert counts() == before


def test_evidence_is_never_changed_or_deleted_and_later_items_are_marked(people, category):
    p = people
    case = walk(p, category, "notified")
    item = CaseEvidence.objects.get(case=case)
    assert item.after_decision is False
    item.description = "改过的说明"
    with pytest.raises(ValidationError):
        item.save()
    with pytest.raises(ValidationError):
        item.delete()
    assert CaseEvidence.objects.get(pk=item.pk).description == "现场照片"
    case = services.request_decision(
        case, by=p["officer"], penalty_kinds=["fine"], fine="400", correction_order=ORDER, reason="拟罚"
    )
    case = services.decide(case, by=p["head"], decision=APPROVED)
    later = services.add_evidence(
        case, photo(), by=p["officer"], evidence_type="inquiry_record", description="补充"
    )
    assert later.after_decision is True
    assert list(
        CaseEvidence.objects.filter(case=case).order_by("pk").values_list("after_decision", flat=True)
    ) == [
        False,
        True,
    ]
    with pytest.raises(ValidationError):
        services.add_evidence(case, photo(), by=p["officer"], evidence_type="rumour")
