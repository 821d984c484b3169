"""The sweep: when each level fires (working days, across weekends and National Day 2026), who hears of
it, and that however often it runs there is one reminder per (record, kind, moment, level)."""

import threading
from datetime import date, timedelta

import pytest
from django.db import connection

from enforcement.notifications.models import (
    Channel,
    Delivery,
    NotificationPreference,
    Reminder,
    ReminderSetting,
)
from enforcement.notifications.sweep import escalation_cutoff, send_due_reminders, warning_cutoff
from enforcement.workdays.calendar import get_calendar

from .conftest import end_of, local, reminders_of

pytestmark = pytest.mark.django_db


def levels(obj, kind="inspection_visit"):
    return sorted(reminders_of(obj, kind=kind).values_list("level", flat=True))


def recipients(obj, level, channel=Channel.INBOX):
    return sorted(
        Delivery.objects.filter(
            reminder__object_id=obj.pk, reminder__level=level, channel=channel
        ).values_list("user__username", flat=True)
    )


# --- the cutoffs agree with the plain definitions, day by day ----------------------------------------
def _nth_working_day_before(cal, d, n):
    while n:
        d -= timedelta(days=1)
        if cal.is_working_day(d):
            n -= 1
    return d


@pytest.mark.parametrize("lead", [0, 1, 5])
def test_warning_cutoff_matches_the_definition(lead):
    cal = get_calendar()
    days = [date(2026, 9, 20) + timedelta(days=i) for i in range(40)]  # Mid-autumn and National Day 2026
    for today in days:
        cutoff = warning_cutoff(today, lead, cal)
        for due_date in days:
            warn_day = due_date if lead == 0 else _nth_working_day_before(cal, due_date, lead)
            due_moment = end_of(due_date.year, due_date.month, due_date.day)
            assert (due_moment < cutoff) == (warn_day <= today), (today, due_date)


@pytest.mark.parametrize("delay", [1, 2, 3])
def test_escalation_cutoff_matches_the_definition(delay):
    cal = get_calendar()
    days = [date(2026, 9, 20) + timedelta(days=i) for i in range(40)]
    for today in days:
        now = local(today.year, today.month, today.day, 0, 1)
        cutoff = escalation_cutoff(now, delay, cal)
        for due_date in days:
            due_moment = end_of(due_date.year, due_date.month, due_date.day)
            # Escalated once the end of the delay-th working day after the deadline's date has passed.
            escalate_at = end_of(*cal.add_working_days(due_date, delay).timetuple()[:3])
            assert (due_moment < cutoff) == (escalate_at < now), (today, due_date)


# --- time travel ---------------------------------------------------------------------------------------
def test_warning_on_the_working_day_before_national_day_and_escalation_counts_the_make_up_saturday(
    make_inspection, people
):
    # Visit due Thursday 8 October 2026, the first working day after National Day (1–7 October).
    inspection = make_inspection(end_of(2026, 10, 8), opened_at=local(2026, 9, 28, 10))
    send_due_reminders(local(2026, 9, 29, 23, 59))
    assert levels(inspection) == []
    send_due_reminders(local(2026, 9, 30, 0, 1))  # the working day before: Wednesday 30 September
    assert levels(inspection) == ["warning"]
    for day in range(1, 9):  # the holiday and the deadline day itself: nothing more
        send_due_reminders(local(2026, 10, day, 12))
    assert levels(inspection) == ["warning"]
    send_due_reminders(local(2026, 10, 9, 0, 1))
    assert levels(inspection) == ["overdue", "warning"]
    # Two working days overdue: Friday 9 and the make-up working Saturday 10 October.
    send_due_reminders(local(2026, 10, 10, 23, 59))
    assert levels(inspection) == ["overdue", "warning"]
    send_due_reminders(local(2026, 10, 11, 0, 1))
    assert levels(inspection) == ["escalated", "overdue", "warning"]
    assert Reminder.objects.count() == 3


def test_a_monday_deadline_is_warned_on_friday_not_during_the_weekend(make_inspection):
    inspection = make_inspection(end_of(2026, 11, 16), opened_at=local(2026, 11, 10, 9))
    send_due_reminders(local(2026, 11, 12, 23, 0))  # Thursday
    assert levels(inspection) == []
    send_due_reminders(local(2026, 11, 13, 8, 0))  # Friday
    assert levels(inspection) == ["warning"]
    send_due_reminders(local(2026, 11, 14, 8, 0))
    send_due_reminders(local(2026, 11, 15, 8, 0))
    assert Reminder.objects.count() == 1
    # Overdue on Tuesday; escalated once Wednesday 18 (the 2nd working day after) is over.
    send_due_reminders(local(2026, 11, 17, 0, 1))
    send_due_reminders(local(2026, 11, 18, 23, 0))
    assert levels(inspection) == ["overdue", "warning"]
    send_due_reminders(local(2026, 11, 19, 0, 1))
    assert levels(inspection) == ["escalated", "overdue", "warning"]


