"""The complaint deadline kinds (deadlines.py) on the platform's sweep: which deadline each status
watches, what says each was met, who hears of it and what the reminder says. The sweep's own behaviour
(working days, levels, exactly once) is tested on a test-only model in enforcement/notifications/tests."""

from datetime import timedelta

import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation

from enforcement.notifications.delivery import deliver, reminder_text
from enforcement.notifications.models import Delivery, DeliveryStatus, Notification, Reminder
from enforcement.notifications.sweep import send_due_reminders
from enforcement.notifications.tests.conftest import end_of, local, people, reminders_of  # noqa: F401 — fixture

from ..choices import ACCEPT_LIVE, REPLY_LIVE, VISIT_LIVE, ComplaintStatus
from ..deadlines import COMPLAINT_ACCEPT, COMPLAINT_REPLY, COMPLAINT_VISIT
from ..models import Complaint
from .factories import ComplaintFactory

pytestmark = pytest.mark.django_db

KINDS = [(COMPLAINT_ACCEPT, ACCEPT_LIVE), (COMPLAINT_REPLY, REPLY_LIVE), (COMPLAINT_VISIT, VISIT_LIVE)]


@pytest.fixture
def make_complaint(people, squad_a):  # noqa: F811
    """A complaint in squadron A1 held by the officer, with its reply deadline live unless told."""

    def make(reply_due_at=None, *, status=ComplaintStatus.IN_PROGRESS, handler="officer", **kw):
        kw.setdefault("unit", squad_a)
        kw.setdefault("received_by", people["intake"])
        if reply_due_at is not None:
            kw["reply_due_at"] = reply_due_at
        return ComplaintFactory(status=status, handler=people[handler] if handler else None, **kw)

    return make


def levels(obj, kind="complaint_reply"):
    return sorted(reminders_of(obj, kind=kind).values_list("level", flat=True))


# --- which deadline is live ------------------------------------------------------------------------------
@pytest.mark.parametrize(("kind", "live"), KINDS, ids=lambda v: getattr(v, "slug", ""))
def test_live_statuses_compile_to_the_sweeps_query_of_before(kind, live, make_complaint):
    """The benchmark's figures (bench/RESULTS.md) hold for this SQL: the status filter on the (status, due)
    index, as when the kinds declared `live_filter=Q(status__in=…)`."""
    before = Complaint.objects.filter(Q(status__in=live)).exclude(**{f"{kind.due_field}__isnull": True})
    assert str(kind.live_queryset().query) == str(before.query)
    for status in ComplaintStatus.values:
        make_complaint(
            end_of(2026, 11, 20),
            status=status,
            accept_due_at=end_of(2026, 11, 18),
            visit_due_at=end_of(2026, 11, 25),
        )
    assert set(kind.live_queryset()) == set(before) == set(Complaint.objects.filter(status__in=live))
    assert set(kind.live_queryset().values_list("status", flat=True)) == set(live)


def test_only_the_live_deadline_of_the_current_state_is_watched(make_complaint):
    received = make_complaint(
        end_of(2026, 11, 20),
        status=ComplaintStatus.RECEIVED,
        handler=None,
        accept_due_at=end_of(2026, 11, 18),
        visit_due_at=end_of(2026, 11, 19),
        received_at=local(2026, 11, 17, 9),
    )
    send_due_reminders(local(2026, 11, 25, 12))
    kinds = set(reminders_of(received).values_list("kind", flat=True))
    assert kinds == {"complaint_accept"}


def test_a_complaint_answered_in_time_gets_no_overdue_notice(make_complaint):
    complaint = make_complaint(end_of(2026, 11, 20), received_at=local(2026, 11, 13, 9))
    send_due_reminders(local(2026, 11, 20, 9))
    assert levels(complaint) == ["warning"]
    complaint.status = ComplaintStatus.REPLIED
    complaint.replied_at = local(2026, 11, 20, 15)
    complaint.visit_due_at = end_of(2026, 11, 25)
    complaint.save()
    for day in (23, 24, 30):
        send_due_reminders(local(2026, 11, day, 9))
    assert levels(complaint) == ["warning"]
    assert levels(complaint, kind="complaint_visit") == ["escalated", "overdue", "warning"]


