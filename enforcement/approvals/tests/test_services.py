"""request_approval / decide_approval: their refusals (each leaves nothing written), the audit events on
the subject's timeline and the signals after commit."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from enforcement.approvals import services
from enforcement.approvals.choices import ApprovalDecision
from enforcement.approvals.signals import approval_decided, approval_requested
from enforcement.audit.models import AuditAction, AuditEvent
from enforcement.audit.services import timeline
from enforcement.workflow.exceptions import TransitionNotAllowed
from tests.testapp.approvals import GRANT, RENEWAL, WAIVER
from tests.testapp.models import PermitApproval, PermitWaiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def permit(make_permit, district_a, officer_a):
    return make_permit(district_a, handler=officer_a)


def _events():
    return AuditEvent.objects.count()


# --- requesting ---------------------------------------------------------------------------------------------
def test_a_request_is_a_record_of_its_own_on_the_subjects_timeline(
    permit, officer_a, django_capture_on_commit_callbacks
):
    due = timezone.now() + timedelta(days=3)
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    approval_requested.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            approval = services.request_approval(
                GRANT, permit, by=officer_a, reason="  需要许可  ", due_at=due
            )
    finally:
        approval_requested.disconnect(receiver)
    assert (approval.kind, approval.permit, approval.requested_by, approval.reason, approval.due_at) == (
        "permit_grant",
        permit,
        officer_a,
        "需要许可",
        due,
    )
    assert approval.decision == ApprovalDecision.PENDING
    event = AuditEvent.objects.get()
    assert (event.action, event.verb, event.object_id, event.actor) == (
        AuditAction.CREATE,
        "request_approval",
        str(approval.pk),
        officer_a,
    )
    assert event.root_content_type == ContentType.objects.get_for_model(permit)
    assert event.root_object_id == str(permit.pk)
    assert event.after["reason"] == "需要许可"
    assert list(timeline(permit)) == [event]
    assert [(r["kind"], r["approval_id"], r["subject_id"], r["actor_id"]) for r in received] == [
        ("permit_grant", approval.pk, permit.pk, officer_a.pk)
    ]


def test_a_second_pending_request_of_a_kind_is_refused_with_words(permit, officer_a, leader_a):
    services.request_approval(GRANT, permit, by=officer_a, reason="first")
    before = _events()
    with pytest.raises(TransitionNotAllowed) as refused:
        services.request_approval("permit_grant", permit, by=leader_a, reason="second")
    assert "Grant of a permit" in refused.value.message and "already waiting" in refused.value.message
    assert (PermitApproval.objects.count(), _events()) == (1, before)
    services.request_approval(RENEWAL, permit, by=officer_a, reason="another kind waits beside it")


def test_a_request_needs_a_reason(permit, officer_a):
    with pytest.raises(ValidationError) as refused:
        services.request_approval(GRANT, permit, by=officer_a, reason="   ")
    assert "reason" in refused.value.message_dict
    assert not PermitApproval.objects.exists() and not AuditEvent.objects.exists()


def test_the_concrete_models_own_fields_are_saved(permit, officer_a):
    waiver = services.request_approval(WAIVER, permit, by=officer_a, reason="困难户", fee=200)
    assert PermitWaiver.objects.get(pk=waiver.pk).fee == 200
    assert AuditEvent.objects.get().after["fee"] == 200


def test_pending_for(permit, officer_a, leader_a):
    assert services.pending_for(permit, GRANT) is None
    approval = services.request_approval(GRANT, permit, by=officer_a, reason="r")
    assert services.pending_for(permit, "permit_grant") == approval
    assert services.pending_for(permit, RENEWAL) is None
    services.decide_approval(GRANT, permit, by=leader_a, decision=ApprovalDecision.APPROVED)
    assert services.pending_for(permit, GRANT) is None


# --- deciding -----------------------------------------------------------------------------------------------
def test_a_decision_stamps_who_when_and_writes_what_changed(
    permit, officer_a, leader_a, django_capture_on_commit_callbacks
):
    approval = services.request_approval(GRANT, permit, by=officer_a, reason="r")
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    approval_decided.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            decided = services.decide_approval(
                GRANT, permit, by=leader_a, decision=ApprovalDecision.APPROVED, opinion=" 同意 "
            )
    finally:
        approval_decided.disconnect(receiver)
    approval.refresh_from_db()
    assert (approval.decision, approval.decided_by, approval.opinion) == (
        ApprovalDecision.APPROVED,
        leader_a,
        "同意",
    )
    assert approval.decided_at is not None and decided.pk == approval.pk
    event = AuditEvent.objects.filter(verb="decide_approval").get()
    assert event.action == AuditAction.TRANSITION and event.root_object_id == str(permit.pk)
    assert (event.before["decision"], event.after["decision"]) == ("pending", "approved")
    assert (event.before["decided_by"], event.after["decided_by"]) == (None, leader_a.pk)
    assert "reason" not in event.after  # only what changed
    assert event.note == "同意"
    assert [(r["decision"], r["approval_id"], r["actor_id"]) for r in received] == [
        ("approved", approval.pk, leader_a.pk)
    ]


def test_a_decision_can_be_given_the_approval_and_saves_its_results(permit, officer_a, reviewer_a):
    waiver = services.request_approval(WAIVER, permit, by=officer_a, reason="r", fee=200)
    services.decide_approval(waiver, permit, by=reviewer_a, decision=ApprovalDecision.APPROVED, fee=150)
    waiver.refresh_from_db()
    assert (waiver.decision, waiver.fee) == (ApprovalDecision.APPROVED, 150)
    event = AuditEvent.objects.filter(verb="decide_approval").get()
    assert (event.before["fee"], event.after["fee"]) == (200, 150)


def _refused(exception, kind_or_approval, permit, user, decision=ApprovalDecision.APPROVED):
    before = _events()
    with pytest.raises(exception) as refused:
        services.decide_approval(kind_or_approval, permit, by=user, decision=decision)
    assert _events() == before
    return str(refused.value)


def test_nobody_decides_their_own_request(permit, leader_a):
    approval = services.request_approval(GRANT, permit, by=leader_a, reason="r")
    assert "own request" in _refused(PermissionDenied, GRANT, permit, leader_a)
    assert PermitApproval.objects.get(pk=approval.pk).decision == ApprovalDecision.PENDING


def test_the_kinds_excluded_people_may_not_decide(make_permit, district_a, make_user, officer_a):
    handling_leader = make_user("squad_leader", unit=district_a)
    permit = make_permit(district_a, handler=handling_leader)
    services.request_approval(GRANT, permit, by=officer_a, reason="r")
    assert "handle this permit" in _refused(PermissionDenied, GRANT, permit, handling_leader)
    # A kind without the rule: the handler renews.
    services.request_approval(RENEWAL, permit, by=officer_a, reason="r")
    services.decide_approval(RENEWAL, permit, by=handling_leader, decision=ApprovalDecision.APPROVED)


def test_only_the_kinds_roles_decide(permit, make_user, district_a, officer_a, reviewer_a, head_a):
    services.request_approval(GRANT, permit, by=officer_a, reason="r")
    assert "Grant of a permit" in _refused(
        PermissionDenied, GRANT, permit, make_user("officer", unit=district_a)
    )
    _refused(PermissionDenied, GRANT, permit, reviewer_a)  # SUPERVISOR_ROLES, but not a line supervisor
    services.decide_approval(GRANT, permit, by=head_a, decision=ApprovalDecision.REJECTED)
    services.request_approval(WAIVER, permit, by=officer_a, reason="r")
    _refused(PermissionDenied, WAIVER, permit, head_a)
    services.decide_approval(WAIVER, permit, by=reviewer_a, decision=ApprovalDecision.APPROVED)


def test_a_decision_only_on_a_pending_approval(permit, officer_a, leader_a, head_a):
    assert "no request waiting" in _refused(TransitionNotAllowed, GRANT, permit, leader_a)
    approval = services.request_approval(GRANT, permit, by=officer_a, reason="r")
    services.decide_approval(approval, permit, by=leader_a, decision=ApprovalDecision.APPROVED)
    _refused(TransitionNotAllowed, approval, permit, head_a, decision=ApprovalDecision.REJECTED)
    assert PermitApproval.objects.get().decided_by == leader_a


def test_a_decision_is_approve_or_reject(permit, officer_a, leader_a):
    services.request_approval(GRANT, permit, by=officer_a, reason="r")
    for decision in ("pending", "maybe", ""):
        _refused(ValidationError, GRANT, permit, leader_a, decision=decision)


def test_a_decider_outside_the_subjects_scope_is_told_not_found(permit, officer_a, make_user, district_b):
    services.request_approval(GRANT, permit, by=officer_a, reason="r")
    _refused(Http404, GRANT, permit, make_user("squad_leader", unit=district_b))


def test_may_decide_answers_as_the_service_does_without_a_query(
    permit, officer_a, leader_a, django_assert_num_queries
):
    approval = services.request_approval(GRANT, permit, by=officer_a, reason="r")
    for user in (leader_a, officer_a):  # what a request loads once for its user, whatever it asks
        user.roles, user.unit, user.scope_unit_ids  # noqa: B018
    with django_assert_num_queries(0):
        assert services.may_decide(GRANT, approval, permit, leader_a)
        assert not services.may_decide(GRANT, approval, permit, officer_a)
        assert not services.may_decide(GRANT, None, permit, leader_a)


def test_an_approval_is_decided_only_through_its_own_subject(
    make_permit, district_a, district_b, officer_a, officer_b, leader_a
):
    """An approval given with another record as its subject was loaded by id alone: a supervisor could decide
    another district's request by naming a record of their own."""
    theirs = make_permit(district_b, handler=officer_b)
    approval = services.request_approval(GRANT, theirs, by=officer_b, reason="需要许可")
    mine = make_permit(district_a, handler=officer_a)
    _refused(TransitionNotAllowed, approval, mine, leader_a)
    approval.refresh_from_db()
    assert approval.decision == ApprovalDecision.PENDING