def test_deadlines_of_30_days_or_more_are_warned_5_working_days_before(make_inspection):
    # 60 days to make the visit. Due Friday 18 December 2026 → warned Friday 11 December.
    long = make_inspection(end_of(2026, 12, 18), opened_at=local(2026, 10, 19, 9))
    short = make_inspection(end_of(2026, 12, 18), opened_at=local(2026, 12, 11, 9))
    send_due_reminders(local(2026, 12, 10, 23, 0))
    assert levels(long) == levels(short) == []
    send_due_reminders(local(2026, 12, 11, 0, 1))
    assert levels(long) == ["warning"]
    assert levels(short) == []
    send_due_reminders(local(2026, 12, 17, 0, 1))
    assert levels(short) == ["warning"]


def test_admin_settings_change_the_lead_and_the_delay(make_inspection):
    ReminderSetting.objects.create(
        kind="inspection_visit",
        warning_lead_days=3,
        long_deadline_days=30,
        long_warning_lead_days=5,
        escalation_delay_days=1,
    )
    inspection = make_inspection(end_of(2026, 11, 20), opened_at=local(2026, 11, 13, 9))  # Friday
    send_due_reminders(local(2026, 11, 16, 12))  # Monday: 4 working days before
    assert levels(inspection) == []
    send_due_reminders(local(2026, 11, 17, 0, 1))  # Tuesday: 3 working days before
    assert levels(inspection) == ["warning"]
    send_due_reminders(local(2026, 11, 24, 0, 1))  # Monday 23 was the one working day overdue
    assert levels(inspection) == ["escalated", "overdue", "warning"]


def test_a_switched_off_kind_sends_nothing(make_inspection):
    ReminderSetting.objects.create(
        kind="inspection_visit",
        is_active=False,
        warning_lead_days=1,
        long_deadline_days=30,
        long_warning_lead_days=5,
        escalation_delay_days=2,
    )
    inspection = make_inspection(end_of(2026, 11, 20), opened_at=local(2026, 11, 13, 9))
    send_due_reminders(local(2026, 11, 25, 12))
    assert levels(inspection) == []


# --- states and moments --------------------------------------------------------------------------------
def test_only_the_live_deadline_of_the_current_state_is_watched(make_inspection):
    opened = make_inspection(
        end_of(2026, 11, 20),
        status="open",
        handler=None,
        book_due_at=end_of(2026, 11, 18),
        review_due_at=end_of(2026, 11, 19),
        opened_at=local(2026, 11, 17, 9),
    )
    send_due_reminders(local(2026, 11, 25, 12))
    kinds = set(reminders_of(opened).values_list("kind", flat=True))
    assert kinds == {"inspection_booking"}


def test_a_deadline_met_in_time_gets_no_overdue_notice_and_the_next_one_is_watched(make_inspection):
    inspection = make_inspection(end_of(2026, 11, 20), opened_at=local(2026, 11, 13, 9))
    send_due_reminders(local(2026, 11, 20, 9))
    assert levels(inspection) == ["warning"]
    inspection.status = "visited"
    inspection.visited_at = local(2026, 11, 20, 15)
    inspection.review_due_at = end_of(2026, 11, 25)
    inspection.save()
    for day in (23, 24, 30):
        send_due_reminders(local(2026, 11, day, 9))
    assert levels(inspection) == ["warning"]
    assert levels(inspection, kind="inspection_review") == ["escalated", "overdue", "warning"]


def test_a_moved_deadline_gets_new_reminders_and_the_old_ones_are_not_sent_again(make_inspection):
    inspection = make_inspection(end_of(2026, 11, 20), opened_at=local(2026, 11, 13, 9))
    send_due_reminders(local(2026, 11, 20, 9))
    old = reminders_of(inspection).get()
    inspection.visit_due_at = end_of(2026, 12, 4)  # an approved extension
    inspection.save()
    send_due_reminders(local(2026, 11, 23, 9))
    assert list(reminders_of(inspection)) == [old]  # nothing due for the new moment yet, nothing re-sent
    send_due_reminders(local(2026, 12, 4, 9))
    assert sorted((r.due_at, r.level) for r in reminders_of(inspection)) == [
        (end_of(2026, 11, 20), "warning"),
        (end_of(2026, 12, 4), "warning"),
    ]


