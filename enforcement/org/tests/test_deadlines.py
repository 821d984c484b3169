"""The deadline badge every record page uses, and the certificate badge: words and colours at the edges."""

from datetime import datetime, timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone

from enforcement.org.templatetags.deadlines import certificate_state, deadline_urgency, time_left_text
from enforcement.org.tests.factories import UserFactory
from enforcement.org.workqueue import WorkItem

NOW = timezone.make_aware(datetime(2026, 3, 10, 10, 0))


@pytest.mark.parametrize(
    ("offset", "words"),
    [
        (timedelta(days=5, hours=3), "5 days left"),
        (timedelta(days=2), "2 days left"),
        (timedelta(days=1, hours=23), "47 hours left"),  # under two days, hours say more than "1 day"
        (timedelta(hours=1), "1 hour left"),
        (timedelta(minutes=59), "59 minutes left"),
        (timedelta(seconds=30), "Due now"),
        (timedelta(seconds=-30), "Due now"),
        (timedelta(minutes=-1), "Overdue by 1 minute"),
        (timedelta(hours=-3, minutes=-20), "Overdue by 3 hours"),
        (timedelta(days=-2, hours=-1), "Overdue by 2 days"),
    ],
)
def test_time_left_words(offset, words):
    assert time_left_text(NOW + offset, now=NOW) == words


def test_a_date_is_due_at_the_end_of_that_day():
    today = timezone.localdate()
    assert deadline_urgency(today) == "due_soon"
    assert deadline_urgency(today - timedelta(days=1)) == "overdue"
    assert deadline_urgency(today + timedelta(days=3)) == "ok"
    assert deadline_urgency(None) == "none"


@pytest.mark.parametrize(
    "offset", [timedelta(seconds=-1), timedelta(hours=23, minutes=59), timedelta(hours=24, minutes=1)]
)
def test_badge_urgency_is_the_work_queues(offset):
    due = timezone.now() + offset
    assert deadline_urgency(due) == WorkItem(title="t", url="/", kind="k", due_at=due).urgency


def test_badge_markup():
    template = Template("{% load deadlines %}{% deadline_badge due %}|{{ due|time_left }}|{{ due|urgency }}")
    overdue = template.render(Context({"due": timezone.now() - timedelta(days=3, hours=1)}))
    assert 'class="badge text-bg-danger deadline deadline-overdue"' in overdue
    assert "Overdue by 3 days</time></span>|Overdue by 3 days|overdue" in overdue
    soon = template.render(Context({"due": timezone.now() + timedelta(hours=5, minutes=1)}))
    assert "text-bg-warning" in soon and "5 hours left" in soon
    assert "No deadline" in template.render(Context({"due": None}))
    include = Template('{% include "includes/deadline.html" with due=due %}')
    assert "text-bg-danger" in include.render(Context({"due": timezone.now() - timedelta(hours=2)}))


@pytest.mark.django_db
def test_certificate_states_at_the_edges():
    today = timezone.localdate()
    assert (
        certificate_state(UserFactory.build(certificate_expires=today - timedelta(days=1)), today)
        == "expired"
    )
    assert certificate_state(UserFactory.build(certificate_expires=today), today) == "expiring"
    assert (
        certificate_state(UserFactory.build(certificate_expires=today + timedelta(days=30)), today)
        == "expiring"
    )
    assert (
        certificate_state(UserFactory.build(certificate_expires=today + timedelta(days=31)), today) == "valid"
    )
    assert (
        certificate_state(UserFactory.build(certificate_no="", certificate_expires=None), today) == "missing"
    )
