"""The extension of the reply deadline as the first kind of approval (approvals.py): the words the
decider picks from, the timeline of a request and of its approval, the inbox, separation of duties."""

import re
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from enforcement.approvals.choices import DECISION_ACTIONS, ApprovalDecision
from enforcement.audit.models import AuditAction, AuditEvent
from enforcement.audit.services import snapshot
from enforcement.audit.templatetags.audit_tags import audit_timeline
from enforcement.workflow.exceptions import TransitionNotAllowed

from .. import services
from ..choices import ComplaintStatus
from ..models import ComplaintExtension
from ..workflow import WORKFLOW
from .factories import ComplaintFactory

S = ComplaintStatus
INBOX = "/api/v1/approvals/"


@pytest.fixture
def complaint(district_a, category, district_officer_a):
    return ComplaintFactory(
        unit=district_a, category=category, status=S.IN_PROGRESS, handler=district_officer_a
    )


def browser(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_the_decide_form_offers_approve_and_reject_of_an_approval(complaint, district_officer_a, leader_a):
    """批准 / 不予批准, not 批准 / 不予受理: "Reject" without a context is the complaint's refusal to
    take a complaint up. The labels are the approvals' own, looked up in the "approval" context."""
    services.request_extension(complaint, by=district_officer_a, reason="需协调多部门", days=2)
    assert WORKFLOW.inputs["decision"].choices is DECISION_ACTIONS

    def marked(context, message):
        return f"[{context}] {message}"

    with mock.patch.object(translation._trans, "pgettext", marked, create=True):
        page = browser(leader_a).get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    panel = re.search(
        r'<details class="action-panel" data-action="decide_extension".*?</details>', page, re.S
    )
    assert panel is not None
    labels = re.findall(
        r'name="decide_extension-decision" value="(\w+)".*?<label[^>]*>([^<]+)</label>', panel.group(0), re.S
    )
    assert labels == [("approved", "[approval] Approve"), ("rejected", "[approval] Reject")]


def test_a_pending_request_is_its_own_record_on_the_timeline_not_a_granted_extension(
    complaint, district_officer_a
):
    before = complaint.reply_due_at
    services.request_extension(complaint, by=district_officer_a, reason="需协调多部门", days=2)
    step = AuditEvent.objects.for_object(complaint).get(verb="request_extension")
    assert (
        "extended_days" not in step.after and "reply_due_at" not in step.after
    )  # the complaint is unchanged
    request = AuditEvent.objects.get(verb="request_approval")
    ext = ComplaintExtension.objects.get()
    assert (request.action, request.object_id, request.root_object_id) == (
        AuditAction.CREATE,
        str(ext.pk),
        str(complaint.pk),
    )
    assert (request.after["days"], request.after["reason"], request.after["decision"]) == (
        2,
        "需协调多部门",
        "pending",
    )
    assert ext.due_at == before  # the decision is due before the reply is
    rows = audit_timeline(complaint)["rows"]
    step_row = next(row for row in rows if row["event"].pk == step.pk)
    assert not any(change["after"] == "2" for change in step_row["changes"])
    request_row = next(row for row in rows if row["event"].pk == request.pk)
    assert request_row["subject"].startswith("Extension request")
    assert any(c["label"] == "Extension" and c["after"] == "2" for c in request_row["changes"])


def test_an_approved_extension_shows_the_reply_deadline_it_moved_from(
    complaint, district_officer_a, leader_a
):
    old, before = snapshot(complaint)["reply_due_at"], complaint.reply_due_at
    services.request_extension(complaint, by=district_officer_a, reason="需协调", days=2)
    complaint = services.decide_extension(
        complaint, by=leader_a, decision=ApprovalDecision.APPROVED, opinion="同意"
    )
    step = AuditEvent.objects.for_object(complaint).get(verb="decide_extension")
    assert (step.before["reply_due_at"], step.after["reply_due_at"]) == (
        old,
        snapshot(complaint)["reply_due_at"],
    )
    assert old is not None and old != step.after["reply_due_at"]
    decision = AuditEvent.objects.get(verb="decide_approval")
    assert (decision.before["decision"], decision.after["decision"]) == ("pending", "approved")
    assert decision.after["reply_due_before"] == old and decision.root_object_id == str(complaint.pk)
    ext = ComplaintExtension.objects.get()
    assert (ext.reply_due_before, ext.reply_due_after) == (before, complaint.reply_due_at)


def test_a_rejected_extension_leaves_the_deadline(complaint, district_officer_a, leader_a):
    before = complaint.reply_due_at
    services.request_extension(complaint, by=district_officer_a, reason="需协调", days=2)
    complaint = services.decide_extension(
        complaint, by=leader_a, decision=ApprovalDecision.REJECTED, opinion="不同意"
    )
    assert (complaint.reply_due_at, complaint.extension_count, complaint.extended_days) == (before, 0, 0)
    ext = ComplaintExtension.objects.get()
    assert (ext.decision, ext.reply_due_before, ext.reply_due_after) == (
        ApprovalDecision.REJECTED,
        None,
        None,
    )
    assert "reply_due_at" not in AuditEvent.objects.for_object(complaint).get(verb="decide_extension").after


def test_the_complaints_handler_does_not_decide_its_extension(district_a, category, make_user, intake_a):
    handling_leader = make_user("squad_leader", unit=district_a)
    c = ComplaintFactory(unit=district_a, category=category, status=S.IN_PROGRESS, handler=handling_leader)
    services.request_extension(c, by=intake_a, reason="需协调", days=1)
    c.refresh_from_db()
    assert "decide_extension" not in c.allowed_actions(handling_leader)
    with pytest.raises(TransitionNotAllowed):
        services.decide_extension(c, by=handling_leader, decision=ApprovalDecision.APPROVED)
    assert ComplaintExtension.objects.get().decision == ApprovalDecision.PENDING
    other = make_user("bureau_head", unit=district_a)
    assert "decide_extension" in c.allowed_actions(other)


def test_the_inbox_lists_the_extension_for_its_deciders_only(
    complaint, district_officer_a, leader_a, make_user, district_b, district_a, api_as
):
    services.request_extension(complaint, by=district_officer_a, reason="需协调", days=2)
    rows = api_as(leader_a).get(INBOX).json()["results"]
    assert [(r["kind"], r["subject"], r["subject_url"]) for r in rows] == [
        ("complaint_extension", str(complaint), complaint.get_absolute_url())
    ]
    assert rows[0]["kind_label"] == "Extension of the reply deadline"
    assert rows[0]["due_at"] is not None
    for nobody in (
        district_officer_a,
        make_user("squad_leader", unit=district_b),
        make_user("legal_reviewer", unit=district_a),
        make_user("intake", unit=district_a),
    ):
        assert api_as(nobody).get(INBOX).json()["count"] == 0
