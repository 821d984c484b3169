"""The re-check of a rectification item on the platform's reminder sweep (campaigns/deadlines.py): warned
the working day before the notice's deadline (across a weekend, and across the National Day holiday of
2026: 1–7 October, Saturday 10 October a working day), overdue after it, and never once re-checked."""

from datetime import datetime, time

import pytest
from django.utils import timezone

from campaigns import services
from campaigns.deadlines import RECHECK
from campaigns.models import RectificationItem
from enforcement.notifications.models import Delivery, Reminder
from enforcement.notifications.registry import get
from enforcement.notifications.sweep import send_due_reminders

from .conftest import noticed, photo, today

pytestmark = pytest.mark.django_db

TZ = timezone.get_default_timezone()
SLUG = "rectification_recheck"


def local(y, m, d, hh=0, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


def due_on(item, y, m, d, *, noticed_on=(2026, 9, 28)):
    """The item's notice as if issued on `noticed_on` with the deadline y-m-d (the sweep reads the stored
    deadline; the service sets it from today's clock)."""
    deadline = datetime(y, m, d).date()
    RectificationItem.objects.filter(pk=item.pk).update(
        deadline_on=deadline,
        recheck_due_at=datetime.combine(deadline, time.max, tzinfo=TZ),
        noticed_at=local(*noticed_on, 10),
    )
    return RectificationItem.objects.get(pk=item.pk)


def levels(item):
    return sorted(Reminder.objects.filter(object_id=item.pk, kind=SLUG).values_list("level", flat=True))


def told(item, level):
    return set(
        Delivery.objects.filter(
            reminder__object_id=item.pk, reminder__kind=SLUG, reminder__level=level, channel="inbox"
        ).values_list("user__username", flat=True)
    )


def test_the_kind_is_registered():
    assert get(SLUG) is RECHECK
    assert RECHECK.due_field == "recheck_due_at" and RECHECK.live_statuses == {"noticed"}


def test_a_notice_sets_the_recheck_due_at_the_end_of_its_deadline(campaign, crew, squadrons):
    first, _second = squadrons
    item = noticed(campaign, crew["officer1"], first)
    local_due = timezone.localtime(item.recheck_due_at)
    assert local_due.date() == item.deadline_on == today()
    assert (local_due.hour, local_due.minute) == (23, 59)
    assert set(RECHECK.live_queryset()) == {item}


def test_warned_the_working_day_before_across_the_holiday_then_overdue(campaign, crew, squadrons):
    first, _second = squadrons
    item = due_on(noticed(campaign, crew["officer1"], first), 2026, 10, 9)  # the Friday after National Day
    for _ in range(2):
        send_due_reminders(local(2026, 9, 30, 9))  # the last working day before the holiday
    assert levels(item) == []
    for _ in range(3):
        send_due_reminders(local(2026, 10, 8, 9))  # the working day before the deadline
    assert levels(item) == ["warning"]
    assert "c_officer1" in told(item, "warning")  # who found it
    send_due_reminders(local(2026, 10, 9, 18))  # the deadline's own day: still warned only
    assert levels(item) == ["warning"]
    send_due_reminders(local(2026, 10, 10, 9))
    assert levels(item) == ["overdue", "warning"]
    assert item.is_overdue(local(2026, 10, 10, 9)) and not item.is_overdue(local(2026, 10, 9, 18))
    assert list(RectificationItem.objects.overdue(local(2026, 10, 10, 9))) == [item]


def test_a_monday_deadline_is_warned_on_the_friday(campaign, crew, squadrons):
    first, _second = squadrons
    item = due_on(noticed(campaign, crew["officer1"], first), 2026, 11, 30, noticed_on=(2026, 11, 20))
    send_due_reminders(local(2026, 11, 26, 9))  # Thursday
    assert levels(item) == []
    send_due_reminders(local(2026, 11, 27, 9))  # Friday, the working day before
    assert levels(item) == ["warning"]
    send_due_reminders(local(2026, 11, 28, 9))  # the weekend changes nothing
    assert levels(item) == ["warning"]
    send_due_reminders(local(2026, 12, 1, 9))
    assert levels(item) == ["overdue", "warning"]


def test_nothing_once_rechecked(campaign, crew, squadrons):
    first, _second = squadrons
    kept = due_on(noticed(campaign, crew["officer1"], first), 2026, 10, 9)
    done = due_on(noticed(campaign, crew["officer1"], first), 2026, 10, 9)
    services.recheck(
        done, by=crew["officer1"], result="rectified", rechecked_on=today(), photos=[photo("复查.jpg")]
    )
    for moment in (local(2026, 10, 8, 9), local(2026, 10, 10, 9), local(2026, 10, 14, 9)):
        send_due_reminders(moment)
    send_due_reminders(local(2026, 10, 20, 9), full=True)
    assert not Reminder.objects.filter(kind=SLUG, object_id=done.pk).exists()
    assert "overdue" in levels(kept)
    assert set(RECHECK.live_queryset()) == {kept}


def test_a_recheck_after_the_warning_stops_the_overdue_notice(campaign, crew, squadrons):
    first, _second = squadrons
    item = due_on(noticed(campaign, crew["officer1"], first), 2026, 10, 9)
    send_due_reminders(local(2026, 10, 8, 9))
    assert levels(item) == ["warning"]
    services.recheck(
        item, by=crew["officer1"], result="rectified", rechecked_on=today(), photos=[photo("复查.jpg")]
    )
    for day in (10, 13, 20):
        send_due_reminders(local(2026, 10, day, 9))
    assert levels(item) == ["warning"]
