"""Submitting (locking) a month: the figures kept as submitted, the corrections since, history on a new
submission, unlocking with a reason, who may do it; a record of a submitted month saved has the month
recomputed after the commit; annual targets."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from complaints.choices import ComplaintStatus
from complaints.tests.factories import ComplaintFactory
from enforcement.audit.models import AuditEvent
from enforcement.stats import services, signals
from enforcement.stats.compute import recompute
from enforcement.stats.measures import Period
from enforcement.stats.models import AnnualTarget, TallySubmission

MARCH = Period.of(2026, 3)
TZ = timezone.get_default_timezone()


@pytest.fixture
def statistician_a(make_user, district_a):
    return make_user("statistician", unit=district_a, username="stat-a")


@pytest.fixture
def statistician_sq(make_user, squad_a):
    return make_user("statistician", unit=squad_a, username="stat-sq")


@pytest.fixture
def march(test_source, squad_a):
    complaints = [
        ComplaintFactory(unit=squad_a, received_at=datetime.datetime(2026, 3, day, 9, tzinfo=TZ))
        for day in (2, 3, 4)
    ]
    recompute(MARCH)
    return complaints


def test_a_submission_keeps_the_figures_and_shows_corrections(march, district_a, statistician_a):
    submission = services.submit(district_a, MARCH, by=statistician_a, note="三月报表")
    assert submission.figures == {"t_received": "3.00", "t_units": "3.00"}
    assert services.corrections(submission) == []

    # An officer closes a March complaint after the submission.
    complaint = march[0]
    complaint.status = ComplaintStatus.CLOSED
    complaint.save()
    recompute(MARCH)

    submission.refresh_from_db()
    assert submission.figures["t_received"] == "3.00"  # kept as submitted
    (correction,) = services.corrections(submission)
    assert (correction.column.slug, correction.locked, correction.current) == ("t_closed", 0, 1)
    assert correction.difference == 1
    assert [record.pk for record in services.changed_records(submission)] == [complaint.pk]
    assert AuditEvent.objects.filter(verb="submit_month").count() == 1


def test_a_new_submission_keeps_the_earlier_as_history(march, district_a, statistician_a):
    first = services.submit(district_a, MARCH, by=statistician_a)
    second = services.submit(district_a, MARCH, by=statistician_a)
    first.refresh_from_db()
    assert first.ended_at is not None and first.ended_by == statistician_a
    assert second.is_current
    assert services.current_submission(district_a, MARCH) == second
    assert TallySubmission.objects.filter(unit=district_a, month=MARCH.first_day).count() == 2
    assert AuditEvent.objects.filter(verb="resubmit_month").count() == 1


def test_only_statistics_staff_of_the_unit_or_above_submit(
    march, district_a, squad_a, statistician_sq, make_user
):
    with pytest.raises(PermissionDenied, match="statistics staff"):
        services.submit(district_a, MARCH, by=statistician_sq)  # a squadron's statistician, for the district
    assert services.submit(squad_a, MARCH, by=statistician_sq).unit == squad_a
    head = make_user("bureau_head", unit=district_a)
    with pytest.raises(PermissionDenied):
        services.submit(squad_a, MARCH, by=head)


def test_a_month_not_begun_cannot_be_submitted(test_source, district_a, statistician_a):
    later = Period.current().next()
    with pytest.raises(services.SubmissionRefused, match="not begun"):
        services.submit(district_a, later, by=statistician_a)


def test_unlocking_needs_a_reason_and_happens_once(march, district_a, statistician_a):
    submission = services.submit(district_a, MARCH, by=statistician_a)
    with pytest.raises(services.SubmissionRefused, match="Say why"):
        services.unlock(submission, by=statistician_a, reason="  ")
    services.unlock(submission, by=statistician_a, reason="区里要求更正")
    submission.refresh_from_db()
    assert submission.unlock_reason == "区里要求更正"
    assert services.current_submission(district_a, MARCH) is None
    with pytest.raises(services.SubmissionRefused, match="already"):
        services.unlock(submission, by=statistician_a, reason="again")
    assert AuditEvent.objects.filter(verb="unlock_month", note="区里要求更正").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_record_of_a_submitted_month_saved_is_recomputed_after_commit(
    test_source, squad_a, district_a, statistician_a, monkeypatch
):
    complaint = ComplaintFactory(unit=squad_a, received_at=datetime.datetime(2026, 3, 5, tzinfo=TZ))
    other = ComplaintFactory(unit=squad_a, received_at=datetime.datetime(2026, 5, 5, tzinfo=TZ))
    recompute(MARCH)
    services.submit(district_a, MARCH, by=statistician_a)
    sent = []
    from enforcement.stats import tasks

    monkeypatch.setattr(tasks.recompute_months_task, "delay", lambda *args: sent.append(args))
    signals.forget_locked_months()
    other.save()  # May is not submitted
    assert sent == []
    complaint.save()
    assert sent == [("2026-03-01",)]


def test_targets_and_achievement(test_source, squad_a, district_a, admin_a, officer_a):
    for day in range(1, 9):
        ComplaintFactory(unit=squad_a, received_at=datetime.datetime(2026, 3, day, 9, tzinfo=TZ))
    recompute(MARCH)
    target = services.set_target(district_a, 2026, "t_received", Decimal("10"), by=admin_a)
    ((found, actual, percent),) = services.achievements(district_a, 2026)
    assert (found, actual, percent) == (target, 8, Decimal("80.0"))
    services.set_target(district_a, 2026, "t_received", Decimal("16"), by=admin_a)
    assert AnnualTarget.objects.get().target == 16
    with pytest.raises(PermissionDenied):
        services.set_target(district_a, 2026, "t_received", Decimal("5"), by=officer_a)
    with pytest.raises(KeyError):
        services.set_target(district_a, 2026, "no_such_measure", Decimal("5"), by=admin_a)
    services.set_target(district_a, 2026, "t_received", None, by=admin_a)
    assert not AnnualTarget.objects.exists()
