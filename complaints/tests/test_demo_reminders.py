"""The `make run` story: a complaint left unanswered warns its officer the working day before its deadline
and, once overdue, the squad leader too — once each, however often the demo is seeded."""

import pytest

from enforcement.catalog import demo as catalog_demo
from enforcement.notifications.models import Notification, Reminder
from enforcement.notifications.tests.conftest import eager_tasks  # noqa: F401 — autouse: deliveries run here
from enforcement.org import demo as org_demo

from .. import demo_reminders as demo
from ..models import Complaint

pytestmark = pytest.mark.django_db


def test_demo_reminders(django_capture_on_commit_callbacks, mailoutbox):
    org_demo.seed("Demo-2026!")
    catalog_demo.seed()
    with django_capture_on_commit_callbacks(execute=True):
        assert demo.seed() == 2
    warned = Complaint.objects.get(external_ref="demo-reminder-warning")
    late = Complaint.objects.get(external_ref="demo-reminder-overdue")

    def inbox(complaint):
        return sorted(
            Notification.objects.filter(reminder__object_id=complaint.pk).values_list(
                "level", "user__username"
            )
        )

    assert inbox(warned) == [("warning", "chancheng.officer")]
    assert inbox(late) == [("overdue", "chancheng.officer"), ("overdue", "chancheng.squad_leader")]
    assert {m.to[0] for m in mailoutbox} >= {
        "chancheng.officer@example.org",
        "chancheng.squad_leader@example.org",
    }

    reminders = Reminder.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        assert demo.seed() == 0
    assert Reminder.objects.count() == reminders
