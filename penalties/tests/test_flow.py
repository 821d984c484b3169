"""Issue 12's "done when", through the services: a general case decided and served, partly paid, late (the
surcharge grows 3 % a day and stops at the fine), a reconsideration pauses it and upholds it, the rest is
paid and the case closes; a varied and a revoked decision; a late filing flagged; a seizure extended once
and returned; a decision published and withdrawn."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases import services as case_services
from cases.choices import CaseStatus
from enforcement.workflow.exceptions import TransitionNotAllowed
from penalties import imports, publication, reviews, seizures, services
from penalties.choices import ExecutionStatus, SeizureStatus
from penalties.models import Execution, Payment, Publication, SeizedItem, Seizure

from .conftest import age_execution, served_case

pytestmark = pytest.mark.django_db
E = ExecutionStatus
D = Decimal


def today():
    return timezone.localdate()


def fresh(execution):
    return Execution.objects.get(pk=execution.pk)


def sql(execution, day=None):
    row = Execution.objects.with_money(day or today()).get(pk=execution.pk)
    return D(row.surcharge_fen) / 100, D(row.owed_fen) / 100


def pay(execution, by, amount, ref, day=None):
    return services.record_payment(
        execution, by=by, amount=D(amount), paid_on=day or today(), channel="bank", reference=ref
    )


def test_the_whole_path_partly_paid_late_paused_upheld_paid_closed(people, category):
    p = people
    case = served_case(p, category, fine="1000")
    execution = Execution.objects.get(case=case)
    assert execution.status == E.AWAITING and execution.fine == D("1000.00")
    # Served 40 days ago: due 25 days ago — 300 paid on day 2 of lateness, 700 late since.
    execution = age_execution(execution, 40)
    case = type(case).objects.get(pk=case.pk)
    due = execution.due_on
    pay(execution, p["officer"], "300", "B-1", due + timedelta(days=2))
    execution = fresh(execution)
    money = execution.money(due + timedelta(days=2))
    assert money["surcharge"] == D("60.00")  # 2 days × 3 % × 1,000
    # From then on 3 % of the 700 unpaid a day: 21 yuan.
    assert execution.money(due + timedelta(days=3))["surcharge"] == D("81.00")
    assert sql(execution, due + timedelta(days=3)) == (D("81.00"), D("781.00"))
    # The cap: never more than the fine (Art. 72) — 60 + 21 × 45 = 1,005 > 1,000 on day 47.
    assert execution.money(due + timedelta(days=46))["surcharge"] == D("1000.00") - D("16.00")
    assert execution.money(due + timedelta(days=47))["surcharge"] == D("1000.00")
    assert sql(execution, due + timedelta(days=60)) == (D("1000.00"), D("1700.00"))
    # A reconsideration filed 5 days after the due date pauses the surcharge (Art. 73) ...
    review = reviews.file_review(
        case, by=p["officer"], kind="reconsideration", body="区人民政府", filed_on=due + timedelta(days=5)
    )
    assert not review.late
    execution = fresh(execution)
    paused_at = execution.money()["surcharge"]
    assert paused_at == D("60.00") + 3 * D("21.00")  # days 3, 4, 5
    assert execution.money(today() + timedelta(days=30))["surcharge"] == paused_at
    assert sql(execution, today() + timedelta(days=30))[0] == paused_at
    # ... nor can the court be applied to meanwhile.
    assert "apply_to_court" not in execution.allowed_actions(p["leader"])
    # Upheld 10 days later: the surcharge runs again from the day after.
    outcome_on = due + timedelta(days=15)
    reviews.record_outcome(review, by=p["officer"], outcome="upheld", outcome_on=outcome_on)
    execution = fresh(execution)
    assert execution.money(outcome_on)["surcharge"] == paused_at
    assert execution.money(outcome_on + timedelta(days=1))["surcharge"] == paused_at + D("21.00")
    # The rest: the fine and the surcharge to date, in one payment; more is refused and nothing written.
    owed = execution.money()["owed"]
    with pytest.raises(ValidationError, match="more than was owed"):
        pay(execution, p["officer"], owed + D("0.01"), "B-2")
    assert Payment.objects.filter(execution=execution).count() == 1
    # The rest arrives in the bank's statement, matched by the payment code; importing it again adds nothing.
    statement = (
        "交易流水号,金额,交易日期,付款人,缴款码\n"
        f"B-2,{owed},{today().isoformat()},当事人,{execution.payment_code}\n"
    ).encode()
    unit = execution.unit
    assert (
        imports.import_statement(statement, "bank.csv", by=p["leader"], unit=unit, channel="bank").recorded
        == 1
    )
    assert (
        imports.import_statement(statement, "bank.csv", by=p["leader"], unit=unit, channel="bank").recorded
        == 0
    )
    execution = fresh(execution)
    assert execution.status == E.PAID and execution.money()["owed"] == D("0.00")
    # Now the case may be closed.
    case = case_services.execute(type(case).objects.get(pk=case.pk), by=p["officer"])
    case = case_services.request_closing(case, by=p["officer"], reason="罚款及加处罚款已缴清")
    case = case_services.decide_closing(case, by=p["leader"], decision="approved")
    assert case.status == CaseStatus.CLOSED


def test_a_varied_decision_owes_the_new_fine_from_then_on(people, category):
    p = people
    case = served_case(p, category, fine="1000")
    execution = age_execution(Execution.objects.get(case=case), 20)
    case = type(case).objects.get(pk=case.pk)
    due = execution.due_on
    review = reviews.file_review(case, by=p["officer"], kind="reconsideration", body="区政府", filed_on=due)
    reviews.record_outcome(
        review, by=p["officer"], outcome="varied", outcome_on=today(), varied_fine=D("600")
    )
    execution = fresh(execution)
    assert execution.fine == D("600.00")
    money = execution.money()
    assert (money["fine_outstanding"], money["surcharge"]) == (D("600.00"), D("0.00"))
    # Late again from the day after: 3 % of 600; capped at the new fine.
    assert execution.money(today() + timedelta(days=1))["surcharge"] == D("18.00")
    assert execution.money(today() + timedelta(days=60))["surcharge"] == D("600.00")
    assert sql(execution, today() + timedelta(days=60))[0] == D("600.00")
    with pytest.raises(ValidationError):
        reviews.record_outcome(
            reviews.file_review(case, by=p["officer"], kind="litigation", body="区法院", filed_on=today()),
            by=p["officer"],
            outcome="varied",
            outcome_on=today(),
            varied_fine=D("700"),  # higher than the fine in force
        )


def test_a_revoked_decision_owes_nothing_and_takes_no_payment(people, category):
    p = people
    case = served_case(p, category, fine="500")
    execution = age_execution(Execution.objects.get(case=case), 30)
    assert execution.money()["surcharge"] > 0
    review = reviews.file_review(
        case, by=p["officer"], kind="litigation", body="区人民法院", filed_on=today()
    )
    reviews.record_outcome(review, by=p["officer"], outcome="revoked", outcome_on=today())
    execution = fresh(execution)
    assert execution.status == E.REVOKED
    assert execution.money()["owed"] == D("0.00") and execution.money()["surcharge"] == D("0.00")
    assert sql(execution) == (D("0.00"), D("0.00"))
    with pytest.raises(TransitionNotAllowed):
        pay(execution, p["officer"], "10", "R-1")
    assert not Payment.objects.filter(execution=execution).exists()


def test_a_reconsideration_after_its_60_days_is_recorded_and_flagged(people, category):
    p = people
    case = served_case(p, category, fine="500")
    age_execution(Execution.objects.get(case=case), 61)
    case = type(case).objects.get(pk=case.pk)
    review = reviews.file_review(
        case, by=p["officer"], kind="reconsideration", body="区政府", filed_on=today()
    )
    assert review.late is True
    in_time = reviews.file_review(case, by=p["officer"], kind="litigation", body="区法院", filed_on=today())
    assert in_time.late is False  # six months to sue


def test_a_seizure_is_extended_once_and_its_items_returned(people, category):
    p = people
    case = served_case(p, category, fine="500")
    with pytest.raises(ValidationError):
        seizures.seize(case, by=p["officer"], kind="seize", custody_place="", seized_on=today(), items=[])
    seizure = seizures.seize(
        case,
        by=p["officer"],
        kind="seize",
        custody_place="禅城区暂扣场",
        seized_on=today(),
        items=[
            {"kind": "vehicle", "description": "三轮车", "quantity": 2},
            {"kind": "goods", "description": "水果", "quantity": 5},
        ],
    )
    assert seizure.limit_on == today() + timedelta(days=30)
    assert seizures.seized_counts(Seizure.objects.all()) == {"vehicle": 2, "goods": 5, "equipment": 0}
    with pytest.raises(ValidationError):
        seizures.request_extension(seizure, by=p["officer"], days=31, reason="案情复杂")
    seizure = seizures.request_extension(seizure, by=p["officer"], days=30, reason="案情复杂")
    with pytest.raises(PermissionDenied):  # an officer does not extend a seizure
        seizures.decide_extension(seizure, by=p["officer"], decision="approved")
    seizure = seizures.decide_extension(seizure, by=p["head"], decision="approved", opinion="同意延长")
    assert seizure.limit_on == today() + timedelta(days=60) and seizure.extended_days == 30
    with pytest.raises(TransitionNotAllowed, match="once"):
        seizures.request_extension(seizure, by=p["officer"], days=10, reason="再次延长")
    seizure = seizures.end_seizure(seizure, by=p["officer"], outcome="returned", note="已退还当事人")
    assert seizure.status == SeizureStatus.RETURNED and seizure.ended_at is not None
    assert SeizedItem.objects.filter(seizure=seizure).count() == 2
    with pytest.raises(TransitionNotAllowed):
        seizures.end_seizure(seizure, by=p["officer"], outcome="confiscated")


def test_a_published_decision_hides_the_individual_and_is_withdrawn_when_varied(people, category, client):
    p = people
    case = served_case(p, category, fine="500")
    with pytest.raises(PermissionDenied, match="administrator or the bureau head"):
        publication.publish(case, by=p["officer"])
    published = publication.publish(case, by=p["head"])
    page = client.get("/public/decisions/")  # no login
    assert page.status_code == 200
    text = page.content.decode()
    assert published.values["decision_number"] in text
    assert case.party.name not in text and case.party.name[0] + "某" in text
    if case.party.id_number:
        assert case.party.id_number not in client.get(f"/public/decisions/{published.pk}/").content.decode()
    assert client.get("/public/decisions/feed/").status_code == 200
    with pytest.raises(TransitionNotAllowed):
        publication.publish(case, by=p["head"])
    review = reviews.file_review(
        case, by=p["officer"], kind="reconsideration", body="区政府", filed_on=today()
    )
    reviews.record_outcome(
        review, by=p["officer"], outcome="varied", outcome_on=today(), varied_fine=D("300")
    )
    published = Publication.objects.get(pk=published.pk)
    assert published.withdraw_due_at is not None and published.withdraw_due_at > timezone.now()
    with pytest.raises(ValidationError):
        publication.withdraw(published, by=p["head"], reason="")
    publication.withdraw(published, by=p["head"], reason="复议决定变更处罚")
    assert published.values["decision_number"] not in client.get("/public/decisions/").content.decode()


def test_a_revocation_after_payment_ends_the_execution_as_revoked(people, category):
    p = people
    case = served_case(p, category, fine="500")
    execution = Execution.objects.get(case=case)
    execution = pay(execution, p["officer"], "500", "P-1")
    assert execution.status == E.PAID
    review = reviews.file_review(
        case, by=p["officer"], kind="litigation", body="区人民法院", filed_on=today()
    )
    reviews.record_outcome(review, by=p["officer"], outcome="revoked", outcome_on=today())
    assert fresh(execution).status == E.REVOKED  # not counted as collected


def test_a_back_dated_review_that_would_make_a_payment_too_large_is_refused_in_words(people, category):
    p = people
    case = served_case(p, category, fine="1000")
    execution = age_execution(
        Execution.objects.get(case=case), 40
    )  # due + 10 days in the past, whatever today is
    case = type(case).objects.get(pk=case.pk)
    due = execution.due_on
    pay(execution, p["officer"], "1100", "P-2", due + timedelta(days=10))  # 1,300 owed then
    with pytest.raises(TransitionNotAllowed, match="refund"):
        reviews.file_review(
            case, by=p["officer"], kind="reconsideration", body="区政府", filed_on=due + timedelta(days=1)
        )
    assert not case.reviews.exists()


def test_the_public_facts_do_not_name_the_individual(people, category):
    from penalties.publication import redacted_text

    party = type(
        "P",
        (),
        {
            "party_type": "individual",
            "name": "张三丰",
            "id_number": "110105194912310029",
            "phone": "13600001111",
            "address": "禅城区祖庙路1号",
        },
    )()
    text = redacted_text(
        "当事人张三丰（身份证号110105194912310029，住禅城区祖庙路1号，电话13600001111）占道经营", party
    )
    assert "张三丰" not in text and "110105194912310029" not in text and "13600001111" not in text
    assert "祖庙路1号" not in text and "张某某" in text
