"""The execution services with the database: opening (Art. 67 and 民法典 Art. 203), payments (partial, over
what is owed, the same reference twice, paid in full), the case's closing waiting for the money, a deferral
approved by the bureau head (Art. 66); and the figures lists compute in SQL (`with_money`) equal to those of
Python (`state()`) and of the replay of the whole history, day by day, for executions in every state."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.utils import timezone

from cases import services as case_services
from cases.approvals import CLOSING
from cases.choices import CaseStatus
from cases.tests.test_services import on_the_spot
from enforcement.approvals.services import pending_for
from enforcement.workdays import calendar
from enforcement.workflow.exceptions import TransitionNotAllowed
from penalties import ledger, rules, services
from penalties.choices import ExecutionStatus, ReviewOutcome
from penalties.models import Execution, Instalment, Payment, Review

from .conftest import age_execution, served_case

pytestmark = pytest.mark.django_db
E = ExecutionStatus
D = Decimal


def today():
    return timezone.localdate()


def fresh(execution):
    return Execution.objects.get(pk=execution.pk)


def pay(execution, by, amount, ref, day=None):
    return services.record_payment(
        execution, by=by, amount=D(amount), paid_on=day or today(), channel="bank", reference=ref
    )


def opened(p, category, *, fine="1000", days_ago=0):
    case = served_case(p, category, fine=fine)
    execution = Execution.objects.get(case=case)
    return age_execution(execution, days_ago) if days_ago else execution


# --- opening -----------------------------------------------------------------------------------------------------
def test_a_general_case_served_opens_one_execution_due_15_days_after_service(people, category):
    case = served_case(people, category, fine="400")
    execution = Execution.objects.get(case=case)
    served_on = calendar.local_date(case.served_at)
    assert execution.status == E.AWAITING
    assert (execution.fine, execution.original_fine, execution.fine_fen) == (D("400.00"), D("400.00"), 40_000)
    assert execution.served_on == served_on
    assert execution.due_on == calendar.get_calendar().next_working_day(served_on + timedelta(days=15))
    assert execution.unit_id == case.unit_id and execution.handler_id == case.handler_id
    (instalment,) = Instalment.objects.filter(execution=execution)
    assert (instalment.due_on, instalment.amount, instalment.outstanding_fen) == (
        execution.due_on,
        D("400.00"),
        40_000,
    )
    # Once only: the signal again (e.g. a repeated service) finds the same execution.
    assert services.open_execution(case, by=people["officer"]).pk == execution.pk
    assert Execution.objects.filter(case=case).count() == 1


def test_the_payment_deadline_on_a_holiday_moves_to_the_next_working_day():
    """民法典 Art. 203: served on 18 September 2026, the 15th day is 3 October, in the National Day
    holiday (1–7 October on the platform's calendar): the fine is due on 8 October."""
    served_at = timezone.make_aware(datetime.combine(date(2026, 9, 18), time(10, 0)))
    assert not calendar.is_working_day(date(2026, 10, 3))
    due = rules.payment_due(served_at)
    assert (
        calendar.local_date(due)
        == calendar.get_calendar().next_working_day(date(2026, 10, 3))
        == date(2026, 10, 8)
    )
    assert due == calendar.end_of_day(date(2026, 10, 8))
    # A 15th day that is a working day stays.
    served_at = timezone.make_aware(datetime.combine(date(2026, 11, 2), time(10, 0)))
    assert calendar.local_date(rules.payment_due(served_at)) == date(2026, 11, 17)


def test_a_simple_case_decided_on_the_spot_without_cash_opens_one(people, category):
    case = on_the_spot(people, category, fine=D("150"))
    execution = Execution.objects.get(case=case)
    assert execution.status == E.AWAITING and execution.fine == D("150.00")
    assert execution.due_on >= calendar.local_date(case.served_at) + timedelta(days=15)


def test_cash_paid_on_the_spot_opens_none(people, category):
    case = on_the_spot(people, category, fine=D("100"), paid_on_spot=True, receipt_no="NO.0001")
    assert not Execution.objects.filter(case=case).exists()


# --- payments ----------------------------------------------------------------------------------------------------
def test_partial_payments_add_up_and_paying_everything_ends_it_as_paid(people, category):
    p = people
    execution = opened(p, category, days_ago=20)  # due 5 days ago (or fewer after a holiday)
    late = (today() - execution.due_on).days
    assert late > 0
    execution = pay(execution, p["officer"], "300", "B-1")
    execution = pay(fresh(execution), p["officer"], "200.50", "B-2")
    execution = fresh(execution)
    assert execution.status == E.AWAITING
    assert (execution.fine_paid_fen, execution.outstanding_fen) == (50_050, 49_950)
    money = execution.money()
    assert money["surcharge"] == D("30.00") * late
    assert money["owed"] == D("499.50") + D("30.00") * late
    # More than owed (the fine unpaid and the surcharge): refused, naming the amount owed; nothing written.
    with pytest.raises(ValidationError) as info:  # this payment's amount: 400, under the amount
        pay(execution, p["officer"], money["owed"] + D("0.01"), "B-3")
    assert f"{money['owed']} yuan" in info.value.message_dict["amount"][0]
    assert Payment.objects.filter(execution=execution).count() == 2
    assert fresh(execution).outstanding_fen == 49_950
    # The same bank reference twice is refused too.
    with pytest.raises(TransitionNotAllowed, match="B-2"):
        pay(fresh(execution), p["officer"], "1", "B-2")
    assert Payment.objects.filter(execution=execution).count() == 2
    # Everything: the execution ends as paid, and takes nothing more.
    execution = pay(fresh(execution), p["officer"], money["owed"], "B-3")
    execution = fresh(execution)
    assert execution.status == E.PAID and execution.ended_at is not None
    assert execution.money()["owed"] == D("0.00")
    assert execution.surcharge_paid_fen == 3_000 * late
    # The fine is paid first (Art. 72): the last payment's part beyond the 499.50 unpaid paid the surcharge.
    parts = dict(Payment.objects.filter(execution=execution).values_list("reference", "surcharge_part"))
    assert parts == {"B-1": D("0"), "B-2": D("0"), "B-3": D("30.00") * late}
    with pytest.raises(TransitionNotAllowed):
        pay(execution, p["officer"], "1", "B-4")


def test_a_payment_dated_in_the_future_or_before_service_is_refused(people, category):
    p = people
    execution = opened(p, category, days_ago=3)
    with pytest.raises(ValidationError, match="future") as info:
        pay(execution, p["officer"], "10", "F-1", today() + timedelta(days=1))
    assert list(info.value.message_dict) == ["paid_on"]
    with pytest.raises(ValidationError, match="before the decision was served"):
        pay(execution, p["officer"], "10", "F-2", execution.served_on - timedelta(days=1))
    assert not Payment.objects.filter(execution=execution).exists()


def test_the_case_is_not_closed_while_the_fine_is_collected(people, category):
    p = people
    execution = opened(p, category, fine="500")
    case = case_services.execute(execution.case, by=p["officer"])
    with pytest.raises(TransitionNotAllowed, match="still being collected"):
        case_services.request_closing(case, by=p["officer"], reason="已执行")
    pay(fresh(execution), p["officer"], "500", "C-1")
    assert fresh(execution).status == E.PAID
    case = case_services.request_closing(type(case).objects.get(pk=case.pk), by=p["officer"], reason="已缴清")
    assert pending_for(case, CLOSING) is not None
    case = case_services.decide_closing(case, by=p["leader"], decision="approved")
    assert case.status == CaseStatus.CLOSED


# --- deferral (Art. 66) ------------------------------------------------------------------------------------------
def test_a_deferral_approved_by_the_bureau_head_changes_the_schedule_and_the_surcharge_follows(
    people, category
):
    p = people
    execution = opened(p, category, days_ago=20)
    late = (today() - execution.due_on).days
    accrued = D("30.00") * late
    with pytest.raises(ValidationError):
        services.request_deferral(execution, by=p["officer"], due_dates=[today()], reason="经济困难")
    dates = [today() + timedelta(days=10), today() + timedelta(days=20)]
    services.request_deferral(fresh(execution), by=p["officer"], due_dates=dates, reason="经济困难")
    with pytest.raises((PermissionDenied, TransitionNotAllowed)):
        services.decide_deferral(fresh(execution), by=p["officer"], decision="approved")
    execution = services.decide_deferral(fresh(execution), by=p["head"], decision="approved", opinion="同意")
    execution = fresh(execution)
    current = list(Instalment.objects.filter(execution=execution, current=True).order_by("due_on"))
    assert [(i.due_on, i.amount) for i in current] == [(dates[0], D("500.00")), (dates[1], D("500.00"))]
    assert execution.due_on == dates[0]
    assert Instalment.objects.filter(execution=execution, current=False).count() == 1
    # The surcharge accrued stays; nothing more until the first new date; then 3 % of 500 a day.
    assert execution.money()["surcharge"] == accrued
    assert execution.money(dates[0])["surcharge"] == accrued
    assert execution.money(dates[0] + timedelta(days=1))["surcharge"] == accrued + D("15.00")
    assert execution.money(dates[1] + timedelta(days=1))["surcharge"] == accrued + D("15.00") * 11 + D(
        "15.00"
    )
    row = Execution.objects.with_money(dates[1] + timedelta(days=1)).get(pk=execution.pk)
    assert D(row.surcharge_fen) / 100 == accrued + D("180.00")
    # Asking is the handler's; deciding is the bureau head's alone.
    with pytest.raises(PermissionDenied):
        services.request_deferral(
            execution, by=p["head"], due_dates=[today() + timedelta(days=30)], reason="再延"
        )


# --- SQL = Python = replay -----------------------------------------------------------------------------------------
def _review(execution, p, *, filed_on, outcome=ReviewOutcome.PENDING, outcome_on=None):
    Review.objects.create(
        case_id=execution.case_id,
        unit_id=execution.unit_id,
        kind="reconsideration",
        body="区人民政府",
        filed_on=filed_on,
        window_ends_on=filed_on + timedelta(days=60),
        outcome=outcome,
        outcome_on=outcome_on,
        recorded_by=p["officer"],
    )
    execution = fresh(execution)
    services.refresh(execution)
    execution.save()
    return fresh(execution)


def executions_in_every_state(p, category):
    made = {"not due": opened(p, category, fine="1000")}
    made["late"] = opened(p, category, fine="1000", days_ago=20)
    made["capped"] = opened(p, category, fine="333.33", days_ago=70)
    partly = opened(p, category, fine="1000", days_ago=25)
    pay(partly, p["officer"], "300", "S-1", partly.due_on + timedelta(days=3))
    made["partly paid"] = fresh(partly)
    odd = opened(p, category, fine="50.50", days_ago=30)
    pay(odd, p["officer"], "0.17", "S-2", odd.due_on + timedelta(days=1))
    made["partly paid, odd fen"] = fresh(odd)
    paused = opened(p, category, fine="800", days_ago=25)
    made["paused"] = _review(paused, p, filed_on=paused.due_on + timedelta(days=4))
    resumed = opened(p, category, fine="800", days_ago=30)
    made["paused and resumed"] = _review(
        resumed,
        p,
        filed_on=resumed.due_on + timedelta(days=2),
        outcome=ReviewOutcome.UPHELD,
        outcome_on=resumed.due_on + timedelta(days=8),
    )
    deferred = opened(p, category, fine="1000.01", days_ago=22)
    services.request_deferral(
        deferred,
        by=p["officer"],
        due_dates=[today() + timedelta(days=d) for d in (3, 12, 25)],
        reason="分期",
    )
    services.decide_deferral(fresh(deferred), by=p["head"], decision="approved")
    made["instalments"] = fresh(deferred)
    revoked = opened(p, category, fine="600", days_ago=30)
    made["revoked"] = _review(
        revoked,
        p,
        filed_on=revoked.due_on + timedelta(days=1),
        outcome=ReviewOutcome.REVOKED,
        outcome_on=today(),
    )
    assert made["revoked"].status == E.REVOKED
    assert made["paused"].paused and not made["paused and resumed"].paused
    assert made["capped"].money()["surcharge"] == D("333.33")
    return made


def test_the_sql_figures_equal_the_python_ones_day_by_day(people, category):
    made = executions_in_every_state(people, category)
    pks = {execution.pk: name for name, execution in made.items()}
    python = {pk: Execution.objects.prefetch_related("instalments").get(pk=pk) for pk in pks}
    seen = set()
    for offset in range(-5, 35):
        day = today() + timedelta(days=offset)
        rows = {row.pk: row for row in Execution.objects.filter(pk__in=pks).with_money(today=day)}
        assert rows.keys() == pks.keys()
        for pk, name in pks.items():
            state = python[pk].state()
            replayed = services.replay(python[pk], upto=day)
            expected = (state.surcharge_fen(day), state.owed_fen(day))
            got = (int(rows[pk].surcharge_fen), int(rows[pk].owed_fen))
            assert got == expected, (name, offset)
            assert (replayed.surcharge_fen(), replayed.owed_fen()) == expected, (name, offset)
            assert type(rows[pk].surcharge_fen) is int and type(rows[pk].owed_fen) is int, name
            seen.add((name, expected[0] > 0))
        # The figures are whole fen in the database too (PostgreSQL's SUM of bigints is numeric): lists
        # filter, order and total on them in SQL.
        in_sql = Execution.objects.filter(pk__in=pks).with_money(today=day)
        for pk in pks:
            state = python[pk].state()
            assert in_sql.filter(
                pk=pk, surcharge_fen=state.surcharge_fen(day), owed_fen=state.owed_fen(day)
            ).exists(), (pks[pk], offset)
        totals = in_sql.aggregate(surcharge=Sum("surcharge_fen"), owed=Sum("owed_fen"))
        assert totals == {
            "surcharge": sum(python[pk].state().surcharge_fen(day) for pk in pks),
            "owed": sum(python[pk].state().owed_fen(day) for pk in pks),
        }, offset
    # The range crossed the states it was meant to: the fresh one became late, the others stayed apart.
    assert ("not due", False) in seen and ("not due", True) in seen
    assert ("revoked", True) not in seen
    final = Execution.objects.with_money(today() + timedelta(days=34)).get(pk=made["instalments"].pk)
    assert final.owed_fen > final.outstanding_fen > 0
    assert ledger.to_yuan(Execution.objects.with_money().get(pk=made["revoked"].pk).owed_fen) == D("0.00")


def test_the_daily_rate_is_the_legal_parameters_when_the_collection_opens(people, category):
    """Art. 72(1) lets the rate be set (3 % by default): a fine opened after a change accrues at the new rate;
    one opened before keeps its own."""
    from enforcement.catalog.tests.test_law import set_param

    before = Execution.objects.get(case=served_case(people, category, fine="1000"))
    set_param("late_surcharge_percent_per_day", "1")
    after = Execution.objects.get(case=served_case(people, category, fine="1000"))
    assert (before.rate_bp, after.rate_bp) == (300, 100)
    day = after.due_on + timedelta(days=33)
    assert after.money(day)["surcharge"] == Decimal("330.00")
    assert before.money(day)["surcharge"] == Decimal("990.00")


def test_the_court_window_is_set_at_opening_and_runs_from_a_reviews_outcome_once_decided(people, category):
    """行政强制法 Art. 53: the window opens the day after the appeal periods end (six months for a lawsuit);
    once a reconsideration is decided the party may still sue for 15 days (行政诉讼法 Art. 45), so a late
    outcome moves the window."""
    from cases.models import Case
    from penalties import reviews

    case = served_case(people, category, fine="400")
    execution = Execution.objects.get(case=case)
    opens, closes = rules.court_window(case.served_at)
    assert (execution.court_window_opens_on, execution.court_window_closes_on) == (
        opens,
        calendar.local_date(closes),
    )
    assert execution.court_due_at == closes
    # Served 170 days ago: the six months end in about 12 days.
    served_at = case.served_at - timedelta(days=170)
    Case.objects.filter(pk=case.pk).update(served_at=served_at)
    case.refresh_from_db()
    services.set_court_window(execution)
    execution.save()
    before = fresh(execution)
    assert before.court_window_opens_on == rules.court_window(served_at)[0]
    review = reviews.file_review(
        case,
        by=people["officer"],
        kind="reconsideration",
        body="区政府",
        filed_on=today() - timedelta(days=150),
    )
    reviews.record_outcome(review, by=people["officer"], outcome=ReviewOutcome.UPHELD, outcome_on=today())
    moved = fresh(execution)
    # 15 days after today's outcome is later than the six months from service.
    after = calendar.due_after(calendar.end_of_day(today()), 15, "days")
    assert calendar.local_date(after) > calendar.local_date(rules.appeal_windows_close(served_at))
    assert moved.court_window_opens_on == calendar.local_date(after) + timedelta(days=1)
    assert moved.court_window_opens_on > before.court_window_opens_on
    assert moved.court_due_at > before.court_due_at


def test_a_variation_changes_what_is_owed_from_its_day_not_the_surcharge_before(people, category):
    """Art. 72 caps the surcharge at the fine in force: before the variation the decided fine (400), from
    the variation's day the varied one (100) — not the varied fine read back into the first schedule."""
    from penalties import reviews

    p = people
    execution = opened(p, category, fine="400", days_ago=60)  # due 45 days ago: the surcharge is capped
    before = today() - timedelta(days=5)
    assert execution.money(before)["surcharge"] == D("400.00")
    review = reviews.file_review(
        execution.case,
        by=p["officer"],
        kind="reconsideration",
        body="区政府",
        filed_on=today() - timedelta(days=2),
    )
    reviews.record_outcome(
        review, by=p["officer"], outcome=ReviewOutcome.VARIED, outcome_on=today(), varied_fine=D("100")
    )
    varied = fresh(execution)
    assert (varied.fine, varied.original_fine) == (D("100.00"), D("400.00"))
    # The history as of a day before the variation: the decided fine still caps the surcharge …
    schedules, payments, pauses, revoked, _rows = services.history(varied)
    assert [s.fine_fen for s in schedules] == [40_000, 10_000]
    state = ledger.replay(
        schedules, payments, pauses, rate_bp=varied.rate_bp, upto=before, revoked_from=revoked
    )
    assert state.surcharge_fen(before.toordinal()) == 40_000
    # … and from the variation on, the varied fine does.
    assert varied.money()["surcharge"] == D("100.00")


def test_the_migration_splits_the_payments_recorded_before_it(people, category):
    """penalties/migrations/0006: payments recorded before payments kept their surcharge part get it from
    the execution's stored totals, the fine first — the same split as the ledger's."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("penalties.migrations.0006_payment_surcharge_part")
    p = people
    execution = opened(p, category, days_ago=20)
    late = (today() - execution.due_on).days
    execution = pay(execution, p["officer"], "600", "M-1")
    execution = pay(fresh(execution), p["officer"], fresh(execution).money()["owed"], "M-2")
    Payment.objects.filter(execution=execution).update(surcharge_part=0)
    migration.split_payments(apps, None)
    parts = dict(Payment.objects.filter(execution=execution).values_list("reference", "surcharge_part"))
    assert parts == {"M-1": D("0"), "M-2": D("30.00") * late}
