"""The approvals of execution (PRODUCT §5): a deferral or instalments of a fine (Art. 66) and the one
extension of a seizure (行政强制法 Art. 25), both by the bureau head; nobody decides their own request."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enforcement.approvals.registry import ApprovalKind, register

from .choices import HEAD, LIVE, SeizureStatus
from .models import DEFERRAL_KIND, SEIZURE_EXTENSION_KIND

DEFERRAL = register(
    ApprovalKind(
        slug=DEFERRAL_KIND,
        label=_("Deferral or instalments of a fine"),
        model="penalties.ExecutionApproval",
        subject_field="execution",
        decider_roles=HEAD,
        open_subjects=Q(status__in=sorted(LIVE)),
    )
)
SEIZURE_EXTENSION = register(
    ApprovalKind(
        slug=SEIZURE_EXTENSION_KIND,
        label=_("Extension of a seizure"),
        model="penalties.SeizureApproval",
        subject_field="seizure",
        decider_roles=HEAD,
        excluded_fields=("created_by",),  # the officer who seized does not extend it
        open_subjects=Q(status=SeizureStatus.HELD),
    )
)
