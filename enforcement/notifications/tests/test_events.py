"""Event notices on the test-only permit (tests/testapp/workflow.py declares who hears of which step, and
tests/testapp/approvals.py its kinds of approval): the holder hears once, never the actor; without a holder,
the unit's first line supervisor; a signal handled twice makes one notice; the "events" preference per
channel; failures on the failed-deliveries page; the words in the reader's language; a fixed number of
queries. The people: conftest.people (an officer and squad leader in squadron A1, district A's intake desk
and bureau head, the city's bureau head)."""

import json

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from enforcement.approvals import services as approvals
from enforcement.approvals.choices import ApprovalDecision
from enforcement.audit.models import AuditEvent
from enforcement.notifications import delivery as delivery_module
from enforcement.notifications.events import APPROVAL_REQUESTED, STEP, Notice, send_event_notices
from enforcement.notifications.models import Channel, Delivery, DeliveryStatus, EventNotice, Notification
from enforcement.notifications.services import set_preferences
from enforcement.workflow import core
from enforcement.workflow.core import Workflow
from enforcement.workflow.signals import transitioned
from tests.testapp.approvals import GRANT
from tests.testapp.models import Inspection, Permit, PermitStatus
from tests.testapp.workflow import WORKFLOW

from .test_delivery import gateway  # noqa: F401 — the local SMS gateway fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def permit(squad_a, people):
    return Permit.objects.create(
        title="户外广告许可", unit=squad_a, handler=people["officer"], status=PermitStatus.SUBMITTED
    )


@pytest.fixture
def step(django_capture_on_commit_callbacks):
    """`step(action, permit, by=…)`: the workflow's step, committed, its side effects run (eagerly here)."""

    def run(action, obj, *, by, **inputs):
        with django_capture_on_commit_callbacks(execute=True):
            return WORKFLOW.perform(action, obj, by=by, **inputs)

    return run


def inbox(user):
    return list(Notification.objects.filter(user=user))


def counts():
    return (
        EventNotice.objects.count(),
        Delivery.objects.count(),
        Notification.objects.count(),
        len(mail.outbox),
    )


def test_the_holder_hears_of_a_step_once_and_the_actor_never(step, permit, people):
    step("approve", permit, by=people["leader"], note="材料齐全")
    [notice] = EventNotice.objects.all()
    assert (notice.user, notice.reason, notice.action) == (people["officer"], "holder", "approve")
    assert notice.unit_id == permit.unit_id
    assert notice.event == AuditEvent.objects.get(verb="approve")
    [note] = inbox(people["officer"])
    assert (note.level, note.title, note.url) == ("events", "户外广告许可", permit.get_absolute_url())
    assert note.text == f"{people['leader']} approved 户外广告许可."
    assert inbox(people["leader"]) == []
    assert [m.to for m in mail.outbox] == [[people["officer"].email]]
    assert "户外广告许可" in mail.outbox[0].subject and permit.get_absolute_url() in mail.outbox[0].body


def test_without_a_holder_the_units_first_line_supervisor_hears(step, squad_a, people):
    permit = Permit.objects.create(title="占道许可", unit=squad_a, status=PermitStatus.SUBMITTED)
    step("approve", permit, by=people["head"])
    # The squadron's squad leader, not the district's bureau head (who acted, and is the unit above).
    assert [(n.user, n.reason) for n in EventNotice.objects.all()] == [(people["leader"], "unit")]
    [note] = inbox(people["leader"])
    assert note.text == f"{people['head']} approved 占道许可 of Squadron A1, which has no handler."


def test_a_unit_without_supervisors_is_covered_by_the_nearest_unit_above(step, squad_b, make_user, people):
    officer_b = make_user("officer", unit=squad_b)
    permit = Permit.objects.create(title="乙区许可", unit=squad_b, handler=officer_b)
    step("submit", permit, by=officer_b)
    # Nobody supervises squadron B1 or district B: the city's bureau head.
    assert [n.user for n in EventNotice.objects.all()] == [people["city_head"]]


def test_a_step_nobody_is_told_of_makes_nothing(step, permit, people):
    step("withdraw", permit, by=people["officer"], reason="申请人撤回")
    assert not EventNotice.objects.exists() and not Delivery.objects.exists()


