"""The database's own guarantees (approval_constraints), written around the services: even a raw
create cannot give a record two pending approvals of one kind or let someone decide their own request."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from enforcement.approvals.choices import ApprovalDecision
from tests.testapp.models import PermitApproval

pytestmark = pytest.mark.django_db


def _create(permit, by, kind="permit_grant", **fields):
    return PermitApproval.objects.create(permit=permit, kind=kind, requested_by=by, reason="r", **fields)


def test_a_second_pending_approval_of_one_kind_is_refused(make_permit, district_a, officer_a, leader_a):
    permit = make_permit(district_a)
    first = _create(permit, officer_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        _create(permit, leader_a)
    # Another kind, or another permit, is free; and once the first is decided a new one may wait.
    _create(permit, officer_a, kind="permit_renewal")
    _create(make_permit(district_a), officer_a)
    first.decision, first.decided_by, first.decided_at = ApprovalDecision.REJECTED, leader_a, timezone.now()
    first.save()
    _create(permit, officer_a)
    assert PermitApproval.objects.filter(permit=permit, kind="permit_grant").count() == 2


def test_nobody_decides_their_own_request_even_in_the_database(make_permit, district_a, leader_a):
    approval = _create(make_permit(district_a), leader_a)
    approval.decision, approval.decided_by, approval.decided_at = (
        ApprovalDecision.APPROVED,
        leader_a,
        timezone.now(),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        approval.save()


def test_a_decided_approval_says_who_and_when(make_permit, district_a, officer_a, leader_a):
    approval = _create(make_permit(district_a), officer_a)
    approval.decision = ApprovalDecision.APPROVED
    with pytest.raises(IntegrityError), transaction.atomic():
        approval.save()  # no decider, no moment
    with pytest.raises(IntegrityError), transaction.atomic():
        _create(make_permit(district_a), officer_a, decided_by=leader_a, decided_at=timezone.now())  # pending


def test_the_kind_shows_its_label():
    approval = PermitApproval(kind="permit_grant")
    assert approval.get_kind_display() == "Grant of a permit"
    assert approval.approval_kind.subject_field == "permit"
