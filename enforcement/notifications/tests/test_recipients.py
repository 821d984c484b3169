"""Recipients beyond one unit/handler pair (recipients.py): several handler fields, each warned; a
`recipients` hook for people kept apart from the record, asked once per batch whatever its size."""

import dataclasses

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enforcement.notifications.models import Delivery
from enforcement.notifications.recipients import RecipientResolver
from enforcement.notifications.sweep import send_due_reminders
from tests.testapp.deadlines import INSPECTION_REVIEW, INSPECTION_VISIT, inspection_reviewers

from .conftest import end_of, local

pytestmark = pytest.mark.django_db


def recipients(obj, kind, level):
    return sorted(
        Delivery.objects.filter(
            reminder__object_id=obj.pk, reminder__kind=kind, reminder__level=level, channel="inbox"
        ).values_list("user__username", flat=True)
    )


@pytest.fixture
def second_officer(make_user, squad_a):
    return make_user("officer", unit=squad_a, username="officer-a2")


# --- several handler fields ----------------------------------------------------------------------------------
def test_both_officers_are_warned_and_told_when_it_is_overdue(make_inspection, second_officer):
    inspection = make_inspection(
        end_of(2026, 11, 16), opened_at=local(2026, 11, 10, 9), second_officer=second_officer
    )
    send_due_reminders(local(2026, 11, 13, 9))
    assert recipients(inspection, "inspection_visit", "warning") == ["officer-a", "officer-a2"]
    send_due_reminders(local(2026, 11, 17, 9))
    assert recipients(inspection, "inspection_visit", "overdue") == ["leader-a1", "officer-a", "officer-a2"]
    send_due_reminders(local(2026, 11, 19, 9))
    assert recipients(inspection, "inspection_visit", "escalated") == [
        "head-a"
    ]  # the hierarchy's, not theirs


def test_one_officer_left_the_other_still_holds_it(make_inspection, second_officer, people):
    people["officer"].is_active = False
    people["officer"].save()
    inspection = make_inspection(
        end_of(2026, 11, 16), opened_at=local(2026, 11, 10, 9), second_officer=second_officer
    )
    send_due_reminders(local(2026, 11, 13, 9))
    assert recipients(inspection, "inspection_visit", "warning") == ["officer-a2"]  # not the intake desk


def test_the_second_officer_alone_holds_it(make_inspection, second_officer):
    inspection = make_inspection(
        end_of(2026, 11, 16), opened_at=local(2026, 11, 10, 9), handler=None, second_officer=second_officer
    )
    send_due_reminders(local(2026, 11, 13, 9))
    assert recipients(inspection, "inspection_visit", "warning") == ["officer-a2"]


# --- the recipients hook ---------------------------------------------------------------------------------------
@pytest.fixture
def make_review(make_inspection):
    """An inspection visited and waiting for its reviewers, review due Monday 16 November 2026."""

    def make(*reviewers):
        inspection = make_inspection(
            None,
            status="visited",
            handler=None,
            review_due_at=end_of(2026, 11, 16),
            visited_at=local(2026, 11, 10, 9),
        )
        inspection.reviewers.set(reviewers)
        return inspection

    return make


def test_the_reviewers_the_hook_names_hold_the_review(make_review, make_user, district_a):
    legal = make_user("legal_reviewer", unit=district_a, username="legal-a")
    other = make_user("legal_reviewer", unit=district_a, username="legal-a2")
    reviewed, unreviewed = make_review(legal, other), make_review()
    send_due_reminders(local(2026, 11, 13, 9))
    assert recipients(reviewed, "inspection_review", "warning") == ["legal-a", "legal-a2"]
    assert recipients(unreviewed, "inspection_review", "warning") == [
        "intake-a"
    ]  # nobody named: the fallback
    send_due_reminders(local(2026, 11, 17, 9))
    assert recipients(reviewed, "inspection_review", "overdue") == ["leader-a1", "legal-a", "legal-a2"]
    send_due_reminders(local(2026, 11, 19, 9))
    assert recipients(reviewed, "inspection_review", "escalated") == ["head-a"]  # the hook names nobody then


def test_people_the_hook_names_for_an_escalation_are_told_besides_the_supervisors(
    make_review, make_user, district_a
):
    legal = make_user("legal_reviewer", unit=district_a, username="legal-a")
    reviewed = make_review(legal)

    def everyone_always(kind, level, objects):
        return inspection_reviewers(kind, "warning", objects)

    kind = dataclasses.replace(INSPECTION_REVIEW, recipients=everyone_always)
    send_due_reminders(local(2026, 11, 19, 9), kinds=[kind])
    assert recipients(reviewed, "inspection_review", "escalated") == ["head-a", "legal-a"]


def test_the_hook_is_asked_once_per_batch(make_review, make_user, district_a):
    legal = make_user("legal_reviewer", unit=district_a, username="legal-a")
    for _ in range(12):
        make_review(legal)
    calls = []

    def counted(kind, level, objects):
        calls.append((level, len(objects)))
        return inspection_reviewers(kind, level, objects)

    kind = dataclasses.replace(INSPECTION_REVIEW, recipients=counted)
    send_due_reminders(local(2026, 11, 13, 9), kinds=[kind], batch_size=5)
    assert calls == [("warning", 5), ("warning", 5), ("warning", 2)]
    assert Delivery.objects.filter(user=legal, channel="inbox").count() == 12


def test_a_batch_costs_the_same_queries_whatever_its_size(
    make_review, make_user, district_a, django_assert_num_queries
):
    reviewers = [make_user("legal_reviewer", unit=district_a, username=f"legal-{n}") for n in range(20)]
    small = [make_review(reviewers[0]), make_review(reviewers[1])]
    large = [make_review(reviewers[n], reviewers[(n + 1) % 20]) for n in range(20)]
    with CaptureQueriesContext(connection) as queries:
        RecipientResolver().recipients(INSPECTION_REVIEW, "overdue", small)
    with django_assert_num_queries(len(queries)):
        found = RecipientResolver().recipients(INSPECTION_REVIEW, "overdue", large)
    assert len(found) == 20 and all(
        len(ids) == 3 for ids in found.values()
    )  # two reviewers + the squad leader
    # The hook itself: one query for the batch.
    with django_assert_num_queries(1):
        inspection_reviewers(INSPECTION_REVIEW, "warning", large)


def test_kinds_without_a_hook_ask_nobody(make_inspection):
    assert INSPECTION_VISIT.recipients is None
    assert INSPECTION_VISIT.named_recipients("warning", [make_inspection(end_of(2026, 11, 16))]) == {}