def test_the_same_signal_twice_makes_one_notice(step, permit, people, django_capture_on_commit_callbacks):
    step("approve", permit, by=people["leader"])
    event = AuditEvent.objects.get(verb="approve")
    before = counts()
    with django_capture_on_commit_callbacks(execute=True):  # the signal again: a retry, a redelivery
        transitioned.send(
            sender=Permit,
            instance_id=permit.pk,
            action="approve",
            event_id=event.pk,
            from_status="submitted",
            to_status="approved",
            actor_id=people["leader"].pk,
        )
    assert send_event_notices(event.pk, STEP) == 0
    assert before == counts() == (1, 2, 1, 1)


def test_events_switched_off_for_email_still_reach_the_inbox(step, permit, people):
    set_preferences(people["officer"], {("email", "events"): False})
    step("approve", permit, by=people["leader"])
    assert mail.outbox == []
    assert len(inbox(people["officer"])) == 1
    assert list(Delivery.objects.values_list("channel", flat=True)) == [Channel.INBOX]


def test_the_preferences_page_offers_events_per_channel(client, people):
    client.force_login(people["officer"])
    page = client.get(reverse("notifications:preferences"))
    assert "Events on your records" in page.content.decode()
    assert not page.context["form"]["email__events"].field.disabled
    response = client.post(reverse("notifications:preferences"), {"inbox__events": "on"})  # email unticked
    assert response.status_code == 302
    prefs = {(p.channel, p.level): p.enabled for p in people["officer"].notification_preferences.all()}
    assert prefs[("email", "events")] is False and prefs[("inbox", "events")] is True


def test_a_failed_email_is_on_the_failed_deliveries_page(
    step, permit, people, admin_a, make_user, district_b, client, monkeypatch
):
    def refuse(delivery):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setitem(delivery_module.SENDERS, Channel.EMAIL, refuse)
    step("approve", permit, by=people["leader"])
    failed = Delivery.objects.get(channel=Channel.EMAIL)
    assert (failed.status, failed.notice.user) == (DeliveryStatus.FAILED, people["officer"])
    assert len(inbox(people["officer"])) == 1  # the inbox is not held up by the mail server
    client.force_login(admin_a)
    html = client.get(reverse("notifications:failed")).content.decode()
    assert f'id="delivery-{failed.pk}"' in html
    assert "mail server down" in html and "户外广告许可" in html and "approved 户外广告许可" in html
    # Another district's administrator does not see it.
    client.force_login(make_user("admin", unit=district_b))
    assert f'id="delivery-{failed.pk}"' not in client.get(reverse("notifications:failed")).content.decode()


def test_the_webhook_says_it_is_a_notice(step, permit, people, gateway):  # noqa: F811
    step("approve", permit, by=people["leader"])
    [(_headers, body)] = gateway.requests
    payload = json.loads(body)
    assert (payload["event"], payload["level"], payload["action"], payload["record"]) == (
        "notice",
        "events",
        "approve",
        "户外广告许可",
    )
    assert payload["recipient"]["id"] == people["officer"].pk


def test_the_notice_is_worded_in_the_readers_language(step, squad_a, people):
    permit = Permit.objects.create(title="占道许可", unit=squad_a, status=PermitStatus.SUBMITTED)
    step("approve", permit, by=people["head"])
    note = Notification.objects.get()
    assert "甲区一中队" in note.body  # kept in the site's language, as for reminders
    with translation.override("en"):
        assert "Squadron A1" in Notification.objects.select_related("notice__unit").get().text
    with translation.override("zh-hans"):
        assert "甲区一中队" in Notification.objects.get().text


def _queries_of_side_effects(django_capture_on_commit_callbacks, action, obj, by, **inputs):
    """The queries of what runs once the step has committed: the receiver, the notice task and the inbox's
    delivery task (the people have no email address here: one channel)."""
    with django_capture_on_commit_callbacks() as callbacks:
        WORKFLOW.perform(action, obj, by=by, **inputs)
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    return len(queries)


