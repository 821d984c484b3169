"""Complaints on the platform's engine: what the move changed for a user, each with the test that would have
caught the defect it fixed (issue 8)."""

from datetime import UTC, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils import timezone

from enforcement.audit.models import AuditEvent

from .. import services
from ..choices import Channel
from ..models import Complaint, ComplaintExtension
from .factories import ComplaintFactory


def test_an_approved_extension_shows_the_reply_deadline_it_moved(
    leader_a, district_officer_a, district_a, category
):
    """The timeline read "— → 12月11日" for an approved extension: its "before" is the old deadline."""
    complaint = ComplaintFactory(
        unit=district_a,
        status="in_progress",
        category=category,
        reply_due_at=timezone.now() + timedelta(days=3),
    )
    old_due = complaint.reply_due_at
    services.request_extension(complaint, by=district_officer_a, reason="需协调", days=2)
    done = services.decide_extension(Complaint.objects.get(pk=complaint.pk), by=leader_a, decision="approved")
    event = AuditEvent.objects.for_object(done).filter(verb="decide_extension").get()

    def spelled(moment):  # as the audit trail spells a moment: UTC, milliseconds
        return DjangoJSONEncoder().default(moment.astimezone(UTC))

    assert (event.before["reply_due_at"], event.after["reply_due_at"]) == (
        spelled(old_due),
        spelled(done.reply_due_at),
    )
    assert done.reply_due_at > old_due


def test_a_merge_checks_the_survivor_under_its_lock(intake_a, district_a, category):
    """The survivor was validated from the caller's copy before any lock: one merged meanwhile was accepted."""
    duplicate = ComplaintFactory(unit=district_a, category=category)
    survivor = ComplaintFactory(unit=district_a, category=category)
    stale_copy = Complaint.objects.get(pk=survivor.pk)
    Complaint.objects.filter(pk=survivor.pk).update(
        status="merged", merged_into=ComplaintFactory(unit=district_a, category=category)
    )
    with pytest.raises(ValidationError):
        services.merge(duplicate, by=intake_a, into=stale_copy)
    assert Complaint.objects.get(pk=duplicate.pk).status == "received"


def test_a_merge_and_the_survivors_event_are_one_transaction(intake_a, district_a, category, monkeypatch):
    duplicate = ComplaintFactory(unit=district_a, category=category)
    survivor = ComplaintFactory(unit=district_a, category=category)

    def fail(*args, **kwargs):
        if kwargs.get("verb") == "absorb_duplicate":
            raise RuntimeError("the audit store is down")
        return original(*args, **kwargs)

    original = services.record_event
    monkeypatch.setattr(services, "record_event", fail)
    with pytest.raises(RuntimeError):
        services.merge(duplicate, by=intake_a, into=survivor)
    assert Complaint.objects.get(pk=duplicate.pk).status == "received"  # nothing half written
    assert not AuditEvent.objects.for_object(duplicate).filter(verb="merge").exists()


def test_the_survivor_timeline_names_the_duplicate(intake_a, district_a, category):
    duplicate = ComplaintFactory(unit=district_a, category=category)
    survivor = ComplaintFactory(unit=district_a, category=category)
    services.merge(duplicate, by=intake_a, into=survivor)
    event = AuditEvent.objects.for_object(survivor).get(verb="absorb_duplicate")
    assert event.after == {"duplicate_number": duplicate.number}


@pytest.mark.parametrize(
    ("channel", "unit"), [(Channel.HOTLINE_12345, "working days"), (Channel.PETITION, "days")]
)
def test_the_extension_form_says_what_its_days_are(
    client, district_officer_a, district_a, category, channel, unit
):
    """The form asked for "Extension" without saying whether the days were working days."""
    complaint = ComplaintFactory(unit=district_a, status="in_progress", category=category, channel=channel)
    client.force_login(district_officer_a)
    page = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert f"Extension, in {unit}" in page


def test_a_refused_step_answers_409_with_the_reason_in_words(api_as, intake_a, district_a, category):
    complaint = ComplaintFactory(unit=district_a, status="closed", category=category)
    response = api_as(intake_a).post(reverse("api:complaint-accept", args=[complaint.pk]), {}, format="json")
    assert response.status_code == 409
    assert response.json()["detail"] == "This complaint is “Closed”: “Accept” is not possible now."


def test_timeline_steps_are_the_tables_labels(client, intake_a, district_a, category):
    """The timeline showed "Record visit", "Merge", "Close on the spot" — verbs, not the table's labels."""
    complaint = ComplaintFactory(unit=district_a, status="replied", category=category)
    services.record_visit(complaint, by=intake_a, satisfaction="satisfied")
    client.force_login(intake_a)
    page = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert "Record follow-up visit" in page
    assert "Record visit" not in page


def test_extension_request_is_kept_as_its_own_record(district_officer_a, district_a, category):
    complaint = ComplaintFactory(unit=district_a, status="in_progress", category=category)
    services.request_extension(complaint, by=district_officer_a, reason="需协调", days=2)
    assert ComplaintExtension.objects.get(complaint=complaint).days == 2
