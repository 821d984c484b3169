"""A petition's review (复查) and second review (复核), 信访工作条例 Art. 35-36: each requested within 30 calendar
days of the answer it disputes, taken by the unit one level up, answered within 30 days; the second review's
answer is final. Reminders watch both answers' deadlines."""

from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from enforcement.catalog.choices import ParamUnit
from enforcement.catalog.params import DEFAULTS
from enforcement.notifications.models import Delivery, EventNotice
from enforcement.notifications.sweep import send_due_reminders
from enforcement.notifications.tests.conftest import eager_tasks, end_of, local, reminders_of  # noqa: F401
from enforcement.workflow.exceptions import TransitionNotAllowed

from .. import services
from ..choices import Channel, ComplaintStatus
from ..models import Complaint
from .factories import ComplaintFactory

S = ComplaintStatus
pytestmark = pytest.mark.django_db

REPLIED = local(2026, 11, 2, 10)  # a Monday: day 30 is Wednesday 2 December, a working day


@pytest.fixture
def staff(make_user, city, district_a, squad_a):
    return {
        "squad_intake": make_user("intake", unit=squad_a, username="intake-a1"),
        "district_intake": make_user("intake", unit=district_a, username="intake-a"),
        "district_head": make_user("bureau_head", unit=district_a, username="head-a"),
        "city_head": make_user("bureau_head", unit=city, username="head-city"),
    }


@pytest.fixture
def replied(squad_a, category):
    """A petition replied to by squadron A1 on REPLIED."""
    return ComplaintFactory(
        unit=squad_a,
        category=category,
        channel=Channel.PETITION,
        status=S.REPLIED,
        received_at=local(2026, 10, 1, 9),
        replied_at=REPLIED,
        reply_text="已处理",
    )


def at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def test_the_periods_count_calendar_days_as_the_parameters_say():
    for key in (
        "petition_review_request_days",
        "petition_review_answer_days",
        "petition_recheck_request_days",
        "petition_recheck_answer_days",
    ):
        assert (DEFAULTS[key].value, DEFAULTS[key].unit) == (30, ParamUnit.DAYS)


def test_review_then_second_review_then_the_matter_is_closed_for_good(
    replied, staff, city, district_a, squad_a, django_capture_on_commit_callbacks
):
    with at(local(2026, 11, 20, 9)), django_capture_on_commit_callbacks(execute=True):
        c = services.request_review(replied, by=staff["squad_intake"], reason="对答复不服")
    assert (c.status, c.unit, c.previous_unit, c.handler) == (S.UNDER_REVIEW, district_a, squad_a, None)
    assert c.review_requested_at == local(2026, 11, 20, 9)
    assert c.review_due_at == end_of(2026, 12, 21)  # 30 days end on Sunday 20 December: the next working day
    assert Complaint.objects.open().filter(pk=c.pk).exists()
    assert c.due_at == c.review_due_at
    assert EventNotice.objects.filter(object_id=c.pk, user=staff["district_head"]).exists()

    with at(local(2026, 12, 1, 9)):
        c = services.answer_review(c, by=staff["district_head"], answer="维持原答复")
        assert "request_recheck" in c.allowed_actions(staff["district_intake"])
    assert (c.status, c.review_answer, c.review_answered_at, c.due_at) == (
        S.CLOSED,
        "维持原答复",
        local(2026, 12, 1, 9),
        None,
    )

    with at(local(2026, 12, 10, 9)):
        c = services.request_recheck(c, by=staff["district_intake"], reason="对复查意见不服")
    assert (c.status, c.unit, c.previous_unit) == (S.UNDER_RECHECK, city, district_a)
    assert c.recheck_due_at == end_of(2027, 1, 11)  # 9 January 2027 is a Saturday → Monday 11th
    with at(local(2026, 12, 20, 9)):
        c = services.answer_recheck(c, by=staff["city_head"], answer="维持复查意见")
        assert (c.status, c.recheck_answer) == (S.CLOSED, "维持复查意见")
        for slug, service in (
            ("request_review", services.request_review),
            ("request_recheck", services.request_recheck),
        ):
            with pytest.raises(TransitionNotAllowed, match="final|only once"):
                service(c, by=staff["city_head"], reason="再次不服")
            assert slug not in c.allowed_actions(staff["city_head"])


@pytest.mark.parametrize(
    ("now", "allowed"),
    [
        (local(2026, 12, 2, 23, 59), True),  # the 30th day, to its end
        (local(2026, 12, 3, 0, 1), False),  # the 31st
    ],
)
def test_a_review_is_requested_up_to_the_thirtieth_day_of_the_reply(replied, staff, now, allowed):
    with at(now):
        if allowed:
            assert (
                services.request_review(replied, by=staff["squad_intake"], reason="不服").status
                == S.UNDER_REVIEW
            )
        else:
            with pytest.raises(TransitionNotAllowed, match="within 30 days of the reply"):
                services.request_review(replied, by=staff["squad_intake"], reason="不服")
            replied.refresh_from_db()
            assert (replied.status, replied.review_requested_at) == (S.REPLIED, None)


@pytest.mark.parametrize(
    ("now", "allowed"), [(local(2026, 12, 31, 23, 59), True), (local(2027, 1, 1, 0, 1), False)]
)
def test_a_second_review_is_requested_up_to_the_thirtieth_day_of_the_review_answer(
    replied, staff, now, allowed
):
    # Answered 1 December: day 30 is Thursday 31 December, a working day.
    with at(local(2026, 11, 20, 9)):
        c = services.request_review(replied, by=staff["squad_intake"], reason="不服")
    with at(local(2026, 12, 1, 9)):
        c = services.answer_review(c, by=staff["district_head"], answer="维持")
    with at(now):
        if allowed:
            assert (
                services.request_recheck(c, by=staff["district_intake"], reason="不服").status
                == S.UNDER_RECHECK
            )
        else:
            with pytest.raises(TransitionNotAllowed, match="within 30 days of the review"):
                services.request_recheck(c, by=staff["district_intake"], reason="不服")