def test_the_receiver_and_task_cost_the_same_few_queries_however_many_hear(
    django_capture_on_commit_callbacks, squad_a, squad_b, make_user
):
    officer_a = make_user("officer", unit=squad_a, email="")
    make_user("squad_leader", unit=squad_a, email="")
    officer_b = make_user("officer", unit=squad_b, email="")
    for _n in range(4):
        make_user("squad_leader", unit=squad_b, email="")

    def submit(title, unit, officer):
        permit = Permit.objects.create(title=title, unit=unit, handler=officer)
        return _queries_of_side_effects(django_capture_on_commit_callbacks, "submit", permit, officer)

    submit("预热", squad_a, officer_a)  # the first step fills the process's caches (content types)
    one, many = submit("一", squad_a, officer_a), submit("二", squad_b, officer_b)
    assert Notification.objects.count() == 1 + 1 + 4
    assert one == many <= 20


# --- approvals -------------------------------------------------------------------------------------------
@pytest.fixture
def approval_step(django_capture_on_commit_callbacks):
    def run(service, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(*args, **kwargs)

    return run


def test_an_approval_waiting_reaches_the_nearest_who_may_decide_it(approval_step, squad_a, people):
    permit = Permit.objects.create(title="广告许可", unit=squad_a, handler=people["officer"])
    approval_step(approvals.request_approval, GRANT, permit, by=people["officer"], reason="材料齐全")
    [notice] = EventNotice.objects.all()
    assert (notice.user, notice.reason, notice.action) == (people["leader"], "decider", "permit_grant")
    assert inbox(people["leader"])[0].text == (
        f"{people['officer']} asks for your decision on “Grant of a permit” for 广告许可. Reason: 材料齐全"
    )


def test_an_approval_skips_who_may_not_decide_it(approval_step, squad_a, people):
    # The squad leader handles the permit (the kind excludes the handler): the district's bureau head decides.
    permit = Permit.objects.create(title="广告许可", unit=squad_a, handler=people["leader"])
    approval_step(approvals.request_approval, GRANT, permit, by=people["officer"], reason="r")
    assert [n.user for n in EventNotice.objects.all()] == [people["head"]]
    # Nor the requester: the squad leader asks, the bureau head hears.
    other = Permit.objects.create(title="另一许可", unit=squad_a)
    approval_step(approvals.request_approval, GRANT, other, by=people["leader"], reason="r")
    assert [n.user for n in EventNotice.objects.filter(object_id=other.pk)] == [people["head"]]


def test_the_requester_hears_the_decision(approval_step, squad_a, people):
    permit = Permit.objects.create(title="广告许可", unit=squad_a, handler=people["officer"])
    approval_step(approvals.request_approval, GRANT, permit, by=people["officer"], reason="r")
    approval_step(
        approvals.decide_approval,
        GRANT,
        permit,
        by=people["leader"],
        decision=ApprovalDecision.APPROVED,
        opinion="同意",
    )
    notice = EventNotice.objects.get(reason="requester")
    assert notice.user == people["officer"]
    assert inbox(people["officer"])[0].text == (
        f"{people['leader']} decided your request “Grant of a permit” for 广告许可: Approved. Opinion: 同意"
    )
    event = AuditEvent.objects.get(verb="request_approval")
    assert send_event_notices(event.pk, APPROVAL_REQUESTED) == 0  # handled once already


# --- declarations ----------------------------------------------------------------------------------------
def test_a_notice_for_an_action_the_table_lacks_is_refused():
    with pytest.raises(ValueError, match="not actions"):
        Workflow(
            "testapp.Inspection",
            WORKFLOW.transitions,
            inputs=WORKFLOW.inputs,
            notices={"dispatch": Notice(to=("handler",), text="x")},
        )
    with pytest.raises(ValueError, match="names nobody"):
        Notice(text="x")


def test_the_system_check_names_a_misspelt_field():
    Workflow(
        "testapp.Inspection",
        WORKFLOW.transitions,
        inputs=WORKFLOW.inputs,
        notices={"submit": Notice(to=("handlr",), text="x")},
    )
    try:
        with pytest.raises(SystemCheckError, match="names the field 'handlr'"):
            call_command("check")
    finally:
        core._workflows.pop(Inspection._meta.label_lower)