def test_a_late_sweep_catches_up_with_overdue_and_escalation_but_skips_a_stale_warning(make_inspection):
    inspection = make_inspection(end_of(2026, 11, 16), opened_at=local(2026, 11, 10, 9))
    send_due_reminders(local(2026, 11, 25, 12))
    assert levels(inspection) == ["escalated", "overdue"]


# --- who hears of it -------------------------------------------------------------------------------------
def test_recipients_per_level(make_inspection, people):
    inspection = make_inspection(end_of(2026, 11, 16), opened_at=local(2026, 11, 10, 9))
    send_due_reminders(local(2026, 11, 13, 9))
    assert recipients(inspection, "warning") == ["officer-a"]
    send_due_reminders(local(2026, 11, 17, 9))
    assert recipients(inspection, "overdue") == ["leader-a1", "officer-a"]
    send_due_reminders(local(2026, 11, 19, 9))
    assert recipients(inspection, "escalated") == ["head-a"]  # one level up: district A's bureau head


def test_without_a_handler_the_units_intake_desk_is_warned(make_inspection, people):
    inspection = make_inspection(end_of(2026, 11, 16), opened_at=local(2026, 11, 10, 9), handler=None)
    send_due_reminders(local(2026, 11, 13, 9))
    # Squadron A1 has no intake desk: the nearest unit above that has one.
    assert recipients(inspection, "warning") == ["intake-a"]


def test_an_inactive_handler_is_replaced_by_the_intake_desk(make_inspection, people):
    people["officer"].is_active = False
    people["officer"].save()
    inspection = make_inspection(end_of(2026, 11, 16), opened_at=local(2026, 11, 10, 9))
    send_due_reminders(local(2026, 11, 13, 9))
    assert recipients(inspection, "warning") == ["intake-a"]


def test_escalation_from_a_district_goes_to_the_city(make_inspection, people, district_a):
    inspection = make_inspection(end_of(2026, 11, 16), opened_at=local(2026, 11, 10, 9), unit=district_a)
    send_due_reminders(local(2026, 11, 19, 9))
    assert recipients(inspection, "overdue") == ["head-a", "officer-a"]  # no squad leader in the district
    assert recipients(inspection, "escalated") == ["head-city"]


def test_channels_follow_preferences_but_escalations_cannot_be_switched_off(make_inspection, people):
    NotificationPreference.objects.create(
        user=people["officer"], channel="email", level="warning", enabled=False
    )
    NotificationPreference.objects.create(
        user=people["head"], channel="email", level="escalated", enabled=False
    )
    inspection = make_inspection(end_of(2026, 11, 16), opened_at=local(2026, 11, 10, 9))
    send_due_reminders(local(2026, 11, 13, 9))
    send_due_reminders(local(2026, 11, 19, 9))
    assert recipients(inspection, "warning", Channel.EMAIL) == []
    assert recipients(inspection, "warning", Channel.INBOX) == ["officer-a"]
    assert recipients(inspection, "escalated", Channel.EMAIL) == ["head-a"]


def test_the_webhook_channel_needs_a_gateway_and_a_phone_number(make_inspection, people, settings):
    inspection = make_inspection(end_of(2026, 11, 16), opened_at=local(2026, 11, 10, 9))
    send_due_reminders(local(2026, 11, 13, 9))
    assert recipients(inspection, "warning", Channel.WEBHOOK) == []
    settings.NOTIFICATIONS_WEBHOOK_URL = "http://127.0.0.1:9/sms"
    send_due_reminders(local(2026, 11, 17, 9))
    assert recipients(inspection, "overdue", Channel.WEBHOOK) == ["officer-a"]  # the leader has no phone


# --- exactly once -------------------------------------------------------------------------------------
def test_sweeping_again_and_again_changes_nothing(make_inspection, counts):
    for i in range(30):
        make_inspection(end_of(2026, 11, 16), opened_at=local(2026, 11, 10, 9, i))
    send_due_reminders(local(2026, 11, 19, 9), batch_size=7)
    first = counts()
    assert first["reminders"] == 60  # overdue + escalated each (the warning is stale by then)
    send_due_reminders(local(2026, 11, 19, 9), batch_size=7)
    send_due_reminders(local(2026, 11, 19, 10))
    assert counts() == first


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_make_each_reminder_once(make_inspection, counts):
    for i in range(40):
        make_inspection(end_of(2026, 11, 16), opened_at=local(2026, 11, 10, 9, i))
    errors = []
    start = threading.Barrier(2)

    def sweep():
        try:
            start.wait()
            send_due_reminders(local(2026, 11, 19, 9), batch_size=5)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert counts()["reminders"] == 80
    # officer + leader for overdue, head for escalated, each by inbox and email
    assert counts()["deliveries"] == 40 * (2 + 1) * 2
