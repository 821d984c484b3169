"""A squadron under district A with the people reminders go to: the officer holding a record, the
district's intake desk, the squadron's leader and the district's bureau head; the city's bureau head
above them all. The records are the test-only inspections (tests/testapp): the platform's tests never
use a domain app."""

from datetime import datetime, time

import pytest
from django.utils import timezone

from enforcement.notifications.models import Delivery, Notification, Reminder
from tests.testapp.models import Inspection

TZ = timezone.get_default_timezone()


def local(y, m, d, hh=0, mm=0, ss=0):
    return datetime(y, m, d, hh, mm, ss, tzinfo=TZ)


def end_of(y, m, d):
    return datetime.combine(datetime(y, m, d).date(), time.max, tzinfo=TZ)


@pytest.fixture
def people(make_user, city, district_a, squad_a):
    return {
        "officer": make_user("officer", unit=squad_a, username="officer-a", phone="13800000001"),
        "intake": make_user("intake", unit=district_a, username="intake-a"),
        "leader": make_user("squad_leader", unit=squad_a, username="leader-a1"),
        "head": make_user("bureau_head", unit=district_a, username="head-a"),
        "city_head": make_user("bureau_head", unit=city, username="head-city"),
    }


@pytest.fixture
def make_inspection(people, squad_a):
    """An inspection in squadron A1 held by the officer, with its visit deadline live unless told."""
    made = []

    def make(visit_due_at=None, *, status="in_progress", handler="officer", **kw):
        kw.setdefault("unit", squad_a)
        kw.setdefault("title", f"Inspection {len(made) + 1}")
        if visit_due_at is not None:
            kw["visit_due_at"] = visit_due_at
        made.append(
            Inspection.objects.create(status=status, handler=people[handler] if handler else None, **kw)
        )
        return made[-1]

    return make


def reminders_of(obj, **filters):
    return Reminder.objects.filter(object_id=obj.pk, **filters)


@pytest.fixture
def counts():
    def count():
        return {
            "reminders": Reminder.objects.count(),
            "deliveries": Delivery.objects.count(),
            "notifications": Notification.objects.count(),
        }

    return count


@pytest.fixture(autouse=True)
def eager_tasks():
    """Tasks enqueued on commit run in-process here (never into a broker directory on disk); the tests
    with a real worker and broker are in tests/test_reminders_worker.py."""
    from enforcement.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous
