"""The complaints' part of the work queue (workqueue.py): what each role's next step is, in words; the
filter by next step; the intake desk's queue without what waits on officers; one query whatever the size."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enforcement.org import workqueue

from ..choices import ComplaintStatus
from ..models import Complaint, ComplaintExtension
from ..workqueue import next_steps
from .factories import ComplaintFactory

S = ComplaintStatus
pytestmark = pytest.mark.django_db


def browser(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def steps_by_url(user, step=""):
    return {
        item.url: item.step_label for item in workqueue.items_for(user, step=step) if item.kind == "Complaint"
    }


def test_each_item_says_the_next_step_in_words(make_user, city, category):
    intake = make_user("intake", unit=city)
    received = ComplaintFactory(unit=city, category=category, status=S.RECEIVED)
    accepted = ComplaintFactory(unit=city, category=category, status=S.ACCEPTED)
    replied = ComplaintFactory(unit=city, category=category, status=S.REPLIED)
    visited = ComplaintFactory(unit=city, category=category, status=S.VISITED)
    assert steps_by_url(intake) == {
        received.get_absolute_url(): "To accept",
        accepted.get_absolute_url(): "To dispatch",
        replied.get_absolute_url(): "To visit",
        visited.get_absolute_url(): "To close",
    }


def test_the_intake_desk_does_not_queue_what_waits_on_officers(make_user, city, district_a, category):
    intake = make_user("intake", unit=city)
    officer = make_user("officer", unit=district_a)
    dispatched = ComplaintFactory(unit=district_a, category=category, status=S.DISPATCHED)
    handled = ComplaintFactory(unit=district_a, category=category, status=S.IN_PROGRESS, handler=officer)
    assert S.DISPATCHED not in next_steps(intake) and S.IN_PROGRESS not in next_steps(intake)
    assert not {dispatched.get_absolute_url(), handled.get_absolute_url()} & set(steps_by_url(intake))
    assert steps_by_url(officer) == {
        dispatched.get_absolute_url(): "To start handling",
        handled.get_absolute_url(): "To reply",
    }


def test_a_pending_extension_waits_for_approval(make_user, district_a, category):
    officer = make_user("officer", unit=district_a)
    leader = make_user("squad_leader", unit=district_a)
    complaint = ComplaintFactory(unit=district_a, category=category, status=S.IN_PROGRESS, handler=officer)
    ComplaintExtension.objects.create(complaint=complaint, requested_by=officer, reason="复杂", days=1)
    assert steps_by_url(leader) == {complaint.get_absolute_url(): "Awaiting approval"}
    assert steps_by_url(leader, step="approve") == {complaint.get_absolute_url(): "Awaiting approval"}
    assert steps_by_url(leader, step="reply") == {}


def test_the_home_page_filters_by_next_step(make_user, city, category):
    intake = make_user("intake", unit=city)
    received = ComplaintFactory(unit=city, category=category, status=S.RECEIVED)
    replied = ComplaintFactory(unit=city, category=category, status=S.REPLIED)
    client = browser(intake)
    page = client.get(reverse("home")).content.decode()
    assert "?step=accept" in page and "?step=record_visit" in page and "?step=start" not in page
    assert received.number in page and replied.number in page
    page = client.get(reverse("home"), {"step": "record_visit"}).content.decode()
    assert replied.number in page and received.number not in page
    page = client.get(reverse("home"), {"step": "no-such-step"}).content.decode()  # ignored, not an error
    assert received.number in page and replied.number in page


def test_the_queue_runs_the_same_queries_for_one_item_or_many(
    make_user, city, category, django_assert_max_num_queries
):
    intake = make_user("intake", unit=city)
    ComplaintFactory(unit=city, category=category, status=S.RECEIVED)
    with CaptureQueriesContext(connection) as one:
        assert len(workqueue.items_for(intake)) == 1
    ComplaintFactory.create_batch(20, unit=city, category=category, status=S.ACCEPTED)
    ComplaintExtension.objects.create(
        complaint=Complaint.objects.filter(status=S.ACCEPTED).first(),
        requested_by=intake,
        reason="复杂",
        days=1,
    )
    with django_assert_max_num_queries(len(one)):  # the scope (cached per user) and the one bounded query
        assert len(workqueue.items_for(intake)) == 21
