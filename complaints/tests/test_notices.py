"""Event notices of complaints (complaints/notices.py, and the extension's approval kind): dispatched to an
officer or to a unit, sent back, reopened; an extension waiting for a decision, and its decision — each
heard once by the people concerned, never by the one who acted."""

import pytest
from django.core import mail

from enforcement.approvals.choices import ApprovalDecision
from enforcement.notifications.models import EventNotice, Notification
from enforcement.notifications.tests.conftest import eager_tasks  # noqa: F401 — autouse: tasks run here

from .. import services
from ..choices import ComplaintStatus
from .factories import ComplaintFactory

S = ComplaintStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`committed(service, complaint, by=…, …)`: the service's step, committed, its side effects run."""

    def run(service, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(*args, **kwargs)

    return run


@pytest.fixture
def accepted(intake_city, category):
    return ComplaintFactory(unit=intake_city.unit, status=S.ACCEPTED, category=category)


def heard(complaint):
    """[(user, reason)] of the notices about `complaint`, in the order made."""
    notices = EventNotice.objects.filter(object_id=complaint.pk).order_by("pk")
    return [(notice.user, notice.reason) for notice in notices]


def texts(user):
    return [note.text for note in Notification.objects.filter(user=user).order_by("pk")]


def test_a_complaint_dispatched_to_an_officer_reaches_their_inbox_once(
    committed, accepted, intake_city, district_a, district_officer_a, leader_a
):
    c = committed(services.dispatch, accepted, by=intake_city, unit=district_a, handler=district_officer_a)
    assert heard(c) == [(district_officer_a, "holder")]
    assert texts(district_officer_a) == [f"{intake_city} dispatched {c} to you."]
    assert texts(intake_city) == [] and texts(leader_a) == []
    assert [m.to for m in mail.outbox] == [[district_officer_a.email]]


def test_dispatched_to_a_unit_without_a_handler_its_squad_leader_hears(
    committed, accepted, intake_city, district_a, leader_a, head_a
):
    c = committed(services.dispatch, accepted, by=intake_city, unit=district_a)
    # Squad leaders before the bureau head (notices.LINE_SUPERVISORS).
    assert heard(c) == [(leader_a, "unit")]
    assert texts(leader_a) == [f"{intake_city} dispatched {c} to District A; it has no handler yet."]
    assert texts(head_a) == []


def test_a_squadron_without_supervisors_is_covered_by_its_district(
    committed, accepted, intake_city, squad_a, head_a
):
    c = committed(services.dispatch, accepted, by=intake_city, unit=squad_a)
    assert heard(c) == [(head_a, "unit")]


def test_sent_back_the_dispatching_units_intake_desk_hears(
    committed, accepted, intake_city, district_a, district_officer_a, make_user, city
):
    city_head = make_user("bureau_head", unit=city)
    c = committed(services.dispatch, accepted, by=intake_city, unit=district_a, handler=district_officer_a)
    c = committed(services.send_back, c, by=district_officer_a, reason="不在本区辖区")
    # Back with the city: its intake desk before its bureau head; the officer who sent it back hears nothing.
    assert heard(c) == [(district_officer_a, "holder"), (intake_city, "unit")]
    assert texts(intake_city) == [f"{district_officer_a} sent {c} back to City Bureau: 不在本区辖区"]
    assert texts(city_head) == []


def test_reopened_its_handler_hears(committed, intake_city, district_a, district_officer_a, category):
    c = ComplaintFactory(
        unit=district_a,
        status=S.VISITED,
        satisfaction="unsatisfied",
        category=category,
        handler=district_officer_a,
    )
    c = committed(services.reopen, c, by=intake_city, reason="群众不满意")
    assert heard(c) == [(district_officer_a, "holder")]
    assert texts(district_officer_a) == [
        f"{intake_city} reopened {c}, as the complainant was not satisfied: 群众不满意"
    ]


def test_steps_without_a_notice_tell_nobody(committed, accepted, intake_city, district_a, district_officer_a):
    c = committed(services.dispatch, accepted, by=intake_city, unit=district_a, handler=district_officer_a)
    committed(services.start, c, by=district_officer_a)
    assert heard(c) == [(district_officer_a, "holder")]  # the dispatch's alone


def test_an_extension_waits_for_the_squad_leader_and_its_decision_reaches_the_requester(
    committed, district_a, category, district_officer_a, leader_a, head_a
):
    c = ComplaintFactory(unit=district_a, category=category, status=S.IN_PROGRESS, handler=district_officer_a)
    c = committed(services.request_extension, c, by=district_officer_a, reason="需协调多部门", days=2)
    assert heard(c) == [(leader_a, "decider")]
    assert texts(leader_a) == [
        f"{district_officer_a} asks for your decision on “Extension of the reply deadline” for {c}. Reason: 需协调多部门"
    ]
    committed(services.decide_extension, c, by=leader_a, decision=ApprovalDecision.APPROVED, opinion="同意")
    assert heard(c) == [(leader_a, "decider"), (district_officer_a, "requester")]
    assert texts(district_officer_a) == [
        f"{leader_a} decided your request “Extension of the reply deadline” for {c}: Approved. Opinion: 同意"
    ]
    assert texts(head_a) == []
