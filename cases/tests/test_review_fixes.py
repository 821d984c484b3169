"""The law as a reviewer read it against the first version: each test here failed before its fix."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from enforcement.approvals.services import inbox_for
from enforcement.catalog import law
from enforcement.documents.services import issue_document, record_service
from enforcement.workflow.exceptions import TransitionNotAllowed

from .. import rules, services
from ..choices import CaseStatus
from ..models import Case
from .conftest import give_notice, pay_in_full
from .factories import PartyFactory
from .test_services import ORDER, age, make_people, on_the_spot, photo, walk, words

S = CaseStatus


@pytest.fixture
def people(make_user, district_a):
    return make_people(make_user, district_a)


def propose(case, p, fine="400"):
    return services.request_decision(
        case,
        by=p["officer"],
        penalty_kinds=["fine"],
        fine=Decimal(fine),
        correction_order=ORDER,
        reason="拟罚款",
    )


def test_the_notice_is_given_only_once_it_is_issued_and_served_and_the_windows_count_from_its_service(
    people, category
):
    p = people
    case = walk(p, category, "reviewed", fine="5000")  # a large fine: the right to a hearing (Art. 63)
    with pytest.raises(TransitionNotAllowed) as info:
        services.notify(case, by=p["officer"])
    assert "Art. 44" in words(info.value)
    notice = issue_document(case, "advance_notice", by=p["officer"])
    service = record_service(notice, by=p["officer"], method="in_person", recipient="当事人")
    case = services.notify(case, by=p["officer"])
    assert case.notified_at == service.effective_at  # when the party received it, not when the step was taken
    assert case.hearing_request_due_at == rules.hearing_request_due(service.effective_at)


def test_no_decision_while_the_party_may_still_state_and_defend(people, category):
    p = people
    case = give_notice(walk(p, category, "reviewed"), p["officer"], statement="")
    with pytest.raises(TransitionNotAllowed) as info:
        propose(case, p)
    assert "Art. 45, 62" in words(info.value)
    case = services.record_statement(case, by=p["officer2"], statement="当事人表示放弃陈述、申辩")
    assert propose(case, p).pending_approval("case_decision") is not None


def test_the_limitation_counts_to_when_the_act_was_discovered_not_to_the_filing(people, category):
    """Art. 36: an act found 2 years less 5 days after it ended may be proposed for filing 10 days later."""
    p = people
    act = law.add_years(timezone.localdate(), -2) - timedelta(days=5)  # past the 2 years today …
    case = walk(p, category, "lead", act_date=act)
    case = age(case, registered_at=timezone.now() - timedelta(days=10))  # … not when it was found
    assert rules.limitation_problem(act) is not None
    case = services.request_filing(case, by=p["officer"], reason="在追责时效内发现")
    assert case.pending_approval("case_filing") is not None


def test_who_registered_a_case_does_not_review_it_and_only_investigators_gather_evidence(people, category):
    p = people
    case = services.open_lead(
        by=p["reviewer"],
        party=PartyFactory(created_by=p["reviewer"]),
        category=category,
        facts="占道摆卖",
        address="祖庙路",
        act_date=timezone.localdate(),
    )
    assert p["reviewer"].pk in case.investigators
    case = services.request_filing(Case.objects.get(pk=case.pk), by=p["leader"], reason="拟立案")
    case = services.decide_filing(case, by=p["head"], decision="approved")
    case = services.assign_officers(case, by=p["leader"], handler=p["officer"], co_handler=p["officer2"])
    with pytest.raises(PermissionDenied) as info:
        services.add_evidence(case, photo(), by=p["head"], evidence_type="photo")
    assert "Art. 42" in words(info.value)
    services.add_evidence(case, photo(), by=p["officer"], evidence_type="photo")
    case = services.submit_report(
        case,
        by=p["officer"],
        report="查明",
        penalty_kinds=["fine"],
        fine=Decimal("5000"),
        correction_order=ORDER,
    )
    assert not case.can_decide_review(p["reviewer"])  # the legal review is for another reviewer


def test_the_report_states_the_facts_found_and_may_flag_a_complex_case(people, category):
    p = people
    case = walk(p, category, "investigating")
    case = services.submit_report(
        case,
        by=p["officer"],
        report="查明",
        facts="经查，当事人连续三日占道经营。",
        is_complex=True,
        penalty_kinds=["fine"],
        fine=Decimal("500"),
        correction_order=ORDER,
    )
    assert case.facts == "经查，当事人连续三日占道经营。" and case.is_complex
    assert case.pending_approval("case_legal_review") is not None  # Art. 58: complex → legal review


def test_a_first_violation_is_refused_for_a_party_penalised_before(people, category):
    p = people
    party = PartyFactory(created_by=p["officer"])
    on_the_spot(p, category, party=party, fine=Decimal("50"))
    case = give_notice(walk(p, category, "reviewed", party=party), p["officer"])
    with pytest.raises(TransitionNotAllowed) as info:
        services.decide_no_penalty(case, by=p["head"], reason="首违不罚", first_violation=True)
    assert "Art. 33" in words(info.value)
    assert services.decide_no_penalty(case, by=p["head"], reason="违法行为轻微").status == S.NO_PENALTY


def test_an_extension_is_not_approved_once_the_period_has_ended(people, category):
    p = people
    case = walk(p, category, "investigating")
    case = services.request_extension(case, by=p["officer"], reason="需鉴定", days=10)
    case = age(case, decision_due_at=timezone.now() - timedelta(hours=1))
    with pytest.raises(TransitionNotAllowed) as info:
        services.decide_extension(case, by=p["head"], decision="approved")
    assert "Art. 60" in words(info.value)


def test_a_withdrawn_hearing_no_longer_holds_up_the_decision(people, category):
    p = people
    case = give_notice(walk(p, category, "reviewed", fine="5000"), p["officer"])
    case = services.request_hearing(case, by=p["officer"])
    with pytest.raises(TransitionNotAllowed):
        propose(case, p, fine="4000")
    case = services.withdraw_hearing(case, by=p["leader"], reason="当事人书面撤回听证申请")
    assert "schedule_hearing" not in case.allowed_actions(p["leader"])
    assert propose(case, p, fine="4000").pending_approval("case_decision") is not None


def test_a_request_left_on_a_case_that_ended_another_way_leaves_the_inbox(people, category):
    p = people
    case = walk(p, category, "review")
    assert [e.approval.kind for e in inbox_for(p["leader"])[0:10]] == ["case_report_review"]
    services.transfer(case, by=p["head"], transferred_to="市公安局", reason="涉嫌犯罪")
    assert inbox_for(p["leader"]).count() == 0


def test_a_simple_case_paid_at_the_bank_is_closed_through_its_closing(people, category):
    p = people
    case = on_the_spot(p, category, fine=Decimal("150"))
    case = services.acknowledge_filing(case, by=p["leader"])
    assert case.status == S.EXECUTING
    with pytest.raises(TransitionNotAllowed, match="still being collected"):
        services.request_closing(case, by=p["officer"], reason="罚款已缴清")
    case = pay_in_full(case, p["officer"])
    case = services.request_closing(case, by=p["officer"], reason="罚款已缴清")
    case = services.decide_closing(case, by=p["leader"], decision="approved")
    assert case.status == S.CLOSED


def test_a_number_registered_to_another_name_is_not_taken_for_that_party(people):
    p = people
    first = services.register_party(
        by=p["officer"], party_type="individual", name="陈小明", id_number="11010519491231002X"
    )
    assert (
        services.register_party(
            by=p["officer"], party_type="individual", name="陈小明", id_number="11010519491231002x"
        )
        == first
    )
    with pytest.raises(ValidationError) as info:
        services.register_party(
            by=p["officer"], party_type="individual", name="李大壮", id_number="11010519491231002X"
        )
    assert "陈小明" in words(info.value)


def test_the_case_page_counts_the_partys_earlier_cases_in_the_whole_city(
    people, category, district_b, client
):
    from .factories import CaseFactory

    p = people
    party = PartyFactory(created_by=p["officer"])
    CaseFactory(  # decided in another district: counted, never shown
        party=party,
        unit=district_b,
        status=S.CLOSED,
        decided_at=timezone.now() - timedelta(days=100),
        registered_at=timezone.now() - timedelta(days=101),
    )
    case = walk(p, category, "lead", party=party)
    client.force_login(p["officer"])
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Earlier cases: 1" in page and "a first violation" not in page


@pytest.mark.parametrize(
    "threshold", [2000, 3]
)  # the literal list of ids, and the subquery past the threshold
def test_the_list_search_finds_every_matching_partys_cases(people, category, monkeypatch, threshold):
    from .. import filtersets
    from ..filtersets import CaseFilterSet

    monkeypatch.setattr(filtersets, "PARTY_IDS", threshold)
    p = people
    cases = [
        walk(p, category, "lead", party=PartyFactory(created_by=p["officer"], name=f"王秀{n}"))
        for n in range(5)
    ]
    walk(p, category, "lead", party=PartyFactory(created_by=p["officer"], name="李四"))
    found = CaseFilterSet({"q": "王秀"}, queryset=Case.objects.all()).qs
    assert set(found.values_list("pk", flat=True)) == {c.pk for c in cases}
