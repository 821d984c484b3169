"""The case approvals in the platform's approval inbox (enforcement.approvals.services.inbox_for): each kind
listed for its deciders only — a filing for the unit's squad leaders and bureau heads but never for the one
who asked nor the case's investigating officers, a legal review for legal reviewers, a decision, a
discussion and an extension for bureau heads — oldest deadline first, and nothing of a case out of scope."""

from datetime import timedelta

import pytest
from django.utils import timezone

from enforcement.approvals.choices import ApprovalDecision
from enforcement.approvals.services import inbox_for

from .. import services
from ..models import (
    CLOSING_KIND,
    DECISION_KIND,
    DISCUSSION_KIND,
    EXTENSION_KIND,
    FILING_KIND,
    LEGAL_REVIEW_KIND,
    REPORT_REVIEW_KIND,
    CaseApproval,
)
from .factories import CaseFactory, PartyFactory
from .test_services import ORDER, make_people, walk

pytestmark = pytest.mark.django_db
APPROVED = ApprovalDecision.APPROVED


@pytest.fixture
def people(make_user, district_a):
    return make_people(make_user, district_a)


def listed(user):
    return [(entry.kind.slug, entry.subject.pk) for entry in inbox_for(user)[0:100]]


def test_a_filing_waits_for_the_units_supervisors_not_for_who_asked_nor_the_investigators(
    people, category, make_user, district_a
):
    p = dict(
        people,
        asking_leader=make_user("squad_leader", unit=district_a),
        investigating_leader=make_user("squad_leader", unit=district_a),
    )
    case = walk(p, category, "lead")
    case = services.request_filing(case, by=p["asking_leader"], reason="巡查发现占道经营")
    second = walk(p, category, "lead")
    second.handler = p["investigating_leader"]
    second.save()
    second = services.request_filing(second, by=p["officer"], reason="投诉转来")
    assert listed(p["leader"]) == [("case_filing", case.pk), ("case_filing", second.pk)]
    assert listed(p["head"]) == [("case_filing", case.pk), ("case_filing", second.pk)]
    assert listed(p["asking_leader"]) == [("case_filing", second.pk)]  # not their own request
    assert listed(p["investigating_leader"]) == [("case_filing", case.pk)]  # not the case they handle
    assert listed(p["officer"]) == [] and listed(p["reviewer"]) == []
    entry = inbox_for(p["leader"])[0:1][0]
    assert (entry.subject_text, entry.subject_url) == (str(case), case.get_absolute_url())


def test_a_legal_review_waits_for_legal_reviewers_only(people, category):
    p = people
    case = walk(p, category, "review", fine="5000")  # a large fine: the review is a legal review (Art. 58)
    assert CaseApproval.objects.get(case=case, decision="pending").kind == LEGAL_REVIEW_KIND
    assert listed(p["reviewer"]) == [(LEGAL_REVIEW_KIND, case.pk)]
    assert listed(p["leader"]) == [] and listed(p["head"]) == []
    small = walk(p, category, "review", fine="500")
    assert listed(p["leader"]) == [(REPORT_REVIEW_KIND, small.pk)]
    assert listed(p["reviewer"]) == [(LEGAL_REVIEW_KIND, case.pk)]


def test_a_decision_waits_for_bureau_heads_only(people, category):
    p = people
    case = walk(p, category, "notified")
    case = services.request_decision(
        case,
        by=p["officer"],
        penalty_kinds=["fine"],
        fine="400",
        correction_order=ORDER,
        reason="拟罚款400元",
    )
    assert listed(p["head"]) == [(DECISION_KIND, case.pk)]
    assert listed(p["leader"]) == [] and listed(p["reviewer"]) == [] and listed(p["officer2"]) == []
    services.decide(case, by=p["head"], decision=APPROVED)
    assert listed(p["head"]) == []  # decided: nothing waits any more


def test_the_discussion_and_an_extension_wait_for_bureau_heads(people, category):
    p = people
    case = walk(p, category, "review", is_complex=True)
    case = services.decide_review(case, by=p["reviewer"], decision=APPROVED)
    case = services.request_extension(case, by=p["officer"], reason="需鉴定", days=10)
    assert sorted(listed(p["head"])) == sorted([(DISCUSSION_KIND, case.pk), (EXTENSION_KIND, case.pk)])
    assert listed(p["leader"]) == [] and listed(p["reviewer"]) == []


def test_oldest_deadline_first_and_out_of_scope_cases_absent(
    people, make_user, district_a, district_b, category
):
    p = people
    now = timezone.now()
    requester = make_user("officer", unit=district_a)

    def pending(unit, kind, due_in):
        case = CaseFactory(unit=unit, category=category, party=PartyFactory())
        CaseApproval.objects.create(
            case=case,
            kind=kind,
            requested_by=requester,
            reason="请审批",
            due_at=None if due_in is None else now + timedelta(days=due_in),
        )
        return case

    late = pending(district_a, CLOSING_KIND, 9)
    undated = pending(district_a, FILING_KIND, None)
    soon = pending(district_a, FILING_KIND, 1)
    middle = pending(district_a, CLOSING_KIND, 4)
    elsewhere = pending(district_b, FILING_KIND, 0)
    assert [pk for _kind, pk in listed(p["leader"])] == [soon.pk, middle.pk, late.pk, undated.pk]
    assert elsewhere.pk not in [pk for _kind, pk in listed(p["head"])]
    other_leader = make_user("squad_leader", unit=district_b)
    assert listed(other_leader) == [(FILING_KIND, elsewhere.pk)]
    assert inbox_for(p["leader"]).count() == 4
