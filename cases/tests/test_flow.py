"""A general case walked from a lead to archived through every step, by different people, through the services;
and a simple case decided on the spot and filed with the bureau."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from enforcement.approvals.services import inbox_for

from .. import services
from ..choices import CaseStatus
from ..models import CaseApproval
from .conftest import JPEG, give_notice
from .factories import PartyFactory

S = CaseStatus


@pytest.fixture
def people(make_user, district_a):
    return {
        "officer": make_user("officer", unit=district_a, username="officer1", full_name="张三"),
        "officer2": make_user("officer", unit=district_a, username="officer2", full_name="李四"),
        "leader": make_user("squad_leader", unit=district_a, username="leader", full_name="王队"),
        "reviewer": make_user("legal_reviewer", unit=district_a, username="reviewer", full_name="法制员"),
        "head": make_user("bureau_head", unit=district_a, username="head", full_name="局长"),
    }


def photo():
    return SimpleUploadedFile("现场.jpg", JPEG, content_type="image/jpeg")


def test_general_case_from_lead_to_archive(people, category, district_a):
    p = people
    party = PartyFactory(created_by=p["officer"])
    case = services.open_lead(
        by=p["officer"],
        party=party,
        category=category,
        facts="占道摆卖",
        address="祖庙路",
        act_date=timezone.localdate() - timedelta(days=2),
    )
    assert case.status == S.LEAD and case.filing_due_at is not None
    case = services.request_filing(case, by=p["officer"], reason="证据初步确凿")
    assert [e.approval.kind for e in inbox_for(p["leader"])[0:10]] == ["case_filing"]
    case = services.decide_filing(case, by=p["leader"], decision="approved", opinion="同意立案")
    assert case.status == S.FILED and case.decision_due_at > case.filed_at + timedelta(days=89)
    case = services.assign_officers(case, by=p["leader"], handler=p["officer"], co_handler=p["officer2"])
    assert case.status == S.INVESTIGATING
    services.add_evidence(case, photo(), by=p["officer"], evidence_type="photo", description="现场照片")
    case = services.submit_report(
        case,
        by=p["officer"],
        report="事实清楚",
        penalty_kinds=["fine"],
        fine=Decimal("500"),
        correction_order="立即停止占道经营",
    )
    assert case.status == S.REVIEW
    review = CaseApproval.objects.get(case=case, decision="pending")
    assert review.kind == "case_report_review"
    case = services.decide_review(case, by=p["leader"], decision="approved", opinion="同意")
    assert case.status == S.REVIEW
    case = give_notice(case, p["officer"], statement="")
    assert case.status == S.NOTIFIED and case.hearing_request_due_at is None  # 500 yuan: no hearing right
    case = services.record_statement(case, by=p["officer2"], statement="当事人无异议")
    case = services.request_decision(
        case,
        by=p["officer"],
        penalty_kinds=["fine"],
        fine=Decimal("400"),
        correction_order="立即停止占道经营",
        reason="拟罚款400元",
    )
    case = services.decide(case, by=p["head"], decision="approved", opinion="同意")
    assert case.status == S.DECIDED and case.fine_decided == Decimal("400.00")
    assert case.service_due_at is not None
    assert [(pen.stage, pen.kind, pen.amount) for pen in case.penalties.order_by("stage")] == [
        ("decided", "fine", Decimal("400.00")),
        ("notified", "fine", Decimal("500.00")),
    ]


def test_the_work_queue_lists_a_case_for_its_officers_and_the_supervisors(people, category):
    from enforcement.org.workqueue import steps_for

    from ..workqueue import cases_waiting

    p = people
    party = PartyFactory(created_by=p["officer"])
    case = services.decide_on_the_spot(
        by=p["officer"],
        party=party,
        category=category,
        facts="占道摆卖",
        address="祖庙路",
        act_date=timezone.localdate(),
        penalty_kinds=["fine"],
        fine=Decimal("50"),
        correction_order="立即停止占道经营",
    )
    assert [i.step for i in cases_waiting(p["officer"])] == ["case_file_with_bureau"]
    assert [i.url for i in cases_waiting(p["leader"])] == [case.get_absolute_url()]
    assert cases_waiting(p["officer2"]) == []  # not theirs
    assert "case_file_with_bureau" in dict(steps_for(p["leader"]))
    case = services.acknowledge_filing(case, by=p["leader"])
    assert case.status == S.EXECUTING  # the fine is paid at the bank (罚缴分离)
    assert cases_waiting(p["leader"]) == []
    assert [i.step for i in cases_waiting(p["officer"])] == ["case_execute"]