def test_the_request_counts_from_the_day_it_was_received_not_before_the_reply(replied, staff):
    with at(local(2026, 11, 20, 9)):
        with pytest.raises(ValidationError) as refused:
            services.request_review(
                replied, by=staff["squad_intake"], reason="不服", requested_at=local(2026, 11, 1)
            )
        assert "requested_at" in refused.value.message_dict
        c = services.request_review(
            replied, by=staff["squad_intake"], reason="不服", requested_at=local(2026, 11, 18, 15)
        )
    assert (c.review_requested_at, c.review_due_at) == (local(2026, 11, 18, 15), end_of(2026, 12, 18))


@pytest.mark.parametrize("channel", [Channel.HOTLINE_12345, Channel.WEB, Channel.PATROL])
def test_only_petitions_are_reviewed(replied, staff, channel):
    Complaint.objects.filter(pk=replied.pk).update(channel=channel)
    replied.refresh_from_db()
    with at(local(2026, 11, 20, 9)), pytest.raises(TransitionNotAllowed, match="only for a petition"):
        services.request_review(replied, by=staff["squad_intake"], reason="不服")


def test_the_reason_is_required(replied, staff):
    with at(local(2026, 11, 20, 9)), pytest.raises(ValidationError):
        services.request_review(replied, by=staff["squad_intake"], reason="  ")


def test_an_overdue_review_reminds_the_reviewing_units_intake_desk(replied, staff, district_a):
    with at(local(2026, 11, 20, 9)):
        c = services.request_review(replied, by=staff["squad_intake"], reason="不服")
    send_due_reminders(local(2026, 12, 22, 9))
    assert set(reminders_of(c, kind="complaint_review").values_list("level", flat=True)) >= {"overdue"}
    assert Delivery.objects.filter(reminder__object_id=c.pk, user=staff["district_intake"]).exists()
    assert not reminders_of(c, kind="complaint_reply").exists()


def test_an_answered_review_is_not_reminded(replied, staff):
    with at(local(2026, 11, 20, 9)):
        c = services.request_review(replied, by=staff["squad_intake"], reason="不服")
        services.answer_review(c, by=staff["district_head"], answer="维持")
    send_due_reminders(local(2026, 12, 22, 9))
    assert not reminders_of(c, kind="complaint_review").exists()


def test_the_page_and_the_api_show_the_review_and_the_second_review(replied, staff, client, api_as):
    with at(local(2026, 11, 20, 9)):
        c = services.request_review(replied, by=staff["squad_intake"], reason="对答复不服")
        c = services.answer_review(c, by=staff["district_head"], answer="维持原答复")
        c = services.request_recheck(c, by=staff["district_intake"], reason="对复查意见不服")
    client.force_login(staff["city_head"])
    page = client.get(reverse("complaints:detail", args=[c.pk])).content.decode()
    assert all(text in page for text in ("对答复不服", "维持原答复", "对复查意见不服", "Second review"))
    assert "Answer second review" in page  # the reviewing unit's button
    data = api_as(staff["city_head"]).get(reverse("api:complaint-detail", args=[c.pk])).json()
    assert (data["review_answer"], data["recheck_reason"], data["recheck_answered_at"]) == (
        "维持原答复",
        "对复查意见不服",
        None,
    )
    assert data["recheck_due_at"] and "answer_recheck" in str(data["allowed_actions"])


def test_the_reviewing_unit_answers_through_the_api(replied, staff, api_as):
    with at(local(2026, 11, 20, 9)):
        c = services.request_review(replied, by=staff["squad_intake"], reason="不服")
    response = api_as(staff["district_head"]).post(
        reverse("api:complaint-answer_review", args=[c.pk]), {"answer": "维持原答复"}, format="json"
    )
    assert response.status_code == 200, response.content
    c.refresh_from_db()
    assert (c.status, c.review_answer) == (S.CLOSED, "维持原答复")
    # The unit that replied no longer holds it: the review is out of its scope.
    assert api_as(staff["squad_intake"]).get(reverse("api:complaint-detail", args=[c.pk])).status_code == 404


def test_a_review_waits_in_the_reviewing_units_work_queue(replied, staff):
    from ..workqueue import complaints_waiting

    with at(local(2026, 11, 20, 9)):
        c = services.request_review(replied, by=staff["squad_intake"], reason="不服")
    items = [item for item in complaints_waiting(staff["district_head"]) if item.url == c.get_absolute_url()]
    assert [(item.step, item.due_at) for item in items] == [("answer_review", c.review_due_at)]
    assert not [
        item for item in complaints_waiting(staff["squad_intake"]) if item.url == c.get_absolute_url()
    ]


def test_the_statistics_can_tell_a_review_answered_on_time(replied, staff):
    from ..deadlines import COMPLAINT_REVIEW

    with at(local(2026, 11, 20, 9)):
        c = services.request_review(replied, by=staff["squad_intake"], reason="不服")
    with at(local(2026, 12, 22, 9)):  # a day after the review's deadline
        c = services.answer_review(c, by=staff["district_head"], answer="维持")
    rows = dict(COMPLAINT_REVIEW.with_met_on_time().values_list("pk", "met_on_time"))
    assert (COMPLAINT_REVIEW.met_on_time(c), rows[c.pk]) == (False, False)
