"""Orders to demolish (责令限期拆除) carried out, at their edges (penalties/demolitions.py; 行政强制法 Art. 44):
opened once when the decision is served, with the party's deadline moved past a holiday; the public notice
(公告) only after that deadline and with its own; the party's demolition at any time while the order runs;
the forced one only after the notice's deadline, with no reconsideration or lawsuit pending and the appeal
periods over (six months to sue, or 15 days after a decided review when later); a revoked decision ends it;
the case does not close while it runs. Also the court window of a fine after a decided reconsideration (Art.
53 with 行政诉讼法 Art. 45), and the m² demolished the statistics count.

Time: the services stamp today; where the law's clock must have run, the test moves the case's service back
(`QuerySet.update`) and opens the order again from it, as if the decision had been served then."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from cases import rules as case_rules
from cases import services as case_services
from cases.approvals import CLOSING
from cases.choices import CaseStatus
from cases.models import Case
from cases.tests.test_demolition_order import decided_and_served, notified
from enforcement.approvals.services import pending_for
from enforcement.audit.models import AuditEvent
from enforcement.documents.services import issue_document, record_service
from enforcement.versioning import StaleEdit
from enforcement.workdays import calendar
from enforcement.workdays.models import CalendarDay, DayKind
from enforcement.workdays.services import save_day
from enforcement.workflow.exceptions import TransitionNotAllowed
from penalties import demolitions, reviews, rules
from penalties.choices import DemolitionStatus
from penalties.models import Demolition, Execution

from .conftest import age_execution, served_case

pytestmark = pytest.mark.django_db
S = DemolitionStatus
D = Decimal
ONE = timedelta(days=1)


def today():
    return timezone.localdate()


def at(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def served_order(p, category, *, area="35.5", days=30, kinds=("demolish",), fine=None):
    """A general case whose decision orders `area` m² demolished within `days`, decided and served now."""
    case = notified(p, category, kinds=kinds, fine=fine, area=area, days=days)
    case, _ = decided_and_served(p, case, kinds=kinds, fine=fine, area=area, days=days)
    return case


def served_on(case, day, by):
    """The case as if its decision had been served at 10:00 on `day`: its service moved back and its order
    opened again from it."""
    Case.objects.filter(pk=case.pk).update(served_at=at(day))
    Demolition.objects.filter(case_id=case.pk).delete()
    return demolitions.open_demolition(Case.objects.get(pk=case.pk), by=by)


def fresh(demolition):
    return Demolition.objects.get(pk=demolition.pk)


def state(demolition):
    row = fresh(demolition)
    return (row.status, row.version, row.notice_on, row.demolished_on, row.area_demolished, row.ended_at)


def refused(demolition, exception, step, *words):
    """`step()` raises `exception` with each of `words` in its message, and the order is as it was."""
    before = state(demolition)
    with pytest.raises(exception) as info:
        step()
    error = info.value
    text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
    for part in words:
        assert part in text, text
    assert state(demolition) == before
    return error


def notice(demolition, by, notice_on, deadline_on, **kw):
    return demolitions.give_notice(demolition, by=by, notice_on=notice_on, deadline_on=deadline_on, **kw)


def demolish(demolition, by, on, area="35.5", **kw):
    kw.setdefault("note", "现场核实拆除完毕")  # a partial demolition says why (rules.demolished_refusal)
    return demolitions.record_demolished(demolition, by=by, demolished_on=on, area=D(area), **kw)


def force(demolition, by, on, area="35.5"):
    return demolish(demolition, by, on, area, by_force=True)


def first_working_day_at_least(day):
    while not calendar.is_working_day(day):
        day += ONE
    return day


# Served on Monday 11 May 2026 with 10 days: the party's deadline is Thursday 21 May; the public notice on
# 22 May gives until Monday 1 June; the six months to sue end on Wednesday 11 November 2026.
SERVED, DEADLINE, NOTICE, NOTICE_DEADLINE = (
    date(2026, 5, 11),
    date(2026, 5, 21),
    date(2026, 5, 22),
    date(2026, 6, 1),
)
SIX_MONTHS = date(2026, 11, 11)


def noticed(p, category):
    """An order served on SERVED, its deadline passed, a public notice given on NOTICE until NOTICE_DEADLINE."""
    demolition = served_on(served_order(p, category, days=10), SERVED, p["officer"])
    return notice(demolition, p["officer"], NOTICE, NOTICE_DEADLINE)


# --- opened on service -------------------------------------------------------------------------------------
def test_serving_the_decision_opens_one_order_with_the_partys_deadline(people, general_category):
    p = people
    days = next(n for n in range(30, 60) if calendar.is_working_day(today() + timedelta(days=n)))
    case = served_order(p, general_category, area="35.5", days=days, kinds=("fine", "demolish"), fine="2000")
    demolition = Demolition.objects.get(case=case)
    assert demolition.status == S.ORDERED and demolition.is_live
    assert demolition.area_ordered == D("35.50")
    assert demolition.deadline_on == today() + timedelta(days=days)
    assert demolition.deadline_at == calendar.end_of_day(demolition.deadline_on)
    assert (demolition.unit_id, demolition.handler_id) == (case.unit_id, case.handler_id)
    assert (
        demolition.decision_number
        and demolition.decision_number == Execution.objects.get(case=case).decision_number
    )
    again = demolitions.open_demolition(Case.objects.get(pk=case.pk), by=p["officer"])
    assert again.pk == demolition.pk and Demolition.objects.filter(case=case).count() == 1


def test_a_last_day_that_is_a_holiday_moves_to_the_next_working_day(people, general_category, city_admin):
    p = people
    days = next(n for n in range(30, 60) if calendar.is_working_day(today() + timedelta(days=n)))
    holiday = today() + timedelta(days=days)
    save_day(CalendarDay(date=holiday, kind=DayKind.HOLIDAY, name="台风停工日"), actor=city_admin)
    demolition = Demolition.objects.get(case=served_order(p, general_category, days=days))
    assert demolition.deadline_on == first_working_day_at_least(holiday + ONE) > holiday


def test_a_deadline_on_national_day_ends_on_the_first_working_day_after_it(people, general_category):
    p = people
    case = served_order(p, general_category, days=7)
    demolition = served_on(case, date(2026, 9, 24), p["officer"])  # + 7 days = 1 October, a holiday
    assert demolition.deadline_on == date(2026, 10, 8)
    assert Demolition.objects.filter(case=case).count() == 1


def test_a_decision_without_an_order_to_demolish_opens_none(people, category):
    case = served_case(people, category, fine="400")
    assert not Demolition.objects.filter(case=case).exists()
    assert demolitions.open_demolition(case, by=people["officer"]) is None


# --- the public notice (公告) -------------------------------------------------------------------------------
def test_no_notice_before_the_decisions_deadline_passed(people, general_category):
    p = people
    demolition = Demolition.objects.get(case=served_order(p, general_category, days=30))
    refused(
        demolition,
        TransitionNotAllowed,
        lambda: notice(demolition, p["officer"], today(), today() + 10 * ONE),
        "Art. 44",
    )


def test_the_notice_comes_the_day_after_the_deadline_not_on_it(people, general_category):
    p = people
    demolition = served_on(served_order(p, general_category, days=10), SERVED, p["officer"])
    assert demolition.deadline_on == DEADLINE
    officer = p["officer"]
    refused(
        demolition,
        TransitionNotAllowed,
        lambda: notice(demolition, officer, DEADLINE, NOTICE_DEADLINE),
        "Art. 44",
        "2026",
    )
    # Bad input of the step (400, on its input): a deadline not after the notice, a notice in the future.
    error = refused(
        demolition,
        ValidationError,
        lambda: notice(demolition, officer, NOTICE, NOTICE),
        "after the day of the notice",
    )
    assert list(error.message_dict) == ["deadline_on"]
    refused(demolition, ValidationError, lambda: notice(demolition, officer, NOTICE, NOTICE - ONE), "Art. 44")
    error = refused(
        demolition,
        ValidationError,
        lambda: notice(demolition, officer, today() + ONE, today() + 11 * ONE),
        "not in the future",
    )
    assert list(error.message_dict) == ["notice_on"]
    demolition = notice(demolition, officer, NOTICE, NOTICE + ONE, note="公告张贴于现场")
    assert demolition.status == S.NOTICED
    assert (demolition.notice_on, demolition.notice_deadline_on) == (NOTICE, NOTICE + ONE)
    assert demolition.notice_deadline_at == calendar.end_of_day(NOTICE + ONE)
    assert "公告张贴于现场" in demolition.end_note
    refused(
        demolition,
        TransitionNotAllowed,
        lambda: notice(demolition, officer, NOTICE + ONE, NOTICE_DEADLINE),
        "once",
    )


# --- demolished by the party -------------------------------------------------------------------------------
def test_the_party_demolishes_it_while_the_order_runs(people, general_category):
    p = people
    demolition = Demolition.objects.get(case=served_order(p, general_category))
    demolition = demolish(demolition, p["officer"], today(), "35.25", note="当事人自行拆除完毕")
    assert demolition.status == S.DEMOLISHED and not demolition.is_live
    assert (demolition.demolished_on, demolition.area_demolished) == (today(), D("35.25"))
    assert demolition.ended_at is not None and "自行拆除完毕" in demolition.end_note


def test_the_party_demolishes_it_after_the_public_notice(people, general_category):
    p = people
    demolition = noticed(p, general_category)
    demolition = demolish(demolition, p["officer"], NOTICE_DEADLINE, "35.5")  # no appeal periods to wait for
    assert demolition.status == S.DEMOLISHED and demolition.demolished_on == NOTICE_DEADLINE


def test_the_partys_demolition_is_dated_from_service_to_today(people, general_category):
    p = people
    demolition = served_on(served_order(p, general_category), SERVED, p["officer"])
    officer = p["officer"]
    error = refused(
        demolition,
        ValidationError,
        lambda: demolish(demolition, officer, SERVED - ONE),
        "after the decision was served",
    )
    assert list(error.message_dict) == ["demolished_on"]
    refused(
        demolition,
        ValidationError,
        lambda: demolish(demolition, officer, today() + ONE),
        "not in the future",
    )
    assert demolish(demolition, officer, SERVED).demolished_on == SERVED  # the day of service itself


@pytest.mark.parametrize("area", ["0", "-1", "35.555"])
def test_the_area_demolished_is_above_zero_with_two_decimals(people, general_category, area):
    p = people
    demolition = Demolition.objects.get(case=served_order(p, general_category))
    error = refused(
        demolition,
        ValidationError,
        lambda: demolish(demolition, p["officer"], today(), area),
        "square metres",
    )
    assert list(error.message_dict) == ["area"]
    assert demolish(
        demolition, p["officer"], today(), "0.01", note="其余部分经核实为合法建筑"
    ).area_demolished == D("0.01")


def test_the_area_demolished_is_at_most_the_area_ordered_and_less_only_with_a_reason(
    people, general_category
):
    p = people
    demolition = Demolition.objects.get(case=served_order(p, general_category, area="35.5"))
    officer = p["officer"]

    def record(area, note=""):
        return demolitions.record_demolished(
            demolition, by=officer, demolished_on=today(), area=D(area), note=note
        )

    error = refused(demolition, ValidationError, lambda: record("35.51"), "more than the 35.50 m²")
    assert list(error.message_dict) == ["area"]
    error = refused(demolition, ValidationError, lambda: record("35.49"), "say why")
    assert list(error.message_dict) == ["note"]
    assert record("35.49", note="东侧0.01平方米为合法建筑").area_demolished == D("35.49")


def test_an_order_that_ended_is_not_recorded_again(people, general_category):
    p = people
    demolition = demolish(
        Demolition.objects.get(case=served_order(p, general_category)), p["officer"], today()
    )
    officer = p["officer"]
    refused(
        demolition,
        TransitionNotAllowed,
        lambda: demolish(demolition, officer, today(), "10"),
        "already ended",
    )
    refused(demolition, TransitionNotAllowed, lambda: force(demolition, officer, today()), "already ended")
    refused(
        demolition, TransitionNotAllowed, lambda: demolish(demolition, officer, today(), "0"), "already ended"
    )
    refused(
        demolition, TransitionNotAllowed, lambda: notice(demolition, officer, today(), today() + ONE), "once"
    )


# --- demolished by force -----------------------------------------------------------------------------------
def test_no_forced_demolition_without_a_public_notice(people, general_category):
    p = people
    demolition = served_on(served_order(p, general_category, days=10), SERVED, p["officer"])
    refused(
        demolition,
        TransitionNotAllowed,
        lambda: force(demolition, p["officer"], today()),
        "public notice",
        "Art. 44",
    )


def test_force_after_the_notices_deadline_and_after_the_six_months_to_sue(people, general_category):
    p = people
    demolition, officer = noticed(p, general_category), p["officer"]
    refused(
        demolition,
        TransitionNotAllowed,
        lambda: force(demolition, officer, NOTICE_DEADLINE),
        "The public notice gives the party until",
        "Art. 44",
    )
    refused(
        demolition,
        TransitionNotAllowed,
        lambda: force(demolition, officer, NOTICE_DEADLINE + ONE),
        "may still apply for reconsideration or sue",
    )
    # 行政诉讼法 Art. 46: six months from service; its last day is still the party's.
    assert first_working_day_at_least(calendar.add_months(SERVED, 6)) == SIX_MONTHS
    refused(
        demolition,
        TransitionNotAllowed,
        lambda: force(demolition, officer, SIX_MONTHS),
        "may still apply",
        "Art. 44",
    )
    refused(
        demolition,
        ValidationError,
        lambda: force(demolition, officer, today() + ONE),
        "not in the future",
    )
    demolition = force(demolition, officer, SIX_MONTHS + ONE, "35.5")
    assert demolition.status == S.FORCED
    assert (demolition.demolished_on, demolition.area_demolished) == (SIX_MONTHS + ONE, D("35.50"))


def test_force_waits_for_the_notices_deadline_even_once_the_appeal_periods_are_over(people, general_category):
    p = people
    demolition = served_on(served_order(p, general_category, days=10), SERVED, p["officer"])
    last = SIX_MONTHS + 8 * ONE  # a notice given after the six months, until Thursday 19 November
    demolition = notice(demolition, p["officer"], SIX_MONTHS + ONE, last)
    refused(
        demolition,
        TransitionNotAllowed,
        lambda: force(demolition, p["officer"], last),
        "The public notice gives the party until",
        "Art. 44",
    )
    assert force(demolition, p["officer"], last + ONE).status == S.FORCED


def test_no_forced_demolition_while_a_reconsideration_is_pending(people, general_category):
    p = people
    demolition = noticed(p, general_category)
    review = reviews.file_review(
        demolition.case,
        by=p["officer"],
        kind="reconsideration",
        body="区人民政府",
        filed_on=date(2026, 6, 15),
    )
    refused(
        demolition,
        TransitionNotAllowed,
        lambda: force(demolition, p["officer"], SIX_MONTHS + ONE),
        "pending",
        "Art. 44",
    )
    reviews.record_outcome(
        review,
        by=p["officer"],
        outcome="upheld",
        outcome_on=date(2026, 7, 1),
        outcome_received_on=date(2026, 7, 3),
    )
    # Upheld on 1 July, received on Friday 3 July: the party may sue until Saturday 18 July, so Monday 20 July
    # (行政诉讼法 Art. 45; 民法典 Art. 203) — the six months from service no longer apply, having chosen the
    # reconsideration (行政复议法 Art. 29).
    assert fresh(demolition).status == S.NOTICED
    refused(
        demolition,
        TransitionNotAllowed,
        lambda: force(demolition, p["officer"], date(2026, 7, 20)),
        "may still apply",
    )
    assert force(demolition, p["officer"], date(2026, 7, 21)).status == S.FORCED


def test_a_late_outcome_gives_the_party_15_more_days_to_sue(people, general_category):
    p = people
    demolition = noticed(p, general_category)
    review = reviews.file_review(
        demolition.case,
        by=p["officer"],
        kind="reconsideration",
        body="区人民政府",
        filed_on=date(2026, 6, 15),
    )
    reviews.record_outcome(review, by=p["officer"], outcome="upheld", outcome_on=date(2026, 11, 2))
    # 行政诉讼法 Art. 45: 15 days after the reconsideration's decision (2 Nov) — Tuesday 17 November.
    last = date(2026, 11, 17)
    refused(
        demolition,
        TransitionNotAllowed,
        lambda: force(demolition, p["officer"], SIX_MONTHS + ONE),
        "may still apply",
    )
    refused(
        demolition, TransitionNotAllowed, lambda: force(demolition, p["officer"], last), "may still apply"
    )
    assert force(demolition, p["officer"], last + ONE).status == S.FORCED


# --- a review's outcome ------------------------------------------------------------------------------------
def test_a_revoked_decision_ends_the_order_and_an_upheld_one_does_not(people, general_category):
    p = people
    demolition = noticed(p, general_category)
    case = demolition.case
    first = reviews.file_review(
        case, by=p["officer"], kind="reconsideration", body="区人民政府", filed_on=date(2026, 6, 15)
    )
    reviews.record_outcome(first, by=p["officer"], outcome="upheld", outcome_on=date(2026, 7, 1))
    assert fresh(demolition).status == S.NOTICED and fresh(demolition).ended_at is None
    second = reviews.file_review(
        case, by=p["officer"], kind="litigation", body="区人民法院", filed_on=date(2026, 7, 10)
    )
    reviews.record_outcome(second, by=p["officer"], outcome="revoked", outcome_on=date(2026, 10, 20))
    demolition = fresh(demolition)
    assert demolition.status == S.REVOKED and demolition.ended_at is not None and not demolition.is_live
    refused(
        demolition, TransitionNotAllowed, lambda: force(demolition, p["officer"], today()), "already ended"
    )
    event = AuditEvent.objects.for_object(demolition).get(verb="revoke_demolition")
    assert event.root_object_id == str(case.pk) and event.after["status"] == S.REVOKED


# --- closing ----------------------------------------------------------------------------------------------
def test_the_case_does_not_close_while_the_order_runs(people, general_category):
    p = people
    case = served_order(p, general_category)
    words = case_rules.closing_refusal(case)
    assert words and "order to demolish" in words
    assert not case_rules.can_request_closing(case, p["officer"])
    with pytest.raises(TransitionNotAllowed, match="order to demolish is still being carried out"):
        case_services.request_closing(case, by=p["officer"], reason="已拆除")
    assert pending_for(Case.objects.get(pk=case.pk), CLOSING) is None
    demolish(Demolition.objects.get(case=case), p["officer"], today())
    case = Case.objects.get(pk=case.pk)
    assert case_rules.closing_refusal(case) is None
    case = case_services.request_closing(case, by=p["officer"], reason="当事人已自行拆除")
    case = case_services.decide_closing(case, by=p["leader"], decision="approved")
    assert case.status == CaseStatus.CLOSED


# --- who and which version ---------------------------------------------------------------------------------
def test_a_stale_version_is_refused(people, general_category):
    p = people
    demolition = served_on(served_order(p, general_category, days=10), SERVED, p["officer"])
    loaded = demolition.version
    notice(demolition, p["officer"], NOTICE, NOTICE_DEADLINE, version=loaded)
    demolition = fresh(demolition)
    assert demolition.version != loaded
    refused(demolition, StaleEdit, lambda: demolish(demolition, p["officer"], today(), version=loaded))
    assert demolish(demolition, p["officer"], today(), version=demolition.version).status == S.DEMOLISHED


def test_out_of_scope_users_get_404_and_other_roles_403(people, general_category, make_user, district_b):
    p = people
    demolition = served_on(served_order(p, general_category, days=10), SERVED, p["officer"])
    stranger = make_user("officer", unit=district_b, username="officer-b9")
    refused(demolition, Http404, lambda: notice(demolition, stranger, NOTICE, NOTICE_DEADLINE))
    refused(demolition, Http404, lambda: demolish(demolition, stranger, today()))
    for role in ("reviewer", "head"):
        refused(
            demolition,
            PermissionDenied,
            lambda u=p[role]: demolish(demolition, u, today()),
            "order to demolish",
        )
    refused(demolition, PermissionDenied, lambda: notice(demolition, p["reviewer"], NOTICE, NOTICE_DEADLINE))
    assert notice(demolition, p["leader"], NOTICE, NOTICE_DEADLINE).status == S.NOTICED  # a squad leader may


# --- the audit ---------------------------------------------------------------------------------------------
def test_each_step_is_audited_on_the_order_in_the_cases_timeline(people, general_category):
    p = people
    case = served_order(p, general_category, days=10)
    demolition = served_on(case, SERVED, p["officer"])
    notice(demolition, p["officer"], NOTICE, NOTICE_DEADLINE, note="现场张贴公告")
    demolish(demolition, p["leader"], NOTICE_DEADLINE, "30")
    events = list(AuditEvent.objects.for_object(demolition).order_by("id"))
    assert [e.verb for e in events] == ["open_demolition", "give_notice", "record_demolished"]
    assert {e.root_object_id for e in events} == {str(case.pk)}
    assert [e.actor_id for e in events] == [p["officer"].pk, p["officer"].pk, p["leader"].pk]
    assert (
        events[1].after["notice_deadline_on"] == NOTICE_DEADLINE.isoformat()
        and events[1].note == "现场张贴公告"
    )
    assert events[2].after["status"] == S.DEMOLISHED and D(events[2].after["area_demolished"]) == D("30")
    timeline = AuditEvent.objects.for_timeline(Case.objects.get(pk=case.pk))
    assert {"open_demolition", "give_notice", "record_demolished"} <= set(
        timeline.values_list("verb", flat=True)
    )


# --- the statistics ----------------------------------------------------------------------------------------
def test_the_area_demolished_counts_only_orders_demolished_or_forced(people, general_category):
    p = people
    rows = [Demolition.objects.get(case=served_order(p, general_category, area="50")) for _ in range(4)]
    by_party, by_force, live, revoked = rows
    demolish(by_party, p["officer"], today(), "35.5")
    Demolition.objects.filter(pk=by_force.pk).update(status=S.FORCED, area_demolished=D("20.25"))
    Demolition.objects.filter(pk=live.pk).update(area_demolished=D("99"))  # not counted while it runs
    Demolition.objects.filter(pk=revoked.pk).update(status=S.REVOKED, area_demolished=D("7"))
    assert demolitions.demolished_area(Demolition.objects.all()) == D("55.75")
    assert demolitions.demolished_area(Demolition.objects.filter(pk__in=[live.pk, revoked.pk])) == 0
    assert demolitions.demolished_area(Demolition.objects.filter(pk=by_force.pk)) == D("20.25")


# --- the court window after a decided reconsideration (行政强制法 Art. 53) -----------------------------------
def test_the_court_window_runs_from_15_days_after_a_late_outcome():
    served = at(date(2026, 3, 2))  # the six months to sue end on Wednesday 2 September
    assert rules.court_window(served)[0] == date(2026, 9, 3)
    # Upheld and received on 4 May: the 15 days to sue end on 19 May, and the six months from service no
    # longer apply (the party chose the reconsideration): the window opens on 20 May for three months.
    opens, closes = rules.court_window(served, date(2026, 5, 4))
    assert (opens, calendar.local_date(closes)) == (date(2026, 5, 20), date(2026, 8, 19))
    # Upheld on 28 August: 15 days later is Saturday 12 September, so Monday 14 September (民法典 Art. 203).
    assert calendar.local_date(rules.appeal_windows_close(served, date(2026, 8, 28))) == date(2026, 9, 14)
    opens, closes = rules.court_window(served, date(2026, 8, 28))
    assert (opens, calendar.local_date(closes)) == (date(2026, 9, 15), date(2026, 12, 14))


def test_court_enforcement_of_a_fine_waits_15_days_after_the_reconsiderations_decision(people, category):
    p = people
    execution = age_execution(Execution.objects.get(case=served_case(p, category, fine="400")), 200)
    case = execution.case
    demand = issue_document(execution, "demand_to_pay", by=p["officer"])
    record_service(demand, by=p["officer"], method="in_person", recipient="当事人")
    served_day = calendar.local_date(case.served_at)
    review = reviews.file_review(
        case, by=p["officer"], kind="reconsideration", body="区人民政府", filed_on=served_day + 30 * ONE
    )
    execution = Execution.objects.get(pk=execution.pk)
    later = at(today() + 40 * ONE)  # after the demand's ten working days and the six months
    assert "pending" in rules.court_problem(execution, now=later)
    reviews.record_outcome(review, by=p["officer"], outcome="upheld", outcome_on=today())
    execution = Execution.objects.get(pk=execution.pk)
    last = first_working_day_at_least(today() + 15 * ONE)  # 行政诉讼法 Art. 45
    opens, closes = rules.court_window(case.served_at, today())
    assert opens == last + ONE
    assert execution.court_due_at == closes
    problem = rules.court_problem(execution, now=at(last, 20))
    assert problem and "may still apply for reconsideration or sue" in problem and "Art. 53" in problem
    assert rules.court_problem(execution, now=at(last + ONE)) is None
