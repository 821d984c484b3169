"""Complaints dispatched to an external responsible unit (外部责任单位): the district dispatches to it like
to a squadron; its liaison sees only what reached the unit, starts, replies or sends it back; reminders
reach the liaison, overdue notices the district's supervisors, escalations the city's."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from enforcement.approvals.choices import ApprovalDecision
from enforcement.notifications.models import EventNotice, ReminderLevel
from enforcement.notifications.recipients import RecipientResolver
from enforcement.notifications.tests.conftest import eager_tasks  # noqa: F401 — autouse: tasks run here
from enforcement.org import workqueue
from enforcement.org.choices import Role, UnitLevel
from enforcement.org.tests.factories import OrgUnitFactory

from .. import services
from ..choices import ComplaintStatus
from ..deadlines import COMPLAINT_REPLY
from ..models import ComplaintExtension
from ..workflow import WORKFLOW
from .factories import ComplaintFactory

pytestmark = pytest.mark.django_db
S = ComplaintStatus


@pytest.fixture
def water(district_a):
    return OrgUnitFactory(
        code="water-a",
        name="甲区水务局",
        name_en="District A Water Bureau",
        level=UnitLevel.EXTERNAL,
        parent=district_a,
    )


@pytest.fixture
def liaison(make_user, water):
    return make_user(Role.LIAISON, unit=water, username="liaison-water")


@pytest.fixture
def dispatched(intake_a, district_a, water, category):
    complaint = ComplaintFactory(unit=district_a, status=S.ACCEPTED, category=category)
    return services.dispatch(complaint, by=intake_a, unit=water)


def browser(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_the_district_dispatches_to_its_external_unit_and_the_form_marks_it(
    intake_a, district_a, water, category, squad_a
):
    complaint = ComplaintFactory(unit=district_a, status=S.ACCEPTED, category=category)
    page = browser(intake_a).get(complaint.get_absolute_url()).content.decode()
    form = page.split('data-action="dispatch"')[1].split("</details>")[0]
    assert "District A Water Bureau (external)" in form and "Squadron A1 (external)" not in form
    assert "Squadron A1" in form
    complaint = services.dispatch(complaint, by=intake_a, unit=water)
    assert (
        complaint.status == S.DISPATCHED and complaint.unit == water and complaint.previous_unit == district_a
    )


def test_another_district_cannot_dispatch_to_it(make_user, district_b, water, category):
    intake_b = make_user("intake", unit=district_b)
    complaint = ComplaintFactory(unit=district_b, status=S.ACCEPTED, category=category)
    with pytest.raises(Exception) as error:
        services.dispatch(complaint, by=intake_b, unit=water)
    assert "within your own" in str(error.value)


def test_the_liaison_sees_only_what_was_dispatched_to_the_unit(
    liaison, dispatched, district_a, squad_a, category, leader_a, officer_a
):
    elsewhere = [
        ComplaintFactory(unit=unit, status=S.DISPATCHED, category=category) for unit in (district_a, squad_a)
    ]
    pending = ComplaintExtension.objects.create(
        complaint=elsewhere[1], requested_by=officer_a, reason="复杂", days=1
    )
    assert pending.decision == ApprovalDecision.PENDING
    client = browser(liaison)

    listing = client.get(reverse("complaints:list")).content.decode()
    assert dispatched.number in listing and not any(c.number in listing for c in elsewhere)
    assert client.get(reverse("complaints:detail", args=[dispatched.pk])).status_code == 200
    for other in elsewhere:
        assert client.get(reverse("complaints:detail", args=[other.pk])).status_code == 404
        assert client.get(reverse("api:complaint-detail", args=[other.pk])).status_code == 404
    api_numbers = {row["number"] for row in client.get(reverse("api:complaint-list")).json()["results"]}
    assert api_numbers == {dispatched.number}
    export = client.get(reverse("complaints:export"))
    if export.status_code == 200:
        body = b"".join(export.streaming_content).decode("utf-8")
        assert dispatched.number in body and not any(c.number in body for c in elsewhere)
    else:
        assert export.status_code == 403
    assert {item.url for item in workqueue.items_for(liaison)} == {dispatched.get_absolute_url()}
    inbox = client.get(reverse("approvals:inbox")).content.decode()
    assert elsewhere[1].number not in inbox


def test_the_liaison_starts_and_replies_but_takes_no_intake_or_supervisor_step(liaison, dispatched):
    assert set(WORKFLOW.allowed_actions(dispatched, liaison)) >= {"start", "send_back"}
    assert not set(WORKFLOW.allowed_actions(dispatched, liaison)) & {"dispatch", "accept", "reopen", "merge"}
    started = services.start(dispatched, by=liaison)
    assert started.status == S.IN_PROGRESS and started.handler == liaison
    replied = services.reply(started, by=liaison, reply_text="已清理管道淤积")
    assert replied.status == S.REPLIED and replied.replied_by == liaison
    assert not set(WORKFLOW.allowed_actions(replied, liaison)) & {"record_visit", "close"}


def test_the_liaison_sends_a_complaint_back_to_the_district(liaison, dispatched, district_a):
    returned = services.send_back(dispatched, by=liaison, reason="不属于本单位职责")
    assert returned.status == S.ACCEPTED and returned.unit == district_a
    assert browser(liaison).get(reverse("complaints:detail", args=[returned.pk])).status_code == 404


def test_the_liaison_is_told_of_the_dispatch(
    django_capture_on_commit_callbacks, intake_a, district_a, water, liaison, leader_a, category
):
    complaint = ComplaintFactory(unit=district_a, status=S.ACCEPTED, category=category)
    with django_capture_on_commit_callbacks(execute=True):
        services.dispatch(complaint, by=intake_a, unit=water)
    told = set(EventNotice.objects.filter(object_id=complaint.pk).values_list("user", flat=True))
    assert told == {liaison.pk}


def test_reminders_reach_the_liaison_then_the_district_then_the_city(
    liaison, dispatched, leader_a, intake_a, make_user, city
):
    city_head = make_user("bureau_head", unit=city, username="city-head")
    dispatched.reply_due_at = timezone.now()
    found = {
        level: RecipientResolver().recipients(COMPLAINT_REPLY, level, [dispatched])[dispatched.pk]
        for level in (ReminderLevel.WARNING, ReminderLevel.OVERDUE, ReminderLevel.ESCALATED)
    }
    assert found[ReminderLevel.WARNING] == [liaison.pk]  # nobody holds it yet: the unit's liaison
    assert found[ReminderLevel.OVERDUE] == [
        liaison.pk,
        leader_a.pk,
    ]  # and the dispatching district's supervisor
    assert found[ReminderLevel.ESCALATED] == [city_head.pk]  # above the district


def test_the_liaisons_extension_request_goes_to_the_district(liaison, dispatched, leader_a):
    started = services.start(dispatched, by=liaison)
    assert "request_extension" in WORKFLOW.allowed_actions(started, liaison)
    assert "decide_extension" not in WORKFLOW.allowed_actions(started, liaison)
