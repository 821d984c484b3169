"""The complaint approvals the platform's inbox lists (PRODUCT §2, §5): an extension of the reply deadline
(信访工作条例 Art. 34: once, at most 30 days, approved by the authority above the handler) is decided by
the unit's line supervisors — never by its requester, nor by the complaint's handler, who asks for the
time they would use."""

from django.utils.translation import gettext_lazy as _

from enforcement.approvals.registry import ApprovalKind, register
from enforcement.org.choices import LINE_SUPERVISOR_ROLES

from .models import EXTENSION_KIND

EXTENSION = register(
    ApprovalKind(
        slug=EXTENSION_KIND,
        label=_("Extension of the reply deadline"),
        model="complaints.ComplaintExtension",
        subject_field="complaint",
        decider_roles=LINE_SUPERVISOR_ROLES,
        excluded_fields=("handler",),
    )
)
