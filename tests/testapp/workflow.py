"""The permit's workflow: declarations only. Everything else — API routes, allowed actions, page buttons,
audit labels, the permission matrix, event notices — comes from the platform."""

from django.utils import timezone

from enforcement.notifications.events import Notice
from enforcement.org.choices import HANDLER_ROLES, LINE_SUPERVISOR_ROLES
from enforcement.workflow.core import Workflow
from enforcement.workflow.inputs import Text
from enforcement.workflow.table import Guard, Transition

from .models import PermitStatus as S

NOT_OWN = Guard("is_not_own", "Nobody approves a permit they handle.")

WORKFLOW = Workflow(
    "testapp.Permit",
    {
        "submit": Transition("Submit", frozenset({S.DRAFT}), S.SUBMITTED, HANDLER_ROLES, fields=("note",)),
        "approve": Transition(
            "Approve the permit",
            frozenset({S.SUBMITTED}),
            S.APPROVED,
            LINE_SUPERVISOR_ROLES,
            fields=("note",),
            guard=NOT_OWN,
            style="success",
        ),
        "withdraw": Transition(
            "Withdraw",
            frozenset({S.DRAFT, S.SUBMITTED}),
            S.WITHDRAWN,
            HANDLER_ROLES,
            fields=("reason",),
            required=("reason",),
            confirm=True,
            style="danger",
        ),
    },
    inputs={"note": Text("Note"), "reason": Text("Reason")},
    notices={
        # The unit's line supervisors approve: they hear of a submitted permit.
        "submit": Notice(fallback_roles=LINE_SUPERVISOR_ROLES, text="%(actor)s submitted %(record)s."),
        # The handler hears of the approval; a permit nobody handles, its unit's supervisors.
        "approve": Notice(
            to=("handler",),
            fallback_roles=LINE_SUPERVISOR_ROLES,
            text="%(actor)s approved %(record)s.",
            fallback_text="%(actor)s approved %(record)s of %(unit)s, which has no handler.",
        ),
    },
)


@WORKFLOW.action("approve")
def approve(permit, *, by, version=None, note=""):
    """The one action with a service of its own: it stamps the moment the decision deadline was met."""
    return WORKFLOW.run(
        permit,
        "approve",
        by=by,
        version=version,
        note=note,
        change=lambda p: setattr(p, "decided_at", timezone.now()),
    )
