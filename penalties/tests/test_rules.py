"""The periods of execution at their edges (penalties/rules.py), on the platform calendar with 2026's
National Day holiday (1–7 October; 10 October a make-up working day)."""

from datetime import date, datetime, time

import pytest
from django.utils import timezone

from penalties import rules

pytestmark = pytest.mark.django_db


def at(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def local_day(moment):
    return timezone.localtime(moment).date()


def test_a_reconsideration_on_the_60th_day_is_in_time_and_on_the_61st_is_late():
    served = at(date(2026, 3, 2))  # + 60 days = 1 May, a holiday: the period ends on the next working day
    last = local_day(rules.review_window_end("reconsideration", served))
    assert last > date(2026, 5, 1)
    assert rules.review_is_late("reconsideration", served, last) is False
    assert rules.review_is_late("reconsideration", served, date.fromordinal(last.toordinal() + 1)) is True


def test_a_lawsuit_has_six_months_from_service():
    served = at(date(2026, 6, 10))
    assert local_day(rules.review_window_end("litigation", served)) == date(2026, 12, 10)
    assert rules.review_is_late("litigation", served, date(2026, 12, 10)) is False
    assert rules.review_is_late("litigation", served, date(2026, 12, 11)) is True


def test_the_court_window_opens_the_day_after_the_appeal_periods_and_lasts_three_months():
    served = at(date(2026, 6, 10))  # the lawsuit period (6 months) ends last, on 10 December
    opens, closes = rules.court_window(served)
    assert opens == date(2026, 12, 11)
    assert local_day(closes) == date(2027, 3, 10)  # Administrative Coercion Law, Art. 53


def test_the_demand_waits_ten_working_days_across_national_day():
    # Served on Tuesday 29 September 2026: 30 Sep, then 8, 9, 10 (make-up Saturday), 12–16 Oct and 19 Oct.
    end = rules.demand_wait_end(at(date(2026, 9, 29)))
    assert local_day(end) == date(2026, 10, 19)  # Art. 54, ten working days (Art. 69)


def test_a_fine_is_due_fifteen_days_after_service_moved_past_a_holiday():
    assert local_day(rules.payment_due(at(date(2026, 11, 2)))) == date(2026, 11, 17)
    assert local_day(rules.payment_due(at(date(2026, 9, 18)))) == date(2026, 10, 8)  # 3 Oct is a holiday
