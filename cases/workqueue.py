"""The cases waiting for a user in the work queue (待办): the open cases they investigate (handler or second
officer), and for the unit's supervisors the filed cases waiting for officers and the on-the-spot decisions
waiting to be filed with the bureau (备案). Decisions on approvals wait in the approvals inbox, not here. Each
query is bounded and walks an index: (handler | co_handler, status, due_at), or the open cases per unit."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from enforcement.org.workqueue import MAX_ITEMS_PER_PROVIDER, WorkItem, provider_steps, register

from .choices import HANDLERS, LINE, OPEN_STATUSES, CaseStatus, Procedure
from .models import Case

S = CaseStatus
STEP_LABELS = {
    "case_lead": pgettext_lazy("next step", "To propose filing"),
    "case_assign": pgettext_lazy("next step", "To assign officers"),
    "case_investigate": pgettext_lazy("next step", "To investigate"),
    "case_in_review": pgettext_lazy("next step", "Under review"),
    "case_notified": pgettext_lazy("next step", "To propose the decision"),
    "case_serve": pgettext_lazy("next step", "To serve the decision"),
    "case_file_with_bureau": pgettext_lazy("next step", "To file with the bureau"),
    "case_execute": pgettext_lazy("next step", "To execute and close"),
}
BY_STATUS = {
    S.LEAD: "case_lead",
    S.FILED: "case_assign",
    S.INVESTIGATING: "case_investigate",
    S.REVIEW: "case_in_review",
    S.DISCUSSION: "case_in_review",
    S.NOTIFIED: "case_notified",
    S.SERVED: "case_execute",
    S.EXECUTING: "case_execute",
}


def step_of(case):
    if case.status == S.DECIDED:
        return "case_file_with_bureau" if case.procedure == Procedure.SIMPLE else "case_serve"
    return BY_STATUS.get(case.status, "")


def step_condition(step):
    """`step_of` as a condition on (status, procedure), for the database to filter by before the queue is
    cut to its length; None for a step the cases do not have."""
    if step == "case_file_with_bureau":
        return Q(status=S.DECIDED, procedure=Procedure.SIMPLE)
    if step == "case_serve":
        return Q(status=S.DECIDED) & ~Q(procedure=Procedure.SIMPLE)
    statuses = sorted(status for status, key in BY_STATUS.items() if key == step)
    return Q(status__in=statuses) if statuses else None


def _steps(user):
    if not user.roles & (HANDLERS | LINE):
        return []
    return [(key, label) for key, label in STEP_LABELS.items()]


@register
@provider_steps(_steps)
def cases_waiting(user, step=""):
    roles = user.roles
    if not roles & (HANDLERS | LINE):
        return []
    visible = Case.objects.visible_to(user)
    if step:
        condition = step_condition(step)
        if condition is None:
            return []
        visible = visible.filter(condition)
    wanted = Q()
    if roles & HANDLERS:
        wanted |= (Q(handler=user) | Q(co_handler=user)) & Q(status__in=sorted(OPEN_STATUSES))
    if roles & LINE:
        wanted |= Q(status=S.FILED) | Q(
            status=S.DECIDED, procedure=Procedure.SIMPLE, bureau_filed_at__isnull=True
        )
    rows = (
        visible.filter(wanted)
        .select_related("category", "party")
        .only(
            "number",
            "facts",
            "status",
            "procedure",
            "due_at",
            "address",
            "category__name",
            "category__name_en",
            "category__code",
            "party__name",
            "unit_id",
        )
        .order_by("due_at", "id")[: MAX_ITEMS_PER_PROVIDER * 2]
    )
    items = []
    for case in rows:
        key = step_of(case)
        items.append(
            WorkItem(
                title=f"{case.number} {case.party.name}",
                url=case.get_absolute_url(),
                kind=str(_("Case")),
                due_at=case.due_at,
                status=case.get_status_display(),
                detail=f"{case.category.display_name} · {case.address}",
                step=key,
                step_label=str(STEP_LABELS.get(key, "")),
            )
        )
    return items[:MAX_ITEMS_PER_PROVIDER]