# --- what says it was met ---------------------------------------------------------------------------------
def test_each_kind_is_met_by_its_own_stamp():
    assert [kind.met_field for kind, _live in KINDS] == ["accepted_at", "replied_at", "visited_at"]


def test_replied_at_the_deadline_is_on_time_a_second_later_is_late(make_complaint):
    due = local(2026, 11, 20, 17, 30)
    on_time = make_complaint(due, status=ComplaintStatus.REPLIED, replied_at=due)
    late = make_complaint(due, status=ComplaintStatus.REPLIED, replied_at=due + timedelta(seconds=1))
    waiting = make_complaint(due)
    assert [COMPLAINT_REPLY.met_on_time(c) for c in (on_time, late, waiting)] == [True, False, None]
    rows = dict(COMPLAINT_REPLY.with_met_on_time().values_list("pk", "met_on_time"))
    assert [rows[c.pk] for c in (on_time, late, waiting)] == [True, False, None]


# --- who hears of it, and what they read ---------------------------------------------------------------------
def test_the_handler_is_warned_and_without_one_the_intake_desk(make_complaint):
    held = make_complaint(end_of(2026, 11, 16), received_at=local(2026, 11, 10, 9))
    unheld = make_complaint(end_of(2026, 11, 16), received_at=local(2026, 11, 10, 9), handler=None)
    send_due_reminders(local(2026, 11, 13, 9))

    def warned(complaint):
        return sorted(
            Delivery.objects.filter(reminder__object_id=complaint.pk, channel="inbox").values_list(
                "user__username", flat=True
            )
        )

    assert (warned(held), warned(unheld)) == (["officer-a"], ["intake-a"])


def test_the_inbox_names_the_complaint_by_its_number_and_links_to_it(make_complaint, people):  # noqa: F811
    complaint = make_complaint(
        timezone.now() + timedelta(hours=3), received_at=timezone.now() - timedelta(days=1)
    )
    send_due_reminders()
    deliver(Delivery.objects.get(channel="inbox").pk)
    note = Notification.objects.get()
    assert note.user == people["officer"]
    assert complaint.number in note.title
    assert note.url == complaint.get_absolute_url()
    assert note.text.startswith(f"Complaint reply for {complaint.number}")


def test_a_reply_before_the_message_goes_out_cancels_it(make_complaint):
    complaint = make_complaint(
        timezone.now() + timedelta(hours=3), received_at=timezone.now() - timedelta(days=1)
    )
    send_due_reminders()
    complaint.status = ComplaintStatus.REPLIED
    complaint.save()
    assert deliver(Delivery.objects.get(channel="inbox").pk) == DeliveryStatus.CANCELLED
    assert Notification.objects.count() == 0


def test_reminders_say_which_complaint_deadline_in_plain_words(make_complaint):
    complaint = make_complaint(
        end_of(2026, 11, 16),
        status=ComplaintStatus.RECEIVED,
        received_at=local(2026, 11, 10, 9),
        accept_due_at=end_of(2026, 11, 16),
    )
    send_due_reminders(local(2026, 11, 17, 9))
    reminder = Reminder.objects.get(kind="complaint_accept", level="overdue")
    assert (
        reminder_text(reminder)
        == f"Complaint acceptance for {complaint} was due by 11/16/2026 11:59 p.m. and is overdue."
    )
    with translation.override("zh-hans"):
        assert "2026年11月16日 23:59" in reminder_text(reminder)


def test_the_reminder_settings_list_the_complaint_kinds(client, city_admin):
    client.force_login(city_admin)
    page = client.get(reverse("notifications:settings")).content.decode()
    for kind, _live in KINDS:
        assert f'id="kind-{kind.slug}"' in page
        assert str(kind.label) in page
        assert f">{kind.slug}<" not in page  # staff read the kind's name, not its code
    assert client.get(reverse("notifications:setting-edit", args=["complaint_reply"])).status_code == 200
