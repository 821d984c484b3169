"""The campaigns' deadline the reminder sweep watches (PRODUCT §7, §8): a rectification item's re-check,
due at the end of its notice's deadline — warned the working day before, overdue after, escalated to the
squad leader once the escalation delay has passed too."""

from django.utils.translation import gettext_lazy as _

from enforcement.notifications.registry import DeadlineKind, register
from enforcement.org.choices import Role

from .choices import ItemStatus

RECHECK = register(
    DeadlineKind(
        slug="rectification_recheck",
        label=_("Re-check of a rectification item"),
        model="campaigns.RectificationItem",
        due_field="recheck_due_at",
        live_statuses={ItemStatus.NOTICED},
        met_field="rechecked_at",
        changed_field="updated_at",
        handler_fields=("found_by",),
        fallback_roles=(Role.SQUAD_LEADER,),
    )
)
