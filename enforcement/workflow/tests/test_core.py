"""The engine itself, on the test app's permit (tests/testapp/workflow.py): the order of refusals, the
plain service of a note-only action, what a table must declare, labels, and the after-commit signal."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from enforcement.audit.models import AuditEvent
from enforcement.workflow import core
from enforcement.workflow.core import Workflow, step_label
from enforcement.workflow.exceptions import TransitionNotAllowed
from enforcement.workflow.inputs import Integer
from enforcement.workflow.signals import transitioned
from enforcement.workflow.table import Transition
from tests.testapp.models import Permit
from tests.testapp.workflow import WORKFLOW


@pytest.fixture
def permit(squad_a, officer_a):
    return Permit.objects.create(title="夜市摊点许可", unit=squad_a, handler=officer_a, status="submitted")


def test_out_of_scope_is_refused_before_role_and_state(permit, make_user, squad_b):
    """An outsider learns nothing: 404, even with a role and a state that would refuse on their own."""
    outsider = make_user("intake", unit=squad_b)
    assert WORKFLOW.refusal(permit, "submit", outsider).status == 404
    insider = make_user("intake", unit=permit.unit)
    assert WORKFLOW.refusal(permit, "submit", insider).status == 403  # role before state
    with pytest.raises(PermissionDenied):
        WORKFLOW.perform("submit", permit, by=insider)
    with pytest.raises(Http404):
        WORKFLOW.perform("submit", permit, by=outsider)


def test_a_state_refusal_names_the_status_and_the_action_in_words(permit, officer_a):
    with pytest.raises(TransitionNotAllowed) as refused:
        WORKFLOW.perform("submit", permit, by=officer_a)
    assert refused.value.message == "This permit is “Submitted”: “Submit” is not possible now."


def test_a_guard_refuses_with_its_own_words(permit, make_user):
    leader = make_user("squad_leader", unit=permit.unit)
    permit.handler = leader
    permit.save()
    assert WORKFLOW.refusal(permit, "approve", leader).message == "Nobody approves a permit they handle."


def test_the_plain_service_checks_required_inputs_and_keeps_them_as_the_note(permit, officer_a):
    with pytest.raises(ValidationError) as invalid:
        WORKFLOW.perform("withdraw", permit, by=officer_a, reason="  ")
    assert "reason" in invalid.value.message_dict
    assert Permit.objects.get(pk=permit.pk).status == "submitted"
    WORKFLOW.perform("withdraw", permit, by=officer_a, reason="申请人撤回")
    assert AuditEvent.objects.for_object(permit).get(verb="withdraw").note == "申请人撤回"


def test_an_action_with_more_than_a_note_needs_its_own_service(monkeypatch):
    monkeypatch.setattr(core, "_workflows", dict(core._workflows))  # the declaration below registers itself
    workflow = Workflow(
        "testapp.Entry",
        {
            "extend": Transition(
                "Extend", frozenset({"open"}), None, frozenset({"officer"}), fields=("days",)
            ),
        },
        inputs={"days": Integer("Days")},
    )
    with pytest.raises(ValueError, match="extend"):
        workflow.check_services()
    workflow.services["extend"] = lambda obj, **inputs: obj
    workflow.check_services()


def test_step_labels_come_from_the_table_then_the_platform():
    assert step_label(Permit, "approve") == "Approve the permit"
    assert step_label(Permit, "add_attachment") == "Add attachment"
    assert step_label(Permit, "something_else") == "Something else"
    assert step_label(Permit, "") == ""


@pytest.mark.django_db(transaction=True)
def test_the_step_is_announced_after_commit_once_with_its_audit_event(squad_a, officer_a):
    permit = Permit.objects.create(title="户外广告许可", unit=squad_a, handler=officer_a)
    heard = []

    def receiver(sender, **kwargs):
        heard.append((sender, kwargs["instance_id"], kwargs["action"], kwargs["event_id"]))

    transitioned.connect(receiver)
    try:
        WORKFLOW.perform("submit", permit, by=officer_a)
        event = AuditEvent.objects.for_object(permit).get(verb="submit")
        assert heard == [(Permit, permit.pk, "submit", event.pk)]
        with pytest.raises(TransitionNotAllowed):
            WORKFLOW.perform("submit", permit, by=officer_a)
        assert len(heard) == 1  # a refused step announces nothing
    finally:
        transitioned.disconnect(receiver)


def test_an_unknown_action_is_404_and_a_version_that_is_no_number_is_stale(permit, officer_a):
    from enforcement.versioning import StaleEdit

    with pytest.raises(Http404):
        WORKFLOW.perform("no_such_step", permit, by=officer_a)
    with pytest.raises(StaleEdit):
        WORKFLOW.perform("withdraw", permit, by=officer_a, reason="撤回", version="abc")
    assert (
        WORKFLOW.perform(
            "withdraw", permit, by=officer_a, reason="撤回", version=f'W/"{permit.version}"'
        ).status
        == "withdrawn"
    )
