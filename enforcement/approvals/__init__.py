"""Approvals (审批) as records of their own (PRODUCT §5, Wagtail style): who asked, when, why and by when;
who decided, when, how and with what opinion.

A domain app keeps its approvals in a concrete model on the abstract `ApprovalRecord` (one foreign key to
the record it is about, two lines of constraints), declares each kind in its `approvals.py`:

    from enforcement.approvals.registry import ApprovalKind, register

    EXTENSION = register(ApprovalKind(
        slug="complaint_extension", label=_("Extension of the reply deadline"),
        model="complaints.ComplaintExtension", subject_field="complaint",
        decider_roles=LINE_SUPERVISOR_ROLES, excluded_fields=("handler",),
    ))

and calls `services.request_approval` / `services.decide_approval` inside its own workflow action. The
approver's inbox (`/approvals/`, `/api/v1/approvals/`) lists every registered kind."""
