"""The permit's kinds of approval: declarations only — the inbox, the services' checks and the audit
trail come from the platform."""

from enforcement.approvals.registry import ApprovalKind, register
from enforcement.org.choices import LINE_SUPERVISOR_ROLES, SUPERVISOR_ROLES, Role

# Line supervisors grant; the permit's handler may not.
GRANT = register(
    ApprovalKind(
        slug="permit_grant",
        label="Grant of a permit",
        model="testapp.PermitApproval",
        subject_field="permit",
        decider_roles=LINE_SUPERVISOR_ROLES,
        excluded_fields=("handler",),
    )
)
# Same model, another kind: any supervisor (a legal reviewer too) renews, the handler included.
RENEWAL = register(
    ApprovalKind(
        slug="permit_renewal",
        label="Renewal of a permit",
        model="testapp.PermitApproval",
        subject_field="permit",
        decider_roles=SUPERVISOR_ROLES,
    )
)
# Another model: legal reviewers alone waive fees.
WAIVER = register(
    ApprovalKind(
        slug="permit_waiver",
        label="Fee waiver",
        model="testapp.PermitWaiver",
        subject_field="permit",
        decider_roles=frozenset({Role.LEGAL_REVIEWER}),
    )
)
