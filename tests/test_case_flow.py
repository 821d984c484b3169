"""A general-procedure case through the API as the bureau's people would take it, on the demo city: a complaint
becomes a lead, is filed, investigated by two officers, legally reviewed, notified; the party asks for a
hearing, which is held; after a second legal review the bureau head decides; the decision is served, executed,
the case closed and archived. Every step is taken by a different person where the law asks for it, every
approval stands in the chain, every document of a step is issued with its number, and the timeline tells it."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases.models import Case, Party
from complaints import services as complaint_services
from enforcement.audit.models import AuditEvent
from enforcement.catalog import demo as catalog_demo
from enforcement.catalog.models import ViolationCategory
from enforcement.documents.models import Document
from enforcement.files.testing import jpeg_bytes
from enforcement.org import demo as org_demo
from enforcement.org.models import User

PASSWORD = "Demo-2026!"


@pytest.fixture
def demo(db):
    org_demo.seed(PASSWORD)
    catalog_demo.seed()


def token_client(username):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(
        reverse("api:api-token"), {"username": username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def test_a_general_case_from_a_complaint_to_the_archive(demo):
    people = {
        name: token_client(f"chancheng.{name}")
        for name in ("officer", "officer2", "squad_leader", "legal_reviewer", "bureau_head")
    }
    users = {name: User.objects.get(username=f"chancheng.{name}") for name in people}
    category = ViolationCategory.objects.get(code="0401")  # 擅自占用城市道路: up to 20,000 yuan
    complaint = complaint_services.register_complaint(
        by=User.objects.get(username="chancheng.intake"),  # and dispatched to the officers' squadron
        channel="hotline_12345",
        category=category,
        description="季华五路店铺长期占道堆放建材",
        address="禅城区季华五路35号",
    )
    intake = User.objects.get(username="chancheng.intake")
    complaint_services.accept(complaint, by=intake)
    complaint = complaint_services.dispatch(complaint, by=intake, unit=users["officer"].unit)

    def step(who, case_id, action, expect=200, **data):
        response = people[who].post(reverse(f"api:case-{action}", args=[case_id]), data, format="json")
        assert response.status_code == expect, (action, who, response.json())
        return response.json()

    def issue(who, case_id, doc_type):
        response = people[who].post(
            reverse("api:case-documents", args=[case_id]), {"doc_type": doc_type}, format="json"
        )
        assert response.status_code == 201, (doc_type, response.json())
        return response.json()

    # The officer registers the party and opens a lead from the complaint.
    party = people["officer"].post(
        reverse("api:party-list"),
        {
            "party_type": "individual",
            "name": "赵大伟",
            "id_number": "11010519491231002X",
            "phone": "13500001111",
        },
        format="json",
    )
    assert party.status_code == 201, party.json()
    lead = people["officer"].post(
        reverse("api:case-list"),
        {
            "party": party.json()["id"],
            "category": category.pk,
            "facts": "当事人擅自占用季华五路人行道堆放建筑材料约40平方米。",
            "address": "禅城区季华五路35号",
            "act_date": (timezone.localdate() - timedelta(days=10)).isoformat(),
            "complaint": complaint.pk,
        },
        format="json",
    )
    assert lead.status_code == 201, lead.json()
    case_id = lead.json()["id"]
    assert lead.json()["status"] == "lead" and lead.json()["source"] == "complaint"

    step("officer", case_id, "request_filing", reason="违法事实基本清楚")
    # The officer who proposed it cannot approve it, even were they a supervisor; the squad leader does.
    case = step("squad_leader", case_id, "decide_filing", decision="approved", opinion="同意立案")
    assert case["status"] == "filed"
    filing_form = issue("squad_leader", case_id, "filing_approval")
    step(
        "squad_leader",
        case_id,
        "assign_officers",
        handler=users["officer"].pk,
        co_handler=users["officer2"].pk,
    )
    inquiry = issue("officer", case_id, "inquiry_record")
    evidence = people["officer"].post(
        reverse("api:case-evidence", args=[case_id]),
        {
            "file": SimpleUploadedFile("现场.jpg", jpeg_bytes(), content_type="image/jpeg"),
            "evidence_type": "photo",
            "description": "占道堆放现场",
        },
        format="multipart",
    )
    assert evidence.status_code == 201, evidence.json()

    # A 5,000-yuan fine on an individual is a large fine: legal review is mandatory (Art. 58), a hearing a right.
    case = step(
        "officer",
        case_id,
        "submit_report",
        report="经调查，违法事实清楚，证据确凿。",
        penalty_kinds=["fine"],
        fine="5000.00",
        correction_order="限三日内清除占道堆放的建筑材料。",
    )
    assert case["status"] == "review"
    step("squad_leader", case_id, "decide_review", expect=409, decision="approved")  # not a legal reviewer
    step("legal_reviewer", case_id, "decide_review", decision="approved", opinion="事实清楚，适用法律正确")
    # The advance notice is issued and served on the party; the notice counts from then (Art. 44, 64).
    notice = issue("officer", case_id, "advance_notice")
    served = people["officer"].post(
        reverse("api:document-service", args=[notice["id"]]),
        {"method": "in_person", "recipient": "赵大伟"},
        format="json",
    )
    assert served.status_code in (200, 201), served.json()
    case = step("officer", case_id, "notify")
    assert case["status"] == "notified"
    step("officer2", case_id, "record_statement", statement="当事人称系临时堆放，请求从轻处罚。")
    step("officer", case_id, "request_hearing")
    # The decision cannot be made before the requested hearing is held (Art. 64).
    step(
        "officer",
        case_id,
        "request_decision",
        expect=409,
        penalty_kinds=["fine"],
        fine="4000.00",
        correction_order="限三日内清除。",
        reason="拟罚款4000元",
    )
    hearing_day = timezone.now() + timedelta(days=15)
    step(
        "squad_leader",
        case_id,
        "schedule_hearing",
        hearing_at=hearing_day.isoformat(),
        hearing_place="禅城区分局听证室",
        chair=users["squad_leader"].pk,
    )
    hearing_notice = issue("squad_leader", case_id, "hearing_notice")
    Case.objects.filter(pk=case_id).update(hearing_at=timezone.now() - timedelta(hours=1))  # as a clock would
    step("squad_leader", case_id, "record_hearing", hearing_record="听证会上当事人陈述了意见。")
    hearing_record = issue("squad_leader", case_id, "hearing_record")
    # A hearing was held: the decision needs a legal review after it (Art. 58).
    step(
        "officer",
        case_id,
        "request_decision",
        expect=409,
        penalty_kinds=["fine"],
        fine="4000.00",
        correction_order="限三日内清除。",
        reason="拟罚款4000元",
    )
    step("officer", case_id, "request_legal_review", reason="听证后法制审核")
    step("legal_reviewer", case_id, "decide_review", decision="approved", opinion="同意")
    step(
        "officer",
        case_id,
        "request_decision",
        penalty_kinds=["fine"],
        fine="4000.00",
        correction_order="限三日内清除占道堆放的建筑材料。",
        reason="综合听证意见，拟罚款4000元",
    )
    case = step("bureau_head", case_id, "decide", decision="approved", opinion="同意")
    assert case["status"] == "decided" and Decimal(case["fine_decided"]) == Decimal("4000.00")
    decision = issue("officer", case_id, "penalty_decision")
    proof = issue("officer", case_id, "proof_of_service")
    served = people["officer"].post(
        reverse("api:document-service", args=[decision["id"]]),
        {"method": "in_person", "recipient": "赵大伟"},
        format="json",
    )
    assert served.status_code in (200, 201), served.json()
    assert step("officer", case_id, "serve")["status"] == "served"
    assert step("officer", case_id, "execute")["status"] == "executing"
    # The fine is collected before the case closes: the bank's payment recorded on its execution.
    step("officer", case_id, "request_closing", expect=409, reason="罚款尚未缴清")
    execution = people["officer"].get(f"/api/v1/penalties/?q={decision['number']}").json()["results"][0]
    assert Decimal(execution["owed"]) == Decimal("4000.00") and execution["status"] == "awaiting"
    paid = people["officer"].post(
        f"/api/v1/penalties/{execution['id']}/record_payment/",
        {
            "amount": "4000.00",
            "paid_on": timezone.localdate().isoformat(),
            "channel": "bank",
            "reference": "ICBC-1",
        },
        format="json",
    )
    assert paid.status_code == 200 and paid.json()["status"] == "paid", paid.json()
    step("officer", case_id, "request_closing", reason="罚款已缴清，违法行为已改正")
    closing = issue("officer", case_id, "closing_report")
    assert step("squad_leader", case_id, "decide_closing", decision="approved")["status"] == "closed"
    case = step("squad_leader", case_id, "archive")
    assert case["status"] == "archived"

    # The approval chain: filing, two legal reviews, the decision and closing, each decided by someone else.
    chain = [(a["kind"], a["decision"]) for a in case["approvals"]]
    assert chain == [
        ("case_filing", "approved"),
        ("case_legal_review", "approved"),
        ("case_legal_review", "approved"),
        ("case_decision", "approved"),
        ("case_closing", "approved"),
    ]
    # Every document of a step, numbered in the district's registers.
    numbers = [
        d["number"]
        for d in (filing_form, inquiry, notice, hearing_notice, hearing_record, decision, proof, closing)
    ]
    assert all(n.startswith("禅城区分局") and "〔" in n for n in numbers), numbers
    assert len(set(numbers)) == len(numbers)
    assert Document.objects.filter(object_id=case_id).count() == len(numbers)
    # The timeline tells every step, in order; the complaint links to the case it spawned.
    verbs = list(
        AuditEvent.objects.for_object(Case.objects.get(pk=case_id))
        .order_by("id")
        .values_list("verb", flat=True)
    )
    for verb in (
        "register_case",
        "request_filing",
        "decide_filing",
        "assign_officers",
        "submit_report",
        "notify",
        "request_hearing",
        "schedule_hearing",
        "record_hearing",
        "decide",
        "serve",
        "decide_closing",
        "archive",
    ):
        assert verb in verbs, verb
    assert verbs.index("request_filing") < verbs.index("decide") < verbs.index("archive")
    assert complaint.cases.get().pk == case_id
    assert Party.objects.get(pk=party.json()["id"]).cases.count() == 1
