"""The cases' API: the shared endpoint checks, a lead and a simple case opened, a general case walked through
its actions, every refusal of the issue's "Bad input" list answered 400/409 with the article (nothing saved
changing), scope, evidence, parties, masking, the list's constant queries and the CSV export."""

import csv
import io
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from enforcement.audit.models import AuditEvent
from enforcement.catalog.tests.factories import ViolationCategoryFactory
from enforcement.testing import ScopedCreateChecks

from .. import rules, services
from ..choices import TRANSITIONS, CaseStatus
from ..identity import id_number_check_char
from ..models import Case, CaseApproval, CaseEvidence, Party
from .conftest import JPEG, give_notice
from .factories import CaseFactory, OrganisationFactory, PartyFactory

S = CaseStatus
LIST = reverse("api:case-list")
PARTIES = reverse("api:party-list")
EXPORT = reverse("api:case-export")


def id_number(n=1):
    first17 = f"44060419800101{n:03d}"
    return first17 + id_number_check_char(first17)


def detail(case):
    return reverse("api:case-detail", args=[case.pk if hasattr(case, "pk") else case])


def act(case, slug):
    return reverse(f"api:case-{slug}", args=[case.pk if hasattr(case, "pk") else case])


def evidence_url(case):
    return reverse("api:case-evidence", args=[case.pk])


def party_url(party):
    return reverse("api:party-detail", args=[party.pk if hasattr(party, "pk") else party])


def photo(name="现场.jpg"):
    return SimpleUploadedFile(name, JPEG, content_type="image/jpeg")


@pytest.fixture
def p(make_user, district_a):
    """The people of district A's cases."""
    return SimpleNamespace(
        officer=make_user("officer", unit=district_a, username="officer1", full_name="张三"),
        officer2=make_user("officer", unit=district_a, username="officer2", full_name="李四"),
        leader=make_user("squad_leader", unit=district_a, username="leader", full_name="王队"),
        reviewer=make_user("legal_reviewer", unit=district_a, username="reviewer", full_name="法制员"),
        head=make_user("bureau_head", unit=district_a, username="head", full_name="局长"),
        statistician=make_user("statistician", unit=district_a, username="stats", full_name="统计员"),
    )


@pytest.fixture
def person(p):
    return PartyFactory(name="陈大文", id_number=id_number(1), phone="13800001111", created_by=p.officer)


def _lead(p, party, category, **fields):
    fields.setdefault("act_date", timezone.localdate() - timedelta(days=2))
    return services.open_lead(
        by=p.officer, party=party, category=category, facts="占道摆卖水果", address="祖庙路", **fields
    )


def investigating(p, party, category, co_handler=None, **fields):
    case = _lead(p, party, category, **fields)
    case = services.request_filing(case, by=p.officer, reason="证据初步确凿")
    case = services.decide_filing(case, by=p.leader, decision="approved", opinion="同意立案")
    case = services.assign_officers(case, by=p.leader, handler=p.officer, co_handler=co_handler or p.officer2)
    services.add_evidence(case, photo(), by=p.officer, evidence_type="photo", description="现场照片")
    return case


def notified(p, party, category, fine="500", co_handler=None, **fields):
    """A general case walked through the services to the advance notice, with a fine proposed."""
    case = investigating(p, party, category, co_handler=co_handler, **fields)
    case = services.submit_report(
        case,
        by=p.officer,
        report="事实清楚，证据确凿",
        penalty_kinds=["fine"],
        fine=Decimal(fine),
        correction_order="立即停止占道经营",
    )
    review = CaseApproval.objects.get(case=case, decision="pending")
    reviewer = p.reviewer if review.kind == "case_legal_review" else p.leader
    case = services.decide_review(case, by=reviewer, decision="approved", opinion="同意")
    return give_notice(case, p.officer)


def simple_payload(party, category, **overrides):
    return {
        "procedure": "simple",
        "party": party.pk,
        "category": category.pk,
        "facts": "占用人行道摆卖",
        "address": "人民路与祖庙路交界",
        "act_date": timezone.localdate().isoformat(),
        "penalty_kinds": ["fine"],
        "fine": "150.00",
        "correction_order": "立即停止占道经营",
        "lat": "23.020000",
        "lng": "113.120000",
        **overrides,
    }


def frozen(case):
    """What a refusal must leave as it was."""
    case = Case.objects.get(pk=case.pk)
    return (
        case.status,
        case.version,
        CaseApproval.objects.filter(case=case).count(),
        case.penalties.count(),
        AuditEvent.objects.count(),
    )


# --- the shared endpoint checks ---------------------------------------------------------------------------
class TestCaseEndpoint(ScopedCreateChecks):
    basename = "case"
    writer_roles = ("officer",)
    reader_roles = ("statistician",)

    def make_object(self, unit):
        return CaseFactory(unit=unit)

    def create_payload(self, unit):
        party = PartyFactory(id_number=id_number(900))
        return {
            "party": party.pk,
            "category": ViolationCategoryFactory().pk,
            "facts": "占道经营",
            "address": "人民路8号",
            "act_date": (timezone.localdate() - timedelta(days=1)).isoformat(),
        }

    def test_out_of_scope_detail_is_404(self, district_a, district_b, make_user):
        """A case is never patched (its actions change it): a PATCH is 405 in scope or out of it, everything
        else about a case of another district 404."""
        theirs = self.make_object(district_b)
        reader = make_user(*self.reader_roles, unit=district_a)
        assert self.client_for(reader).get(self.detail_url(theirs)).status_code == 404
        writer = make_user(*self.writer_roles, unit=district_a)
        client = self.client_for(writer)
        assert client.get(self.detail_url(theirs)).status_code == 404
        assert client.patch(self.detail_url(theirs), {}, format="json").status_code == 405


# --- opening cases ----------------------------------------------------------------------------------------
def test_an_officer_opens_a_lead(api_as, p, person, category, district_a):
    response = api_as(p.officer).post(
        LIST,
        {
            "party": person.pk,
            "category": category.pk,
            "facts": "  占道摆卖水果  ",
            "address": "祖庙路",
            "act_date": (timezone.localdate() - timedelta(days=2)).isoformat(),
            "is_complex": True,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["procedure"], body["status"], body["facts"], body["is_complex"]) == (
        "general",
        "lead",
        "占道摆卖水果",
        True,
    )
    assert body["number"].startswith("AJ") and body["unit"]["id"] == district_a.pk
    assert body["handler"] == {"id": p.officer.pk, "name": "张三"}
    assert body["allowed_actions"] == ["request_filing"]
    assert [d["kind"] for d in body["deadlines"]] == ["case_filing"]
    assert body["party"]["id_number"] == person.id_number  # the case roles read it in full on the detail
    assert body["legal_basis"] == category.legal_basis
    assert api_as(p.officer).get(detail(body["id"]))["ETag"] == f'W/"{body["version"]}"'


def test_an_officer_decides_on_the_spot(api_as, p, person, category):
    response = api_as(p.officer).post(
        LIST,
        simple_payload(person, category, paid_on_spot=True, fine="50", receipt_no="NO.0001"),
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["procedure"], body["status"], body["fine_decided"], body["receipt_no"]) == (
        "simple",
        "decided",
        "50.00",
        "NO.0001",
    )
    assert body["penalties"] == {
        "notified": [],
        "decided": [
            {
                "kind": "fine",
                "kind_label": "Fine",
                "amount": "50.00",
                "detail": "",
                "area": None,
                "deadline_days": None,
            }
        ],
    }
    assert body["allowed_actions"] == ["hand_over_cash"]
    assert {d["kind"] for d in body["deadlines"]} == {"case_cash_handover", "case_bureau_filing"}
    assert body["served_at"] and body["decided_by"]["id"] == p.officer.pk
    assert (body["lat"], body["lng"]) == ("23.020000", "113.120000")
    # The supervisor acknowledges the filing once the cash is at the bureau.
    case_id = body["id"]
    leader = api_as(p.leader)
    assert "acknowledge_filing" not in leader.get(detail(case_id)).json()["allowed_actions"]
    assert api_as(p.officer).post(act(case_id, "hand_over_cash"), {}, format="json").status_code == 200
    assert "acknowledge_filing" in leader.get(detail(case_id)).json()["allowed_actions"]
    closed = leader.post(act(case_id, "acknowledge_filing"), {"note": "已备案"}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"


def test_a_case_from_a_complaint_links_back(api_as, p, person, category, district_a):
    from complaints.tests.factories import ComplaintFactory

    complaint = ComplaintFactory(unit=district_a, category=category)
    response = api_as(p.officer).post(
        LIST, simple_payload(person, category, complaint=complaint.pk), format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["complaint"] == {"id": complaint.pk, "number": complaint.number}
    assert response.json()["source"] == "complaint"


def test_a_complaint_out_of_scope_is_400(api_as, p, person, category, district_b):
    from complaints.tests.factories import ComplaintFactory

    theirs = ComplaintFactory(unit=district_b, category=category)
    response = api_as(p.officer).post(
        LIST, simple_payload(person, category, complaint=theirs.pk), format="json"
    )
    assert response.status_code == 400 and "complaint" in response.json()
    assert not Case.objects.exists()


def test_a_general_case_through_its_actions(api_as, p, person, category):
    officer, leader, head = api_as(p.officer), api_as(p.leader), api_as(p.head)
    case = _lead(p, person, category)
    assert (
        officer.post(act(case, "request_filing"), {"reason": "证据初步确凿"}, format="json").status_code
        == 200
    )
    filed = leader.post(
        act(case, "decide_filing"), {"decision": "approved", "opinion": "同意立案"}, format="json"
    )
    assert filed.status_code == 200 and filed.json()["status"] == "filed"
    body = leader.post(
        act(case, "assign_officers"), {"handler": p.officer.pk, "co_handler": p.officer2.pk}, format="json"
    ).json()
    assert body["status"] == "investigating" and body["co_handler"]["name"] == "李四"
    assert (
        officer.post(
            evidence_url(case), {"file": photo(), "evidence_type": "photo"}, format="multipart"
        ).status_code
        == 201
    )
    reported = officer.post(
        act(case, "submit_report"),
        {"report": "事实清楚", "penalty_kinds": ["fine"], "fine": "500.00", "correction_order": "立即停止"},
        format="json",
    )
    assert reported.status_code == 200, reported.json()
    assert reported.json()["penalties"]["notified"][0]["amount"] == "500.00"
    assert leader.post(act(case, "decide_review"), {"decision": "approved"}, format="json").status_code == 200
    refused = officer.post(act(case, "notify"), {}, format="json")  # the notice is issued and served first
    assert refused.status_code == 409 and "Art. 44" in refused.json()["detail"]
    notice = officer.post(
        reverse("api:case-documents", args=[case.pk]), {"doc_type": "advance_notice"}, format="json"
    )
    assert notice.status_code == 201, notice.json()
    served = officer.post(
        reverse("api:document-service", args=[notice.json()["id"]]),
        {"method": "in_person", "recipient": case.party.name},
        format="json",
    )
    assert served.status_code in (200, 201), served.json()
    assert officer.post(act(case, "notify"), {}, format="json").json()["status"] == "notified"
    stated = officer.post(act(case, "record_statement"), {"statement": "无异议"}, format="json")
    assert stated.status_code == 200
    assert (
        officer.post(
            act(case, "request_decision"),
            {
                "penalty_kinds": ["fine"],
                "fine": "400",
                "correction_order": "立即停止",
                "reason": "拟罚款400元",
            },
            format="json",
        ).status_code
        == 200
    )
    assert head.get(detail(case)).json()["allowed_actions"] == [
        "decide",
        "decide_no_penalty",
        "transfer",  # Art. 27, 57(4): to the police, even after the notice
        "revoke_filing",
    ]
    decided = head.post(
        act(case, "decide"), {"decision": "approved", "opinion": "同意"}, format="json"
    ).json()
    assert (decided["status"], decided["fine_decided"]) == ("decided", "400.00")
    assert decided["penalties"]["decided"] == [
        {
            "kind": "fine",
            "kind_label": "Fine",
            "amount": "400.00",
            "detail": "",
            "area": None,
            "deadline_days": None,
        }
    ]
    chain = [
        (a["kind"], a["kind_label"], a["decision"], a["requested_by"]["name"]) for a in decided["approvals"]
    ]
    assert chain == [
        ("case_filing", "Case filing", "approved", "张三"),
        ("case_report_review", "Review of the investigation report", "approved", "张三"),
        ("case_decision", "Penalty decision", "approved", "张三"),
    ]
    first = decided["approvals"][0]
    assert (first["reason"], first["opinion"], first["decided_by"]["name"]) == (
        "证据初步确凿",
        "同意立案",
        "王队",
    )
    assert first["requested_at"] and first["decided_at"]
    assert [e["evidence_type"] for e in decided["evidence"]] == ["photo"]
    timeline = officer.get(reverse("api:case-timeline", args=[case.pk])).json()
    assert timeline["count"] >= 9
    assert officer.get(reverse("api:case-documents", args=[case.pk])).status_code == 200


def test_a_rejected_filing_stays_a_lead_with_the_opinion(api_as, p, person, category):
    case = _lead(p, person, category)
    services.request_filing(case, by=p.officer, reason="拟立案")
    body = (
        api_as(p.leader)
        .post(act(case, "decide_filing"), {"decision": "rejected", "opinion": "证据不足"}, format="json")
        .json()
    )
    assert body["status"] == "lead"
    assert (body["approvals"][0]["decision"], body["approvals"][0]["opinion"]) == ("rejected", "证据不足")
    assert body["approvals"][0]["decision_label"] == "Rejected"


# --- bad input: each refusal names its rule, and nothing saved changes ------------------------------------
@pytest.mark.parametrize(
    "party_type, fine, ceiling",
    [("individual", "200.01", "200.00"), ("organisation", "3000.01", "3,000.00")],
)
def test_a_fine_above_the_simple_procedures_ceiling_is_refused(
    api_as, p, category, party_type, fine, ceiling
):
    party = PartyFactory(id_number=id_number(2)) if party_type == "individual" else OrganisationFactory()
    response = api_as(p.officer).post(LIST, simple_payload(party, category, fine=fine), format="json")
    assert response.status_code == 400
    message = response.json()["fine"][0]
    assert "Art. 51" in message and ceiling in message and "general procedure" in message
    assert not Case.objects.exists()


def test_the_simple_procedures_ceiling_itself_is_allowed(api_as, p, person, category):
    response = api_as(p.officer).post(LIST, simple_payload(person, category, fine="200.00"), format="json")
    assert response.status_code == 201, response.json()


def test_a_category_not_eligible_for_the_simple_procedure_is_refused(api_as, p, person, general_category):
    response = api_as(p.officer).post(
        LIST, simple_payload(person, general_category, penalty_kinds=["warning"], fine=None), format="json"
    )
    assert response.status_code == 400
    message = response.json()["penalty_kinds"][0]
    assert "Art. 51" in message and "general procedure" in message
    assert not Case.objects.exists()


def test_cash_above_100_yuan_on_the_spot_is_refused(api_as, p, person, category):
    response = api_as(p.officer).post(
        LIST, simple_payload(person, category, fine="150", paid_on_spot=True, receipt_no="R1"), format="json"
    )
    assert response.status_code == 400 and "Art. 68" in response.json()["fine"][0]
    assert not Case.objects.exists()


def test_a_decision_91_days_after_filing_without_extension_is_refused(api_as, p, person, category):
    case = notified(p, person, category)
    case = services.request_decision(
        case,
        by=p.officer,
        penalty_kinds=["fine"],
        fine=Decimal("500"),
        correction_order="立即停止",
        reason="拟罚款",
    )
    filed = timezone.now() - timedelta(days=91)  # as if the case had been filed 91 days ago
    Case.objects.filter(pk=case.pk).update(filed_at=filed, decision_due_at=rules.decision_due(filed))
    before = frozen(case)
    response = api_as(p.head).post(act(case, "decide"), {"decision": "approved"}, format="json")
    assert response.status_code == 409
    assert "Art. 60" in response.json()["detail"] and "extension" in response.json()["detail"]
    assert frozen(case) == before
    assert CaseApproval.objects.get(case=case, kind="case_decision").decision == "pending"


def test_a_decision_by_an_investigating_officer_is_refused(
    api_as, p, person, category, make_user, district_a
):
    both = make_user("officer", "bureau_head", unit=district_a, full_name="兼任局长")
    case = notified(p, person, category, co_handler=both)
    case = services.request_decision(
        case,
        by=p.officer,
        penalty_kinds=["fine"],
        fine=Decimal("500"),
        correction_order="立即停止",
        reason="拟罚款",
    )
    before = frozen(case)
    client = api_as(both)
    assert "decide" not in client.get(detail(case)).json()["allowed_actions"]
    response = client.post(act(case, "decide"), {"decision": "approved"}, format="json")
    assert response.status_code == 409
    assert "did not investigate" in response.json()["detail"]
    assert frozen(case) == before


def test_one_assigned_officer_is_refused(api_as, p, person, category):
    case = _lead(p, person, category)
    case = services.request_filing(case, by=p.officer, reason="拟立案")
    case = services.decide_filing(case, by=p.leader, decision="approved")
    before = frozen(case)
    response = api_as(p.leader).post(
        act(case, "assign_officers"), {"handler": p.officer.pk, "co_handler": p.officer.pk}, format="json"
    )
    assert response.status_code == 400
    assert "Art. 42" in response.json()["co_handler"][0]
    assert frozen(case) == before


def test_a_decision_without_the_mandatory_legal_review_is_refused(api_as, p, person, category):
    """Art. 58: after a hearing the decision needs a legal review of it, even if the report had one."""
    case = notified(p, person, category, fine="5000")  # a large fine: a hearing may be asked for
    case = services.request_hearing(case, by=p.officer)
    hearing_at = timezone.now() + timedelta(days=21)
    case = services.schedule_hearing(
        case, by=p.leader, hearing_at=hearing_at, hearing_place="听证室", chair=p.leader
    )
    Case.objects.filter(pk=case.pk).update(hearing_at=timezone.now() - timedelta(hours=1))  # the day came
    case = services.record_hearing(Case.objects.get(pk=case.pk), by=p.reviewer, hearing_record="当事人陈述")
    before = frozen(case)
    response = api_as(p.officer).post(
        act(case, "request_decision"),
        {"penalty_kinds": ["fine"], "fine": "5000", "correction_order": "立即停止", "reason": "拟罚款"},
        format="json",
    )
    assert response.status_code == 409
    assert "Art. 58" in response.json()["detail"] and "hearing" in response.json()["detail"]
    assert frozen(case) == before


def test_a_fine_outside_the_categorys_range_is_refused(api_as, p, person, category):
    case = investigating(p, person, category)
    before = frozen(case)
    response = api_as(p.officer).post(
        act(case, "submit_report"),
        {"report": "事实清楚", "penalty_kinds": ["fine"], "fine": "20", "correction_order": "立即停止"},
        format="json",
    )
    assert response.status_code == 400
    assert "outside this category's range" in response.json()["fine"][0]
    assert "Art. 34" in response.json()["fine"][0]
    assert frozen(case) == before


def test_a_fine_higher_than_notified_is_refused(api_as, p, person, category):
    case = notified(p, person, category, fine="500")
    before = frozen(case)
    response = api_as(p.officer).post(
        act(case, "request_decision"),
        {"penalty_kinds": ["fine"], "fine": "600", "correction_order": "立即停止", "reason": "拟罚款"},
        format="json",
    )
    assert response.status_code == 409
    assert "Art. 45" in response.json()["detail"] and "600.00" in response.json()["detail"]
    assert frozen(case) == before


def test_a_second_fine_for_the_same_act_is_refused(api_as, p, person, category):
    client = api_as(p.officer)
    assert client.post(LIST, simple_payload(person, category), format="json").status_code == 201
    first = Case.objects.get()
    response = api_as(p.officer2).post(LIST, simple_payload(person, category, fine="100"), format="json")
    assert response.status_code == 400
    message = response.json()["penalty_kinds"][0]
    assert "Art. 29" in message and first.number in message
    assert Case.objects.count() == 1


def test_a_hearing_request_after_five_working_days_is_refused(api_as, p, person, category):
    case = notified(p, person, category, fine="5000")
    notice = timezone.now() - timedelta(days=20)  # as if the notice had been given 20 days ago
    Case.objects.filter(pk=case.pk).update(
        notified_at=notice, hearing_request_due_at=rules.hearing_request_due(notice)
    )
    before = frozen(case)
    response = api_as(p.officer).post(act(case, "request_hearing"), {}, format="json")
    assert response.status_code == 409
    assert "Art. 64" in response.json()["detail"] and "5 working days" in response.json()["detail"]
    assert frozen(case) == before
    assert Case.objects.get(pk=case.pk).hearing_requested_at is None


def test_an_act_past_the_limitation_period_is_refused(api_as, p, person, category):
    client = api_as(p.officer)
    old = (timezone.localdate() - timedelta(days=3 * 365)).isoformat()
    on_the_spot = client.post(LIST, simple_payload(person, category, act_date=old), format="json")
    assert on_the_spot.status_code == 400 and "Art. 36" in on_the_spot.json()["act_date"][0]
    assert not Case.objects.exists()
    lead = client.post(
        LIST,
        {
            "party": person.pk,
            "category": category.pk,
            "facts": "违法建设",
            "address": "祖庙路",
            "act_date": old,
        },
        format="json",
    )
    assert lead.status_code == 201  # a lead is recorded; it cannot be filed
    case = Case.objects.get()
    before = frozen(case)
    response = client.post(act(case, "request_filing"), {"reason": "拟立案"}, format="json")
    assert response.status_code == 409 and "Art. 36" in response.json()["detail"]
    assert frozen(case) == before


@pytest.mark.parametrize(
    "fine, message",
    [("-5", "cannot be negative"), ("150.555", "at most two decimal places"), ("abc", "Enter an amount")],
)
def test_negative_and_three_decimal_amounts_are_refused(api_as, p, person, category, fine, message):
    response = api_as(p.officer).post(LIST, simple_payload(person, category, fine=fine), format="json")
    assert response.status_code == 400
    assert message in response.json()["fine"][0]
    assert not Case.objects.exists()


def test_a_three_decimal_amount_in_an_action_is_refused(api_as, p, person, category):
    case = investigating(p, person, category)
    before = frozen(case)
    response = api_as(p.officer).post(
        act(case, "submit_report"),
        {"report": "事实清楚", "penalty_kinds": ["fine"], "fine": "500.005", "correction_order": "立即停止"},
        format="json",
    )
    assert response.status_code == 400 and "two decimal places" in response.json()["fine"][0]
    assert frozen(case) == before


def test_an_invalid_credit_code_is_refused(api_as, p):
    response = api_as(p.officer).post(
        PARTIES,
        {"party_type": "organisation", "name": "某某公司", "credit_code": "91350100M000100Y44"},
        format="json",
    )
    assert response.status_code == 400
    assert "GB 32100-2015" in response.json()["credit_code"][0]
    assert not Party.objects.exists()


def test_an_invalid_id_number_is_refused(api_as, p):
    wrong = id_number(3)[:-1] + ("0" if id_number(3)[-1] != "0" else "1")
    response = api_as(p.officer).post(
        PARTIES, {"party_type": "individual", "name": "陈某", "id_number": wrong}, format="json"
    )
    assert response.status_code == 400 and "GB 11643-1999" in response.json()["id_number"][0]
    assert not Party.objects.exists()


def test_a_missing_required_input_is_400_with_the_field(api_as, p, person, category):
    case = _lead(p, person, category)
    response = api_as(p.officer).post(act(case, "request_filing"), {}, format="json")
    assert response.status_code == 400 and "reason" in response.json()


def test_a_stale_version_is_409(api_as, p, person, category):
    case = _lead(p, person, category)
    client = api_as(p.officer)
    late = client.post(act(case, "request_filing"), {"reason": "x"}, format="json", HTTP_IF_MATCH='W/"99"')
    assert late.status_code == 409
    assert not CaseApproval.objects.exists()


# --- scope, roles and what a case offers --------------------------------------------------------------------
def test_a_case_out_of_scope_is_404_for_detail_actions_and_evidence(
    api_as, person, category, district_b, make_user, district_a
):
    theirs = CaseFactory(unit=district_b, party=person, category=category)
    officer = make_user("officer", unit=district_a)
    client = api_as(officer)
    assert client.get(detail(theirs)).status_code == 404
    for slug in TRANSITIONS:
        assert client.post(act(theirs, slug), {}, format="json").status_code == 404, slug
    assert client.get(evidence_url(theirs)).status_code == 404
    assert (
        client.post(
            evidence_url(theirs), {"file": photo(), "evidence_type": "photo"}, format="multipart"
        ).status_code
        == 404
    )
    assert client.get(reverse("api:case-timeline", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("api:case-documents", args=[theirs.pk])).status_code == 404
    assert not CaseEvidence.objects.exists()


def test_allowed_actions_depend_on_the_role(api_as, p, person, category):
    case = _lead(p, person, category)
    assert api_as(p.officer).get(detail(case)).json()["allowed_actions"] == ["request_filing"]
    assert api_as(p.leader).get(detail(case)).json()["allowed_actions"] == [
        "request_filing",
        "not_file",
        "transfer",
    ]
    assert api_as(p.statistician).get(detail(case)).json()["allowed_actions"] == []
    services.request_filing(case, by=p.officer, reason="拟立案")
    assert api_as(p.leader).get(detail(case)).json()["allowed_actions"] == [
        "decide_filing",
        "not_file",
        "transfer",
    ]


def test_a_role_without_the_action_gets_403(api_as, p, person, category):
    case = _lead(p, person, category)
    assert api_as(p.officer).post(act(case, "not_file"), {"reason": "x"}, format="json").status_code == 403
    assert (
        api_as(p.statistician).post(act(case, "request_filing"), {"reason": "x"}, format="json").status_code
        == 403
    )
    assert Case.objects.get(pk=case.pk).status == S.LEAD


def test_cases_are_never_replaced_or_deleted(api_as, p, person, category):
    case = _lead(p, person, category)
    client = api_as(p.head)
    for method in (client.put, client.patch, client.delete):
        assert method(detail(case), {"status": "closed"}, format="json").status_code == 405
    assert Case.objects.get(pk=case.pk).status == S.LEAD


# --- evidence ---------------------------------------------------------------------------------------------
def test_evidence_is_uploaded_read_back_and_never_deleted(api_as, p, person, category):
    case = investigating(p, person, category)
    client = api_as(p.officer2)
    response = client.post(
        evidence_url(case),
        {
            "file": photo("询问现场.jpg"),
            "evidence_type": "inquiry_record",
            "description": "询问当事人",
            "captured_at": "2026-11-30T09:15:00+08:00",
            "lat": "23.025000",
            "lng": "113.105000",
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["evidence_type"], body["kind"], body["size"], len(body["sha256"])) == (
        "inquiry_record",
        "photo",
        len(JPEG),
        64,
    )
    assert (body["description"], body["lat"], body["after_decision"]) == ("询问当事人", "23.025000", False)
    assert body["uploaded_by"] == {"id": p.officer2.pk, "name": "李四"}
    listed = client.get(evidence_url(case)).json()
    assert [item["id"] for item in listed][-1] == body["id"] and len(listed) == 2
    for method in (client.delete, client.put, client.patch):
        assert method(evidence_url(case), {}, format="json").status_code == 405
    # The file's own route only reads: evidence is never deleted nor replaced.
    for method in (client.delete, client.put, client.patch):
        assert method(f"{evidence_url(case)}{body['id']}/", {}, format="json").status_code == 405
    assert body["url"] == f"{evidence_url(case)}{body['id']}/"
    assert b"".join(client.get(body["url"]).streaming_content) == JPEG
    assert CaseEvidence.objects.filter(case=case).count() == 2


def test_evidence_needs_a_known_type(api_as, p, person, category):
    case = investigating(p, person, category)
    response = api_as(p.officer).post(
        evidence_url(case), {"file": photo(), "evidence_type": "rumour"}, format="multipart"
    )
    assert response.status_code == 400 and "evidence_type" in response.json()
    assert CaseEvidence.objects.filter(case=case).count() == 1


def test_evidence_after_the_decision_is_marked_as_such(api_as, p, person, category):
    created = api_as(p.officer).post(LIST, simple_payload(person, category), format="json").json()
    response = api_as(p.officer).post(
        reverse("api:case-evidence", args=[created["id"]]),
        {"file": photo(), "evidence_type": "photo"},
        format="multipart",
    )
    assert response.status_code == 201 and response.json()["after_decision"] is True


def test_evidence_for_an_ended_case_is_409_with_the_reason(api_as, p, person, category):
    case = _lead(p, person, category)
    case = services.not_file(case, by=p.leader, reason="不构成违法")
    response = api_as(p.officer).post(
        evidence_url(case), {"file": photo(), "evidence_type": "photo"}, format="multipart"
    )
    assert response.status_code == 409 and "once it has ended" in response.json()["detail"]
    assert not CaseEvidence.objects.exists()


def test_a_200_mb_evidence_upload_is_refused_before_it_is_read(api_as, p, person, category):
    case = _lead(p, person, category)
    response = api_as(p.officer).generic(
        "POST",
        evidence_url(case),
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(200 * 1024 * 1024),
    )
    assert response.status_code == 413 and "MB" in response.json()["detail"]


# --- parties ----------------------------------------------------------------------------------------------
def test_party_search_by_id_number_name_credit_code_and_phone(api_as, p, person):
    other = PartyFactory(name="陈小明", id_number=id_number(4), phone="13900002222")
    company = OrganisationFactory(name="佛山某某商贸有限公司")
    client = api_as(p.officer)

    def found(q):
        return {row["id"] for row in client.get(PARTIES, {"q": q}).json()["results"]}

    assert found(person.id_number) == {person.pk}
    assert found(person.id_number.lower()) == {person.pk}  # an x typed in lower case
    assert found("陈") == {person.pk, other.pk}
    assert found("陈大") == {person.pk}
    assert found("大文") == set()  # the beginning of a name, not any part of it
    assert found(company.credit_code) == {company.pk}
    assert found("13900002222") == {other.pk}


def test_id_numbers_are_masked_in_the_party_list_for_everyone(api_as, p, person):
    for user in (p.officer, p.head, p.statistician):
        row = api_as(user).get(PARTIES, {"q": person.id_number}).json()["results"][0]
        assert row["id_number"] == "440604********" + person.id_number[-4:]
        assert row["id_number_masked"] is True


def test_the_party_detail_shows_the_full_id_number_to_case_roles_only(api_as, p, person, category):
    CaseFactory(unit=p.officer.unit, party=person, category=category)  # each of them sees this case
    for user in (p.officer, p.leader, p.reviewer, p.head):
        assert api_as(user).get(party_url(person)).json()["id_number"] == person.id_number
    seen = api_as(p.statistician).get(party_url(person)).json()
    assert seen["id_number"] == person.masked_id_number and seen["id_number_masked"] is True


def test_the_party_detail_lists_their_earlier_cases_in_scope(api_as, p, person, category, district_b):
    mine = CaseFactory(unit=p.officer.unit, party=person, category=category, fine_decided=Decimal("150"))
    CaseFactory(unit=district_b, party=person, category=category)
    body = api_as(p.officer).get(party_url(person)).json()
    assert [row["id"] for row in body["cases"]] == [mine.pk]
    row = body["cases"][0]
    assert (row["number"], row["procedure"], row["status"], row["fine_decided"]) == (
        mine.number,
        "general",
        "lead",
        "150.00",
    )
    assert row["category"]["id"] == category.pk and row["registered_at"]


def test_the_party_detail_masks_the_id_number_of_a_party_with_no_case_in_your_units(
    api_as, make_user, p, category, district_b
):
    other = make_user("officer", unit=district_b, username="officer-b")
    party = PartyFactory(id_number=id_number(7), created_by=other)
    CaseFactory(unit=district_b, party=party, category=category)
    for user in (p.officer, p.leader, p.reviewer):  # ids are sequential: no reading the register in full
        body = api_as(user).get(party_url(party)).json()
        assert body["id_number"] == party.masked_id_number and body["id_number_masked"] is True
    assert api_as(other).get(party_url(party)).json()["id_number"] == party.id_number
    mine = PartyFactory(id_number=id_number(8), created_by=p.officer)  # registered it: no case yet
    assert api_as(p.officer).get(party_url(mine)).json()["id_number"] == mine.id_number
    assert api_as(p.leader).get(party_url(mine)).json()["id_number"] == mine.masked_id_number
    CaseFactory(unit=p.officer.unit, party=party, category=category)
    assert api_as(p.leader).get(party_url(party)).json()["id_number"] == party.id_number


def test_the_party_detail_counts_their_decided_cases_city_wide(api_as, p, person, category, district_b):
    client = api_as(p.officer)
    body = client.get(party_url(person)).json()
    assert (body["earlier_cases_citywide"], body["earlier_cases_in_scope"]) == (0, 0)  # a first violation
    decided = timezone.now() - timedelta(days=20)
    elsewhere = CaseFactory(
        unit=district_b, party=person, category=category, status=S.CLOSED, decided_at=decided
    )
    CaseFactory(unit=district_b, party=person, category=category)  # not decided
    mine = CaseFactory(
        unit=p.officer.unit, party=person, category=category, status=S.DECIDED, decided_at=decided
    )
    body = client.get(party_url(person)).json()
    assert (body["earlier_cases_citywide"], body["earlier_cases_in_scope"]) == (2, 1)
    assert [row["id"] for row in body["cases"]] == [mine.pk] and elsewhere.number not in str(body)


def test_registering_a_party_twice_answers_the_first(api_as, p):
    client = api_as(p.officer)
    data = {
        "party_type": "individual",
        "name": "林某",
        "id_number": id_number(5).lower(),
        "phone": "13700000000",
    }
    first = client.post(PARTIES, data, format="json")
    assert first.status_code == 201, first.json()
    assert first.json()["id_number"] == id_number(5)  # normalised, and in full for an officer
    again = api_as(p.leader).post(PARTIES, data, format="json")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert again.json()["name"] == "林某"
    # The same number typed with another name is not silently taken for that party: the clerk is told whose it is.
    other = api_as(p.leader).post(PARTIES, {**data, "name": "林某某"}, format="json")
    assert other.status_code == 400 and "林某" in other.json()["id_number"][0]
    assert Party.objects.count() == 1


def test_a_statistician_may_not_register_parties(api_as, p):
    response = api_as(p.statistician).post(
        PARTIES, {"party_type": "individual", "name": "林某"}, format="json"
    )
    assert response.status_code == 403 and not Party.objects.exists()


def test_a_party_is_corrected_with_its_version(api_as, p, person):
    client = api_as(p.officer)
    url = party_url(person)
    assert client.patch(url, {"phone": "13811112222"}, format="json").status_code == 428
    changed = client.patch(
        url, {"phone": "13811112222", "id_number": "x"}, format="json", HTTP_IF_MATCH='W/"1"'
    )
    assert changed.status_code == 200, changed.json()
    assert (changed.json()["phone"], changed.json()["version"]) == ("13811112222", 2)
    assert changed.json()["id_number"] == person.id_number  # the identity is not edited
    assert client.patch(url, {"phone": "1", "version": 1}, format="json").status_code == 409
    assert Party.objects.get(pk=person.pk).phone == "13811112222"


# --- the list -------------------------------------------------------------------------------------------
def test_id_numbers_are_masked_in_the_case_list(api_as, p, person, category):
    CaseFactory(unit=p.officer.unit, party=person, category=category)
    company = OrganisationFactory()
    CaseFactory(unit=p.officer.unit, party=company, category=category)
    for user in (p.officer, p.head):
        rows = api_as(user).get(LIST).json()["results"]
        identifiers = {row["party"]["name"]: row["party"]["identifier"] for row in rows}
        assert identifiers == {person.name: person.masked_id_number, company.name: company.credit_code}
        assert person.id_number not in str(rows)


def test_the_case_detail_masks_the_id_number_for_other_roles(api_as, p, person, category):
    case = CaseFactory(unit=p.officer.unit, party=person, category=category)
    assert api_as(p.statistician).get(detail(case)).json()["party"]["id_number"] == person.masked_id_number
    assert api_as(p.reviewer).get(detail(case)).json()["party"]["id_number"] == person.id_number


def test_filters(api_as, p, person, category, general_category, squad_a):
    other = PartyFactory(name="黄某", id_number=id_number(6))
    lead = CaseFactory(unit=p.officer.unit, party=person, category=general_category, handler=p.officer2)
    simple = CaseFactory(
        unit=squad_a,
        party=other,
        category=category,
        procedure="simple",
        status=S.DECIDED,
        address="解放北路5号",
    )
    Case.objects.filter(pk=lead.pk).update(due_at=timezone.now() - timedelta(hours=1))
    client = api_as(p.head)

    def ids(**params):
        response = client.get(LIST, params)
        assert response.status_code == 200, response.json()
        return {row["id"] for row in response.json()["results"]}

    assert ids(procedure="simple") == {simple.pk}
    assert ids(status=["lead", "decided"]) == {lead.pk, simple.pk}
    assert ids(status="decided") == {simple.pk}
    assert ids(unit=squad_a.pk) == {simple.pk}
    assert ids(category=general_category.pk) == {lead.pk}
    assert ids(officer=p.officer2.pk) == {lead.pk}
    assert ids(party=other.pk) == {simple.pk}
    assert ids(due="overdue") == {lead.pk}
    assert ids(q=person.id_number) == {lead.pk}
    assert ids(q="解放北路") == {simple.pk}
    assert ids(q=simple.number.lower()) == {simple.pk}
    assert client.get(LIST, {"q": "x"}).status_code == 400  # a one-character search


def test_a_search_is_not_counted_but_the_list_is(api_as, p, person, category):
    for _ in range(3):
        CaseFactory(unit=p.officer.unit, party=person, category=category)
    client = api_as(p.officer)
    assert client.get(LIST, {"page_size": 2}).json()["count"] == 3
    assert client.get(LIST, {"q": person.name, "page_size": 2}).json()["count"] is None
    assert client.get(LIST, {"q": person.name, "page_size": 5}).json()["count"] == 3  # one whole page


def test_keyset_pages_walk_the_whole_list(api_as, p, person, category):
    now = timezone.now()
    made = [
        CaseFactory(
            unit=p.officer.unit, party=person, category=category, registered_at=now - timedelta(hours=i % 4)
        )
        for i in range(7)
    ]
    client = api_as(p.officer)
    seen, url = [], LIST + "?page_size=3"
    while url:
        body = client.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    expected = list(Case.objects.order_by("-registered_at", "-id").values_list("pk", flat=True))
    assert seen == expected and sorted(seen) == sorted(c.pk for c in made)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "当事人"},
        {"status": ["lead", "decided"], "procedure": "general", "registered_from": "2020-01-01"},
    ],
)
def test_the_list_costs_the_same_queries_for_3_and_30_cases(
    p, category, params, django_assert_max_num_queries
):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(p.officer)  # a real session: each request loads the user, roles and scope afresh

    def make(n):
        for _ in range(n):
            CaseFactory(unit=p.officer.unit, category=category, handler=p.officer)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(LIST, {**params, "page_size": 50})
        assert response.status_code == 200
        return len(ctx), len(response.json()["results"])

    make(3)
    client.get(LIST, params)  # fills the per-process caches
    few = queries()
    make(27)
    with django_assert_max_num_queries(10):
        many = queries()
    assert (few[1], many[1]) == (3, 30)
    assert few[0] == many[0], (few, many)


def test_the_list_rows_fast_path_matches_the_declared_fields(rf, p, person, category):
    from rest_framework import serializers

    from ..api.serializers import CaseListSerializer

    rows = [
        CaseFactory(unit=p.officer.unit, party=person, category=category),
        CaseFactory(
            unit=p.officer.unit,
            party=OrganisationFactory(),
            category=category,
            handler=p.officer,
            status=S.DECIDED,
            procedure="simple",
            fine_decided=Decimal("150.5"),
        ),
    ]
    Case.objects.filter(pk=rows[1].pk).update(due_at=timezone.now() + timedelta(days=1))
    request = rf.get("/")
    request.user = p.officer
    serializer = CaseListSerializer(context={"request": request})
    for case in Case.objects.for_list_rows().filter(pk__in=[r.pk for r in rows]):
        fast = serializer.to_representation(case)
        assert fast == serializers.ModelSerializer.to_representation(serializer, case)
        assert list(fast) == CaseListSerializer.Meta.fields


def test_the_detail_query_count_is_bounded(api_as, p, person, category):
    case = notified(p, person, category)
    client = api_as(p.officer)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(detail(case)).status_code == 200
    assert len(ctx) <= 12, [q["sql"] for q in ctx.captured_queries]


# --- the CSV export -----------------------------------------------------------------------------------------
def _csv(response):
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_export_masks_id_numbers_and_writes_plain_amounts(api_as, p, person, category, district_b):
    created = api_as(p.officer).post(LIST, simple_payload(person, category, fine="150.5"), format="json")
    assert created.status_code == 201
    client = api_as(p.head)  # a case role: reads ID numbers in full on the page, never in an export
    CaseFactory(unit=p.officer.unit, party=PartyFactory(name="=HYPERLINK()"), category=category)
    CaseFactory(unit=district_b, party=person, category=category)
    response = client.get(EXPORT)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="cases-')
    header, *rows = _csv(response)
    assert header[:3] == ["Case number", "Procedure", "Status"] and "ID number or credit code" in header
    assert len(rows) == 2  # not the other district's
    by_party = {row[header.index("Party")]: row for row in rows}
    simple = by_party[person.name]
    assert simple[header.index("ID number or credit code")] == person.masked_id_number
    assert simple[header.index("Fine decided (yuan)")] == "150.50"
    assert simple[header.index("Procedure")] == "Simple procedure"
    assert "'=HYPERLINK()" in by_party  # a formula-like name is written as text
    assert person.id_number not in b"".join(client.get(EXPORT).streaming_content).decode()


def test_the_export_follows_the_list_filters(api_as, p, person, category):
    api_as(p.officer).post(LIST, simple_payload(person, category), format="json")
    CaseFactory(unit=p.officer.unit, party=person, category=category)
    client = api_as(p.officer)
    _header, *rows = _csv(client.get(EXPORT, {"procedure": "simple"}))
    assert [row[1] for row in rows] == ["Simple procedure"]
    asked_for_csv = client.get(EXPORT, HTTP_ACCEPT="text/csv")
    assert asked_for_csv.status_code == 200 and len(_csv(asked_for_csv)) == 3
    bad = client.get(EXPORT, {"status": "no-such-status"}, HTTP_ACCEPT="text/csv")
    assert bad.status_code == 400 and "status" in bad.json()


def test_the_export_refuses_more_cases_than_a_file_holds(monkeypatch, api_as, p, person, category):
    from .. import exports

    monkeypatch.setattr(exports, "EXPORT_MAX_ROWS", 1)
    CaseFactory(unit=p.officer.unit, party=person, category=category)
    client = api_as(p.officer)
    assert len(_csv(client.get(EXPORT))) == 1 + 1
    CaseFactory(unit=p.officer.unit, party=person, category=category)
    refused = client.get(EXPORT, HTTP_ACCEPT="text/csv")
    assert refused.status_code == 400
    assert refused.json() == {
        "detail": "More than 1 cases match: narrow the list (for example by the dates registered) and export again."
    }


def test_without_server_side_cursors_the_export_reads_page_by_page(monkeypatch, api_as, p, person, category):
    """Behind PgBouncer (DISABLE_SERVER_SIDE_CURSORS): EXPORT_CHUNK cases a query, each page after the last
    case sent, every case once, newest first, ties on the time by id."""
    from .. import exports

    moment = timezone.now() - timedelta(days=1)
    for index in range(5):
        CaseFactory(
            unit=p.officer.unit,
            party=person,
            category=category,
            registered_at=moment - timedelta(hours=index // 2),
        )
    client = api_as(p.officer)
    streamed = _csv(client.get(EXPORT))[1:]
    monkeypatch.setattr(exports, "EXPORT_CHUNK", 2)
    monkeypatch.setitem(connection.settings_dict, "DISABLE_SERVER_SIDE_CURSORS", True)
    with CaptureQueriesContext(connection) as captured:
        paged = _csv(client.get(EXPORT))[1:]
    assert paged == streamed and len(paged) == 5
    assert len({row[0] for row in paged}) == 5
    assert len([query for query in captured if query["sql"].endswith("LIMIT 2")]) == 3  # 2 + 2 + 1


def test_export_cases_scopes_whatever_it_is_given(p, person, category, district_b):
    from ..exports import export_cases

    CaseFactory(unit=district_b, party=person, category=category)
    _header, *rows = _csv(export_cases(Case.objects.all(), p.officer))
    assert rows == []
